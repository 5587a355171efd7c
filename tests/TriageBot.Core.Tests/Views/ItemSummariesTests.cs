using TriageBot.Core.Items;
using TriageBot.Core.Views;
using static TriageBot.Core.Tests.TestData;

namespace TriageBot.Core.Tests.Views;

public class ItemSummariesTests
{
    [Fact]
    public void Summarize_CopiesTheItemsFactsAndScore()
    {
        var item = Item(WorkStream.Bug, ItemState.Sprint) with { Owner = Eve, Score = Score(3, 2, 2, 2) };

        var summary = ItemSummaries.Of(item, T0, "https://triage.example/b1/42");

        summary.Key.ShouldBe("TRI-42");
        summary.Title.ShouldBe(item.Title);
        summary.Stream.ShouldBe(WorkStream.Bug);
        summary.State.ShouldBe(ItemState.Sprint);
        summary.Total.ShouldBe(19);
        summary.Placement.ShouldBe(Queue.Sprint);
        summary.Owner.ShouldBe(Eve);
        summary.CreatedAt.ShouldBe(T0);
        summary.Url.ShouldBe("https://triage.example/b1/42");
        summary.Ref.ShouldBe("b1/42");
        summary.Column.ShouldBeNull();
    }

    [Fact]
    public void Summarize_FlagsCautiousReleaseAndResearchTimeboxFromTheScore()
    {
        var summary = ItemSummaries.Of(Item(state: ItemState.Ready) with { Score = Score(2, 1, 1, 2) }, T0);

        summary.CautiousRelease.ShouldBeTrue();
        summary.ResearchTimebox.ShouldBeTrue();
        ItemSummaries.Of(Item(), T0).CautiousRelease.ShouldBeFalse();
    }

    [Fact]
    public void Summarize_FeatureWithoutNote_NeedsCapabilityNoteAndShowsItsHeldPlacement()
    {
        var summary = ItemSummaries.Of(Item(WorkStream.Feature) with { HeldPlacement = Queue.Sprint }, T0);

        summary.NeedsCapabilityNote.ShouldBeTrue();
        summary.HeldPlacement.ShouldBe(Queue.Sprint);
        ItemSummaries.Of(Item(WorkStream.Feature).WithNote(), T0).NeedsCapabilityNote.ShouldBeFalse();
        ItemSummaries.Of(Item(WorkStream.Feature, ItemState.Closed), T0).NeedsCapabilityNote.ShouldBeFalse();
    }

    [Theory]
    [InlineData(ItemState.Ready, true)]
    [InlineData(ItemState.Sprint, true)]
    [InlineData(ItemState.Active, true)]
    [InlineData(ItemState.New, false)]
    [InlineData(ItemState.Icebox, false)]
    public void Summarize_ShowsAFeaturesColumnInReadySprintAndActive(ItemState state, bool shown)
    {
        ItemSummaries.Of(Item(WorkStream.Feature, state).WithNote(), T0).Column.ShouldBe(shown ? FeatureColumn.Discovery : null);
    }

    [Fact]
    public void Summarize_MarksItemsDueForRescore()
    {
        ItemSummaries.Of(Item(state: ItemState.Ready), T0.AddMonths(2)).DueForRescore.ShouldBeTrue();
        ItemSummaries.Of(Item(state: ItemState.Ready), T0.AddMonths(1)).DueForRescore.ShouldBeFalse();
    }

    [Fact]
    public void Ranking_OrdersByTotalThenAgeWithUnscoredLast()
    {
        var a = Item(number: 1) with { Score = Score(2, 2, 2, 2), CreatedAt = T0.AddDays(2) };
        var b = Item(number: 2) with { Score = Score(3, 3, 3, 3), CreatedAt = T0.AddDays(5) };
        var c = Item(number: 3) with { Score = Score(2, 2, 2, 2), CreatedAt = T0 };
        var d = Item(number: 4) with { CreatedAt = T0.AddDays(-9) };

        new[] { a, b, c, d }.Order(ItemReading.Ranking).Select(i => i.Number).ShouldBe([2, 3, 1, 4]);
    }

    [Theory]
    [InlineData(3, BugFrequency.Always, Severity.S1)]
    [InlineData(3, BugFrequency.Often, Severity.S1)]
    [InlineData(3, BugFrequency.Sometimes, Severity.S2)]
    [InlineData(3, BugFrequency.Rarely, Severity.S3)]
    [InlineData(2, BugFrequency.Always, Severity.S2)]
    [InlineData(2, BugFrequency.Often, Severity.S2)]
    [InlineData(2, BugFrequency.Sometimes, Severity.S3)]
    [InlineData(2, BugFrequency.Rarely, Severity.S4)]
    [InlineData(1, BugFrequency.Always, Severity.S3)]
    [InlineData(1, BugFrequency.Often, Severity.S3)]
    [InlineData(1, BugFrequency.Sometimes, Severity.S4)]
    [InlineData(1, BugFrequency.Rarely, Severity.S4)]
    public void SeverityOf_IsUserImpactTimesFrequency(int impact, BugFrequency frequency, Severity expected)
    {
        ItemReading.SeverityOf(impact, frequency).ShouldBe(expected);
    }

    [Fact]
    public void Severity_OfABug_UsesTheScoredImpactElseTheAffectedShare()
    {
        var bug = Item(WorkStream.Bug) with { Bug = new BugFields { Frequency = BugFrequency.Always, AffectedWauPercent = 6 } };

        ItemReading.Severity(bug).ShouldBe(Severity.S2);
        ItemReading.Severity(bug with { Bug = bug.Bug! with { AffectedWauPercent = 4.9 } }).ShouldBe(Severity.S3);
        ItemReading.Severity(bug with { Score = Score(3, 2, 2, 2) }).ShouldBe(Severity.S1);
        ItemReading.Severity(Item(WorkStream.Bug)).ShouldBeNull();
        ItemReading.Severity(Item(WorkStream.Model)).ShouldBeNull();
    }
}
