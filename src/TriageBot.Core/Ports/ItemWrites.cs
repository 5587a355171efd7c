using TriageBot.Core.Items;

namespace TriageBot.Core.Ports;

/// <summary>
/// One change to one item as the write path stores it: the item, the history entries and domain events the change
/// implies, and the posts that follow from it.
/// </summary>
public sealed record ItemWrite
{
    public required Item Item { get; init; }
    /// <summary>Null: the item is new (an insert, refused with <see cref="DuplicateKeyException"/> when its number is taken). Otherwise the ETag the stored item must still have.</summary>
    public string? ETag { get; init; }
    public IReadOnlyList<HistoryEntry> History { get; init; } = [];
    public IReadOnlyList<ItemEvent> Events { get; init; } = [];
    /// <summary>Messages to queue with the change (a message whose id is already queued is left as it is).</summary>
    public IReadOnlyList<OutboxMessage> Outbox { get; init; } = [];

    /// <summary>A new item, with the history its creation recorded and a <see cref="ItemEventKind.Created"/> event.</summary>
    public static ItemWrite Created(Item item, IReadOnlyList<HistoryEntry> history, UserRef actor, DateTimeOffset at) =>
        new() { Item = item, History = history, Events = ItemEvents.Of(null, item, actor, at) };

    /// <summary>A stored item changed: <paramref name="before"/> as read with <paramref name="etag"/>, and the change a rule made to it.</summary>
    public static ItemWrite Changed(Item before, string etag, ItemChange change, UserRef actor, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new() { Item = change.Item, ETag = etag, History = change.History, Events = ItemEvents.Of(before, change.Item, actor, at) };
    }
}

/// <summary>
/// The one write path of items. Every change to an item — from chat, the CLI import, a restore, the demo seeder — goes
/// through <see cref="WriteAsync"/>, so "an item changed" has one place to be observed.
/// </summary>
public interface IItemWrites
{
    /// <summary>
    /// Checks the ETag (or that the number is free), stores the item, appends its history, records its events and queues
    /// its messages. SQLite does all of it in one transaction. Azure Tables has no transaction across tables: the item row
    /// is the commit point, and history, events and messages follow, each write repeatable.
    /// </summary>
    /// <exception cref="ConcurrencyException">The stored item no longer has <see cref="ItemWrite.ETag"/> (or does not exist).</exception>
    /// <exception cref="DuplicateKeyException">A new item's number is taken.</exception>
    Task<Versioned<Item>> WriteAsync(ItemWrite write, CancellationToken ct);
}

/// <summary>The recorded domain events, for subscribers (tracker sync, per-person views).</summary>
public interface IItemEventFeed
{
    /// <summary>Events of one backlog with <c>from &lt;= At &lt; to</c>, oldest first (the events of one change in their order).</summary>
    IAsyncEnumerable<ItemEvent> ReadAsync(string backlogId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct);
}
