using System.Collections.Concurrent;
using System.Diagnostics;
using TriageBot.Telemetry;

namespace TriageBot.Tests.Ceremonies;

/// <summary>The scheduler records one span per ceremony occurrence it handles, with the occurrence and its outcome, and counts it.</summary>
public sealed class OccurrenceSpanTests
{
    // Monday 1 March 2027 in New York (EST, UTC-5): the weekly review is at 10:00 local = 15:00 UTC.
    private static readonly DateTimeOffset Created = new(2027, 3, 1, 5, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset WeeklyAt = new(2027, 3, 1, 15, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, "posted")]
    [InlineData(3, "posted_late")]
    [InlineData(49, "skipped")]
    public async Task AnOccurrence_IsOneSpan_WithItsBacklogCeremonyAndOutcome_AndIsCounted(int hoursAfter, string outcome)
    {
        var backlogId = $"spans-{hoursAfter}-{Guid.NewGuid():N}"[..20];
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == OperationsTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if ((string?)a.GetTagItem("triagebot.backlog.id") == backlogId)
                {
                    stopped.Enqueue(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = TestHost.Sqlite(Created);
        using var recorder = new MetricRecorder(host.Services);
        await Seed.BacklogAsync(host.Store, backlogId, "America/New_York", Created);
        host.SetTime(WeeklyAt.AddHours(-2));
        await host.Scheduler.TickAsync(CancellationToken.None);

        host.SetTime(WeeklyAt.AddHours(hoursAfter).AddMinutes(1));
        await host.Scheduler.TickAsync(CancellationToken.None);
        await host.Scheduler.TickAsync(CancellationToken.None);

        var span = stopped.Where(a => (string?)a.GetTagItem("triagebot.ceremony") == "WeeklyStreamReview").ShouldHaveSingleItem("one span, although the tick ran twice");
        span.OperationName.ShouldBe("triagebot.ceremony.occurrence");
        span.GetTagItem("triagebot.ceremony.occurrence").ShouldBe("2027-03-01T10:00");
        span.GetTagItem("triagebot.ceremony.outcome").ShouldBe(outcome);
        span.Status.ShouldBe(ActivityStatusCode.Ok);
        recorder.Sum("triagebot.ceremonies.occurrences", ("ceremony", "WeeklyStreamReview"), ("outcome", outcome)).ShouldBe(1);
    }
}
