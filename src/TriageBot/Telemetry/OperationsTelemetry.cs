using System.Diagnostics;
using System.Diagnostics.Metrics;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;
using TriageBot.Core.Telemetry;

namespace TriageBot.Telemetry;

/// <summary>
/// What operators watch besides requests: a span per delivery attempt and per ceremony occurrence (activity source
/// <c>TriageBot</c>), and their counters on the <c>TriageBot</c> meter. Names and tags are listed in docs/operations.md.
/// </summary>
public sealed class OperationsTelemetry
{
    public const string ActivitySourceName = "TriageBot";

    /// <summary>The source of TriageBot's own spans; exported with the ASP.NET Core and HttpClient ones.</summary>
    public static readonly ActivitySource Source = new(ActivitySourceName);

    private readonly Counter<long> _deliveryAttempts;
    private readonly Histogram<double> _deliveryDuration;
    private readonly Counter<long> _occurrences;

    public OperationsTelemetry(TriageMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _deliveryAttempts = metrics.Meter.CreateCounter<long>("triagebot.delivery.attempts", "{attempt}",
            "Outbox delivery attempts by platform and outcome (sent, retry, failed, waiting, dropped).");
        _deliveryDuration = metrics.Meter.CreateHistogram<double>("triagebot.delivery.duration", "s",
            "How long one delivery attempt took, platform calls included.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        _occurrences = metrics.Meter.CreateCounter<long>("triagebot.ceremonies.occurrences", "{occurrence}",
            "Ceremony occurrences that came due, by outcome (posted, posted_late, skipped, failed).");
    }

    public void DeliveryAttempted(string platform, string outcome, TimeSpan took)
    {
        KeyValuePair<string, object?>[] tags = [new("platform", platform), new("outcome", outcome)];
        _deliveryAttempts.Add(1, tags);
        _deliveryDuration.Record(took.TotalSeconds, tags);
    }

    public void OccurrenceHandled(string ceremony, string outcome) =>
        _occurrences.Add(1, new("ceremony", ceremony), new("outcome", outcome));
}

/// <summary>Adds TriageBot's spans, the operations counters and OpenTelemetry logs to the exporters <c>AddTelemetry</c> set up.</summary>
public static class OperationsTelemetryExtensions
{
    public static WebApplicationBuilder AddOperationsTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OperationsTelemetry>();
        var otel = builder.Services.AddOpenTelemetry().WithTracing(t => t.AddSource(OperationsTelemetry.ActivitySourceName));

        // Logs as OpenTelemetry log records, with the active span's trace id, so a log line and its request or delivery
        // span meet in the backend. Azure Monitor's distro exports logs itself; OTLP needs its exporter on the logs too.
        if (!string.IsNullOrWhiteSpace(builder.Configuration[TelemetryExtensions.OtlpEndpointSetting]))
        {
            otel.WithLogging(logs => logs.AddOtlpExporter(), options =>
            {
                options.IncludeFormattedMessage = true;
                options.IncludeScopes = true;
            });
        }

        return builder;
    }
}
