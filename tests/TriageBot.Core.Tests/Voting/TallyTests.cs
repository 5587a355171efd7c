using TriageBot.Core.Items;
using TriageBot.Core.Rubric;
using TriageBot.Core.Voting;
using static TriageBot.Core.Tests.TestData;

namespace TriageBot.Core.Tests.Voting;

public class TallyTests
{
    [Fact]
    public void Compute_WithNoVotes_IsRefusedWithAClearMessage()
    {
        var ex = Should.Throw<RuleViolationException>(() => Tally.Compute([]));
        ex.Message.ShouldBe("There are no votes to count yet: at least one person has to vote first.");
    }

    [Fact]
    public void Compute_CountsOnePersonOnce_UsingTheirLastVoteByTime()
    {
        var votes = new[]
        {
            Vote(Ana, 3, 3, 3, 3, T0.AddMinutes(5)),
            Vote(Max, 1, 1, 1, 1, T0.AddMinutes(1)),
            Vote(Ana, 1, 2, 2, 1, T0.AddMinutes(2)),
        };

        var tally = Tally.Compute(votes);

        tally.Counted.Count.ShouldBe(2);
        tally.Counted.Single(v => v.Voter == Ana).Scores.ShouldBe(new Scores(3, 3, 3, 3));
    }

    [Fact]
    public void Compute_WithTwoVotesOfOnePersonAtTheSameInstant_CountsTheLaterInTheInput()
    {
        var tally = Tally.Compute([Vote(Ana, 1, 1, 1, 1), Vote(Ana, 2, 2, 2, 2)]);

        tally.Counted.ShouldHaveSingleItem().Scores.ShouldBe(new Scores(2, 2, 2, 2));
    }

    [Fact]
    public void Compute_IdentifiesAPersonByPlatformAndId_NotDisplayName()
    {
        var renamed = Ana with { DisplayName = "Ana B." };
        var sameIdOtherPlatform = new UserRef(Platform.Slack, Ana.UserId, Ana.DisplayName);

        var tally = Tally.Compute([Vote(Ana, 1, 1, 1, 1), Vote(renamed, 2, 2, 2, 2, T0.AddSeconds(1)), Vote(sameIdOtherPlatform, 3, 3, 3, 3)]);

        tally.Counted.Count.ShouldBe(2);
    }

    [Fact]
    public void Compute_OrdersCountedVotesByWhenTheyWereCast()
    {
        var tally = Tally.Compute([Vote(Ana, 1, 1, 1, 1, T0.AddMinutes(3)), Vote(Max, 1, 1, 1, 1, T0.AddMinutes(1)), Vote(Eve, 1, 1, 1, 1, T0.AddMinutes(2))]);

        tally.Counted.Select(v => v.Voter).ShouldBe([Max, Eve, Ana]);
    }

    [Fact]
    public void Compute_OfVotesFromDifferentRounds_IsRefused()
    {
        Should.Throw<ArgumentException>(() => Tally.Compute([Vote(Ana, 1, 1, 1, 1, round: 1), Vote(Max, 1, 1, 1, 1, round: 2)]))
            .Message.ShouldContain("one item in one round");
    }

    [Fact]
    public void Compute_OfVotesOnDifferentItems_IsRefused()
    {
        Should.Throw<ArgumentException>(() => Tally.Compute([Vote(Ana, 1, 1, 1, 1, number: 1), Vote(Max, 1, 1, 1, 1, number: 2)]));
    }

    [Fact]
    public void Compute_ShowsMedianAndSpreadPerDimension_AndTheTotalTheMediansImply()
    {
        var tally = Tally.Compute([Vote(Ana, 3, 1, 2, 1), Vote(Max, 2, 2, 2, 3), Vote(Eve, 3, 3, 2, 2)]);

        tally.Results.ShouldBe([
            new(Dimension.Impact, 3, 2, 3),
            new(Dimension.Confidence, 2, 1, 3),
            new(Dimension.Rollback, 2, 2, 2),
            new(Dimension.Delay, 2, 1, 3),
        ]);
        tally.Medians.ShouldBe(new Scores(3, 2, 2, 2));
        tally.ImpliedTotal.ShouldBe(19);
    }

    [Fact]
    public void Compute_WithOneVote_IsThatVote()
    {
        var tally = Tally.Compute([Vote(Ana, 1, 3, 2, 1)]);

        tally.Medians.ShouldBe(new Scores(1, 3, 2, 1));
        tally[Dimension.Confidence].ShouldBe(new(Dimension.Confidence, 3, 3, 3));
    }

    // Every pair of middle values an even count can have, per dimension. Hand-written expectations:
    // a half-way median rounds up for impact and delay, down for confidence and rollback.
    [Theory]
    [InlineData(Dimension.Impact, 1, 1, 1)]
    [InlineData(Dimension.Impact, 1, 2, 2)]
    [InlineData(Dimension.Impact, 1, 3, 2)]
    [InlineData(Dimension.Impact, 2, 2, 2)]
    [InlineData(Dimension.Impact, 2, 3, 3)]
    [InlineData(Dimension.Impact, 3, 3, 3)]
    [InlineData(Dimension.Delay, 1, 1, 1)]
    [InlineData(Dimension.Delay, 1, 2, 2)]
    [InlineData(Dimension.Delay, 1, 3, 2)]
    [InlineData(Dimension.Delay, 2, 2, 2)]
    [InlineData(Dimension.Delay, 2, 3, 3)]
    [InlineData(Dimension.Delay, 3, 3, 3)]
    [InlineData(Dimension.Confidence, 1, 1, 1)]
    [InlineData(Dimension.Confidence, 1, 2, 1)]
    [InlineData(Dimension.Confidence, 1, 3, 2)]
    [InlineData(Dimension.Confidence, 2, 2, 2)]
    [InlineData(Dimension.Confidence, 2, 3, 2)]
    [InlineData(Dimension.Confidence, 3, 3, 3)]
    [InlineData(Dimension.Rollback, 1, 1, 1)]
    [InlineData(Dimension.Rollback, 1, 2, 1)]
    [InlineData(Dimension.Rollback, 1, 3, 2)]
    [InlineData(Dimension.Rollback, 2, 2, 2)]
    [InlineData(Dimension.Rollback, 2, 3, 2)]
    [InlineData(Dimension.Rollback, 3, 3, 3)]
    public void Median_OfTwoVotes_RoundsTiesTowardTheCautiousSideOfEachDimension(Dimension dimension, int a, int b, int expected)
    {
        Tally.Median(dimension, [a, b]).ShouldBe(expected);
        Tally.Median(dimension, [b, a]).ShouldBe(expected);
    }

    [Theory]
    [InlineData(Dimension.Impact, new[] { 1, 2, 3, 3 }, 3)]
    [InlineData(Dimension.Confidence, new[] { 1, 2, 3, 3 }, 2)]
    [InlineData(Dimension.Rollback, new[] { 1, 1, 2, 3 }, 1)]
    [InlineData(Dimension.Delay, new[] { 1, 1, 2, 3 }, 2)]
    [InlineData(Dimension.Impact, new[] { 1, 1, 3, 3 }, 2)]
    [InlineData(Dimension.Confidence, new[] { 3, 1, 3, 1, 2, 2 }, 2)]
    public void Median_OfAnEvenCount_UsesTheTwoMiddleValuesOfTheSortedScores(Dimension dimension, int[] scores, int expected)
    {
        Tally.Median(dimension, scores).ShouldBe(expected);
    }

    [Fact]
    public void Median_OfEveryMultisetOfUpToSixVotes_MatchesADecimalMedianRoundedTowardTheCautiousSide()
    {
        var checkedCases = 0;
        foreach (var dimension in RubricRules.Dimensions)
        {
            foreach (var scores in Multisets(6))
            {
                var sorted = scores.Order().ToArray();
                var n = sorted.Length;
                var median = n % 2 == 1 ? sorted[n / 2] : (sorted[(n / 2) - 1] + sorted[n / 2]) / 2m;
                var rounding = dimension is Dimension.Impact or Dimension.Delay
                    ? MidpointRounding.ToPositiveInfinity
                    : MidpointRounding.ToNegativeInfinity;
                var expected = (int)Math.Round(median, 0, rounding);

                Tally.Median(dimension, scores).ShouldBe(expected, $"{dimension} of [{string.Join(",", scores)}]");
                checkedCases++;
            }
        }

        // 3+6+10+15+21+28 multisets of sizes 1..6, for each of 4 dimensions.
        checkedCases.ShouldBe(83 * 4);
    }

    [Fact]
    public void Compute_SpreadIsTheLowestAndHighestCountedScore()
    {
        var tally = Tally.Compute([Vote(Ana, 1, 2, 3, 2), Vote(Max, 3, 2, 1, 2), Vote(Eve, 2, 2, 2, 2), Vote(Ana, 2, 2, 2, 2, T0.AddMinutes(1))]);

        tally[Dimension.Impact].Min.ShouldBe(2);
        tally[Dimension.Impact].Max.ShouldBe(3);
        tally[Dimension.Rollback].Min.ShouldBe(1);
        tally[Dimension.Rollback].Max.ShouldBe(2);
        tally[Dimension.Confidence].Min.ShouldBe(tally[Dimension.Confidence].Max);
    }

    [Fact]
    public void Compute_WithAnEvenSplit_ImpliesTheTotalOfTheCautiousMedians()
    {
        // impact 2|3 → 3, confidence 2|3 → 2, rollback 1|2 → 1, delay 1|2 → 2
        var tally = Tally.Compute([Vote(Ana, 2, 2, 1, 1), Vote(Max, 3, 3, 2, 2)]);

        tally.Medians.ShouldBe(new Scores(3, 2, 1, 2));
        tally.ImpliedTotal.ShouldBe(9 + 4 + 2 + 2);
    }

    private static IEnumerable<int[]> Multisets(int maxSize)
    {
        for (var size = 1; size <= maxSize; size++)
        {
            for (var ones = 0; ones <= size; ones++)
            {
                for (var twos = 0; ones + twos <= size; twos++)
                {
                    var threes = size - ones - twos;
                    yield return [.. Enumerable.Repeat(3, threes), .. Enumerable.Repeat(1, ones), .. Enumerable.Repeat(2, twos)];
                }
            }
        }
    }
}
