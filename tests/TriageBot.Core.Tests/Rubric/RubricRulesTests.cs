using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;

namespace TriageBot.Core.Tests.Rubric;

public class RubricRulesTests
{
    private static readonly BacklogSettings Defaults = new();

    public static TheoryData<int, int, int, int> AllScoreCombinations()
    {
        var data = new TheoryData<int, int, int, int>();
        for (var i = 1; i <= 3; i++)
        for (var c = 1; c <= 3; c++)
        for (var r = 1; r <= 3; r++)
        for (var d = 1; d <= 3; d++)
        {
            data.Add(i, c, r, d);
        }

        return data;
    }

    [Fact]
    public void AllScoreCombinations_AreEightyOne()
    {
        AllScoreCombinations().Count.ShouldBe(81);
    }

    [Theory]
    [MemberData(nameof(AllScoreCombinations))]
    public void Total_OfEveryCombination_MatchesTheWeightedSumCountedFromTheMinimum(int impact, int confidence, int rollback, int delay)
    {
        // Independent formula: start at the all-ones total (8) and add each step above 1 times its weight.
        var expected = 8 + (3 * (impact - 1)) + (2 * (confidence - 1)) + (2 * (rollback - 1)) + (delay - 1);

        RubricRules.Total(new Scores(impact, confidence, rollback, delay)).ShouldBe(expected);
    }

    [Theory]
    [MemberData(nameof(AllScoreCombinations))]
    public void Place_OfEveryCombination_FollowsTheDefaultThresholds(int impact, int confidence, int rollback, int delay)
    {
        var sum = impact + impact + impact + confidence + confidence + rollback + rollback + delay;
        var expected = sum > 18 ? Queue.Sprint : sum >= 12 ? Queue.Ready : Queue.Icebox;

        RubricRules.Place(new Scores(impact, confidence, rollback, delay), Defaults).ShouldBe(expected);
    }

    [Fact]
    public void Totals_OverAllCombinations_HaveTheHandCountedDistribution()
    {
        // Counted independently (generating function of the weights): how many of the 81 combinations reach each total from 8 to 24.
        int[] expectedCounts = [1, 1, 3, 3, 6, 6, 8, 8, 9, 8, 8, 6, 6, 3, 3, 1, 1];
        var combos = AllScoreCombinations().Select(row => (int[])[(int)row.Data.Item1, row.Data.Item2, row.Data.Item3, row.Data.Item4]);
        var counts = combos.Select(s => RubricRules.Total(new Scores(s[0], s[1], s[2], s[3])))
            .GroupBy(t => t).OrderBy(g => g.Key).Select(g => g.Count()).ToArray();

        counts.ShouldBe(expectedCounts);
    }

    [Theory]
    [InlineData(Dimension.Impact, 3)]
    [InlineData(Dimension.Confidence, 2)]
    [InlineData(Dimension.Rollback, 2)]
    [InlineData(Dimension.Delay, 1)]
    public void Weight_OfEachDimension_IsTheRubricWeight(Dimension dimension, int weight)
    {
        RubricRules.Weight(dimension).ShouldBe(weight);
    }

    [Fact]
    public void Total_OfTheSpecWorkedExample_IsNineteenAndGoesToTheSprint()
    {
        var scores = new Scores(Impact: 3, Confidence: 2, Rollback: 2, Delay: 2);

        RubricRules.Total(scores).ShouldBe(19);
        RubricRules.Place(scores, Defaults).ShouldBe(Queue.Sprint);
    }

    [Theory]
    [InlineData(0, 2, 2, 2, "User impact")]
    [InlineData(2, 4, 2, 2, "Fix confidence")]
    [InlineData(2, 2, -1, 2, "Rollback risk")]
    [InlineData(2, 2, 2, 9, "Cost of delay")]
    public void Total_WithAScoreOutsideOneToThree_IsRefusedNamingTheDimension(int i, int c, int r, int d, string name)
    {
        var ex = Should.Throw<ArgumentOutOfRangeException>(() => RubricRules.Total(new Scores(i, c, r, d)));
        ex.Message.ShouldStartWith($"{name} must be scored 1, 2 or 3");
    }

    [Theory]
    [InlineData(24, Queue.Sprint)]
    [InlineData(19, Queue.Sprint)]
    [InlineData(18, Queue.Ready)]
    [InlineData(12, Queue.Ready)]
    [InlineData(11, Queue.Icebox)]
    [InlineData(8, Queue.Icebox)]
    public void Place_AtTheDefaultBoundaries_SplitsAbove18AndBelow12(int total, Queue expected)
    {
        RubricRules.Place(total, Defaults).ShouldBe(expected);
    }

    [Theory]
    [InlineData(21, Queue.Sprint)]
    [InlineData(20, Queue.Ready)]
    [InlineData(10, Queue.Ready)]
    [InlineData(9, Queue.Icebox)]
    public void Place_WithCustomThresholds_UsesTheBacklogsThresholds(int total, Queue expected)
    {
        var settings = new BacklogSettings { SprintThreshold = 21, ReadyThreshold = 10 };

        RubricRules.Place(total, settings).ShouldBe(expected);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(25)]
    public void Place_OfATotalNoScoreCanReach_IsRefused(int total)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => RubricRules.Place(total, Defaults));
    }

    [Theory]
    [InlineData(19, 12)]
    [InlineData(24, 8)]
    [InlineData(9, 8)]
    [InlineData(24, 23)]
    public void ValidateThresholds_WithReadyBelowSprintInRange_IsAccepted(int sprint, int ready)
    {
        RubricRules.ValidateThresholds(sprint, ready).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(19, 7, FieldIds.ReadyThreshold, "Ready threshold must be a total from 8 to 23 (you wrote 7).")]
    [InlineData(25, 12, FieldIds.SprintThreshold, "Sprint threshold must be a total from 9 to 24 (you wrote 25).")]
    [InlineData(12, 12, FieldIds.SprintThreshold, "Sprint threshold must be above the ready threshold (12) (you wrote 12).")]
    [InlineData(10, 15, FieldIds.SprintThreshold, "Sprint threshold must be above the ready threshold (15) (you wrote 10).")]
    public void ValidateThresholds_OutOfOrderOrRange_NamesTheFieldAndTheRule(int sprint, int ready, string field, string message)
    {
        RubricRules.ValidateThresholds(sprint, ready).ShouldBe([new FieldError(field, message)]);
    }

    [Fact]
    public void ValidateThresholds_WithBothWrong_ReturnsBothErrors()
    {
        RubricRules.ValidateThresholds(30, 2).Select(e => e.Field).ShouldBe([FieldIds.ReadyThreshold, FieldIds.SprintThreshold]);
    }

    [Fact]
    public void Consequences_OfConfidenceOneOnAModelItem_AskForATimebox()
    {
        var lines = RubricRules.Consequences(new Scores(2, 1, 2, 2), WorkStream.Model);

        lines.ShouldHaveSingleItem().ShouldStartWith("Timebox, don't estimate:");
        lines[0].ShouldContain("set a timebox");
    }

    [Theory]
    [InlineData(WorkStream.Bug)]
    [InlineData(WorkStream.Feature)]
    [InlineData(WorkStream.Incident)]
    public void Consequences_OfConfidenceOneOnOtherStreams_FlagAResearchTimebox(WorkStream stream)
    {
        var lines = RubricRules.Consequences(new Scores(2, 1, 2, 2), stream);

        lines.ShouldHaveSingleItem().ShouldStartWith("Timebox, don't estimate:");
        lines[0].ShouldContain("research timebox");
    }

    [Fact]
    public void Consequences_OfRollbackOne_NameTheCautiousReleaseLane()
    {
        RubricRules.Consequences(new Scores(2, 2, 1, 2), WorkStream.Bug)
            .ShouldHaveSingleItem().ShouldStartWith("Cautious release lane:");
    }

    [Fact]
    public void Consequences_OfBothOnes_StateBoth_AndOfNoOnes_StateNothing()
    {
        RubricRules.Consequences(new Scores(1, 1, 1, 1), WorkStream.Feature).Count.ShouldBe(2);
        RubricRules.Consequences(new Scores(1, 2, 2, 1), WorkStream.Feature).ShouldBeEmpty();
    }

    [Theory]
    [MemberData(nameof(AllScoreCombinations))]
    public void Flags_OfEveryCombination_FollowConfidenceOneAndRollbackOne(int impact, int confidence, int rollback, int delay)
    {
        var scores = new Scores(impact, confidence, rollback, delay);

        RubricRules.ResearchTimebox(scores).ShouldBe(confidence == 1);
        RubricRules.CautiousRelease(scores).ShouldBe(rollback == 1);
    }

    [Fact]
    public void Describe_ShowsEveryDimensionWithWeightAndMeanings_AndTheThresholdsInForce()
    {
        var view = Core.Views.RubricViews.Describe(new BacklogSettings { SprintThreshold = 20, ReadyThreshold = 13 });

        view.Dimensions.Select(d => (d.Name, d.Weight)).ShouldBe(
            [("User impact", 3), ("Fix confidence", 2), ("Rollback risk", 2), ("Cost of delay", 1)]);
        view.Dimensions.ShouldAllBe(d => d.Levels.Select(l => l.Score).SequenceEqual(new[] { 3, 2, 1 }));
        view.Dimensions[0].Levels[0].Meaning.ShouldBe("Blocks a core workflow for any user");
        view.Dimensions[1].Levels[2].Meaning.ShouldBe("No clear path: needs a research timebox first");
        view.Dimensions[2].Levels[0].Meaning.ShouldBe("Reversible in seconds via a flag");
        view.Dimensions[3].Levels[2].Meaning.ShouldBe("No time pressure");
        view.SprintThreshold.ShouldBe(20);
        view.ReadyThreshold.ShouldBe(13);
    }

    [Fact]
    public void RubricText_ShowsTheFivePercentLineForUserImpact()
    {
        RubricText.ImpactHint.ShouldBe("≥ 5% of weekly active users counts as a meaningful segment");
        RubricText.Meaning(Dimension.Impact, 2).ShouldContain("≥ 5% of weekly active users");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void RubricText_ForAScoreOutsideOneToThree_IsRefused(int score)
    {
        Should.Throw<ArgumentOutOfRangeException>(() => RubricText.Meaning(Dimension.Delay, score));
    }
}
