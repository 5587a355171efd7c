using TriageBot.Core.Ceremonies;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Reports;
using TriageBot.Core.Views;
using static TriageBot.Core.Tests.Streams.Fixtures;

namespace TriageBot.Core.Tests.Reports;

public class RankingTests
{
    [Fact]
    public void Order_IsByWeightedTotalDescending_ThenOldestFirst_UnscoredLast()
    {
        Item[] items =
        [
            Item(1, WorkStream.Bug, created: T0.AddDays(5), total: 19),
            Item(2, WorkStream.Bug, created: T0.AddDays(1), total: 19),
            Item(3, WorkStream.Model, created: T0.AddDays(9), total: 22),
            Item(4, WorkStream.Model, created: T0),
            Item(5, WorkStream.Feature, created: T0.AddDays(2), total: 12),
        ];

        Ranking.Order(items).Select(i => i.Number).ShouldBe([3, 2, 1, 5, 4]);
    }
}

public class ClinicAgendaTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 13, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset LastClinic = Now.AddDays(-14);

    private static IEnumerable<Item> Backlog()
    {
        yield return Item(1, WorkStream.Bug, ItemState.New, Now.AddDays(-2));
        yield return Item(2, WorkStream.Model, ItemState.Ready, Now.AddDays(-1), total: 24);
        yield return Item(3, WorkStream.Bug, ItemState.Closed, Now.AddDays(-1));
        // 25 ready items scored 12..24 over the last weeks; ties broken by age.
        for (var n = 100; n < 125; n++)
        {
            yield return Item(n, WorkStream.Feature, ItemState.Ready, Now.AddDays(-20 - n % 7), total: 12 + n % 13, scoredAt: Now.AddDays(-20));
        }

        yield return Item(200, WorkStream.Bug, ItemState.Icebox, Now.AddMonths(-6), total: 9, scoredAt: Now.AddMonths(-2));
        yield return Item(201, WorkStream.Bug, ItemState.Icebox, Now.AddMonths(-6), total: 9, scoredAt: Now.AddMonths(-2).AddDays(1));
        yield return Item(202, WorkStream.Model, ItemState.Ready, Now.AddMonths(-3));
        yield return Item(203, WorkStream.Bug, ItemState.Icebox, Now.AddMonths(-9), total: 10) with { RescoreRequested = true };
        yield return Item(204, WorkStream.Bug, ItemState.Ready, Now.AddMonths(-5), total: 24, scoredAt: Now.AddMonths(-4));
    }

    [Fact]
    public void StillNew_ListsEveryNewItemOldestFirst_AndNoScoredOne()
    {
        var agenda = ClinicAgendaBuilder.Build(LastClinic, Now, Backlog());

        agenda.Since.ShouldBe(LastClinic);
        agenda.StillNew.Select(a => a.Item.Number).ShouldBe([1]);
    }

    [Fact]
    public void AnItemNew_For204Days_IsOnTheAgenda_BeforeNewerOnes()
    {
        Item[] items = [Item(1, WorkStream.Bug, ItemState.New, Now.AddDays(-2)), Item(2, WorkStream.Feature, ItemState.New, Now.AddDays(-204))];

        var agenda = ClinicAgendaBuilder.Build(LastClinic, Now, items);

        agenda.StillNew.Select(a => a.Item.Number).ShouldBe([2, 1]);
        agenda.Items.Select(a => a.Item.Number).ShouldBe([2, 1]);
        ReportViews.Agenda(agenda).Sections[0].Lines[0].Text.ShouldBe("TRI-2 Item 2 · Feature request, reported Tue 12 Aug 2025 · New for 204 days");
    }

    [Fact]
    public void AnItemLeftUnscored_AtOneClinic_IsOnTheNextClinicsAgendaToo()
    {
        var firstClinic = Now.AddDays(-14);
        Item[] items = [Item(1, WorkStream.Bug, ItemState.New, firstClinic.AddDays(-3))];

        ClinicAgendaBuilder.Build(firstClinic.AddDays(-14), firstClinic, items).StillNew.Select(a => a.Item.Number).ShouldBe([1]);
        ClinicAgendaBuilder.Build(firstClinic, Now, items).StillNew.Select(a => a.Item.Number).ShouldBe([1]);
    }

    [Fact]
    public void AnItemReportedAfterTheClinicStarted_IsNotOnItsAgenda()
    {
        var agenda = ClinicAgendaBuilder.Build(LastClinic, Now, [Item(1, WorkStream.Bug, ItemState.New, Now.AddMinutes(1))]);

        agenda.Items.ShouldBeEmpty();
    }

    [Fact]
    public void ReadyTop_IsTheTwentyBestRanked_HoweverRecentlyReported()
    {
        var agenda = ClinicAgendaBuilder.Build(LastClinic, Now, Backlog());
        var ready = Backlog().Where(i => i.State == ItemState.Ready).ToList();

        agenda.ReadyCount.ShouldBe(28);
        agenda.ReadyTop.Count.ShouldBe(20);
        agenda.ReadyTop.Select(a => a.Item.Number).ShouldBe(Ranking.Order(ready).Take(20).Select(i => i.Number));
        agenda.ReadyTop[0].Item.Number.ShouldBe(204);
        agenda.ReadyTop[0].DueForRescore.ShouldBeTrue();
        agenda.ReadyTop.ShouldContain(a => a.Item.Number == 2, "an item reported yesterday and already scored Ready is ranked with the rest");
    }

    [Fact]
    public void DueForRescore_IsTwoCalendarMonthsSinceTheLastScore_OrCreationWhenNeverScored()
    {
        var agenda = ClinicAgendaBuilder.Build(LastClinic, Now, Backlog());

        // 200: scored exactly 2 months ago; 202: never scored, created 3 months ago; 201: a day short; 204: shown in the top 20.
        agenda.DueForRescore.Shown.Select(a => a.Item.Number).ShouldBe([202, 200]);
        agenda.DueForRescore.Count.ShouldBe(2);
    }

    [Fact]
    public void RescoreRequested_IsListedOnce_NotAgainAsDue()
    {
        var agenda = ClinicAgendaBuilder.Build(LastClinic, Now, Backlog());

        agenda.RescoreRequested.Select(a => a.Item.Number).ShouldBe([203]);
        agenda.DueForRescore.Shown.ShouldNotContain(a => a.Item.Number == 203);
    }

    [Fact]
    public void Outlines_GiveTheSameAgendaAsWholeItems()
    {
        var whole = Backlog().Select(i => i.WithFreeText()).ToList();

        var fromWhole = ClinicAgendaBuilder.Build(LastClinic, Now, whole);
        var fromOutlines = ClinicAgendaBuilder.Build(LastClinic, Now, whole.Select(ItemOutline.Of));

        TestData.Json(ReportViews.Agenda(fromOutlines)).ShouldBe(TestData.Json(ReportViews.Agenda(fromWhole)));
        fromOutlines.Items.Select(a => a.Item.Number).ShouldBe(fromWhole.Items.Select(a => a.Item.Number));
        fromWhole.Items.Count.ShouldBeGreaterThan(20);
    }

    [Fact]
    public void WithoutAPreviousClinic_SinceMeansTheLastFourteenDays()
    {
        var agenda = ClinicAgendaBuilder.Build(null, Now, []);

        agenda.Since.ShouldBe(Now.AddDays(-14));
    }

    [Fact]
    public void View_HasTheSectionsInOrder_AndMarksItemsDueForRescoring()
    {
        var view = ReportViews.Agenda(ClinicAgendaBuilder.Build(LastClinic, Now, Backlog()));

        view.Sections.Select(s => s.Heading).ShouldBe([
            "Still New, oldest first",
            "Top 20 of the ready queue (28 in all)",
            "Re-scoring requested",
            "Due for re-scoring (not scored for 2 months)",
        ]);
        var first = view.Sections[1].Lines[0];
        first.Text.ShouldBe("TRI-204 Item 204 · total 24 · due for re-scoring");
        first.Item!.DueForRescore.ShouldBeTrue();
        first.Problem.ShouldBeTrue();
    }

    [Fact]
    public void View_OfABusyFortnight_ListsTheFirstFiftyNewItems_SaysHowManyMore_AndEveryItemKeepsItsBallot()
    {
        var reported = Enumerable.Range(1000, 1300).Select(n => Item(n, WorkStream.Bug, ItemState.New, Now.AddDays(-1).AddSeconds(n)));
        var agenda = ClinicAgendaBuilder.Build(LastClinic, Now, reported);

        var lines = ReportViews.Agenda(agenda).Sections[0].Lines;

        lines.Count.ShouldBe(51);
        lines[0].Text.ShouldStartWith("TRI-1000 ");
        lines[49].Text.ShouldStartWith("TRI-1049 ");
        lines[50].Text.ShouldBe("…and 1250 more, each with its ballot in this thread.");
        agenda.Items.Count.ShouldBe(1300);
    }

    [Fact]
    public void View_OfAnEmptyBacklog_SaysSoInEachSection_WithNoTopZeroHeading()
    {
        var view = ReportViews.Agenda(ClinicAgendaBuilder.Build(LastClinic, Now, []));

        view.Sections.Select(s => s.Heading).ShouldBe(["Still New, oldest first", "Ready queue", "Due for re-scoring (not scored for 2 months)"]);

        view.Sections.Select(s => s.Lines.ShouldHaveSingleItem().Text).ShouldBe([
            "No item is waiting for its first score.",
            "The ready queue is empty.",
            "No other item is due for re-scoring.",
        ]);
    }
}

public class IceboxSweepTests
{
    private static readonly DateTimeOffset Now = new(2026, 7, 7, 13, 0, 0, TimeSpan.Zero);

    private static Item Iced(int n, DateTimeOffset since, DateTimeOffset created, DateTimeOffset? scoredAt = null, string? keep = null) =>
        Item(n, WorkStream.Bug, ItemState.Icebox, created, total: scoredAt is null ? null : 9, scoredAt: scoredAt) with { StateSince = since, KeepReason = keep };

    private static readonly Item[] Items =
    [
        Iced(1, new(2025, 12, 1, 0, 0, 0, TimeSpan.Zero), new(2025, 11, 1, 0, 0, 0, TimeSpan.Zero), new(2025, 11, 1, 0, 0, 0, TimeSpan.Zero)),
        Iced(2, new(2025, 12, 1, 0, 0, 0, TimeSpan.Zero), new(2025, 11, 1, 0, 0, 0, TimeSpan.Zero), new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)),
        Iced(3, new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero)),
        Iced(4, new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), keep: "contractual commitment"),
        Item(5, WorkStream.Bug, ItemState.Ready, new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)),
        Iced(6, new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero), new(2025, 5, 1, 0, 0, 0, TimeSpan.Zero)),
        Iced(7, Now.AddMonths(-6), Now.AddMonths(-6)),
    ];

    [Fact]
    public void Sweep_ListsIceboxItemsOlderThanSixMonths_NotRescored_WithoutAKeepReason_OldestFirst()
    {
        var sweep = IceboxSweepBuilder.Build(Now, Items);

        sweep.Cutoff.ShouldBe(new DateTimeOffset(2026, 1, 7, 13, 0, 0, TimeSpan.Zero));
        sweep.Items.Shown.Select(s => s.Item.Number).ShouldBe([6, 1, 7]);
        sweep.Items.Count.ShouldBe(3);
    }

    [Fact]
    public void Outlines_GiveTheSameSweepAsWholeItems()
    {
        var whole = Items.Select(i => i.WithFreeText()).ToList();

        var fromWhole = ReportViews.Sweep(IceboxSweepBuilder.Build(Now, whole));

        TestData.Json(ReportViews.Sweep(IceboxSweepBuilder.Build(Now, whole.Select(ItemOutline.Of)))).ShouldBe(TestData.Json(fromWhole));
        fromWhole.Sections.Count(s => s.Actions.Count == 1 && s.Heading.StartsWith("TRI-", StringComparison.Ordinal)).ShouldBeGreaterThan(1);
    }

    [Fact]
    public void View_GivesEachItemOneDecideButton_ForCloseRescorePromoteOrKeep()
    {
        var view = ReportViews.Sweep(IceboxSweepBuilder.Build(Now, Items));

        view.Title.ShouldBe("Icebox sweep");
        view.Sections.Count.ShouldBe(3);
        var six = view.Sections[0];
        six.Heading.ShouldBe("TRI-6 Item 6");
        six.Lines.ShouldHaveSingleItem().Text.ShouldBe("In the icebox since Sun 1 Jun 2025, never scored (reported Thu 1 May 2025).");
        six.Lines[0].Item.ShouldBeNull("the heading names the item; channels would repeat its key and title before the line");
        six.Actions.Select(a => (a.ActionId, a.Argument)).ShouldBe([(ButtonIds.SweepDecide, "b1/6")]);
        six.Actions[0].Label.ShouldBe("Decide…");
        view.Sections.ShouldAllBe(s => s.Actions.Count == 1);
    }

    [Fact]
    public void View_OfAnEmptySweep_SaysThereIsNothingToSweep()
    {
        var view = ReportViews.Sweep(IceboxSweepBuilder.Build(Now, []));

        view.Sections.ShouldHaveSingleItem().Heading.ShouldBe("Nothing to sweep");
    }
}

public class CapabilityNoteReminderTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    [Fact]
    public void Due_AreFeaturesUnansweredForTwoWorkingDays_NotYetReminded()
    {
        var thursday = new DateTimeOffset(2026, 1, 8, 17, 0, 0, TimeSpan.FromHours(-5));
        var mondayNoon = new DateTimeOffset(2026, 1, 12, 12, 0, 0, TimeSpan.FromHours(-5));
        Item[] items =
        [
            Item(1, WorkStream.Feature) with { Feature = new() { CapabilityNoteRequestedAt = thursday } },                                  // Thu 17:00 + 2 = Mon 17:00
            Item(2, WorkStream.Feature) with { Feature = new() { CapabilityNoteRequestedAt = thursday.AddDays(-1) } },                      // Wed 17:00 + 2 = Fri 17:00
            Item(3, WorkStream.Feature) with { Feature = new() { CapabilityNoteRequestedAt = thursday.AddDays(-1), CapabilityNoteReminded = true } },
            Item(4, WorkStream.Feature, ItemState.Closed) with { Feature = new() { CapabilityNoteRequestedAt = thursday.AddDays(-7) } },
        ];

        CapabilityNoteReminders.Due(items, NewYork, mondayNoon).Select(i => i.Number).ShouldBe([2]);
        CapabilityNoteReminders.Due(items, NewYork, mondayNoon.AddHours(5)).Select(i => i.Number).ShouldBe([1, 2]);
    }
}

public class ReminderAndAllocationViewTests
{
    [Fact]
    public void Reminder_SaysWhichCeremonyStartsWhenAndForHowLong()
    {
        var startsAt = new DateTimeOffset(2026, 1, 21, 14, 0, 0, TimeSpan.FromHours(1));

        var view = ReportViews.Reminder(CeremonyKind.TriageClinic, startsAt, 60);

        view.Title.ShouldBe("Reminder: Triage clinic at 14:00");
        view.Sections.ShouldHaveSingleItem().Lines.ShouldHaveSingleItem().Text.ShouldBe("Starts Wed 21 Jan 2026, 14:00 and runs for 60 minutes.");
    }

    [Fact]
    public void Allocation_ShowsPlannedVsActual_FlagsOffPlan_AndAsksAboutModelUnderrun()
    {
        var now = T0.AddDays(56);
        HistoryEntry[] history = [Activated(1, WorkStream.Model, T0.AddDays(42)), Activated(2, WorkStream.Feature, T0)];
        Item[] active = [Item(1, WorkStream.Model, ItemState.Active) with { StateSince = T0.AddDays(42) }, Item(2, WorkStream.Feature, ItemState.Active) with { StateSince = T0 }];
        var settings = new TriageBot.Core.Backlogs.BacklogSettings { LaunchDate = DateOnly.FromDateTime(now.UtcDateTime).AddDays(-5) };

        var view = ReportViews.Allocation(AllocationReviewBuilder.Build(settings, TimeZoneInfo.Utc, now, history, active));

        view.Title.ShouldBe("Stream allocation review");
        var lines = view.Sections[0].Lines;
        lines[0].ShouldBe(new ReportLine("Model quality: planned 40%, actual 20% (14 days of work, −20 points): off plan by more than 10 points", null, true));
        lines[1].Text.ShouldBe("Engineering bugs: planned 25%, actual 0% (0 days of work, −25 points): off plan by more than 10 points");
        lines[2].Text.ShouldBe("Feature requests: planned 35%, actual 80% (56 days of work, +45 points): off plan by more than 10 points");
        view.Sections.Select(s => s.Heading).ShouldBe(["Planned vs actual", "Incident lane", "Question for the team", "Post-launch tail", "Cautious release lane", $"Allocation in force for {NextMonth(now):MMMM yyyy}"]);
        view.Sections[2].Lines.ShouldHaveSingleItem().Text.ShouldBe("Model work ran at 20% against a plan of 40%: why did model work underrun?");
        view.Sections[3].Lines[1].Text.ShouldBe("Feature work (actual 80%) exceeds the 10% left after the 25% tail reserve and the planned model and bug shares.");
    }

    [Fact]
    public void Allocation_PublishesThePlanInForceNextMonth_WithWarningsOutsideTheMethodsRanges()
    {
        var now = T0.AddDays(56);
        var settings = TriageBot.Core.Allocation.AllocationPlan.WithPlanFrom(new TriageBot.Core.Backlogs.BacklogSettings(), NextMonth(now), new(20, 20, 60));

        var view = ReportViews.Allocation(AllocationReviewBuilder.Build(settings, TimeZoneInfo.Utc, now, [], []));

        view.Sections[0].Lines.Select(l => l.Text).ShouldContain(t => t.StartsWith("Model quality: planned 40%", StringComparison.Ordinal));
        var next = view.Sections[^1];
        next.Heading.ShouldBe($"Allocation in force for {NextMonth(now):MMMM yyyy}");
        next.Lines.Select(l => (l.Text, l.Problem)).ShouldBe([
            ("Model 20%, bug 20%, feature 60%. Facilitators change it with `allocation`.", false),
            ("The model share of 20% is outside the recommended 30–50% for a early product.", true),
            ("The feature share of 60% is outside the recommended 30–50% for a early product.", true),
        ]);
    }

    private static DateOnly NextMonth(DateTimeOffset now) => new DateOnly(now.Year, now.Month, 1).AddMonths(1);
}
