using TriageBot.Core.Backlogs;
using TriageBot.Core.Rubric;

namespace TriageBot.Core.Views;

/// <summary>The rubric as a view. Pure.</summary>
public static class RubricViews
{
    /// <summary>The rubric, weights and thresholds in force, for the <c>rubric</c> command.</summary>
    public static RubricView Describe(BacklogSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var dimensions = RubricRules.Dimensions
            .Select(d => new RubricDimensionView(
                Wording.Dimension(d),
                RubricRules.Weight(d),
                [.. new[] { 3, 2, 1 }.Select(s => new RubricLevel(s, RubricText.Meaning(d, s)))]))
            .ToList();
        return new RubricView(dimensions, settings.SprintThreshold, settings.ReadyThreshold);
    }
}
