using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Delivery;
using TriageBot.Telemetry;

namespace TriageBot.Tests.Telemetry;

/// <summary>One span per delivery attempt on the <c>TriageBot</c> activity source, and the attempt counted by outcome.</summary>
public sealed class OperationsTelemetryTests
{
    [Fact]
    public async Task EachDeliveryAttempt_IsOneSpan_WithItsMessagePlatformAttemptAndOutcome_AndIsCounted()
    {
        var stopped = new ConcurrentQueue<Activity>();
        var id = $"span-test-{Guid.NewGuid():N}";
        var attempted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == OperationsTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if ((string?)a.GetTagItem("triagebot.outbox.message_id") == id)
                {
                    stopped.Enqueue(a);
                    attempted.TrySetResult();
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        // Teams is not configured in this host: the Connector credential refuses before anything is sent, so the attempt is retried.
        using var host = new TestHost();
        _ = host.CreateClient();
        using var recorder = new MetricRecorder(host.Services);
        var ct = TestContext.Current.CancellationToken;
        var store = host.Services.GetRequiredService<ITriageStore>();
        var now = host.Time.GetUtcNow();
        await store.Outbox.EnqueueAsync(new OutboxMessage
        {
            Id = id,
            Kind = OutboxKind.Post,
            Target = new ConversationAddress { Platform = Platform.Teams, Workspace = "tenant", ChannelId = "19:c@thread.tacv2", ServiceUrl = "https://smba.trafficmanager.net/emea/" },
            Payload = OutboxViews.Payload(new TextView("hello")),
            CreatedAt = now,
            NextAttemptAt = now,
        }, ct);

        // Wake the host's own worker, as the conversation layer does after queueing.
        host.Services.GetRequiredService<OutboxSignal>().Notify();
        await attempted.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        // The span ends after the outcome is saved and counted. The retry is due a backoff later on the host's fake clock,
        // which stands still, so no second attempt can start.
        var span = stopped.ShouldHaveSingleItem();
        span.OperationName.ShouldBe("triagebot.delivery.attempt");
        span.GetTagItem("triagebot.platform").ShouldBe("teams");
        span.GetTagItem("triagebot.outbox.kind").ShouldBe("Post");
        span.GetTagItem("triagebot.delivery.attempt").ShouldBe(1);
        span.GetTagItem("triagebot.delivery.outcome").ShouldBe("retry");
        span.Status.ShouldBe(ActivityStatusCode.Ok);
        recorder.Sum("triagebot.delivery.attempts", ("platform", "teams"), ("outcome", "retry")).ShouldBe(1);
        recorder.Sum("triagebot.delivery.failures", ("platform", "teams"), ("permanent", false)).ShouldBe(1);
        (await store.Outbox.CountPendingAsync(ct)).ShouldBe(1);
    }

    [Theory]
    [InlineData("http://127.0.0.1:4317", true)]
    [InlineData(null, false)]
    public void Logs_GoToOpenTelemetry_WhenAnOtlpEndpointIsSet(string? endpoint, bool exported)
    {
        using var host = new TestHost(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint });
        _ = host.CreateClient();

        var providers = host.Services.GetServices<Microsoft.Extensions.Logging.ILoggerProvider>().Select(p => p.GetType().Name).ToList();

        providers.Contains("OpenTelemetryLoggerProvider").ShouldBe(exported, string.Join(", ", providers));
    }

    [Fact]
    public void EveryInstrumentOnTheTriageBotMeter_AndEverySpan_IsNamedInTheOperationsGuide()
    {
        using var host = new TestHost();
        _ = host.CreateClient();
        _ = host.Services.GetRequiredService<OperationsTelemetry>();
        var factory = host.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        var names = new ConcurrentBag<string>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument.Meter.Name == Core.Telemetry.TriageMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    names.Add(instrument.Name);
                }
            },
        };
        listener.Start();
        var guide = File.ReadAllText(Path.Combine(global::TriageBot.Slack.Tests.RepoTools.Root, "docs", "operations.md"));

        names.ShouldContain("triagebot.delivery.attempts");
        names.ShouldContain("triagebot.ceremonies.occurrences");
        names.ShouldContain("triagebot.outbox.depth");
        names.Where(n => !guide.Contains($"`{n}`", StringComparison.Ordinal)).ShouldBeEmpty();
        foreach (var span in new[] { "triagebot.delivery.attempt", "triagebot.ceremony.occurrence" })
        {
            guide.ShouldContain($"`{span}`");
        }
    }
}
