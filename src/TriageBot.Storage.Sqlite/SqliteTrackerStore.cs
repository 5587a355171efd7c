using Microsoft.Data.Sqlite;
using TriageBot.Core.Ports;
using static TriageBot.Storage.Sqlite.SqliteCommands;

namespace TriageBot.Storage.Sqlite;

/// <summary>
/// Tracker connections, item links with their push state, the event cursor and webhook deliveries (migration 9).
/// Links are ETag-checked (a random version per write), so two instances never push one link at once.
/// </summary>
internal sealed class SqliteTrackerStore(SqliteDb db) : ITrackerStore
{
    /// <summary>Migration 9's tables.</summary>
    internal const string Schema = """
        CREATE TABLE IF NOT EXISTS tracker_connections (
            backlog_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            json TEXT NOT NULL,
            PRIMARY KEY (backlog_id, kind));
        CREATE TABLE IF NOT EXISTS tracker_links (
            backlog_id TEXT NOT NULL,
            item_number INTEGER NOT NULL,
            kind TEXT NOT NULL,
            issue_id TEXT,
            due INTEGER NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            lease_until INTEGER,
            json TEXT NOT NULL,
            version INTEGER NOT NULL,
            PRIMARY KEY (backlog_id, item_number, kind));
        CREATE INDEX IF NOT EXISTS tracker_links_issue ON tracker_links (kind, issue_id) WHERE issue_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS tracker_links_due ON tracker_links (next_attempt_at) WHERE due = 1;
        CREATE TABLE IF NOT EXISTS tracker_cursors (
            backlog_id TEXT NOT NULL PRIMARY KEY,
            at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS tracker_deliveries (
            kind TEXT NOT NULL,
            delivery_id TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            handled INTEGER NOT NULL,
            json TEXT NOT NULL,
            PRIMARY KEY (kind, delivery_id));
        CREATE INDEX IF NOT EXISTS tracker_deliveries_pending ON tracker_deliveries (received_at) WHERE handled = 0;
        """;

    // The schema comes with the store's migrations.
    public Task InitializeAsync(CancellationToken ct) => Task.CompletedTask;

    public Task<TrackerConnection?> GetConnectionAsync(string backlogId, TrackerKind kind, CancellationToken ct) =>
        db.RunAsync("trackers.connection", async c =>
            (await c.ListAsync("SELECT json FROM tracker_connections WHERE backlog_id = $b AND kind = $k",
                r => StoredJson.Deserialize<TrackerConnection>(r.GetString(0)), ct, ("$b", backlogId), ("$k", kind.ToString())).ConfigureAwait(false)).FirstOrDefault(), ct);

    public Task<IReadOnlyList<TrackerConnection>> ListConnectionsAsync(string? backlogId, CancellationToken ct) =>
        db.RunAsync<IReadOnlyList<TrackerConnection>>("trackers.connections", async c =>
            await c.ListAsync("SELECT json FROM tracker_connections WHERE $b IS NULL OR backlog_id = $b ORDER BY backlog_id, kind",
                r => StoredJson.Deserialize<TrackerConnection>(r.GetString(0)), ct, ("$b", backlogId)).ConfigureAwait(false), ct);

    public Task SaveConnectionAsync(TrackerConnection connection, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return db.WriteAsync("trackers.saveConnection", c => c.ExecAsync(
            "INSERT INTO tracker_connections (backlog_id, kind, json) VALUES ($b, $k, $json) ON CONFLICT (backlog_id, kind) DO UPDATE SET json = excluded.json",
            ct, ("$b", connection.BacklogId), ("$k", connection.Kind.ToString()), ("$json", StoredJson.Serialize(connection))), ct);
    }

    public Task<bool> DeleteConnectionAsync(string backlogId, TrackerKind kind, CancellationToken ct) =>
        db.WriteAsync("trackers.deleteConnection", async c =>
            await c.ExecAsync("DELETE FROM tracker_connections WHERE backlog_id = $b AND kind = $k", ct, ("$b", backlogId), ("$k", kind.ToString())).ConfigureAwait(false) > 0, ct);

    public Task<Versioned<TrackerLink>?> GetLinkAsync(string backlogId, int itemNumber, TrackerKind kind, CancellationToken ct) =>
        db.RunAsync("trackers.link", async c =>
            (await c.ListAsync("SELECT json, version FROM tracker_links WHERE backlog_id = $b AND item_number = $n AND kind = $k",
                Read, ct, ("$b", backlogId), ("$n", itemNumber), ("$k", kind.ToString())).ConfigureAwait(false)).FirstOrDefault(), ct);

    public Task<Versioned<TrackerLink>> SaveLinkAsync(TrackerLink link, string? etag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(link);
        var version = Random.Shared.NextInt64(1, long.MaxValue);
        (string, object?)[] values =
        [
            ("$b", link.BacklogId), ("$n", link.ItemNumber), ("$k", link.Kind.ToString()), ("$issue", link.IssueId),
            ("$due", link.Pending && !link.Failed ? 1 : 0), ("$next", link.NextAttemptAt.UtcTicks), ("$lease", link.LeaseUntil?.UtcTicks),
            ("$json", StoredJson.Serialize(link)), ("$v", version), ("$old", etag is null ? -1 : Version(etag)),
        ];
        return db.WriteAsync("trackers.saveLink", async c =>
        {
            if (etag is null)
            {
                try
                {
                    await c.ExecAsync(
                        """
                        INSERT INTO tracker_links (backlog_id, item_number, kind, issue_id, due, next_attempt_at, lease_until, json, version)
                        VALUES ($b, $n, $k, $issue, $due, $next, $lease, $json, $v)
                        """, ct, values).ConfigureAwait(false);
                }
                catch (SqliteException e) when (SqliteDb.IsConstraint(e))
                {
                    throw new DuplicateKeyException($"Item {link.ItemNumber} of {link.BacklogId} is already linked to {link.Kind}.");
                }
            }
            else if (await c.ExecAsync(
                """
                UPDATE tracker_links SET issue_id = $issue, due = $due, next_attempt_at = $next, lease_until = $lease, json = $json, version = $v
                WHERE backlog_id = $b AND item_number = $n AND kind = $k AND version = $old
                """, ct, values).ConfigureAwait(false) == 0)
            {
                throw new ConcurrencyException($"The {link.Kind} link of item {link.ItemNumber} changed meanwhile; read it again.");
            }

            return new Versioned<TrackerLink>(link, ETag(version));
        }, ct);
    }

    public Task<IReadOnlyList<TrackerLink>> FindByIssueAsync(TrackerKind kind, string issueId, CancellationToken ct) =>
        db.RunAsync<IReadOnlyList<TrackerLink>>("trackers.findByIssue", async c =>
            (await c.ListAsync("SELECT json, version FROM tracker_links WHERE kind = $k AND issue_id = $i ORDER BY backlog_id, item_number",
                Read, ct, ("$k", kind.ToString()), ("$i", issueId)).ConfigureAwait(false)).Select(v => v.Value).ToList(), ct);

    public Task<IReadOnlyList<Versioned<TrackerLink>>> DueLinksAsync(DateTimeOffset now, int max, CancellationToken ct) =>
        db.RunAsync<IReadOnlyList<Versioned<TrackerLink>>>("trackers.due", async c =>
            await c.ListAsync(
                "SELECT json, version FROM tracker_links WHERE due = 1 AND next_attempt_at <= $now AND (lease_until IS NULL OR lease_until <= $now) ORDER BY next_attempt_at LIMIT $max",
                Read, ct, ("$now", now.UtcTicks), ("$max", max)).ConfigureAwait(false), ct);

    public Task<TrackerCursor?> GetCursorAsync(string backlogId, CancellationToken ct) =>
        db.RunAsync("trackers.cursor", async c =>
            await c.ScalarAsync<long?>("SELECT at FROM tracker_cursors WHERE backlog_id = $b", ct, ("$b", backlogId)).ConfigureAwait(false) is { } ticks
                ? new TrackerCursor(backlogId, new DateTimeOffset(ticks, TimeSpan.Zero))
                : null, ct);

    public Task SaveCursorAsync(TrackerCursor cursor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        return db.WriteAsync("trackers.saveCursor", c => c.ExecAsync(
            "INSERT INTO tracker_cursors (backlog_id, at) VALUES ($b, $at) ON CONFLICT (backlog_id) DO UPDATE SET at = excluded.at",
            ct, ("$b", cursor.BacklogId), ("$at", cursor.At.UtcTicks)), ct);
    }

    public Task<bool> TryRecordDeliveryAsync(TrackerDelivery delivery, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return db.WriteAsync("trackers.recordDelivery", async c => await c.ExecAsync(
            "INSERT INTO tracker_deliveries (kind, delivery_id, received_at, handled, json) VALUES ($k, $d, $at, 0, $json) ON CONFLICT DO NOTHING",
            ct, ("$k", delivery.Kind.ToString()), ("$d", delivery.DeliveryId), ("$at", delivery.ReceivedAt.UtcTicks),
            ("$json", StoredJson.Serialize(delivery with { Handled = false }))).ConfigureAwait(false) == 1, ct);
    }

    public Task<IReadOnlyList<TrackerDelivery>> PendingDeliveriesAsync(int max, CancellationToken ct) =>
        db.RunAsync<IReadOnlyList<TrackerDelivery>>("trackers.pendingDeliveries", async c =>
            await c.ListAsync("SELECT json FROM tracker_deliveries WHERE handled = 0 ORDER BY received_at LIMIT $max",
                r => StoredJson.Deserialize<TrackerDelivery>(r.GetString(0)), ct, ("$max", max)).ConfigureAwait(false), ct);

    public Task MarkDeliveryHandledAsync(TrackerDelivery delivery, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return db.WriteAsync("trackers.deliveryHandled", c => c.ExecAsync(
            "UPDATE tracker_deliveries SET handled = 1, json = $json WHERE kind = $k AND delivery_id = $d",
            ct, ("$k", delivery.Kind.ToString()), ("$d", delivery.DeliveryId), ("$json", StoredJson.Serialize(delivery with { Handled = true }))), ct);
    }

    public Task<int> PurgeDeliveriesAsync(DateTimeOffset receivedBefore, CancellationToken ct) =>
        db.WriteAsync("trackers.purgeDeliveries", c =>
            c.ExecAsync("DELETE FROM tracker_deliveries WHERE handled = 1 AND received_at < $before", ct, ("$before", receivedBefore.UtcTicks)), ct);

    /// <summary>
    /// In a restore's transaction: queues a push of every link the restore keeps that names an issue and has not stopped, so the
    /// tracker hears of the restored item without waiting for its next change (a push of an item equal to what was last pushed
    /// sends nothing). A new version makes a push under way with the item from before the restore finish as pending again.
    /// </summary>
    internal static async Task QueueRestoredLinksAsync(SqliteConnection c, SqliteTransaction tx, string backlogId, CancellationToken ct)
    {
        var kept = new List<TrackerLink>();
        using (var select = c.Command("SELECT json FROM tracker_links WHERE backlog_id = $b AND issue_id IS NOT NULL", ("$b", backlogId)))
        {
            select.Transaction = tx;
            using var reader = await select.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                kept.Add(StoredJson.Deserialize<TrackerLink>(reader.GetString(0)));
            }
        }

        foreach (var link in kept.Where(l => !l.Failed))
        {
            using var update = c.Command("UPDATE tracker_links SET due = 1, json = $json, version = $v WHERE backlog_id = $b AND item_number = $n AND kind = $k",
                ("$json", StoredJson.Serialize(link with { Pending = true })), ("$v", Random.Shared.NextInt64(1, long.MaxValue)),
                ("$b", backlogId), ("$n", link.ItemNumber), ("$k", link.Kind.ToString()));
            update.Transaction = tx;
            await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private static Versioned<TrackerLink> Read(SqliteDataReader r) => new(StoredJson.Deserialize<TrackerLink>(r.GetString(0)), ETag(r.GetInt64(1)));
}
