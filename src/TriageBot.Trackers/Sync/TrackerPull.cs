using TriageBot.Core.Items;
using TriageBot.Core.Ports;

namespace TriageBot.Trackers.Sync;

/// <summary>
/// Applies recorded webhook deliveries to the linked items through the write path: closed as completed → Done, closed otherwise
/// → Closed with the resolution, reopened → Active, assigned → owner (by the logins facilitators linked; others recorded).
/// What it writes is also marked as pushed, so the change does not echo back to the tracker.
/// </summary>
internal sealed class TrackerPull(ITriageStore store, ITrackerStore trackers, ItemUpdates items, TimeProvider time)
{
    public async Task HandleAsync(TrackerDelivery delivery, CancellationToken ct)
    {
        foreach (var link in await trackers.FindByIssueAsync(delivery.Kind, delivery.IssueId, ct).ConfigureAwait(false))
        {
            var connection = await trackers.GetConnectionAsync(link.BacklogId, link.Kind, ct).ConfigureAwait(false);
            if (connection is null)
            {
                continue;
            }

            var now = time.GetUtcNow();
            var actor = await MemberAsync(connection, delivery.Sender, ct).ConfigureAwait(false)
                ?? new UserRef(connection.ConnectedBy.Platform, $"{delivery.Kind.ToString().ToLowerInvariant()}:{delivery.Sender ?? "unknown"}", $"{delivery.Sender ?? "someone"} on {delivery.Kind}");
            var owner = delivery.Change == TrackerChangeKind.Assigned ? await MemberAsync(connection, delivery.Assignee, ct).ConfigureAwait(false) : null;
            var where = delivery.IssueKey;
            Item? changed;
            try
            {
                changed = await items.ChangeAsync(link.BacklogId, link.ItemNumber, item => delivery.Change switch
                {
                    TrackerChangeKind.Completed => TrackerRules.Completed(item, where, actor, now),
                    TrackerChangeKind.NotPlanned => TrackerRules.NotCompleted(item, where, delivery.Resolution, actor, now),
                    TrackerChangeKind.Reopened => TrackerRules.Reopened(item, where, actor, now),
                    TrackerChangeKind.Assigned => TrackerRules.Assigned(item, where, delivery.Assignee, owner, actor, now),
                    _ => TrackerRules.Assigned(item, where, null, null, actor, now),
                }, actor, now, ct).ConfigureAwait(false);
            }
            catch (RuleViolationException)
            {
                continue; // the method refuses it (e.g. a new owner for a closed item): nothing to change
            }

            if (changed is not null)
            {
                await MarkPushedAsync(link, changed, ct).ConfigureAwait(false);
            }
        }

        await trackers.MarkDeliveryHandledAsync(delivery, ct).ConfigureAwait(false);
    }

    private async Task MarkPushedAsync(TrackerLink link, Item item, CancellationToken ct)
    {
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var current = await trackers.GetLinkAsync(link.BacklogId, link.ItemNumber, link.Kind, ct).ConfigureAwait(false);
            if (current is null)
            {
                return;
            }

            try
            {
                await trackers.SaveLinkAsync(current.Value with { Pushed = TrackerSnapshot.Of(item) }, current.ETag, ct).ConfigureAwait(false);
                return;
            }
            catch (ConcurrencyException)
            {
            }
        }
    }

    private async Task<UserRef?> MemberAsync(TrackerConnection connection, string? login, CancellationToken ct)
    {
        if (login is null)
        {
            return null;
        }

        var key = connection.People.FirstOrDefault(p => p.Key.Equals(login, StringComparison.OrdinalIgnoreCase)).Value;
        return key is null ? null : (await store.Members.GetAsync(connection.BacklogId, key, ct).ConfigureAwait(false))?.User;
    }
}
