using System.Text.Json;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Items;
using TriageBot.Core.Voting;

namespace TriageBot.Core.Ports;

/// <summary>A stored value with the opaque version (ETag) its next conditional update must present.</summary>
public sealed record Versioned<T>(T Value, string ETag);

/// <summary>A conditional write lost a race: someone else changed the row first.</summary>
public sealed class ConcurrencyException(string message) : Exception(message);

/// <summary>An insert found the key already taken.</summary>
public sealed class DuplicateKeyException(string message) : Exception(message);

/// <summary>The store could not be reached or failed; the request must not be acknowledged as done.</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

public interface IBacklogStore
{
    Task<Versioned<Backlog>?> GetAsync(string backlogId, CancellationToken ct);
    /// <summary>Inserts a new backlog; false when the id is taken.</summary>
    Task<bool> TryCreateAsync(Backlog backlog, CancellationToken ct);
    /// <summary>Replaces a backlog if <paramref name="etag"/> still matches; otherwise <see cref="ConcurrencyException"/>.</summary>
    Task<Versioned<Backlog>> ReplaceAsync(Backlog backlog, string etag, CancellationToken ct);
    IAsyncEnumerable<Backlog> ListAsync(CancellationToken ct);
    Task<Backlog?> FindByDashboardTokenAsync(string token, CancellationToken ct);
}

public interface IMemberStore
{
    Task<Member?> GetAsync(string backlogId, string userKey, CancellationToken ct);
    /// <summary>Writes a member unconditionally; like every member write it changes the roster's version.</summary>
    Task UpsertAsync(Member member, CancellationToken ct);
    Task<IReadOnlyList<Member>> ListAsync(string backlogId, CancellationToken ct);

    /// <summary>
    /// The backlog's members with the version (ETag) of the whole roster. A check over the roster ("another facilitator
    /// remains") and the write it allows are one step when the write presents this version: two people demoting themselves
    /// at once cannot both pass the check. (The default, for single-writer test stores, has no version.)
    /// </summary>
    async Task<Versioned<IReadOnlyList<Member>>> ListVersionedAsync(string backlogId, CancellationToken ct) =>
        new(await ListAsync(backlogId, ct).ConfigureAwait(false), "");

    /// <summary>Writes a member if no member of the backlog was written since the roster had <paramref name="rosterETag"/>; otherwise <see cref="ConcurrencyException"/>.</summary>
    Task UpsertAsync(Member member, string rosterETag, CancellationToken ct) => UpsertAsync(member, ct);
}

public interface IBindingStore
{
    Task<Binding?> GetAsync(Platform platform, string workspace, string channelId, CancellationToken ct);
    /// <summary>Writes a binding unconditionally (setup); its ETag changes.</summary>
    Task UpsertAsync(Binding binding, CancellationToken ct);
    IAsyncEnumerable<Binding> ListForBacklogAsync(string backlogId, CancellationToken ct);

    /// <summary>A binding with its ETag, for a change that must not undo a concurrent <c>setup</c>. (The default, for single-writer test stores, has no ETag.)</summary>
    async Task<Versioned<Binding>?> GetVersionedAsync(Platform platform, string workspace, string channelId, CancellationToken ct) =>
        await GetAsync(platform, workspace, channelId, ct).ConfigureAwait(false) is { } binding ? new Versioned<Binding>(binding, "") : null;

    /// <summary>Replaces a binding if <paramref name="etag"/> still matches; otherwise (changed or removed meanwhile) <see cref="ConcurrencyException"/>.</summary>
    async Task<Versioned<Binding>> ReplaceAsync(Binding binding, string etag, CancellationToken ct)
    {
        await UpsertAsync(binding, ct).ConfigureAwait(false);
        return new Versioned<Binding>(binding, "");
    }
}

/// <summary>Filters for streaming a backlog's items. Null means "any".</summary>
public sealed record ItemQuery(string BacklogId)
{
    public IReadOnlyCollection<ItemState>? States { get; init; }
    public WorkStream? Stream { get; init; }
    public DateTimeOffset? CreatedAfter { get; init; }
    /// <summary>
    /// Return outlines (<see cref="ItemOutline.Of"/>): every field lists, reports and the dashboard use, without the long
    /// free text. A fraction of the cost of whole items, for reads that go over thousands of them.
    /// </summary>
    public bool Outline { get; init; }
}

/// <summary>An item number reserved for a request; <see cref="Repeated"/> when an earlier call with the same key reserved it.</summary>
public sealed record NumberReservation(int Number, bool Repeated);

/// <summary>Reads items and hands out their numbers. Items are written only through <see cref="IItemWrites"/> (<see cref="ITriageStore.Writes"/>).</summary>
public interface IItemStore
{
    /// <summary>Hands out the backlog's next item number; never the same number twice, across instances.</summary>
    Task<int> AllocateNumberAsync(string backlogId, CancellationToken ct);
    /// <summary>
    /// The number of the item one request creates: a new one (as <see cref="AllocateNumberAsync"/>) the first time
    /// <paramref name="requestKey"/> is seen, the same one for every later call with it, across instances. A form
    /// submitted again after an error that came part-way through therefore finishes the item it started, not a second one.
    /// </summary>
    Task<NumberReservation> ReserveNumberAsync(string backlogId, string requestKey, CancellationToken ct);
    Task<Versioned<Item>?> GetAsync(string backlogId, int number, CancellationToken ct);
    /// <summary>Streams matching items page by page, in number order; never loads the backlog whole.</summary>
    IAsyncEnumerable<Item> QueryAsync(ItemQuery query, CancellationToken ct);
}

public interface IHistoryStore
{
    Task AppendAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken ct);
    /// <summary>Entries of one backlog with <c>from &lt;= At &lt; to</c>, oldest first.</summary>
    IAsyncEnumerable<HistoryEntry> ReadAsync(string backlogId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct);
    /// <summary>One item's entries, oldest first.</summary>
    IAsyncEnumerable<HistoryEntry> ForItemAsync(string backlogId, int itemNumber, CancellationToken ct);
}

public interface IVoteStore
{
    /// <summary>Stores a vote, replacing the same person's earlier vote in that round.</summary>
    Task UpsertAsync(Vote vote, CancellationToken ct);
    Task<IReadOnlyList<Vote>> ListAsync(string backlogId, int itemNumber, int round, CancellationToken ct);
}

/// <summary>How a ceremony occurrence was handled.</summary>
public enum OccurrenceOutcome { Posted, PostedLate, Skipped }

/// <summary>The claim of one ceremony occurrence (or its reminder) by one instance.</summary>
public sealed record LedgerEntry(
    string BacklogId,
    CeremonyKind Ceremony,
    /// <summary>Stable id of the occurrence, e.g. <c>2026-12-02T14:00</c> or <c>2026-12-02T14:00:reminder</c>.</summary>
    string Occurrence,
    DateTimeOffset ScheduledAt,
    DateTimeOffset ClaimedAt,
    string ClaimedBy,
    OccurrenceOutcome Outcome);

public interface ICeremonyLedger
{
    /// <summary>Insert-only claim: true for exactly one caller per (backlog, ceremony, occurrence).</summary>
    Task<bool> TryClaimAsync(LedgerEntry entry, CancellationToken ct);
    IAsyncEnumerable<LedgerEntry> ListAsync(string backlogId, DateTimeOffset since, CancellationToken ct);
}

/// <summary>A recorded delivery: when it was recorded, and whether its handling finished.</summary>
public sealed record InboxRecord(DateTimeOffset RecordedAt, bool Handled);

public interface IInbox
{
    /// <summary>Records a delivery id; false when it was already recorded (a retry).</summary>
    Task<bool> TryRecordAsync(Platform platform, string deliveryId, DateTimeOffset at, CancellationToken ct);
    /// <summary>Forgets a delivery whose handling failed, so the platform's retry is processed.</summary>
    Task ForgetAsync(Platform platform, string deliveryId, DateTimeOffset at, CancellationToken ct);
    /// <summary>Notes that the delivery recorded at <paramref name="recordedAt"/> was handled: its later retries are plain duplicates.</summary>
    Task MarkHandledAsync(Platform platform, string deliveryId, DateTimeOffset recordedAt, CancellationToken ct);
    /// <summary>The delivery as recorded (looked for around <paramref name="at"/>, as <see cref="TryRecordAsync"/> does); null when it is not.</summary>
    Task<InboxRecord?> GetAsync(Platform platform, string deliveryId, DateTimeOffset at, CancellationToken ct);
}

public enum OutboxKind { Post, Update, Ephemeral, Direct }

public enum OutboxStatus { Pending, Sent, Failed }

/// <summary>Something to post or update later, through the delivery worker.</summary>
public sealed record OutboxMessage
{
    public required string Id { get; init; }
    public required OutboxKind Kind { get; init; }
    public required ConversationAddress Target { get; init; }
    /// <summary>
    /// What the message shows: a view as JSON. The outbox stores it as it is and never reads into it; the layer that
    /// knows views writes and reads it (<c>Conversation.OutboxViews</c>).
    /// </summary>
    public required JsonElement Payload { get; init; }
    /// <summary>The payload is a live view (a ballot, a report): rendered from storage when it is sent.</summary>
    public bool Live { get; init; }
    /// <summary>Logical name of the message (e.g. <c>ballot:payments/42:1</c>): a Post stores the platform's id under it, an Update finds it.</summary>
    public string? MessageRef { get; init; }
    /// <summary>Post into the thread of the message known by this logical name (resolved at delivery, once that message is sent).</summary>
    public string? ThreadRef { get; init; }
    /// <summary>Backlog to tell about permanent failures.</summary>
    public string? BacklogId { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public int Attempts { get; init; }
    public DateTimeOffset NextAttemptAt { get; init; }
    public string? LeaseOwner { get; init; }
    public DateTimeOffset? LeaseUntil { get; init; }
    public OutboxStatus Status { get; init; } = OutboxStatus.Pending;
    public string? PlatformMessageId { get; init; }
    public string? LastError { get; init; }

    /// <summary>
    /// Updates of a live view (a ballot, a report) render the state when they are sent, so of several waiting for the same
    /// message one is enough: they share this key. Null for every other message.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? CoalescingKey => Kind == OutboxKind.Update && MessageRef is { } r && Live ? r : null;
}

public interface IOutbox
{
    /// <summary>
    /// Queues a message. A store may drop a message with a <see cref="OutboxMessage.CoalescingKey"/> when one with the same
    /// key is already pending and not leased: the one queued will show the newer state anyway.
    /// </summary>
    Task EnqueueAsync(OutboxMessage message, CancellationToken ct);

    /// <summary>Queues many messages, in order; a store may write them together (SQLite: one transaction).</summary>
    async Task EnqueueManyAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            await EnqueueAsync(message, ct).ConfigureAwait(false);
        }
    }
    /// <summary>Leases up to <paramref name="max"/> due pending messages to <paramref name="owner"/>; a message leased to another owner whose lease has not expired is never returned.</summary>
    Task<IReadOnlyList<Versioned<OutboxMessage>>> LeaseAsync(string owner, DateTimeOffset now, TimeSpan leaseFor, int max, CancellationToken ct);
    /// <summary>Saves a leased message's new state (sent, retry later, failed); <see cref="ConcurrencyException"/> if the lease was lost.</summary>
    Task<Versioned<OutboxMessage>> UpdateAsync(OutboxMessage message, string etag, CancellationToken ct);
    Task<int> CountPendingAsync(CancellationToken ct);
    Task<IReadOnlyList<OutboxMessage>> ListFailedAsync(DateTimeOffset since, CancellationToken ct);
}

/// <summary>Remembers which platform message a logical message name was posted as.</summary>
public interface IMessageRefStore
{
    Task SetAsync(string messageRef, ConversationAddress where, string platformMessageId, CancellationToken ct);

    /// <summary>Sets many names at once; a store may write them together (SQLite: one transaction).</summary>
    async Task SetManyAsync(IReadOnlyList<(string MessageRef, ConversationAddress Where, string PlatformMessageId)> refs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(refs);
        foreach (var (messageRef, where, id) in refs)
        {
            await SetAsync(messageRef, where, id, ct).ConfigureAwait(false);
        }
    }
    Task<(ConversationAddress Where, string PlatformMessageId)?> GetAsync(string messageRef, CancellationToken ct);
}

/// <summary>Everything storage provides, so handlers take one dependency.</summary>
public interface ITriageStore
{
    IBacklogStore Backlogs { get; }
    IMemberStore Members { get; }
    IBindingStore Bindings { get; }
    IItemStore Items { get; }
    IHistoryStore History { get; }
    IVoteStore Votes { get; }
    ICeremonyLedger Ledger { get; }
    IInbox Inbox { get; }
    IOutbox Outbox { get; }
    IMessageRefStore MessageRefs { get; }
    /// <summary>The one write path of items (with their history, domain events and messages).</summary>
    IItemWrites Writes { get; }
    /// <summary>The recorded domain events, for subscribers.</summary>
    IItemEventFeed Events { get; }
    /// <summary>Creates tables or schema; safe to call on every start.</summary>
    Task InitializeAsync(CancellationToken ct);
    /// <summary>A cheap round trip that proves the store is reachable, for /health.</summary>
    Task PingAsync(CancellationToken ct);
}
