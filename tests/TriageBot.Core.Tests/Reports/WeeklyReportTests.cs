using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Reports;
using TriageBot.Core.Streams;
using TriageBot.Core.Views;
using static TriageBot.Core.Tests.Streams.Fixtures;

namespace TriageBot.Core.Tests.Reports;

public class WeeklyReportTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly DateTimeOffset Now = new(2026, 2, 2, 9, 0, 0, TimeSpan.Zero); // Monday 10:00 in Berlin
    private static readonly BacklogSettings Settings = new() { Engineers = 3, BugWipPerEngineer = 1, WipLimitModel = 3, WipLimitFeature = 4 };

    private static Item Model(int n, DateTimeOffset end) =>
        Item(n, WorkStream.Model, ItemState.Active) with { Model = new ModelFields { Timebox = new Timebox(7, end.AddDays(-7), end) } };

    private static Item Feature(int n, ItemState state, FeatureFields fields) => Item(n, WorkStream.Feature, state) with { Feature = fields };

    private static readonly CapabilityNote Note = new("needs retrieval tuning", CapabilityScale.DaysFeature, Eng, Now.AddDays(-30));

    private static WeeklyReport Scenario() => WeeklyReportBuilder.Build(Settings, Berlin, Now, ScenarioHistory(), ScenarioItems());

    private static HistoryEntry[] ScenarioHistory() =>
        [
            Entry(2, WorkStream.Model, HistoryKind.TimeboxSet, Now.AddDays(-10), to: Iso(Now.AddDays(-5))),
            Entry(2, WorkStream.Model, HistoryKind.TimeboxSet, Now.AddDays(-5), from: Iso(Now.AddDays(-5)), to: Iso(Now.AddDays(2))),
            Entry(3, WorkStream.Model, HistoryKind.TimeboxSet, Now.AddDays(-10), to: Iso(Now.AddDays(-4))),
            Entry(3, WorkStream.Model, HistoryKind.Rescoped, Now.AddDays(-4), from: Iso(Now.AddDays(-4)), to: Iso(Now.AddDays(3)), reason: "new eval slice"),
        ];

    private static Item[] ScenarioItems() =>
        [
            Model(1, Now.AddDays(-1)),
            Model(2, Now.AddDays(2)),
            Model(3, Now.AddDays(3)),
            Item(10, WorkStream.Bug, ItemState.Ready, Now.AddDays(-40)),
            Item(11, WorkStream.Bug, ItemState.New, Now.AddDays(-3)),
            Item(12, WorkStream.Bug, ItemState.Done, Now.AddDays(-9)),
            Item(13, WorkStream.Bug, ItemState.Closed, Now.AddDays(-100)),
            .. Enumerable.Range(14, 4).Select(n => Item(n, WorkStream.Bug, ItemState.Active, Now.AddDays(-20))),
            Feature(20, ItemState.Active, new() { Column = FeatureColumn.Build, CapabilityNote = Note }),
            Feature(21, ItemState.Ready, new() { Column = FeatureColumn.Discovery, ColumnSince = Now.AddDays(-12), CapabilityNote = Note }),
            Feature(22, ItemState.Ready, new() { ColumnSince = Now, CapabilityNoteRequestedAt = Now.AddDays(-1) }),
            Feature(23, ItemState.Sprint, new() { ColumnSince = Now, CapabilityNoteRequestedAt = Now.AddDays(-7) }),
        ];

    [Fact]
    public void OpenItemsPlusDoneAndClosedBugsSinceTheCutoff_GiveTheSameReportAsEveryItem()
    {
        // Recent done work of other streams and old closed bugs must not change the report.
        Item[] all =
        [
            .. ScenarioItems(),
            Model(30, Now.AddDays(-2)) with { State = ItemState.Done, CreatedAt = Now.AddDays(-5) },
            Feature(31, ItemState.Closed, new() { Column = FeatureColumn.Build }) with { CreatedAt = Now.AddDays(-1) },
            Item(32, WorkStream.Bug, ItemState.Done, Now.AddDays(-15)),
            Item(33, WorkStream.Bug, ItemState.Closed, Now.AddDays(-14)),
        ];
        var cutoff = new WeeklyReportBuilder(Settings, Berlin, Now).ClosedBugsSince;
        var read = all.Where(i => FeatureChecks.IsOpen(i.State) || (i.Stream == WorkStream.Bug && i.CreatedAt >= cutoff)).ToList();

        read.Count.ShouldBeLessThan(all.Length);
        var everything = WeeklyReportBuilder.Build(Settings, Berlin, Now, ScenarioHistory(), all);
        var filtered = WeeklyReportBuilder.Build(Settings, Berlin, Now, ScenarioHistory(), read);
        System.Text.Json.JsonSerializer.Serialize(filtered).ShouldBe(System.Text.Json.JsonSerializer.Serialize(everything));
        everything.Bug.ReportedPrevious7Days.ShouldBe(2);
    }

    [Fact]
    public void Outlines_GiveTheSameReportAsWholeItems()
    {
        var whole = ScenarioItems().Select(i => i.WithFreeText()).ToList();

        var fromWhole = ReportViews.Weekly(WeeklyReportBuilder.Build(Settings, Berlin, Now, ScenarioHistory(), whole));
        var fromOutlines = ReportViews.Weekly(WeeklyReportBuilder.Build(Settings, Berlin, Now, ScenarioHistory(), whole.Select(ItemOutline.Of)));

        TestData.Json(fromOutlines).ShouldBe(TestData.Json(fromWhole));
        fromWhole.Sections.SelectMany(s => s.Lines).Count(l => l.Item is not null).ShouldBeGreaterThan(5);
    }

    [Fact]
    public void Wip_IsCountedPerStream_AndBugsOverTheLimitAreFlagged()
    {
        var report = Scenario();

        report.Wip.ShouldBe([
            new StreamWip(WorkStream.Model, 3, 3, false),
            new StreamWip(WorkStream.Bug, 4, 3, true),
            new StreamWip(WorkStream.Feature, 1, 4, false),
            new StreamWip(WorkStream.Incident, 0, 2, false),
        ]);
        report.At.Offset.ShouldBe(TimeSpan.FromHours(1));
    }

    [Fact]
    public void Model_ListsExpiredTimeboxes_AndOnlyExtensionsWithoutAReason()
    {
        var report = Scenario();

        report.Model.ExpiredTimeboxes.Shown.Select(i => i.Number).ShouldBe([1]);
        var silent = report.Model.SilentExtensions.Shown.ShouldHaveSingleItem();
        silent.Item.Number.ShouldBe(2);
        silent.Extension.NewEnd.ShouldBe(Now.AddDays(2));
    }

    [Fact]
    public void Bug_HasTheOldestOpenBugAndTheInflowOfTwoWeeks()
    {
        var report = Scenario();

        report.Bug.OldestOpen!.Item.Number.ShouldBe(10);
        report.Bug.OldestOpen.Days.ShouldBe(40);
        report.Bug.ReportedLast7Days.ShouldBe(1);
        report.Bug.ReportedPrevious7Days.ShouldBe(1);
    }

    [Fact]
    public void Feature_ListsBuildWithoutMetric_LongDiscovery_AndMissingNotes()
    {
        var report = Scenario();

        report.Feature.InBuildWithoutMetric.Shown.Select(i => i.Number).ShouldBe([20]);
        report.Feature.LongInDiscovery.Shown.ShouldHaveSingleItem().ShouldBe(new AgedItem(report.Feature.LongInDiscovery.Shown[0].Item, 12));
        report.Feature.WaitingForNote.Shown.Select(w => (w.Item.Number, w.Unanswered)).ShouldBe([(23, true), (22, false)]);
    }

    [Fact]
    public void View_HasOneSectionPerStream_WithProblemsFlagged_AndQuietStreamsInOneLine()
    {
        var view = ReportViews.Weekly(Scenario());

        view.Title.ShouldBe("Weekly stream review");
        view.Subtitle.ShouldBe("As of Mon 2 Feb 2026, 10:00");
        view.Sections.Select(s => s.Heading).ShouldBe(["Model quality", "Engineering bugs", "Feature requests", "Incident lane", "WIP overrides this week", "Cautious release lane"]);
        var bugs = view.Sections[1].Lines;
        bugs[0].ShouldBe(new ReportLine("4 active of a WIP limit of 3: over the limit.", null, true));
        bugs[1].Text.ShouldBe("TRI-10 Item 10: the oldest open bug, 40 days old.");
        bugs[1].Item!.Key.ShouldBe("TRI-10");
        bugs[2].Text.ShouldBe("Inflow: 1 reported in the last 7 days, 1 in the 7 days before.");
        view.Sections[0].Lines.Where(l => l.Problem).Select(l => l.Item!.Number).ShouldBe([1, 2]);
        view.Sections[2].Lines.Single(l => l.Item?.Number == 22).Problem.ShouldBeFalse();
        view.Sections[2].Lines.Single(l => l.Item?.Number == 23).Text.ShouldContain("unanswered for more than 2 working days");
        view.Sections[3].Lines.ShouldHaveSingleItem().Text.ShouldBe("Nothing to report: 0 active of a cap of 2; no active incidents, no incident work this week.");
    }

    [Fact]
    public void Bug_InflowIsShownEvenWhenBothWeeksAreZero()
    {
        var bugs = ReportViews.Weekly(WeeklyReportBuilder.Build(Settings, Berlin, Now, [], [])).Sections[1].Lines;

        bugs.Count.ShouldBe(2);
        bugs[0].Text.ShouldStartWith("Nothing to report: 0 active of a WIP limit of ");
        bugs[0].Text.ShouldEndWith("; no open bugs.");
        bugs[1].Text.ShouldBe("Inflow: 0 reported in the last 7 days, 0 in the 7 days before.");
    }

    [Fact]
    public void IncidentLane_ShowsThisWeeksShare_AndTheRebalanceAlert()
    {
        HistoryEntry[] history = [Activated(1, WorkStream.Model, Now.AddDays(-21)), Activated(2, WorkStream.Incident, Now.AddDays(-21))];
        Item[] items =
        [
            Item(1, WorkStream.Model, ItemState.Active) with { StateSince = Now.AddDays(-21) },
            Item(2, WorkStream.Incident, ItemState.Active) with { StateSince = Now.AddDays(-21) },
        ];

        var report = WeeklyReportBuilder.Build(Settings, Berlin, Now, history, items);
        var lines = ReportViews.Weekly(report).Sections[3].Lines;

        report.Incident.Active.ShouldBe(1);
        report.Incident.Load.RebalanceAlert.ShouldBeTrue();
        lines.Select(l => l.Text).ShouldBe([
            "1 active of a cap of 2.",
            "This week's share of capacity: 50%.",
            "Incident work was above 20% of capacity 3 weeks in a row (50%, 50%, 50%): rebalance the streams.",
        ]);
        lines[2].Problem.ShouldBeTrue();
    }

    [Fact]
    public void HistoryAfterItems_IsRefused()
    {
        var builder = new WeeklyReportBuilder(Settings, Berlin, Now);
        builder.Add(Item(1, WorkStream.Bug));

        Should.Throw<InvalidOperationException>(() => builder.Add(Activated(1, WorkStream.Bug, Now)))
            .Message.ShouldContain("before the first item");
        builder.HistorySince.ShouldBe(Now.AddDays(-21));
    }

    [Fact]
    public void AHundredThousandItems_KeepOnlyTheLinesShown_AndCountTheRest()
    {
        var builder = new WeeklyReportBuilder(Settings, Berlin, Now);
        for (var n = 1; n <= 100_000; n++)
        {
            builder.Add(Feature(n, ItemState.Active, new() { Column = FeatureColumn.Build, CapabilityNote = Note }) with { CreatedAt = Now.AddMinutes(-n) });
        }

        var report = builder.Build();
        var lines = ReportViews.Weekly(report).Sections[2].Lines;

        report.Feature.InBuildWithoutMetric.Count.ShouldBe(100_000);
        report.Feature.InBuildWithoutMetric.Shown.Count.ShouldBe(25);
        report.Feature.InBuildWithoutMetric.Shown[0].Number.ShouldBe(100_000); // the oldest first
        lines[^1].Text.ShouldBe("…and 99975 more.");
        report.Wip[2].ShouldBe(new StreamWip(WorkStream.Feature, 100_000, 4, true));
    }

    [Fact]
    public void WipOverridesOfTheLastSevenDays_AreListedWithWhoWhyAndTheLimit_OlderOnesAreNot()
    {
        HistoryEntry[] history =
        [
            Entry(14, WorkStream.Bug, HistoryKind.FieldChanged, Now.AddDays(-2), from: "3", to: "3", reason: "customer escalation", field: FieldIds.WipOverride),
            Entry(15, WorkStream.Bug, HistoryKind.FieldChanged, Now.AddDays(-9), from: "3", to: "3", reason: "older override", field: FieldIds.WipOverride),
        ];

        var report = WeeklyReportBuilder.Build(Settings, Berlin, Now, history, ScenarioItems());
        var section = ReportViews.Weekly(report).Sections.Single(s => s.Heading == "WIP overrides this week");

        report.WipOverrides.Count.ShouldBe(1);
        section.Lines.ShouldHaveSingleItem().Text.ShouldBe(
            "TRI-14 Item 14: started by Eve Engineer on Sat 31 Jan with 3 bug items already active (limit 3). Reason: customer escalation");
        section.Lines[0].Problem.ShouldBeTrue();
    }

    [Fact]
    public void AnOverrideThatDidNotRecordItsCountOrLimit_SaysOnlyWhatItKnows_NeverAnEmptyLimit()
    {
        HistoryEntry[] history = [Entry(14, WorkStream.Bug, HistoryKind.FieldChanged, Now.AddDays(-2), from: "", to: "", reason: "customer escalation", field: FieldIds.WipOverride)];

        var report = WeeklyReportBuilder.Build(Settings, Berlin, Now, history, ScenarioItems());
        var line = ReportViews.Weekly(report).Sections.Single(s => s.Heading == "WIP overrides this week").Lines.ShouldHaveSingleItem().Text;

        line.ShouldBe("TRI-14 Item 14: started by Eve Engineer on Sat 31 Jan with bug items already at the WIP limit. Reason: customer escalation");
    }

    [Fact]
    public void NoOverrides_SaysSoInOneLine_AndTheCautiousLaneNamesItemsWithRollbackRiskOne()
    {
        var cautious = Item(40, WorkStream.Bug, ItemState.Sprint, Now.AddDays(-3), total: 14) with
        {
            Score = new ItemScore(new TriageBot.Core.Rubric.Scores(2, 2, 1, 2), new Dictionary<TriageBot.Core.Rubric.Dimension, string>(), 14, Queue.Ready, 1, Pm, Now),
        };

        var view = ReportViews.Weekly(WeeklyReportBuilder.Build(Settings, Berlin, Now, [], [.. ScenarioItems(), cautious]));

        view.Sections.Single(s => s.Heading == "WIP overrides this week").Lines.ShouldHaveSingleItem().Text.ShouldBe("No start beyond a WIP limit this week.");
        view.Sections.Single(s => s.Heading == "Cautious release lane").Lines.ShouldHaveSingleItem().Text.ShouldStartWith("TRI-40 Item 40 (sprint): rollback risk scored 1");
    }
}
