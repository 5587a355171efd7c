using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Ports;

namespace TriageBot.Tests.Ceremonies;

/// <summary>Occurrences missed while the bot was down: posted once and marked late inside the window, recorded as skipped beyond it.</summary>
public sealed class LateAndSkippedTests
{
    // Monday 1 March 2027 in New York (EST, UTC-5): the weekly review is at 10:00 local = 15:00 UTC.
    private static readonly DateTimeOffset Created = new(2027, 3, 1, 5, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset WeeklyAt = new(2027, 3, 1, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task DownForThreeHours_TheMissedReviewIsPostedOnce_MarkedLate_AndItsReminderIsNotSent()
    {
        await using var host = TestHost.Sqlite(Created);
        await Seed.BacklogAsync(host.Store, "late", "America/New_York", Created);
        await TickAsync(host, WeeklyAt.AddHours(-2)); // last tick before going down

        await TickAsync(host, WeeklyAt.AddHours(3)); // back up
        await TickAsync(host, WeeklyAt.AddHours(3).AddMinutes(10));
        await TickAsync(host, WeeklyAt.AddHours(4));

        var reviews = host.Log.All.Where(s => s.Title == "Weekly stream review").ToList();
        var review = reviews.ShouldHaveSingleItem();
        review.Report!.Late.ShouldBeTrue();
        review.At.ShouldBe(WeeklyAt.AddHours(3));
        host.Log.All.ShouldNotContain(s => s.Title.StartsWith("Reminder", StringComparison.Ordinal));

        var ledger = await LedgerAsync(host, "late");
        ledger.Single(e => e.Occurrence == "2027-03-01T10:00").Outcome.ShouldBe(OccurrenceOutcome.PostedLate);
        ledger.ShouldNotContain(e => e.Occurrence == "2027-03-01T10:00:reminder" && e.Outcome != OccurrenceOutcome.Skipped, "a reminder after the start is pointless");
    }

    [Fact]
    public async Task DownForTwoDays_TheMissedReviewIsRecordedAsSkipped_AndNotPosted()
    {
        await using var host = TestHost.Sqlite(Created);
        await Seed.BacklogAsync(host.Store, "skip", "America/New_York", Created);
        await TickAsync(host, WeeklyAt.AddHours(-2));

        await TickAsync(host, WeeklyAt.AddDays(2).AddHours(1));
        await TickAsync(host, WeeklyAt.AddDays(2).AddHours(2));

        host.Log.All.ShouldNotContain(s => s.Title == "Weekly stream review");
        (await LedgerAsync(host, "skip")).Single(e => e.Occurrence == "2027-03-01T10:00").Outcome.ShouldBe(OccurrenceOutcome.Skipped);
    }

    [Fact]
    public async Task DownForTwoDays_WithAThreeDayMissedWindow_TheReviewIsPostedLate()
    {
        await using var host = TestHost.Sqlite(Created);
        await Seed.BacklogAsync(host.Store, "wide", "America/New_York", Created, new BacklogSettings { MissedWindowHours = 72 });
        await TickAsync(host, WeeklyAt.AddHours(-2));

        await TickAsync(host, WeeklyAt.AddDays(2).AddHours(1));

        host.Log.All.Single(s => s.Title == "Weekly stream review").Report!.Late.ShouldBeTrue();
    }

    [Fact]
    public async Task AClinicPostedLate_GetsItsFullLengthBeforeTheSummary()
    {
        // The default clinic is every other Wednesday at 14:00 from the week the backlog was created: Wed 3 March, 19:00 UTC.
        var clinicAt = new DateTimeOffset(2027, 3, 3, 19, 0, 0, TimeSpan.Zero);
        await using var host = TestHost.Sqlite(Created);
        await Seed.BacklogAsync(host.Store, "clinic", "America/New_York", Created);
        await TickAsync(host, clinicAt.AddHours(-1));

        await TickAsync(host, clinicAt.AddHours(2)); // down for the clinic's start: posted late at 16:00 local
        await TickAsync(host, clinicAt.AddHours(2).AddMinutes(30));
        host.Log.All.Single(s => s.Title == "Triage clinic agenda").Report!.Late.ShouldBeTrue();
        host.Log.All.ShouldNotContain(s => s.Title == "Triage clinic summary");

        await TickAsync(host, clinicAt.AddHours(3)); // 60 minutes after the late kickoff
        var summary = host.Log.All.Where(s => s.Title == "Triage clinic summary").ShouldHaveSingleItem();
        summary.Target.ThreadId.ShouldBe(host.Log.All.Single(s => s.Title == "Triage clinic agenda").PlatformMessageId);
    }

    private static async Task TickAsync(TestHost host, DateTimeOffset at)
    {
        host.SetTime(at);
        await host.Scheduler.TickAsync(CancellationToken.None);
        await host.DrainAsync();
    }

    private static async Task<List<LedgerEntry>> LedgerAsync(TestHost host, string backlogId)
    {
        var entries = new List<LedgerEntry>();
        await foreach (var e in host.Store.Ledger.ListAsync(backlogId, Created.AddDays(-10), CancellationToken.None))
        {
            entries.Add(e);
        }

        return entries.Where(e => e.Ceremony is CeremonyKind.WeeklyStreamReview or CeremonyKind.TriageClinic && !e.Occurrence.StartsWith("nudges:", StringComparison.Ordinal)).ToList();
    }
}
