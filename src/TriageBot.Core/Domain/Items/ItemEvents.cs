namespace TriageBot.Core.Items;

/// <summary>What happened to an item, as integrations and per-person views care about it.</summary>
public enum ItemEventKind
{
    /// <summary>The item was reported (or imported, or seeded) and stored for the first time.</summary>
    Created,
    /// <summary>It moved to the next sprint, the ready queue or the icebox.</summary>
    Placed,
    /// <summary>It moved to any other state (new, active, done).</summary>
    StateChanged,
    /// <summary>A scoring round was finalized: the item has a new score.</summary>
    ScoreFinalized,
    /// <summary>An engineer wrote its capability note.</summary>
    NoteAdded,
    /// <summary>It was closed with a rationale.</summary>
    Closed,
    /// <summary>Anything else about it changed (fields, timebox, column, owner, a round opened…).</summary>
    Changed,
    /// <summary>It was restored from a backup as it was.</summary>
    Restored,
}

/// <summary>
/// A domain event: one fact about one item, recorded by the write path in the same unit of work as the change itself.
/// Subscribers (tracker sync, per-person views) read them in order; <see cref="Id"/> tells a repeat from a new event.
/// </summary>
public sealed record ItemEvent
{
    /// <summary>Unique per event; the same event read twice has the same id.</summary>
    public required string Id { get; init; }
    public required string BacklogId { get; init; }
    public required int ItemNumber { get; init; }
    public required ItemEventKind Kind { get; init; }
    public required DateTimeOffset At { get; init; }
    public required UserRef Actor { get; init; }
    /// <summary>The item's state after the change.</summary>
    public required ItemState State { get; init; }
    /// <summary>The state before, for <see cref="ItemEventKind.Placed"/>, <see cref="ItemEventKind.StateChanged"/> and <see cref="ItemEventKind.Closed"/>.</summary>
    public ItemState? From { get; init; }
    /// <summary>Orders the events of one change.</summary>
    public int Sequence { get; init; }
}

/// <summary>The events a change implies, derived from the item before and after it: a pure function of domain facts.</summary>
public static class ItemEvents
{
    /// <summary>
    /// The events of one change: <see cref="ItemEventKind.Created"/> when there was no item before; otherwise one per kind of
    /// difference (state, score, capability note), or <see cref="ItemEventKind.Changed"/> when only other fields differ, or
    /// none when nothing did.
    /// </summary>
    public static IReadOnlyList<ItemEvent> Of(Item? before, Item after, UserRef actor, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(actor);
        var kinds = new List<(ItemEventKind Kind, ItemState? From)>();
        if (before is null)
        {
            kinds.Add((ItemEventKind.Created, null));
        }
        else
        {
            if (after.Score is not null && after.Score != before.Score)
            {
                kinds.Add((ItemEventKind.ScoreFinalized, null));
            }

            if (after.Feature?.CapabilityNote is { } note && note != before.Feature?.CapabilityNote)
            {
                kinds.Add((ItemEventKind.NoteAdded, null));
            }

            if (after.State != before.State)
            {
                kinds.Add((after.State switch
                {
                    ItemState.Closed => ItemEventKind.Closed,
                    ItemState.Sprint or ItemState.Ready or ItemState.Icebox => ItemEventKind.Placed,
                    _ => ItemEventKind.StateChanged,
                }, before.State));
            }

            if (kinds.Count == 0 && before with { UpdatedAt = after.UpdatedAt } != after)
            {
                kinds.Add((ItemEventKind.Changed, null));
            }
        }

        return Events(after, kinds, actor, at);
    }

    /// <summary>The one event of an item restored from a backup.</summary>
    public static IReadOnlyList<ItemEvent> Restored(Item item, UserRef actor, DateTimeOffset at) =>
        Events(item, [(ItemEventKind.Restored, null)], actor, at);

    private static ItemEvent[] Events(Item item, List<(ItemEventKind Kind, ItemState? From)> kinds, UserRef actor, DateTimeOffset at) =>
        [.. kinds.Select((k, i) => new ItemEvent
        {
            Id = Guid.NewGuid().ToString("N"),
            BacklogId = item.BacklogId,
            ItemNumber = item.Number,
            Kind = k.Kind,
            At = at,
            Actor = actor,
            State = item.State,
            From = k.From,
            Sequence = i,
        })];
}
