namespace TriageBot.Core.Rubric;

/// <summary>The four rubric dimensions of SPEC §3.</summary>
public enum Dimension { Impact, Confidence, Rollback, Delay }

/// <summary>A 1–3 score on each dimension.</summary>
public sealed record Scores(int Impact, int Confidence, int Rollback, int Delay)
{
    public int this[Dimension d] => d switch
    {
        Dimension.Impact => Impact,
        Dimension.Confidence => Confidence,
        Dimension.Rollback => Rollback,
        Dimension.Delay => Delay,
        _ => throw new ArgumentOutOfRangeException(nameof(d), d, "Unknown rubric dimension."),
    };
}
