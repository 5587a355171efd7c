using TriageBot.Core.Rubric;

namespace TriageBot.Core.Tests.Rubric;

public class ScoresTests
{
    [Theory]
    [InlineData(Dimension.Impact, 3)]
    [InlineData(Dimension.Confidence, 2)]
    [InlineData(Dimension.Rollback, 1)]
    [InlineData(Dimension.Delay, 2)]
    public void Indexer_ReturnsTheScoreOfEachDimension(Dimension dimension, int expected)
    {
        new Scores(3, 2, 1, 2)[dimension].ShouldBe(expected);
    }
}
