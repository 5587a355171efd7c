namespace TriageBot.Core.Rubric;

/// <summary>The words of the SPEC §3 rubric table: dimension names and what each score means, for forms, cards and <c>rubric</c>.</summary>
public static class RubricText
{
    /// <summary>Shown next to the user-impact choice: impact is the most over-scored dimension.</summary>
    public const string ImpactHint = "≥ 5% of weekly active users counts as a meaningful segment";

    /// <summary>Asks for the evidence behind a user-impact score.</summary>
    public const string ImpactEvidenceHint = "Evidence: a telemetry link or the affected share of weekly active users.";

    public static string Name(Dimension dimension) => dimension switch
    {
        Dimension.Impact => "User impact",
        Dimension.Confidence => "Fix confidence",
        Dimension.Rollback => "Rollback risk",
        Dimension.Delay => "Cost of delay",
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "Unknown rubric dimension."),
    };

    /// <summary>What a score of 1, 2 or 3 means on a dimension.</summary>
    public static string Meaning(Dimension dimension, int score) => (dimension, score) switch
    {
        (Dimension.Impact, 3) => "Blocks a core workflow for any user",
        (Dimension.Impact, 2) => "Degrades an important workflow for a meaningful segment (≥ 5% of weekly active users)",
        (Dimension.Impact, 1) => "An annoyance, or a small segment",
        (Dimension.Confidence, 3) => "The team knows exactly how to fix it and the change is small",
        (Dimension.Confidence, 2) => "A leading hypothesis that needs validation",
        (Dimension.Confidence, 1) => "No clear path: needs a research timebox first",
        (Dimension.Rollback, 3) => "Reversible in seconds via a flag",
        (Dimension.Rollback, 2) => "Reversible in under an hour with a deploy",
        (Dimension.Rollback, 1) => "Hard to reverse (data migration, model retrain, customer commitment)",
        (Dimension.Delay, 3) => "Waiting another sprint causes measurable harm (revenue, regulation, churn)",
        (Dimension.Delay, 2) => "The cost grows over time but is manageable today",
        (Dimension.Delay, 1) => "No time pressure",
        (_, < 1 or > 3) => throw new ArgumentOutOfRangeException(nameof(score), score, $"A rubric score is 1, 2 or 3 (got {score})."),
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "Unknown rubric dimension."),
    };

    /// <summary>A choice label for forms: "3 — Blocks a core workflow for any user".</summary>
    public static string ChoiceLabel(Dimension dimension, int score) => $"{score} — {Meaning(dimension, score)}";
}
