using Azure;
using Azure.Data.Tables;
using TriageBot.Core.Ports;

namespace TriageBot.Storage.Tables;

/// <summary>
/// Tracker connections, item links with their push state, the event cursor and webhook deliveries, in tables of their own:
/// <c>{p}TrackerConnections</c> (backlog / kind; the cursor in row <c>!cursor</c>), <c>{p}TrackerLinks</c> (backlog / number|kind),
/// <c>{p}TrackerIssues</c> (kind|issue id / backlog|number: which items link an issue) and <c>{p}TrackerDeliveries</c>
/// (kind / delivery id). A link is ETag-checked, so two instances never push one link at once.
/// </summary>
internal sealed class TableTrackerStore(TableServiceClient service, string prefix, TableOps ops) : ITrackerStore
{
    private const string CursorRow = "!cursor";
    private static readonly DateTime NoLease = new(1601, 1, 2, 0, 0, 0, DateTimeKind.Utc);
    private readonly TableClient connections = service.GetTableClient(prefix + "TrackerConnections");
    private readonly TableClient links = service.GetTableClient(prefix + "TrackerLinks");
    private readonly TableClient issues = service.GetTableClient(prefix + "TrackerIssues");
    private readonly TableClient deliveries = service.GetTableClient(prefix + "TrackerDeliveries");

    /// <summary>The names of the tables this store adds.</summary>
    public IReadOnlyList<string> TableNames => [connections.Name, links.Name, issues.Name, deliveries.Name];

    public Task InitializeAsync(CancellationToken ct) =>
        ops.RunAsync("trackers.initialize", async () =>
        {
            foreach (var table in new[] { connections, links, issues, deliveries })
            {
                await table.CreateIfNotExistsAsync(ct).ConfigureAwait(false);
            }
        });

    public Task<TrackerConnection?> GetConnectionAsync(string backlogId, TrackerKind kind, CancellationToken ct) =>
        ops.RunAsync("trackers.connection", async () =>
        {
            var r = await connections.GetEntityIfExistsAsync<TableEntity>(KeyCodec.Encode(backlogId), kind.ToString(), cancellationToken: ct).ConfigureAwait(false);
            return r.HasValue ? JsonProperties.Read<TrackerConnection>(r.Value!) : null;
        });

    public Task<IReadOnlyList<TrackerConnection>> ListConnectionsAsync(string? backlogId, CancellationToken ct) =>
        ops.RunAsync<IReadOnlyList<TrackerConnection>>("trackers.connections", async () =>
        {
            var filter = backlogId is null
                ? $"RowKey ne '{CursorRow}'"
                : TableClient.CreateQueryFilter($"PartitionKey eq {KeyCodec.Encode(backlogId)} and RowKey ne {CursorRow}");
            var list = new List<TrackerConnection>();
            await foreach (var e in connections.QueryAsync<TableEntity>(filter, cancellationToken: ct).ConfigureAwait(false))
            {
                list.Add(JsonProperties.Read<TrackerConnection>(e));
            }

            return list;
        });

    public Task SaveConnectionAsync(TrackerConnection connection, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return ops.RunAsync("trackers.saveConnection", () => connections.UpsertEntityAsync(
            JsonProperties.Entity(KeyCodec.Encode(connection.BacklogId), connection.Kind.ToString(), connection), TableUpdateMode.Replace, ct));
    }

    public Task<bool> DeleteConnectionAsync(string backlogId, TrackerKind kind, CancellationToken ct) =>
        ops.RunAsync("trackers.deleteConnection", async () =>
        {
            // The SDK answers a missing entity's delete with its 404 response rather than an exception.
            try
            {
                var response = await connections.DeleteEntityAsync(KeyCodec.Encode(backlogId), kind.ToString(), ETag.All, ct).ConfigureAwait(false);
                return response.Status != TableOps.NotFound;
            }
            catch (RequestFailedException e) when (e.Status == TableOps.NotFound)
            {
                return false;
            }
        });

    public Task<Versioned<TrackerLink>?> GetLinkAsync(string backlogId, int itemNumber, TrackerKind kind, CancellationToken ct) =>
        ops.RunAsync("trackers.link", async () =>
        {
            var r = await links.GetEntityIfExistsAsync<TableEntity>(KeyCodec.Encode(backlogId), LinkRow(itemNumber, kind), cancellationToken: ct).ConfigureAwait(false);
            return r.HasValue ? Read(r.Value!) : null;
        });

    public Task<Versioned<TrackerLink>> SaveLinkAsync(TrackerLink link, string? etag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(link);
        return ops.RunAsync("trackers.saveLink", async () =>
        {
            // The index row first: a link that names an issue is always found from it (a repeat writes it again).
            if (link.IssueId is { } issueId)
            {
                await issues.UpsertEntityAsync(new TableEntity(IssuePartition(link.Kind, issueId), KeyCodec.Compose(link.BacklogId, StoredJson.Number(link.ItemNumber)))
                {
                    ["BacklogId"] = link.BacklogId,
                    ["ItemNumber"] = link.ItemNumber,
                }, TableUpdateMode.Replace, ct).ConfigureAwait(false);
            }

            var entity = LinkEntity(link);
            try
            {
                var response = etag is null
                    ? await links.AddEntityAsync(entity, ct).ConfigureAwait(false)
                    : await links.UpdateEntityAsync(entity, new ETag(etag), TableUpdateMode.Replace, ct).ConfigureAwait(false);
                return new Versioned<TrackerLink>(link, response.Headers.ETag.GetValueOrDefault().ToString());
            }
            catch (RequestFailedException e) when (etag is null && e.Status == TableOps.Conflict)
            {
                throw new DuplicateKeyException($"Item {link.ItemNumber} of {link.BacklogId} is already linked to {link.Kind}.");
            }
            catch (RequestFailedException e) when (etag is not null && e.Status is TableOps.PreconditionFailed or TableOps.NotFound)
            {
                throw new ConcurrencyException($"The {link.Kind} link of item {link.ItemNumber} changed meanwhile; read it again.");
            }
        });
    }

    public Task<IReadOnlyList<TrackerLink>> FindByIssueAsync(TrackerKind kind, string issueId, CancellationToken ct) =>
        ops.RunAsync<IReadOnlyList<TrackerLink>>("trackers.findByIssue", async () =>
        {
            var found = new List<TrackerLink>();
            await foreach (var e in issues.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {IssuePartition(kind, issueId)}"), cancellationToken: ct).ConfigureAwait(false))
            {
                var r = await links.GetEntityIfExistsAsync<TableEntity>(KeyCodec.Encode(e.GetString("BacklogId")), LinkRow(e.GetInt32("ItemNumber")!.Value, kind), cancellationToken: ct).ConfigureAwait(false);
                // The index row outlives a link changed to another issue: the link itself decides.
                if (r.HasValue && Read(r.Value!).Value is { } link && link.IssueId == issueId)
                {
                    found.Add(link);
                }
            }

            return found;
        });

    public Task<IReadOnlyList<Versioned<TrackerLink>>> DueLinksAsync(DateTimeOffset now, int max, CancellationToken ct) =>
        ops.RunAsync<IReadOnlyList<Versioned<TrackerLink>>>("trackers.due", async () =>
        {
            var at = now.UtcDateTime;
            var due = new List<Versioned<TrackerLink>>();
            await foreach (var e in links.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Due eq true and NextAttemptAt le {at} and LeaseUntil le {at}"), cancellationToken: ct).ConfigureAwait(false))
            {
                due.Add(Read(e));
                if (due.Count >= max)
                {
                    break;
                }
            }

            return due;
        });

    public Task<TrackerCursor?> GetCursorAsync(string backlogId, CancellationToken ct) =>
        ops.RunAsync("trackers.cursor", async () =>
        {
            var r = await connections.GetEntityIfExistsAsync<TableEntity>(KeyCodec.Encode(backlogId), CursorRow, cancellationToken: ct).ConfigureAwait(false);
            return r.HasValue ? new TrackerCursor(backlogId, new DateTimeOffset(r.Value!.GetInt64("AtTicks")!.Value, TimeSpan.Zero)) : null;
        });

    public Task SaveCursorAsync(TrackerCursor cursor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        return ops.RunAsync("trackers.saveCursor", () => connections.UpsertEntityAsync(
            new TableEntity(KeyCodec.Encode(cursor.BacklogId), CursorRow) { ["AtTicks"] = cursor.At.UtcTicks }, TableUpdateMode.Replace, ct));
    }

    public Task<bool> TryRecordDeliveryAsync(TrackerDelivery delivery, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return ops.RunAsync("trackers.recordDelivery", async () =>
        {
            var entity = JsonProperties.Entity(delivery.Kind.ToString(), KeyCodec.Encode(delivery.DeliveryId), delivery with { Handled = false });
            entity["Handled"] = false;
            entity["ReceivedTicks"] = delivery.ReceivedAt.UtcTicks;
            try
            {
                await deliveries.AddEntityAsync(entity, ct).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == TableOps.Conflict)
            {
                return false;
            }
        });
    }

    public Task<IReadOnlyList<TrackerDelivery>> PendingDeliveriesAsync(int max, CancellationToken ct) =>
        ops.RunAsync<IReadOnlyList<TrackerDelivery>>("trackers.pendingDeliveries", async () =>
        {
            var pending = new List<TrackerDelivery>();
            await foreach (var e in deliveries.QueryAsync<TableEntity>("Handled eq false", cancellationToken: ct).ConfigureAwait(false))
            {
                pending.Add(JsonProperties.Read<TrackerDelivery>(e));
            }

            return pending.OrderBy(d => d.ReceivedAt).Take(max).ToList();
        });

    public Task MarkDeliveryHandledAsync(TrackerDelivery delivery, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return ops.RunAsync("trackers.deliveryHandled", () =>
        {
            var entity = JsonProperties.Entity(delivery.Kind.ToString(), KeyCodec.Encode(delivery.DeliveryId), delivery with { Handled = true });
            entity["Handled"] = true;
            entity["ReceivedTicks"] = delivery.ReceivedAt.UtcTicks;
            return deliveries.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct);
        });
    }

    /// <summary>Deletes handled deliveries received before the cutoff (a scan of the deliveries table, filtered by the service).</summary>
    public Task<int> PurgeDeliveriesAsync(DateTimeOffset receivedBefore, CancellationToken ct) =>
        ops.RunAsync("trackers.purgeDeliveries", async () =>
        {
            var keys = new List<(string Partition, string Row)>();
            var filter = $"Handled eq true and ReceivedTicks lt {receivedBefore.UtcTicks}L";
            await foreach (var e in deliveries.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: ct).ConfigureAwait(false))
            {
                keys.Add((e.PartitionKey, e.RowKey));
            }

            foreach (var (partition, row) in keys)
            {
                await DeleteIfExistsAsync(deliveries, partition, row, ct).ConfigureAwait(false);
            }

            return keys.Count;
        });

    /// <summary>A deleted backlog's webhook delivery records, connections (and cursor), links and their issue-index rows.</summary>
    internal Task DeleteBacklogAsync(string backlogId, CancellationToken ct) => PruneLinksAsync(backlogId, null, ct, deleteConnections: true);

    /// <summary>
    /// Deletes the backlog's links to items not in <paramref name="items"/> (all of them when null), each with its issue-index
    /// row first so no index row outlives its link for long, and queues a push of the links it keeps (a restore); with
    /// <paramref name="deleteConnections"/> the connections and cursor too.
    /// </summary>
    internal Task PruneLinksAsync(string backlogId, IReadOnlySet<int>? items, CancellationToken ct, bool deleteConnections = false) =>
        ops.RunAsync("trackers.prune", async () =>
        {
            try
            {
                await PruneAsync(backlogId, items, deleteConnections, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == TableOps.NotFound)
            {
                // The tracker tables were never made (no host has run the sync here): nothing links this backlog.
            }
        });

    private async Task PruneAsync(string backlogId, IReadOnlySet<int>? items, bool deleteConnections, CancellationToken ct)
    {
            var partition = KeyCodec.Encode(backlogId);
            var gone = new List<(TableEntity Row, TrackerLink Link)>();
            var kept = new List<TableEntity>();
            await foreach (var e in links.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), cancellationToken: ct).ConfigureAwait(false))
            {
                var link = Read(e).Value;
                if (items is null || !items.Contains(link.ItemNumber))
                {
                    gone.Add((e, link));
                }
                else
                {
                    kept.Add(e);
                }
            }

            if (deleteConnections)
            {
                await DeleteDeliveriesOfAsync(backlogId, gone.Select(g => g.Link), ct).ConfigureAwait(false);
            }

            foreach (var (row, link) in gone)
            {
                if (link.IssueId is { } issueId)
                {
                    await DeleteIfExistsAsync(issues, IssuePartition(link.Kind, issueId), KeyCodec.Compose(link.BacklogId, StoredJson.Number(link.ItemNumber)), ct).ConfigureAwait(false);
                }

                await DeleteIfExistsAsync(links, row.PartitionKey, row.RowKey, ct).ConfigureAwait(false);
            }

            foreach (var row in kept)
            {
                await QueueRestoredAsync(row, ct).ConfigureAwait(false);
            }

            if (deleteConnections)
            {
                var rows = new List<string>();
                await foreach (var e in connections.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), select: ["RowKey"], cancellationToken: ct).ConfigureAwait(false))
                {
                    rows.Add(e.RowKey);
                }

                foreach (var row in rows)
                {
                    await DeleteIfExistsAsync(connections, partition, row, ct).ConfigureAwait(false);
                }
            }
    }

    /// <summary>
    /// A deleted backlog's webhook delivery records: those of the issues its links name that no other backlog links (a record
    /// of a shared issue still de-duplicates the other backlog's deliveries). Deliveries are keyed by kind and delivery id, so
    /// this reads the deliveries of the kinds concerned, at most the retention period's worth; it runs before the links go.
    /// </summary>
    private async Task DeleteDeliveriesOfAsync(string backlogId, IEnumerable<TrackerLink> doomed, CancellationToken ct)
    {
        var only = new HashSet<(string Kind, string IssueId)>();
        foreach (var link in doomed.Where(l => l.IssueId is not null))
        {
            var shared = false;
            await foreach (var e in issues.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {IssuePartition(link.Kind, link.IssueId!)}"), cancellationToken: ct).ConfigureAwait(false))
            {
                shared |= e.GetString("BacklogId") != backlogId;
            }

            if (!shared)
            {
                only.Add((link.Kind.ToString(), link.IssueId!));
            }
        }

        foreach (var kind in only.Select(o => o.Kind).Distinct())
        {
            var rows = new List<string>();
            await foreach (var e in deliveries.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {kind}"), cancellationToken: ct).ConfigureAwait(false))
            {
                if (only.Contains((kind, JsonProperties.Read<TrackerDelivery>(e).IssueId)))
                {
                    rows.Add(e.RowKey);
                }
            }

            foreach (var row in rows)
            {
                await DeleteIfExistsAsync(deliveries, kind, row, ct).ConfigureAwait(false);
            }
        }
    }

    private static TableEntity LinkEntity(TrackerLink link)
    {
        var entity = JsonProperties.Entity(KeyCodec.Encode(link.BacklogId), LinkRow(link.ItemNumber, link.Kind), link);
        entity["Due"] = link.Pending && !link.Failed;
        entity["NextAttemptAt"] = link.NextAttemptAt.UtcDateTime;
        // Table Storage dates start in 1601: "no lease" is stored as that start.
        entity["LeaseUntil"] = link.LeaseUntil?.UtcDateTime ?? NoLease;
        return entity;
    }

    /// <summary>
    /// After a restore: queues a push of a link it keeps that names an issue and has not stopped, so the tracker hears of the
    /// restored item without waiting for its next change (a push of an item equal to what was last pushed sends nothing).
    /// Written over the row's ETag, read again when it changed meanwhile: a push under way with the item from before the
    /// restore then finishes as pending again.
    /// </summary>
    private async Task QueueRestoredAsync(TableEntity row, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var link = Read(row).Value;
            if (link.IssueId is null || link.Failed)
            {
                return;
            }

            try
            {
                await links.UpdateEntityAsync(LinkEntity(link with { Pending = true }), row.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException e) when (e.Status == TableOps.PreconditionFailed)
            {
                var again = await links.GetEntityIfExistsAsync<TableEntity>(row.PartitionKey, row.RowKey, cancellationToken: ct).ConfigureAwait(false);
                if (!again.HasValue)
                {
                    return;
                }

                row = again.Value!;
            }
        }

        throw new ConcurrencyException($"The links of {row.PartitionKey} kept changing during the restore; run it again.");
    }

    private static async Task DeleteIfExistsAsync(TableClient table, string partition, string row, CancellationToken ct)
    {
        try
        {
            await table.DeleteEntityAsync(partition, row, ETag.All, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == TableOps.NotFound)
        {
        }
    }

    private static string LinkRow(int itemNumber, TrackerKind kind) => KeyCodec.Compose(StoredJson.Number(itemNumber), kind.ToString());

    private static string IssuePartition(TrackerKind kind, string issueId) => KeyCodec.Compose(kind.ToString(), issueId);

    private static Versioned<TrackerLink> Read(TableEntity e) => new(JsonProperties.Read<TrackerLink>(e), e.ETag.ToString());
}
