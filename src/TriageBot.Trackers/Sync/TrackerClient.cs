using TriageBot.Core.Ports;

namespace TriageBot.Trackers.Sync;

/// <summary>What a push writes: the issue's title and body when it is created; labels, state and assignee every time.</summary>
internal sealed record IssueDraft(string Title, string Body, IReadOnlyList<string> Labels, bool Open, bool Completed, string? Assignee);

/// <summary>One tracker's API as the sync needs it. Every failure is a <see cref="TrackerException"/>.</summary>
internal interface ITrackerClient
{
    TrackerKind Kind { get; }

    bool IsConfigured { get; }

    Task CheckAsync(TrackerConnection connection, CancellationToken ct);

    Task<TrackerIssue?> GetIssueAsync(TrackerConnection connection, string reference, CancellationToken ct);

    Task<IReadOnlyList<TrackerIssue>> SearchAsync(TrackerConnection connection, string query, int max, CancellationToken ct);

    IAsyncEnumerable<TrackerSearchPage> SearchPagesAsync(TrackerConnection connection, string query, CancellationToken ct);

    /// <summary>The issue whose title carries the item's key (<c>[TRI-42]</c>), after a create whose answer was lost.</summary>
    Task<TrackerIssue?> FindByItemKeyAsync(TrackerConnection connection, string itemKey, CancellationToken ct);

    Task<TrackerIssue> CreateAsync(TrackerConnection connection, IssueDraft draft, CancellationToken ct);

    Task UpdateAsync(TrackerConnection connection, TrackerLink link, IssueDraft draft, CancellationToken ct);

    /// <summary>Adds a comment carrying <paramref name="marker"/> (hidden where the tracker allows), so a retry can find it.</summary>
    Task CommentAsync(TrackerConnection connection, TrackerLink link, string text, string marker, CancellationToken ct);

    /// <summary>Whether a comment carrying <paramref name="marker"/> was added since <paramref name="since"/> (after a comment whose answer was lost).</summary>
    Task<bool> HasCommentAsync(TrackerConnection connection, TrackerLink link, string marker, DateTimeOffset since, CancellationToken ct);
}

/// <summary>Core's tracker port over the configured clients.</summary>
internal sealed class TrackerGateway(IEnumerable<ITrackerClient> clients) : ITrackerGateway
{
    private readonly Dictionary<TrackerKind, ITrackerClient> byKind = clients.ToDictionary(c => c.Kind);

    public ITrackerClient Client(TrackerKind kind) =>
        byKind.TryGetValue(kind, out var client) && client.IsConfigured
            ? client
            : throw new TrackerException(TrackerFailure.NotConfigured, $"This server has no {kind} credentials.");

    public bool IsConfigured(TrackerKind kind) => byKind.TryGetValue(kind, out var c) && c.IsConfigured;

    public Task CheckAsync(TrackerConnection connection, CancellationToken ct) => Client(connection.Kind).CheckAsync(connection, ct);

    public Task<TrackerIssue?> GetIssueAsync(TrackerConnection connection, string reference, CancellationToken ct) =>
        Client(connection.Kind).GetIssueAsync(connection, reference, ct);

    public Task<IReadOnlyList<TrackerIssue>> SearchAsync(TrackerConnection connection, string query, int max, CancellationToken ct) =>
        Client(connection.Kind).SearchAsync(connection, query, max, ct);

    public IAsyncEnumerable<TrackerSearchPage> SearchPagesAsync(TrackerConnection connection, string query, CancellationToken ct) =>
        Client(connection.Kind).SearchPagesAsync(connection, query, ct);
}
