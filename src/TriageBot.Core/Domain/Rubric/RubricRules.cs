using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;

namespace TriageBot.Core.Rubric;

/// <summary>The triage rubric of SPEC §3: weights, the weighted total, placement into a queue and the consequences of a score.</summary>
public static class RubricRules
{
    public const int MinScore = 1;
    public const int MaxScore = 3;
    /// <summary>Lowest possible weighted total (all ones).</summary>
    public const int MinTotal = 8;
    /// <summary>Highest possible weighted total (all threes).</summary>
    public const int MaxTotal = 24;

    public const string ResearchTimeboxLabel = "Timebox, don't estimate";
    public const string CautiousReleaseLabel = "Cautious release lane";

    /// <summary>The dimensions in the order the rubric lists them.</summary>
    public static IReadOnlyList<Dimension> Dimensions { get; } = [Dimension.Impact, Dimension.Confidence, Dimension.Rollback, Dimension.Delay];

    public static int Weight(Dimension dimension) => dimension switch
    {
        Dimension.Impact => 3,
        Dimension.Confidence => 2,
        Dimension.Rollback => 2,
        Dimension.Delay => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "Unknown rubric dimension."),
    };

    /// <summary>True when the score is a valid rubric score (1–3).</summary>
    public static bool IsValidScore(int score) => score is >= MinScore and <= MaxScore;

    /// <summary>Throws when any dimension is outside 1–3, naming the dimension.</summary>
    public static void Validate(Scores scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        foreach (var d in Dimensions)
        {
            if (!IsValidScore(scores[d]))
            {
                throw new ArgumentOutOfRangeException(
                    nameof(scores), scores[d], $"{RubricText.Name(d)} must be scored 1, 2 or 3 (got {scores[d]}).");
            }
        }
    }

    /// <summary>3·impact + 2·confidence + 2·rollback + 1·delay, from 8 to 24.</summary>
    public static int Total(Scores scores)
    {
        Validate(scores);
        return Dimensions.Sum(d => Weight(d) * scores[d]);
    }

    /// <summary>The queue a weighted total places an item into under the backlog's thresholds.</summary>
    public static Queue Place(int total, BacklogSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (total is < MinTotal or > MaxTotal)
        {
            throw new ArgumentOutOfRangeException(nameof(total), total, $"A weighted total is between {MinTotal} and {MaxTotal} (got {total}).");
        }

        if (total >= settings.SprintThreshold)
        {
            return Queue.Sprint;
        }

        return total >= settings.ReadyThreshold ? Queue.Ready : Queue.Icebox;
    }

    public static Queue Place(Scores scores, BacklogSettings settings) => Place(Total(scores), settings);

    /// <summary>Placement thresholds must satisfy 8 ≤ ready &lt; sprint ≤ 24 (Icebox may be empty, Ready never is).</summary>
    public static IReadOnlyList<FieldError> ValidateThresholds(int sprint, int ready)
    {
        var errors = new List<FieldError>();
        if (ready is < MinTotal or > MaxTotal - 1)
        {
            errors.Add(new FieldError(FieldIds.ReadyThreshold,
                $"Ready threshold must be a total from {MinTotal} to {MaxTotal - 1} (you wrote {ready})."));
        }

        if (sprint is < MinTotal + 1 or > MaxTotal)
        {
            errors.Add(new FieldError(FieldIds.SprintThreshold,
                $"Sprint threshold must be a total from {MinTotal + 1} to {MaxTotal} (you wrote {sprint})."));
        }
        else if (sprint <= ready)
        {
            errors.Add(new FieldError(FieldIds.SprintThreshold,
                $"Sprint threshold must be above the ready threshold ({ready}) (you wrote {sprint})."));
        }

        return errors;
    }

    /// <summary>Fix confidence 1: no clear path, so the work is timeboxed rather than estimated.</summary>
    public static bool ResearchTimebox(Scores scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        return scores.Confidence == 1;
    }

    /// <summary>Rollback risk 1: hard to reverse, so it ships through the cautious release lane.</summary>
    public static bool CautiousRelease(Scores scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        return scores.Rollback == 1;
    }

    /// <summary>What the bot states with a score's result (SPEC §3 "consequences").</summary>
    public static IReadOnlyList<string> Consequences(Scores scores, WorkStream stream)
    {
        Validate(scores);
        var lines = new List<string>();
        if (ResearchTimebox(scores))
        {
            lines.Add(stream == WorkStream.Model
                ? $"{ResearchTimeboxLabel}: set a timebox for this model item before work starts."
                : $"{ResearchTimeboxLabel}: flagged for a research timebox; find a path before estimating.");
        }

        if (CautiousRelease(scores))
        {
            lines.Add($"{CautiousReleaseLabel}: hard to reverse, so release it carefully; it is flagged in every list and report.");
        }

        return lines;
    }

}
