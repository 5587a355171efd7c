using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;

namespace TriageBot.Trackers.Sync;

/// <summary>Wakes the sync worker early (a webhook was recorded).</summary>
public sealed class TrackerWake
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public void Wake()
    {
        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => signal.WaitAsync(timeout, ct);
}

/// <summary>
/// The tracker sync, a subscriber to the domain events. Each round: applies recorded webhook deliveries, reads every connected
/// backlog's new events (marking the links of changed items pending, and making one for an item placed in Sprint — or Ready,
/// when the connection says so), then pushes the due links. Everything it has to do is stored first (deliveries, pending
/// links), so nothing is lost while a tracker is down or the app restarts.
/// </summary>
internal sealed class TrackerSync(
    ITriageStore store, ITrackerStore trackers, TrackerPush push, TrackerPull pull, TrackerWake wake, TrackerOptions options, TimeProvider time, ILogger<TrackerSync> logger)
    : BackgroundService
{
    /// <summary>Events are read again from this long before the cursor: a change stored late (written at an earlier instant) is still seen.</summary>
    internal static readonly TimeSpan Overlap = TimeSpan.FromSeconds(30);

    /// <summary>The tracker tables exist before the host serves anything (like the store's own schema).</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await trackers.InitializeAsync(cancellationToken).ConfigureAwait(false);
        foreach (var setting in options.UnresolvedReferences())
        {
            Log.UnresolvedReference(logger, setting);
        }

        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                Log.RoundFailed(logger, e);
            }

            try
            {
                await wake.WaitAsync(options.PollInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One round: deliveries, events, pushes.</summary>
    public async Task RunOnceAsync(CancellationToken ct)
    {
        foreach (var delivery in await trackers.PendingDeliveriesAsync(100, ct).ConfigureAwait(false))
        {
            await pull.HandleAsync(delivery, ct).ConfigureAwait(false);
        }

        foreach (var connection in await trackers.ListConnectionsAsync(null, ct).ConfigureAwait(false))
        {
            await ReadEventsAsync(connection, ct).ConfigureAwait(false);
        }

        foreach (var due in await trackers.DueLinksAsync(time.GetUtcNow(), 50, ct).ConfigureAwait(false))
        {
            await push.PushAsync(due, ct).ConfigureAwait(false);
        }
    }

    private async Task ReadEventsAsync(TrackerConnection connection, CancellationToken ct)
    {
        var cursor = await trackers.GetCursorAsync(connection.BacklogId, ct).ConfigureAwait(false) ?? new TrackerCursor(connection.BacklogId, connection.ConnectedAt);
        var latest = cursor.At;
        var seen = new HashSet<int>();
        await foreach (var e in store.Events.ReadAsync(connection.BacklogId, cursor.At - Overlap, time.GetUtcNow() + TimeSpan.FromSeconds(1), ct).ConfigureAwait(false))
        {
            latest = e.At > latest ? e.At : latest;
            if (e.At >= connection.ConnectedAt && seen.Add(e.ItemNumber))
            {
                await MarkAsync(connection, e, ct).ConfigureAwait(false);
            }
        }

        if (latest > cursor.At)
        {
            await trackers.SaveCursorAsync(cursor with { At = latest }, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Marks the item's link pending when the tracker shows something that changed; makes the link when the item is placed.</summary>
    private async Task MarkAsync(TrackerConnection connection, ItemEvent e, CancellationToken ct)
    {
        var item = (await store.Items.GetAsync(connection.BacklogId, e.ItemNumber, ct).ConfigureAwait(false))?.Value;
        if (item is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        var link = await trackers.GetLinkAsync(connection.BacklogId, e.ItemNumber, connection.Kind, ct).ConfigureAwait(false);
        if (link is null)
        {
            // A restore is not a placement: it pushes the links it keeps (the store queues them) and makes none.
            if (e.Kind == ItemEventKind.Restored)
            {
                return;
            }

            if (item.State == ItemState.Sprint || (item.State == ItemState.Ready && connection.PushOn == TrackerPushOn.SprintAndReady))
            {
                try
                {
                    await trackers.SaveLinkAsync(new TrackerLink
                    {
                        BacklogId = connection.BacklogId,
                        ItemNumber = e.ItemNumber,
                        Kind = connection.Kind,
                        LinkedAt = now,
                        Pending = true,
                        NextAttemptAt = now,
                    }, null, ct).ConfigureAwait(false);
                }
                catch (DuplicateKeyException)
                {
                    // Made by another instance meanwhile.
                }
            }

            return;
        }

        var l = link.Value;
        if (l.Pending || l.Failed || (l.IssueId is not null && l.Pushed == TrackerSnapshot.Of(item)))
        {
            return;
        }

        try
        {
            await trackers.SaveLinkAsync(l with { Pending = true, NextAttemptAt = now }, link.ETag, ct).ConfigureAwait(false);
        }
        catch (ConcurrencyException)
        {
            // Changed meanwhile (a push finishing marks it again if it saw an older item).
        }
    }
}
