using TriageBot.Core.UseCases;
using TriageBot.Core.Ports;
using TriageBot.Core.Reports;

namespace TriageBot.Charts;

/// <summary>
/// Serves allocation charts at <c>/charts/{token}.png</c>. The token is checked against the backlog's secret and its
/// expiry; anything forged, expired, revoked (dashboard link rotated) or malformed gets the same 404, so a guesser
/// learns nothing about which backlogs exist.
/// </summary>
public static partial class ChartEndpoints
{
    public static WebApplication MapCharts(this WebApplication app)
    {
        app.MapGet("/charts/{token}.png", ServeAsync).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> ServeAsync(string token, ITriageStore store, ReportBuilder reports, TimeProvider time, ILoggerFactory loggers, HttpContext http, CancellationToken ct)
    {
        var backlogId = ChartLinks.BacklogIdOf(token);
        var backlog = backlogId is null ? null : await store.Backlogs.GetAsync(backlogId, ct);
        var request = backlog is null ? null : ChartLinks.Verify(token, backlog.Value, time.GetUtcNow());
        if (request is null)
        {
            LogRefused(loggers.CreateLogger("TriageBot.Charts"));
            return Results.NotFound();
        }

        var review = await reports.BuildAllocationAsync(backlog!.Value, request.At, ct);
        // The figures are fixed by the token's instant, so clients and proxies may keep the picture until the link expires.
        http.Response.Headers.CacheControl = $"private, max-age={(int)Math.Max(0, (request.Expires - time.GetUtcNow()).TotalSeconds)}";
        http.Response.Headers["X-Content-Type-Options"] = "nosniff";
        return Results.File(AllocationChart.RenderPng(review.Streams), "image/png");
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Refused a chart request: unknown, forged or expired link")]
    private static partial void LogRefused(ILogger logger);
}
