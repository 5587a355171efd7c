namespace TriageBot.Core.Items;

/// <summary>What kind of change a history entry records.</summary>
public enum HistoryKind
{
    Created,
    StateChanged,
    Scored,
    PlacementHeld,
    OwnerChanged,
    FieldChanged,
    ColumnChanged,
    CapabilityNoteAdded,
    TimeboxSet,
    Rescoped,
    VotingRoundOpened,
    Revealed,
    KeepMarked,
    Commented,
}

/// <summary>One append-only record of a change to an item: who, when, what and why.</summary>
public sealed record HistoryEntry
{
    public required string BacklogId { get; init; }
    public required int ItemNumber { get; init; }
    /// <summary>The item's stream at the time, so allocation can be computed from history alone.</summary>
    public required WorkStream Stream { get; init; }
    public required DateTimeOffset At { get; init; }
    /// <summary>Orders entries written at the same instant for the same item.</summary>
    public int Sequence { get; init; }
    public required UserRef Actor { get; init; }
    public required HistoryKind Kind { get; init; }
    public string? Field { get; init; }
    public string? From { get; init; }
    public string? To { get; init; }
    public string? Reason { get; init; }
}
