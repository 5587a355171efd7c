using TriageBot.Core.Allocation;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Reports;
using TriageBot.Core.Views;
using static TriageBot.Core.Tests.Streams.Fixtures;

namespace TriageBot.Core.Tests.Allocation;

public class AllocationPlanTests
{
    [Fact]
    public void Defaults_ByStage_MatchTheSpec()
    {
        AllocationPlan.Planned(new BacklogSettings { Stage = ProductStage.Early }).ShouldBe(new PlannedShares(40, 25, 35));
        AllocationPlan.Planned(new BacklogSettings { Stage = ProductStage.Stable }).ShouldBe(new PlannedShares(25, 25, 50));
        AllocationPlan.Planned(new BacklogSettings { Planned = new PlannedShares(30, 30, 40) }).ShouldBe(new PlannedShares(30, 30, 40));
    }

    [Fact]
    public void RecommendedRanges_MatchTheSpec()
    {
        AllocationPlan.Recommended(WorkStream.Model, ProductStage.Early).ShouldBe(new ShareRange(30, 50));
        AllocationPlan.Recommended(WorkStream.Model, ProductStage.Stable).ShouldBe(new ShareRange(20, 30));
        AllocationPlan.Recommended(WorkStream.Bug, ProductStage.Stable).ShouldBe(new ShareRange(20, 30));
        AllocationPlan.Recommended(WorkStream.Feature, ProductStage.Early).ShouldBe(new ShareRange(30, 50));
    }

    [Fact]
    public void PlanNotAddingUpTo100_IsReportedWithTheSum()
    {
        AllocationPlan.Problems(new PlannedShares(40, 25, 30)).ShouldHaveSingleItem().ShouldContain("= 95");
        AllocationPlan.Problems(new PlannedShares(40, 25, 35)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(30.0, false)]   // exactly 10 points under: not flagged
    [InlineData(29.9, true)]
    [InlineData(50.0, false)]
    [InlineData(50.5, true)]
    public void OffPlan_IsMoreThanTenPointsEitherWay(double actual, bool offPlan)
    {
        new StreamAllocation(WorkStream.Model, 40, 1, actual, new ShareRange(30, 50)).OffPlan.ShouldBe(offPlan);
    }
}

public class ActualAllocationTests
{
    // Sprint length 14 days: the window is the 56 days [T0, T0 + 56d), four sprints.
    private static readonly BacklogSettings Settings = new() { SprintLengthDays = 14, Stage = ProductStage.Early };
    private static readonly DateTimeOffset Now = T0.AddDays(56);

    private static List<HistoryEntry> History(bool includeBeforeWindow)
    {
        var history = new List<HistoryEntry>();
        if (includeBeforeWindow)
        {
            history.Add(Activated(1, WorkStream.Model, T0.AddDays(-10)));
            history.Add(Activated(4, WorkStream.Feature, T0.AddDays(-30)));
        }

        history.AddRange(
        [
            Deactivated(1, WorkStream.Model, T0.AddDays(4)),                 // 4 days inside the window
            Activated(6, WorkStream.Incident, T0.AddDays(1)),
            Deactivated(6, WorkStream.Incident, T0.AddDays(6)),              // 5 incident days
            Activated(2, WorkStream.Model, T0.AddDays(10)),
            Deactivated(2, WorkStream.Model, T0.AddDays(20), to: "Ready"),   // 10 days across the first sprint boundary
            Activated(5, WorkStream.Feature, T0.AddDays(20)),
            Activated(3, WorkStream.Bug, T0.AddDays(30)),                    // still active: 26 days to now
            Deactivated(5, WorkStream.Feature, T0.AddDays(30)),
            Activated(5, WorkStream.Feature, T0.AddDays(40), from: "Sprint"),
            Deactivated(5, WorkStream.Feature, T0.AddDays(44)),              // 10 + 4 = 14 days
        ]);
        return history;
    }

    private static readonly Item[] ActiveNow =
    [
        Item(3, WorkStream.Bug, ItemState.Active) with { StateSince = T0.AddDays(30) },
        Item(4, WorkStream.Feature, ItemState.Active) with { StateSince = T0.AddDays(-30) }, // active all 56 days
    ];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ActiveDays_AreClippedToTheWindow_AndCountedToNowForItemsStillActive(bool includeBeforeWindow)
    {
        var review = AllocationReviewBuilder.Build(Settings, TimeZoneInfo.Utc, Now, History(includeBeforeWindow), ActiveNow);

        review.Window.ShouldBe(new TimeWindow(T0, Now));
        review.Streams.Select(s => (s.Stream, s.Days)).ShouldBe([(WorkStream.Model, 14.0), (WorkStream.Bug, 26.0), (WorkStream.Feature, 70.0)]);
        review.IncidentDays.ShouldBe(5.0);
        review.IncidentSharePercent!.Value.ShouldBe(100 * 5.0 / 115, 1e-9);
    }

    [Fact]
    public void Outlines_GiveTheSameReviewAsWholeItems()
    {
        var whole = ActiveNow.Select(i => i.WithFreeText()).ToList();

        var fromWhole = AllocationReviewBuilder.Build(Settings, TimeZoneInfo.Utc, Now, History(true), whole);
        var fromOutlines = AllocationReviewBuilder.Build(Settings, TimeZoneInfo.Utc, Now, History(true), whole.Select(ItemOutline.Of));

        TestData.Json(fromOutlines).ShouldBe(TestData.Json(fromWhole));
    }

    [Fact]
    public void Shares_ArePercentOfModelBugAndFeatureDays_AndFlagStreamsOffPlan()
    {
        var review = AllocationReviewBuilder.Build(Settings, TimeZoneInfo.Utc, Now, History(false), ActiveNow);

        var model = review.Streams[0];
        var bug = review.Streams[1];
        var feature = review.Streams[2];
        model.Actual!.Value.ShouldBe(100 * 14.0 / 110, 1e-9);   // 12.7%: 27.3 points under 40
        bug.Actual!.Value.ShouldBe(100 * 26.0 / 110, 1e-9);     // 23.6%: 1.4 under 25
        feature.Actual!.Value.ShouldBe(100 * 70.0 / 110, 1e-9); // 63.6%: 28.6 over 35
        review.OffPlan.Select(s => s.Stream).ShouldBe([WorkStream.Model, WorkStream.Feature]);
        review.UnderrunQuestion.ShouldBe("Model work ran at 13% against a plan of 40%: why did model work underrun?");
    }

    [Fact]
    public void ShorterSprints_ShrinkTheWindow()
    {
        var settings = Settings with { SprintLengthDays = 7 }; // window [T0 + 28d, T0 + 56d)

        var review = AllocationReviewBuilder.Build(settings, TimeZoneInfo.Utc, Now, History(false), ActiveNow);

        review.Window.Start.ShouldBe(T0.AddDays(28));
        review.Streams.Select(s => s.Days).ShouldBe([0.0, 26.0, 28.0 + 2 + 4]);
        review.IncidentSharePercent.ShouldBe(0.0);
        review.UnderrunQuestion.ShouldNotBeNull();
    }

    [Fact]
    public void NoActiveWork_HasNoActualShares_AndAsksNothing()
    {
        var review = AllocationReviewBuilder.Build(Settings, TimeZoneInfo.Utc, Now, [], []);

        review.Streams.ShouldAllBe(s => s.Actual == null && !s.OffPlan);
        review.UnderrunQuestion.ShouldBeNull();
        review.IncidentSharePercent.ShouldBeNull();
    }

    [Fact]
    public void Shares_ComeFromDaysOfWork_NotMinutes_WhenTheTwoDisagree()
    {
        // Model: three items, each active for two hours on its own day (6 hours, but three days of work).
        // Feature: one item active for 2 days and 12 hours (60 hours, three started days).
        // By minutes model would be 6 / 66 = 9%; by days of work it is 3 / 6 = 50%.
        HistoryEntry[] history =
        [
            Activated(1, WorkStream.Model, T0.AddDays(1)), Deactivated(1, WorkStream.Model, T0.AddDays(1).AddHours(2)),
            Activated(2, WorkStream.Model, T0.AddDays(2)), Deactivated(2, WorkStream.Model, T0.AddDays(2).AddHours(2)),
            Activated(3, WorkStream.Model, T0.AddDays(3)), Deactivated(3, WorkStream.Model, T0.AddDays(3).AddHours(2)),
            Activated(4, WorkStream.Feature, T0.AddDays(10)), Deactivated(4, WorkStream.Feature, T0.AddDays(12).AddHours(12)),
            Activated(5, WorkStream.Incident, T0.AddDays(20)), Deactivated(5, WorkStream.Incident, T0.AddDays(20).AddMinutes(10)),
        ];

        var review = AllocationReviewBuilder.Build(Settings, TimeZoneInfo.Utc, Now, history, []);

        review.Streams.Select(s => (s.Stream, s.Days)).ShouldBe([(WorkStream.Model, 3.0), (WorkStream.Bug, 0.0), (WorkStream.Feature, 3.0)]);
        review.Streams[0].Actual!.Value.ShouldBe(50.0, 1e-9);
        review.Streams[2].Actual!.Value.ShouldBe(50.0, 1e-9);
        review.IncidentDays.ShouldBe(1.0);                                   // ten minutes of incident work is a day of work
        review.IncidentSharePercent!.Value.ShouldBe(100.0 / 7, 1e-9);
        var lines = ReportViews.Allocation(review).Sections[0].Lines.Select(l => l.Text).ToList();
        lines[0].ShouldStartWith("Model quality: planned 40%, actual 50% (3 days of work, +10 points)");
        lines[2].ShouldStartWith("Feature requests: planned 35%, actual 50% (3 days of work, +15 points)");
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]                          // one minute
    [InlineData(24 * 60, 1)]                    // exactly a day
    [InlineData(24 * 60 + 1, 2)]                // a minute into the second day
    [InlineData(10 * 24 * 60, 10)]
    public void ADayOfWork_IsEveryDayAStretchOfActivityStarted(int minutes, int days) =>
        ActiveTimeAccumulator.StartedDays(TimeSpan.FromMinutes(minutes)).ShouldBe(days);

    [Fact]
    public void ModelOnPlan_AsksNoQuestion()
    {
        HistoryEntry[] history = [Activated(1, WorkStream.Model, T0), Activated(2, WorkStream.Feature, T0.AddDays(56 - 42))];
        Item[] active = [Item(1, WorkStream.Model, ItemState.Active) with { StateSince = T0 }, Item(2, WorkStream.Feature, ItemState.Active) with { StateSince = T0.AddDays(14) }];

        var review = AllocationReviewBuilder.Build(Settings, TimeZoneInfo.Utc, Now, history, active);

        review.Streams[0].Actual!.Value.ShouldBe(100 * 56.0 / 98, 1e-9); // 57%: over, not under
        review.Streams[0].OffPlan.ShouldBeTrue();
        review.UnderrunQuestion.ShouldBeNull();
    }
}

public class PostLaunchTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, true)]
    [InlineData(59, true)]
    [InlineData(60, false)]
    [InlineData(-1, false)]
    public void Advice_IsGivenForSixtyDaysFromTheLaunchDate(int daysSinceLaunch, bool given)
    {
        var settings = new BacklogSettings { LaunchDate = new DateOnly(2026, 3, 2).AddDays(-daysSinceLaunch) };

        var review = AllocationReviewBuilder.Build(settings, TimeZoneInfo.Utc, Now, [], []);

        (review.PostLaunch is not null).ShouldBe(given);
    }

    [Fact]
    public void FeatureRoom_IsWhatIsLeftAfterTheTailReserveAndPlannedModelAndBug()
    {
        var early = new BacklogSettings { LaunchDate = new DateOnly(2026, 2, 20) };

        var advice = AllocationReviewBuilder.Build(early, TimeZoneInfo.Utc, Now, [], []).PostLaunch!;

        advice.ReserveMin.ShouldBe(25);
        advice.ReserveMax.ShouldBe(40);
        advice.FeatureRoom.ShouldBe(10);           // 100 − 25 − 40 − 25
        advice.FeatureShare.ShouldBe(35);          // planned, as nothing was active
        advice.FeatureShareIsActual.ShouldBeFalse();
        advice.FeatureExceedsRoom.ShouldBeTrue();
        advice.Until.ShouldBe(new DateOnly(2026, 4, 21));
    }

    [Fact]
    public void ActualFeatureWork_WithinTheRoom_IsNotWarned()
    {
        var stable = new BacklogSettings { Stage = ProductStage.Stable, LaunchDate = new DateOnly(2026, 2, 20) }; // room 25
        HistoryEntry[] history = [Activated(1, WorkStream.Bug, Now.AddDays(-40)), Activated(2, WorkStream.Feature, Now.AddDays(-10))];
        Item[] active = [Item(1, WorkStream.Bug, ItemState.Active) with { StateSince = Now.AddDays(-40) }, Item(2, WorkStream.Feature, ItemState.Active) with { StateSince = Now.AddDays(-10) }];

        var advice = AllocationReviewBuilder.Build(stable, TimeZoneInfo.Utc, Now, history, active).PostLaunch!;

        advice.FeatureShare.ShouldBe(20);          // 10 of 50 days
        advice.FeatureShareIsActual.ShouldBeTrue();
        advice.FeatureExceedsRoom.ShouldBeFalse();
    }
}

public class IncidentShareTests
{
    private static readonly DateTimeOffset Now = T0.AddDays(21);

    private static IncidentLoad Load(TimeSpan secondIncidentLength)
    {
        HistoryEntry[] history =
        [
            Activated(1, WorkStream.Model, T0),
            Activated(10, WorkStream.Incident, T0),
            Deactivated(10, WorkStream.Incident, T0.AddDays(7)),
            Activated(11, WorkStream.Incident, T0.AddDays(7)),
            Deactivated(11, WorkStream.Incident, T0.AddDays(7) + secondIncidentLength),
            Activated(12, WorkStream.Incident, T0.AddDays(14)),
        ];
        Item[] active =
        [
            Item(1, WorkStream.Model, ItemState.Active) with { StateSince = T0 },
            Item(12, WorkStream.Incident, ItemState.Active) with { StateSince = T0.AddDays(14) },
        ];
        return IncidentShare.Compute(history, active, Now);
    }

    [Fact]
    public void WeeklyShare_IsIncidentDaysOverAllActiveDays_MostRecentWeekFirst()
    {
        var load = Load(TimeSpan.FromHours(42)); // 1.75 incident days against 7 model days: exactly 20%

        load.Weeks.Select(w => w.SharePercent).ShouldBe([50.0, 20.0, 50.0], 1e-9);
        load.ThisWeek.Week.ShouldBe(new TimeWindow(T0.AddDays(14), Now));
        load.Weeks[1].IncidentDays.ShouldBe(1.75, 1e-9);
        load.Weeks[1].AllDays.ShouldBe(8.75, 1e-9);
        load.RebalanceAlert.ShouldBeFalse(); // 20% is not above 20%
    }

    [Fact]
    public void ThreeConsecutiveWeeksAbove20Percent_RaiseTheRebalanceAlert()
    {
        var load = Load(TimeSpan.FromHours(48)); // 2 of 9 days: 22%

        load.Weeks[1].SharePercent.ShouldBe(100 * 2.0 / 9, 1e-9);
        load.RebalanceAlert.ShouldBeTrue();
    }
}
