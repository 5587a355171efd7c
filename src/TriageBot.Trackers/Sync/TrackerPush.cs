using Microsoft.Extensions.Logging;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;

namespace TriageBot.Trackers.Sync;

/// <summary>
/// Pushes one link: creates the issue the first time (searching for the item's key first when an earlier create's answer was
/// lost), afterwards updates labels, state and assignee and comments on what changed. Transient failures retry with the
/// tracker's <c>Retry-After</c> or a doubling backoff; 401, 404 and 410 stop the link, recorded on the item and told to the
/// facilitators once.
/// </summary>
internal sealed class TrackerPush(ITriageStore store, ITrackerStore trackers, TrackerGateway gateway, ItemUpdates items, TrackerOptions options, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private readonly string owner = Guid.NewGuid().ToString("N");

    public async Task PushAsync(Versioned<TrackerLink> due, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        Versioned<TrackerLink> leased;
        try
        {
            leased = await trackers.SaveLinkAsync(due.Value with { LeaseOwner = owner, LeaseUntil = now + Lease }, due.ETag, ct).ConfigureAwait(false);
        }
        catch (ConcurrencyException)
        {
            return; // another instance took it, or it changed: the next round reads it again
        }

        var link = leased.Value;
        var connection = await trackers.GetConnectionAsync(link.BacklogId, link.Kind, ct).ConfigureAwait(false);
        var item = (await store.Items.GetAsync(link.BacklogId, link.ItemNumber, ct).ConfigureAwait(false))?.Value;
        if (connection is null || item is null)
        {
            await FinishAsync(leased, link with { Pending = false }, ct).ConfigureAwait(false);
            return;
        }

        try
        {
            var client = gateway.Client(link.Kind);
            var url = await items.ItemUrlAsync(link.BacklogId, link.ItemNumber, ct).ConfigureAwait(false);
            var draft = IssueText.Draft(item, url, AssigneeOf(connection, item));
            var snapshot = TrackerSnapshot.Of(item);
            if (link.IssueId is null)
            {
                var found = link.CreateSent ? await client.FindByItemKeyAsync(connection, item.Key, ct).ConfigureAwait(false) : null;
                if (found is null)
                {
                    // Recorded before the request leaves: if its answer is lost, the next attempt searches before creating.
                    leased = await trackers.SaveLinkAsync(link with { CreateSent = true }, leased.ETag, ct).ConfigureAwait(false);
                    link = leased.Value;
                    found = await client.CreateAsync(connection, draft, ct).ConfigureAwait(false);
                }
                else
                {
                    await client.UpdateAsync(connection, link with { IssueKey = found.Key }, draft, ct).ConfigureAwait(false);
                }

                link = leased.Value with { IssueId = found.Id, IssueKey = found.Key, IssueUrl = found.Url, Pushed = snapshot };
                await items.ChangeAsync(item.BacklogId, item.Number,
                    i => TrackerRules.Linked(i, $"Sent to {found.Key} ({found.Url}).", found.Url, SyncActor(connection), time.GetUtcNow()), SyncActor(connection), time.GetUtcNow(), ct).ConfigureAwait(false);
            }
            else if (link.Pushed != snapshot)
            {
                await client.UpdateAsync(connection, link, draft, ct).ConfigureAwait(false);
                if (IssueText.ChangeComment(item, link.Pushed, url) is { } comment)
                {
                    // The same change always carries the same marker: a retry after a lost answer finds the comment instead of adding a second.
                    var marker = IssueText.CommentMarker(item.Key, link.Pushed, snapshot);
                    var posted = link.CommentSentAt is { } sentAt
                        && await client.HasCommentAsync(connection, link, marker, sentAt - TimeSpan.FromMinutes(5), ct).ConfigureAwait(false);
                    if (!posted)
                    {
                        // Recorded before the request leaves, like a create.
                        leased = await trackers.SaveLinkAsync(link with { CommentSentAt = time.GetUtcNow() }, leased.ETag, ct).ConfigureAwait(false);
                        link = leased.Value;
                        await client.CommentAsync(connection, link, comment, marker, ct).ConfigureAwait(false);
                    }
                }

                link = link with { Pushed = snapshot, CommentSentAt = null };
            }

            await FinishAsync(leased, link with { Pending = false, Attempts = 0, LastError = null }, ct).ConfigureAwait(false);
        }
        catch (TrackerException e) when (e.Failure is TrackerFailure.Transient)
        {
            var attempts = link.Attempts + 1;
            var wait = e.RetryAfter ?? Backoff(attempts);
            Log.PushRetry(logger, link.Kind, link.BacklogId, link.ItemNumber, attempts, wait, e.Message);
            await FinishAsync(leased, link with { Attempts = attempts, NextAttemptAt = time.GetUtcNow() + wait, LastError = e.Message }, ct).ConfigureAwait(false);
        }
        catch (TrackerException e)
        {
            Log.PushFailed(logger, link.Kind, link.BacklogId, link.ItemNumber, e.Message);
            // Told before the link is saved as failed, so whoever sees the stopped link also finds why;
            // a crash in between tells again on the next attempt rather than never.
            if (!link.FailureReported)
            {
                var actor = SyncActor(connection);
                var stored = await items.ChangeAsync(item.BacklogId, item.Number,
                    i => TrackerRules.Note(i, $"Syncing with {link.Kind} stopped: {e.Message}", actor, time.GetUtcNow()), actor, time.GetUtcNow(), ct).ConfigureAwait(false);
                await items.TellFacilitatorsAsync(item.BacklogId, $"tracker-failed:{item.BacklogId}:{item.Number}:{link.Kind}",
                    $"{item.Key} ({stored?.Title ?? item.Title}) is no longer synced with {link.Kind}: {e.Message} Link it again with `link {item.Key} <issue>` once it is fixed.",
                    time.GetUtcNow(), ct).ConfigureAwait(false);
            }

            await FinishAsync(leased, link with { Failed = true, LastError = e.Message, FailureReported = true }, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Saves the outcome and releases the lease. A change marked meanwhile keeps the link pending.</summary>
    private async Task FinishAsync(Versioned<TrackerLink> leased, TrackerLink outcome, CancellationToken ct)
    {
        var released = outcome with { LeaseOwner = null, LeaseUntil = null };
        try
        {
            await trackers.SaveLinkAsync(released, leased.ETag, ct).ConfigureAwait(false);
        }
        catch (ConcurrencyException)
        {
            var current = await trackers.GetLinkAsync(released.BacklogId, released.ItemNumber, released.Kind, ct).ConfigureAwait(false);
            if (current is not null)
            {
                await trackers.SaveLinkAsync(released with { Pending = true, NextAttemptAt = time.GetUtcNow() }, current.ETag, ct).ConfigureAwait(false);
            }
        }
    }

    private TimeSpan Backoff(int attempts)
    {
        var wait = options.FirstBackoff * Math.Pow(2, Math.Min(attempts - 1, 16));
        return wait > options.MaxBackoff ? options.MaxBackoff : wait;
    }

    private static string? AssigneeOf(TrackerConnection connection, Item item) =>
        item.Owner is { } owner ? connection.People.FirstOrDefault(p => p.Value == owner.Key).Key : null;

    /// <summary>Who the history names for what the sync does: TriageBot, on the connecting facilitator's platform.</summary>
    public static UserRef SyncActor(TrackerConnection connection) => new(connection.ConnectedBy.Platform, "triagebot", "TriageBot");
}
