namespace TriageBot.Core.Ceremonies;

/// <summary>The names people read for each ceremony.</summary>
public static class CeremonyNames
{
    public static string Of(CeremonyKind kind) => kind switch
    {
        CeremonyKind.WeeklyStreamReview => "Weekly stream review",
        CeremonyKind.TriageClinic => "Triage clinic",
        CeremonyKind.AllocationReview => "Stream allocation review",
        CeremonyKind.IceboxSweep => "Icebox sweep",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown ceremony."),
    };
}
