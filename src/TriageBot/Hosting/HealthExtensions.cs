using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TriageBot.Hosting;

/// <summary>/alive (the process answers) and /health (ready: every registered check passes).</summary>
public static class HealthExtensions
{
    public static WebApplicationBuilder AddTriageHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), tags: ["live"]);
        return builder;
    }

    public static WebApplication MapTriageHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health", new() { Predicate = r => !r.Tags.Contains("live") || r.Name == "self" });
        app.MapHealthChecks("/alive", new() { Predicate = r => r.Tags.Contains("live") });
        return app;
    }

    public static void LogListeningAddresses(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TriageBot");
            foreach (var url in app.Urls)
            {
                Log.Listening(logger, url);
            }
        });
    }
}

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "TriageBot listening on {Url}")]
    public static partial void Listening(ILogger logger, string url);
}
