using TriageBot.Core.Ports;

namespace TriageBot.Hosting;

/// <summary>
/// The safety net for storage outages: any request that fails with <see cref="StoreUnavailableException"/> and has not
/// started its answer gets 503 with <c>Retry-After</c>, never a 500 or a success. The channels answer their own 503s first.
/// </summary>
public static partial class StoreUnavailableExtensions
{
    public const int RetryAfterSeconds = 5;

    public static WebApplication UseStoreUnavailableAs503(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TriageBot.Hosting.StoreUnavailable");
        app.Use(async (http, next) =>
        {
            try
            {
                await next(http);
            }
            catch (StoreUnavailableException) when (!http.Response.HasStarted)
            {
                LogUnavailable(logger, http.Request.Path);
                http.Response.Clear();
                http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await http.Response.WriteAsync("Storage is unavailable; nothing was changed. Try again shortly.", http.RequestAborted);
            }
        });
        return app;
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Warning, Message = "Request to {Path} answered 503: the store is unavailable")]
    private static partial void LogUnavailable(ILogger logger, PathString path);
}
