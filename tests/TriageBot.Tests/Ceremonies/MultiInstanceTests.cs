using System.Diagnostics;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Conversation;
using TriageBot.Core.Ports;
using TriageBot.Storage.Tests.Azurite;

namespace TriageBot.Tests.Ceremonies;

/// <summary>
/// Three real hosts on one Azurite store, each with its own fake clock advanced in lock-step through a quarter that
/// crosses the March daylight-saving changes of New York and Berlin and the April one of Sydney: every ceremony,
/// reminder and clinic summary of four backlogs is posted exactly once, at its time, never early.
/// </summary>
public sealed class MultiInstanceTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = new(2027, 2, 15, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset End = new(2027, 5, 15, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A ceremony as the test understands it, written independently of the product's calendar code.</summary>
    private sealed record Rule(CeremonyKind Kind, TimeOnly Time, int LengthMinutes, Func<DateOnly, bool> FallsOn);

    private sealed record Spec(string Id, string Zone, int Lead, (string Channel, ChannelRoles Roles)[] Channels, string[] Commands, Rule[] Rules);

    private sealed record Expected(string Channel, string Title, DateTimeOffset At, bool InThread);

    private static Func<DateOnly, bool> Every(DayOfWeek day) => d => d.DayOfWeek == day;

    private static Func<DateOnly, bool> Fortnightly(DateOnly first) => d => d.DayNumber >= first.DayNumber && (d.DayNumber - first.DayNumber) % 14 == 0;

    private static Func<DateOnly, bool> Nth(int n, DayOfWeek day, params int[] months) => d =>
        d.DayOfWeek == day && (months.Length == 0 || months.Contains(d.Month)) && (n == -1 ? d.AddDays(7).Month != d.Month : (d.Day - 1) / 7 + 1 == n);

    private static readonly Spec[] Backlogs =
    [
        // Defaults. Created Sunday 14 Feb local: the default clinic runs in the weeks of 8 Feb, 22 Feb, … (Wednesdays 10 Feb, 24 Feb, …).
        new("ny", "America/New_York", 15, [("C-ny", ChannelRoles.All)], [],
        [
            new(CeremonyKind.WeeklyStreamReview, new(10, 0), 30, Every(DayOfWeek.Monday)),
            new(CeremonyKind.TriageClinic, new(14, 0), 60, Fortnightly(new(2027, 2, 10))),
            new(CeremonyKind.AllocationReview, new(11, 0), 45, Nth(1, DayOfWeek.Monday)),
            new(CeremonyKind.IceboxSweep, new(15, 0), 90, Nth(1, DayOfWeek.Tuesday, 1, 4, 7, 10)),
        ]),
        // Defaults with a 30-minute lead, the clinic and the reports in different channels. Created Monday 15 Feb local.
        new("berlin", "Europe/Berlin", 30, [("C-berlin-clinic", ChannelRoles.Clinic), ("C-berlin-reports", ChannelRoles.Reports | ChannelRoles.Intake)], ["schedule lead 30"],
        [
            new(CeremonyKind.WeeklyStreamReview, new(10, 0), 30, Every(DayOfWeek.Monday)),
            new(CeremonyKind.TriageClinic, new(14, 0), 60, Fortnightly(new(2027, 2, 17))),
            new(CeremonyKind.AllocationReview, new(11, 0), 45, Nth(1, DayOfWeek.Monday)),
            new(CeremonyKind.IceboxSweep, new(15, 0), 90, Nth(1, DayOfWeek.Tuesday, 1, 4, 7, 10)),
        ]),
        // Custom, set from chat: Sundays at 02:30, which does not exist on 14 March (spring forward) and is posted at 03:30.
        new("spring", "America/New_York", 15, [("C-spring", ChannelRoles.All)],
            ["schedule weekly sun 02:30", "schedule clinic wed 09:00 every 2 weeks", "schedule allocation last fri 16:00 for 30", "schedule sweep first tue apr 15:00"],
        [
            new(CeremonyKind.WeeklyStreamReview, new(2, 30), 30, Every(DayOfWeek.Sunday)),
            new(CeremonyKind.TriageClinic, new(9, 0), 60, Fortnightly(new(2027, 2, 17))),
            new(CeremonyKind.AllocationReview, new(16, 0), 30, Nth(-1, DayOfWeek.Friday)),
            new(CeremonyKind.IceboxSweep, new(15, 0), 90, Nth(1, DayOfWeek.Tuesday, 4)),
        ]),
        // Southern hemisphere: 02:30 on Sunday 4 April happens twice (fall back); the first, daylight one is used.
        new("sydney", "Australia/Sydney", 10, [("C-sydney", ChannelRoles.All)], ["schedule weekly sun 02:30", "schedule clinic thu 10:00", "schedule lead 10"],
        [
            new(CeremonyKind.WeeklyStreamReview, new(2, 30), 30, Every(DayOfWeek.Sunday)),
            new(CeremonyKind.TriageClinic, new(10, 0), 60, Every(DayOfWeek.Thursday)),
            new(CeremonyKind.AllocationReview, new(11, 0), 45, Nth(1, DayOfWeek.Monday)),
            new(CeremonyKind.IceboxSweep, new(15, 0), 90, Nth(1, DayOfWeek.Tuesday, 1, 4, 7, 10)),
        ]),
    ];

    [Fact]
    public async Task ThreeInstancesThroughAQuarter_PostEveryOccurrenceReminderAndSummaryExactlyOnce_NeverEarly()
    {
        var prefix = AzuriteFixture.UniquePrefix("q");
        var log = new SentLog();
        var hosts = new[] { "a", "b", "c" }.Select(n => TestHost.Tables(n, azurite.ConnectionString, prefix, Start, log)).ToArray();
        try
        {
            foreach (var spec in Backlogs)
            {
                await Seed.BacklogAsync(hosts[0].Store, spec.Id, spec.Zone, Start, channels: spec.Channels);
                foreach (var command in spec.Commands)
                {
                    var outcome = await hosts[0].SayAsync(Seed.Facilitator, Seed.Channel(spec.Channels[0].Channel), command);
                    outcome.ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<Core.Views.ReportView>().Title.ShouldBe("Ceremony schedules", command);
                }
            }

            var expected = Backlogs.SelectMany(ExpectedPosts).OrderBy(e => e.At).ThenBy(e => e.Channel).ThenBy(e => e.Title).ToList();
            var ticks = expected.SelectMany(e => new[] { e.At.AddMinutes(-1), e.At }).Where(t => t >= Start && t <= End).Append(End).Distinct().Order().ToList();
            var watch = Stopwatch.StartNew();
            var round = 0;
            foreach (var tick in ticks)
            {
                foreach (var host in hosts)
                {
                    host.SetTime(tick);
                }

                // Every instance ticks at once, in a rotating order, so each occurrence is a real race for the ledger claim.
                var order = Enumerable.Range(0, hosts.Length).Select(i => hosts[(i + round) % hosts.Length]);
                await Task.WhenAll(order.Select(h => Task.Run(() => h.Scheduler.TickAsync(CancellationToken.None))));
                await TestHost.DrainAsync(hosts);
                round++;
            }

            output.WriteLine($"{ticks.Count} ticks × 3 hosts, {log.All.Count} posts, {watch.Elapsed.TotalSeconds:0.0} s");
            var actual = log.All.Where(s => s.Kind == OutboxKind.Post)
                .Select(s => new Expected(s.Target.ChannelId, s.Title, s.At, s.Target.ThreadId is not null))
                .OrderBy(e => e.At).ThenBy(e => e.Channel).ThenBy(e => e.Title).ToList();
            var missing = expected.Except(actual).ToList();
            var extra = actual.ToList();
            foreach (var e in expected)
            {
                extra.Remove(e);
            }

            missing.ShouldBeEmpty("never posted:\n" + string.Join("\n", missing.Take(20)));
            extra.ShouldBeEmpty("posted but not expected (a duplicate, an early post or a wrong time):\n" + string.Join("\n", extra.Take(20)));
            log.All.ShouldNotContain(s => s.Report != null && s.Report.Late, "nothing was missed, so nothing is late");
            log.All.Select(s => s.Host).Distinct().Count().ShouldBeGreaterThan(1, "the posts should be shared between the instances that won the claims");

            // Daylight-saving days, spelled out: 02:30 on 14 March in New York is posted at 03:30 EDT; in Sydney the first 02:30 of 4 April.
            actual.ShouldContain(new Expected("C-spring", "Weekly stream review", new DateTimeOffset(2027, 3, 14, 7, 30, 0, TimeSpan.Zero), false));
            actual.ShouldContain(new Expected("C-sydney", "Weekly stream review", new DateTimeOffset(2027, 4, 3, 15, 30, 0, TimeSpan.Zero), false));
            actual.ShouldContain(new Expected("C-berlin-reports", "Weekly stream review", new DateTimeOffset(2027, 3, 29, 8, 0, 0, TimeSpan.Zero), false));
            actual.ShouldContain(new Expected("C-ny", "Reminder: Triage clinic at 14:00", new DateTimeOffset(2027, 3, 24, 17, 45, 0, TimeSpan.Zero), false));
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    private static IEnumerable<Expected> ExpectedPosts(Spec spec)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(spec.Zone);
        for (var date = new DateOnly(2027, 2, 13); date <= new DateOnly(2027, 5, 16); date = date.AddDays(1))
        {
            foreach (var rule in spec.Rules.Where(r => r.FallsOn(date)))
            {
                var at = Instant(date, rule.Time, zone);
                var name = CeremonyName(rule.Kind);
                var role = rule.Kind == CeremonyKind.TriageClinic ? ChannelRoles.Clinic : ChannelRoles.Reports;
                foreach (var (channel, _) in spec.Channels.Where(c => c.Roles.HasFlag(role)))
                {
                    if (at >= Start && at <= End)
                    {
                        yield return new(channel, rule.Kind == CeremonyKind.TriageClinic ? "Triage clinic agenda" : name, at, false);
                    }

                    var remindAt = at.AddMinutes(-spec.Lead);
                    if (remindAt >= Start && remindAt <= End)
                    {
                        yield return new(channel, $"Reminder: {name} at {TimeZoneInfo.ConvertTime(at, zone):HH:mm}", remindAt, false);
                    }

                    var summaryAt = at.AddMinutes(rule.LengthMinutes);
                    if (rule.Kind == CeremonyKind.TriageClinic && at >= Start && summaryAt <= End)
                    {
                        yield return new(channel, "Triage clinic summary", summaryAt, true);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The instant a wall time names, found by searching instants rather than by the product's rules: the first instant
    /// that shows it (the daylight one when clocks fall back); inside a one-hour spring-forward gap, an hour later.
    /// </summary>
    private static DateTimeOffset Instant(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var wall = date.ToDateTime(time);
        var utc = new DateTimeOffset(DateTime.SpecifyKind(wall, DateTimeKind.Unspecified), TimeSpan.Zero).AddHours(-15);
        for (var i = 0; i < 30 * 60; i++, utc = utc.AddMinutes(1))
        {
            if (TimeZoneInfo.ConvertTime(utc, zone).DateTime == wall)
            {
                return utc;
            }
        }

        return Instant(date, time.AddHours(1), zone);
    }

    private static string CeremonyName(CeremonyKind kind) => kind switch
    {
        CeremonyKind.WeeklyStreamReview => "Weekly stream review",
        CeremonyKind.TriageClinic => "Triage clinic",
        CeremonyKind.AllocationReview => "Stream allocation review",
        _ => "Icebox sweep",
    };
}
