using TriageBot.Core.Items;

namespace TriageBot.Core.Ports;

/// <summary>An issue tracker a backlog can be connected to.</summary>
public enum TrackerKind { GitHub, Jira }

/// <summary>Which placements create the tracker issue: Sprint alone, or Sprint and the ready queue.</summary>
public enum TrackerPushOn { Sprint, SprintAndReady }

/// <summary>
/// A backlog's connection to one tracker: which repository (<c>owner/repo</c>) or Jira project (key) its items go to.
/// Never holds credentials: those come from the host's settings.
/// </summary>
public sealed record TrackerConnection
{
    public required string BacklogId { get; init; }
    public required TrackerKind Kind { get; init; }
    /// <summary><c>owner/repo</c> for GitHub; the project key (<c>PAY</c>) for Jira.</summary>
    public required string Target { get; init; }
    public TrackerPushOn PushOn { get; init; } = TrackerPushOn.Sprint;
    public required UserRef ConnectedBy { get; init; }
    public required DateTimeOffset ConnectedAt { get; init; }
    /// <summary>Tracker login (GitHub) or account id (Jira) → member key (<c>slack:U123</c>), set with <c>link @person github login</c>.</summary>
    public IReadOnlyDictionary<string, string> People { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}

/// <summary>One issue as a tracker describes it.</summary>
public sealed record TrackerIssue
{
    public required TrackerKind Kind { get; init; }
    /// <summary>The tracker's stable id (GitHub's numeric issue id, Jira's issue id).</summary>
    public required string Id { get; init; }
    /// <summary>What people call it: <c>owner/repo#12</c> or <c>PAY-12</c>.</summary>
    public required string Key { get; init; }
    public required string Url { get; init; }
    public required string Title { get; init; }
    public string Body { get; init; } = "";
    public bool Open { get; init; } = true;
    public IReadOnlyList<string> Labels { get; init; } = [];
    public string? Assignee { get; init; }
}

/// <summary>What TriageBot last wrote to the tracker about an item, so the next push knows what changed.</summary>
public sealed record TrackerSnapshot(ItemState State, int? Total, int? Round, string? OwnerKey, string Title, bool HasNote)
{
    /// <summary>What a push writes about <paramref name="item"/>.</summary>
    public static TrackerSnapshot Of(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new(item.State, item.Score?.Total, item.Score?.Round, item.Owner?.Key, item.Title,
            (item.Feature?.CapabilityNote ?? item.DependencyNote) is not null);
    }
}

/// <summary>
/// An item's link to its tracker issue and the state of pushing to it. The row is the tracker's outbox, one per item and
/// tracker: a change marks it <see cref="Pending"/>, and the sync worker pushes the item as it is then.
/// </summary>
public sealed record TrackerLink
{
    public required string BacklogId { get; init; }
    public required int ItemNumber { get; init; }
    public required TrackerKind Kind { get; init; }
    /// <summary>Null until the issue exists (created by a push, or linked).</summary>
    public string? IssueId { get; init; }
    public string? IssueKey { get; init; }
    public string? IssueUrl { get; init; }
    public required DateTimeOffset LinkedAt { get; init; }
    /// <summary>Something changed that the tracker has not been told.</summary>
    public bool Pending { get; init; }
    public DateTimeOffset NextAttemptAt { get; init; }
    public int Attempts { get; init; }
    /// <summary>A create request was sent whose answer may have been lost: search for the item's key before creating again.</summary>
    public bool CreateSent { get; init; }
    public TrackerSnapshot? Pushed { get; init; }
    /// <summary>When a comment was sent whose answer may have been lost: the issue's comments since then are read before sending it again.</summary>
    public DateTimeOffset? CommentSentAt { get; init; }
    public string? LastError { get; init; }
    /// <summary>The tracker refused for good (401, 404, 410): pushing stops until the link is made again.</summary>
    public bool Failed { get; init; }
    public bool FailureReported { get; init; }
    public string? LeaseOwner { get; init; }
    public DateTimeOffset? LeaseUntil { get; init; }
}

/// <summary>What a tracker's webhook said happened to an issue.</summary>
public enum TrackerChangeKind { Completed, NotPlanned, Reopened, Assigned, Unassigned }

/// <summary>One verified webhook delivery, recorded once by its delivery id and handled in the background.</summary>
public sealed record TrackerDelivery
{
    public required TrackerKind Kind { get; init; }
    public required string DeliveryId { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public required string IssueId { get; init; }
    public required string IssueKey { get; init; }
    public required TrackerChangeKind Change { get; init; }
    /// <summary>The resolution (Jira) or state reason (GitHub) as the tracker names it.</summary>
    public string? Resolution { get; init; }
    /// <summary>The assignee's login (GitHub) or account id (Jira).</summary>
    public string? Assignee { get; init; }
    /// <summary>Who did it in the tracker.</summary>
    public string? Sender { get; init; }
    public bool Handled { get; init; }
}

/// <summary>How far the sync worker has read a backlog's domain events.</summary>
public sealed record TrackerCursor(string BacklogId, DateTimeOffset At);

/// <summary>Storage of tracker connections, item links (with their push state), the event cursor and webhook deliveries.</summary>
public interface ITrackerStore
{
    /// <summary>Creates what the store needs; safe on every start.</summary>
    Task InitializeAsync(CancellationToken ct);

    Task<TrackerConnection?> GetConnectionAsync(string backlogId, TrackerKind kind, CancellationToken ct);
    Task<IReadOnlyList<TrackerConnection>> ListConnectionsAsync(string? backlogId, CancellationToken ct);
    Task SaveConnectionAsync(TrackerConnection connection, CancellationToken ct);
    /// <summary>Removes the connection (links stay, so connecting again resumes them); false when there was none.</summary>
    Task<bool> DeleteConnectionAsync(string backlogId, TrackerKind kind, CancellationToken ct);

    Task<Versioned<TrackerLink>?> GetLinkAsync(string backlogId, int itemNumber, TrackerKind kind, CancellationToken ct);
    /// <summary>Inserts (<paramref name="etag"/> null; <see cref="DuplicateKeyException"/> when it exists) or replaces it if unchanged since read (<see cref="ConcurrencyException"/>).</summary>
    Task<Versioned<TrackerLink>> SaveLinkAsync(TrackerLink link, string? etag, CancellationToken ct);
    /// <summary>Every link to one tracker issue (one per backlog that linked it).</summary>
    Task<IReadOnlyList<TrackerLink>> FindByIssueAsync(TrackerKind kind, string issueId, CancellationToken ct);
    /// <summary>Pending links due at <paramref name="now"/>, not failed, with no live lease.</summary>
    Task<IReadOnlyList<Versioned<TrackerLink>>> DueLinksAsync(DateTimeOffset now, int max, CancellationToken ct);

    Task<TrackerCursor?> GetCursorAsync(string backlogId, CancellationToken ct);
    Task SaveCursorAsync(TrackerCursor cursor, CancellationToken ct);

    /// <summary>Records a delivery; false when its id was recorded before (a replay or a retry).</summary>
    Task<bool> TryRecordDeliveryAsync(TrackerDelivery delivery, CancellationToken ct);
    Task<IReadOnlyList<TrackerDelivery>> PendingDeliveriesAsync(int max, CancellationToken ct);
    Task MarkDeliveryHandledAsync(TrackerDelivery delivery, CancellationToken ct);
    /// <summary>Deletes handled deliveries received before <paramref name="receivedBefore"/> (their ids no longer de-duplicate); returns how many.</summary>
    Task<int> PurgeDeliveriesAsync(DateTimeOffset receivedBefore, CancellationToken ct);
}

/// <summary>Why a tracker call failed.</summary>
public enum TrackerFailure
{
    /// <summary>Try again later (5xx, timeouts, rate limits).</summary>
    Transient,
    /// <summary>Credentials refused (401/403 without a rate limit).</summary>
    Unauthorized,
    /// <summary>The issue or project is gone (404, 410).</summary>
    NotFound,
    /// <summary>The tracker refused the request as it is (400, 422).</summary>
    Refused,
    /// <summary>No credentials are configured for this tracker.</summary>
    NotConfigured,
}

/// <summary>A tracker call failed; <see cref="RetryAfter"/> when the tracker said when to come back.</summary>
public sealed class TrackerException(TrackerFailure failure, string message, TimeSpan? retryAfter = null, Exception? inner = null) : Exception(message, inner)
{
    public TrackerFailure Failure { get; } = failure;
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>The tracker side as the use cases need it: check a connection, read one issue, search.</summary>
public interface ITrackerGateway
{
    /// <summary>Whether the host has credentials for <paramref name="kind"/>.</summary>
    bool IsConfigured(TrackerKind kind);
    /// <summary>Checks that the target exists and the credentials reach it; throws <see cref="TrackerException"/> saying why not.</summary>
    Task CheckAsync(TrackerConnection connection, CancellationToken ct);
    /// <summary>The issue a URL, key (<c>PAY-12</c>) or number (<c>#12</c>) names in the connected target; null when there is none.</summary>
    Task<TrackerIssue?> GetIssueAsync(TrackerConnection connection, string reference, CancellationToken ct);
    /// <summary>Issues matching a search (GitHub search text, Jira JQL), at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<TrackerIssue>> SearchAsync(TrackerConnection connection, string query, int max, CancellationToken ct);
    /// <summary>Issues matching a search, page by page as the tracker pages them (for imports too large to read at once).</summary>
    IAsyncEnumerable<TrackerSearchPage> SearchPagesAsync(TrackerConnection connection, string query, CancellationToken ct);
}

/// <summary>One page of a tracker search: its issues, how many match in all when the tracker says (Jira's is approximate),
/// and, when the tracker cannot page through all of them, what to do about it.</summary>
public sealed record TrackerSearchPage(IReadOnlyList<TrackerIssue> Issues, int? Total, string? Limit = null);

/// <summary>The tracker ports together, for Core's composition.</summary>
public sealed record TrackerServices(ITrackerStore Store, ITrackerGateway Gateway);
