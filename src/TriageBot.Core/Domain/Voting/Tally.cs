using TriageBot.Core.Items;
using TriageBot.Core.Rubric;

namespace TriageBot.Core.Voting;

/// <summary>The counted votes of a round and what they imply: per-dimension median and spread, and the weighted total of the medians.</summary>
/// <summary>Per-dimension result of a round: the median (cautious on ties) and the spread.</summary>
public sealed record DimensionResult(Rubric.Dimension Dimension, int Median, int Min, int Max);

public sealed record TallyResult(IReadOnlyList<Vote> Counted, IReadOnlyList<DimensionResult> Results, Scores Medians, int ImpliedTotal)
{
    public DimensionResult this[Dimension dimension] => Results.Single(r => r.Dimension == dimension);
}

/// <summary>Counts a round's votes (SPEC §4): the last vote per person counts, and ties round toward the cautious side.</summary>
public static class Tally
{
    /// <summary>Tallies one round of one item. Votes may contain several per person; only each person's last counts.</summary>
    public static TallyResult Compute(IReadOnlyList<Vote> votes)
    {
        ArgumentNullException.ThrowIfNull(votes);
        if (votes.Count == 0)
        {
            throw new RuleViolationException("There are no votes to count yet: at least one person has to vote first.");
        }

        var first = votes[0];
        if (votes.Any(v => v.BacklogId != first.BacklogId || v.ItemNumber != first.ItemNumber || v.Round != first.Round))
        {
            throw new ArgumentException("A tally counts the votes of one item in one round; these votes mix items or rounds.", nameof(votes));
        }

        var counted = LastPerVoter(votes);
        var results = RubricRules.Dimensions
            .Select(d => Result(d, counted.Select(v => v.Scores[d]).ToList()))
            .ToList();
        var medians = new Scores(
            results[0].Median, results[1].Median, results[2].Median, results[3].Median);
        return new TallyResult(counted, results, medians, RubricRules.Total(medians));
    }

    /// <summary>Each voter's last vote (latest <c>At</c>; equal times: later in the input), ordered by when it was cast.</summary>
    public static IReadOnlyList<Vote> LastPerVoter(IReadOnlyList<Vote> votes)
    {
        ArgumentNullException.ThrowIfNull(votes);
        return [.. votes
            .Select((vote, index) => (vote, index))
            .GroupBy(x => x.vote.Voter.Key, StringComparer.Ordinal)
            .Select(g => g.OrderBy(x => x.vote.At).ThenBy(x => x.index).Last())
            .OrderBy(x => x.vote.At).ThenBy(x => x.index)
            .Select(x => x.vote)];
    }

    /// <summary>
    /// The median of 1–3 scores. With an even count the median is the mean of the two middle values; when
    /// that falls between two scores it rounds up for impact and cost of delay and down for fix confidence
    /// and rollback risk, the cautious side of each.
    /// </summary>
    public static int Median(Dimension dimension, IReadOnlyList<int> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count == 0)
        {
            throw new ArgumentException("The median of no scores is undefined.", nameof(scores));
        }

        var sorted = scores.Order().ToList();
        var mid = sorted.Count / 2;
        if (sorted.Count % 2 == 1)
        {
            return sorted[mid];
        }

        var sum = sorted[mid - 1] + sorted[mid];
        if (sum % 2 == 0)
        {
            return sum / 2;
        }

        return RoundsUp(dimension) ? (sum + 1) / 2 : (sum - 1) / 2;
    }

    /// <summary>Impact and cost of delay round a tie up (don't under-rate harm); confidence and rollback round down (don't over-rate safety).</summary>
    public static bool RoundsUp(Dimension dimension) => dimension switch
    {
        Dimension.Impact or Dimension.Delay => true,
        Dimension.Confidence or Dimension.Rollback => false,
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "Unknown rubric dimension."),
    };

    private static DimensionResult Result(Dimension dimension, List<int> scores) =>
        new(dimension, Median(dimension, scores), scores.Min(), scores.Max());
}
