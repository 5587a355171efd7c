using System.Text;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using TriageBot.Delivery;
using TriageBot.Scheduling;
using TriageBot.Slack;
using TriageBot.Storage;
using TriageBot.Teams;

namespace TriageBot.Hosting;

/// <summary>/alive (the process answers) and /health (ready: storage reachable and configuration valid), plus the host's start-up checks.</summary>
public static class HealthExtensions
{
    public static WebApplicationBuilder AddTriageHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<HostSettings>().Bind(builder.Configuration).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<HostSettings>, HostSettingsValidator>();
        builder.Services.AddOptions<DeliveryOptions>().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<DeliveryOptions>, DeliveryOptionsValidator>();
        builder.Services.AddOptions<SchedulerOptions>().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SchedulerOptions>, SchedulerOptionsValidator>();
        builder.Services.AddOptions<MaintenanceOptions>().Bind(builder.Configuration.GetSection("Maintenance"))
            .Validate(o => o.Interval > TimeSpan.Zero, "Maintenance:Interval must be more than 0 (for example 1.00:00:00, daily).")
            .Validate(o => o.SentOutboxRetention >= TimeSpan.Zero, "Maintenance:SentOutboxRetention must not be negative.")
            .Validate(o => o.InboxRetention >= TimeSpan.FromHours(1),
                "Maintenance:InboxRetention must be at least 01:00:00: Slack retries an event for minutes after it first arrives, and an inbox record purged sooner would let a retry be handled twice.")
            .ValidateOnStart();
        builder.Services.AddHostedService<MaintenanceService>();

        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), tags: ["live"])
            .AddCheck<ConfigurationHealthCheck>("configuration", tags: ["ready"]);
        return builder;
    }

    public static WebApplication MapTriageHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health", new() { Predicate = r => !r.Tags.Contains("live") || r.Name == "self", ResponseWriter = WriteAsync });
        app.MapHealthChecks("/alive", new() { Predicate = r => r.Tags.Contains("live") });
        return app;
    }

    /// <summary>
    /// "Healthy" when all is well; otherwise the status and, per failing check, its name and what it said. A healthy check
    /// that has something to say (the Slack Socket Mode connection) is listed too.
    /// </summary>
    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "text/plain; charset=utf-8";
        var text = new StringBuilder(report.Status.ToString());
        foreach (var (name, entry) in report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy || e.Value.Description is not null).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            text.Append('\n').Append(name).Append(": ").Append(entry.Status).Append(" - ").Append(entry.Description ?? entry.Exception?.Message ?? "no details");
        }

        return http.Response.WriteAsync(text.ToString());
    }

    public static void LogListeningAddresses(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TriageBot");
            foreach (var warning in StartupWarnings.For(app.Configuration, app.Environment))
            {
                StartupWarnings.Log(logger, warning);
            }

            foreach (var url in app.Urls)
            {
                Log.Listening(logger, url);
            }
        });
    }
}

/// <summary>/health's "configuration valid": every settings section of the host still passes its validation.</summary>
internal sealed class ConfigurationHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        Check<HostSettings>(problems);
        Check<StorageOptions>(problems);
        Check<SlackOptions>(problems);
        Check<TeamsOptions>(problems);
        Check<DeliveryOptions>(problems);
        Check<SchedulerOptions>(problems);
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy()
            : new HealthCheckResult(context.Registration.FailureStatus, string.Join(" ", problems)));
    }

    private void Check<T>(List<string> problems)
        where T : class
    {
        try
        {
            _ = services.GetService<IOptions<T>>()?.Value;
        }
        catch (OptionsValidationException e)
        {
            problems.AddRange(e.Failures);
        }
    }
}

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "TriageBot listening on {Url}")]
    public static partial void Listening(ILogger logger, string url);
}
