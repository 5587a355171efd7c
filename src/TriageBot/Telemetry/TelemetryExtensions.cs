using Azure.Monitor.OpenTelemetry.AspNetCore;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using TriageBot.Core.Telemetry;

namespace TriageBot.Telemetry;

/// <summary>
/// OpenTelemetry traces and metrics (ASP.NET Core, HttpClient and the <c>TriageBot</c> meter), exported only where
/// configured: OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, Azure Monitor when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set.
/// </summary>
public static class TelemetryExtensions
{
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string AppInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TriageMetrics>();
        builder.Services.AddSingleton<OutboxDepthGauge>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxDepthGauge>());
        builder.AddSecretRedaction();

        var otel = builder.Services.AddOpenTelemetry()
            // Path redaction first, so every exporter added later sees route templates, never a dashboard or chart token.
            .WithTracing(t => t.AddPathRedaction().AddAspNetCoreInstrumentation().AddHttpClientInstrumentation())
            .WithMetrics(m => m.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddMeter(TriageMetrics.MeterName));

        // The OTLP exporter reads its endpoint (and headers, protocol) from the standard OTEL_* settings itself.
        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointSetting]))
        {
            otel.WithTracing(t => t.AddOtlpExporter()).WithMetrics(m => m.AddOtlpExporter());
        }

        if (!string.IsNullOrWhiteSpace(builder.Configuration[AppInsightsSetting]))
        {
            // Azure Monitor's distro picks the connection string from the same setting; it also exports logs.
            otel.UseAzureMonitor();
        }

        return builder;
    }

    /// <summary>Counts inbound requests per channel (by endpoint path), before the channel verifies them.</summary>
    public static WebApplication UseRequestMetrics(this WebApplication app)
    {
        var metrics = app.Services.GetRequiredService<TriageMetrics>();
        app.Use(async (http, next) =>
        {
            if (ChannelOf(http.Request.Path) is { } hit)
            {
                metrics.RequestReceived(hit.Channel, hit.Kind);
            }

            await next(http);
        });
        return app;
    }

    /// <summary>The channel and kind of request a path belongs to; null for pages, health and the rest.</summary>
    public static (string Channel, string Kind)? ChannelOf(PathString path)
    {
        if (path.StartsWithSegments("/slack", out var rest))
        {
            return rest.Value?.Trim('/') switch
            {
                "events" => ("slack", "event"),
                "commands" => ("slack", "command"),
                "interactivity" => ("slack", "interaction"),
                _ => ("slack", "other"),
            };
        }

        if (path.StartsWithSegments("/api/messages"))
        {
            return ("teams", "activity");
        }

        if (path.StartsWithSegments("/playground/api"))
        {
            return ("playground", "interaction");
        }

        return null;
    }
}
