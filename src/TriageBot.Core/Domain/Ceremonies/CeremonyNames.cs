namespace TriageBot.Core.Ceremonies;

/// <summary>The names people read for each ceremony: the registry's (<see cref="CeremonyRegistry"/>).</summary>
public static class CeremonyNames
{
    /// <summary>The ceremony's name; an <see cref="ArgumentOutOfRangeException"/> for a kind without a definition.</summary>
    public static string Of(CeremonyKind kind) => CeremonyRegistry.Of(kind).Name;
}
