using Microsoft.Data.Sqlite;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Voting;

namespace TriageBot.Storage.Sqlite;

/// <summary>Whole-backlog operations on SQLite (<see cref="IBacklogAdministration"/>), registered as their own service; a restore is one transaction.</summary>
internal sealed class SqliteAdministration(SqliteDb db) : IBacklogAdministration
{
    private static readonly string[] DeleteStatements =
    [
        "DELETE FROM members WHERE backlog_id = $b",
        "DELETE FROM bindings WHERE backlog_id = $b",
        "DELETE FROM items WHERE backlog_id = $b",
        "DELETE FROM history WHERE backlog_id = $b",
        "DELETE FROM item_events WHERE backlog_id = $b",
        "DELETE FROM votes WHERE backlog_id = $b",
        "DELETE FROM ledger WHERE backlog_id = $b",
        "DELETE FROM counters WHERE backlog_id = $b",
        "DELETE FROM item_requests WHERE backlog_id = $b",
        "DELETE FROM backlogs WHERE id = $b",
    ];

    /// <summary>
    /// A deleted backlog's tracker data: the webhook delivery records of the issues only it links (read from its links, so
    /// first; a record of an issue another backlog links still de-duplicates that backlog's deliveries), then its
    /// connections, event cursor and item links.
    /// </summary>
    private static readonly string[] TrackerDeleteStatements =
    [
        """
        DELETE FROM tracker_deliveries
        WHERE EXISTS (SELECT 1 FROM tracker_links l WHERE l.backlog_id = $b AND l.kind = tracker_deliveries.kind AND l.issue_id = json_extract(tracker_deliveries.json, '$.issueId'))
          AND NOT EXISTS (SELECT 1 FROM tracker_links o WHERE o.backlog_id <> $b AND o.kind = tracker_deliveries.kind AND o.issue_id = json_extract(tracker_deliveries.json, '$.issueId'))
        """,
        "DELETE FROM tracker_links WHERE backlog_id = $b",
        "DELETE FROM tracker_connections WHERE backlog_id = $b",
        "DELETE FROM tracker_cursors WHERE backlog_id = $b",
    ];

    public Task RaiseItemCounterAsync(string backlogId, int number, CancellationToken ct) =>
        db.WriteAsync("counter.raise", c => c.ExecAsync(
            "INSERT INTO counters (backlog_id, last) VALUES ($b, $n) ON CONFLICT (backlog_id) DO UPDATE SET last = max(last, excluded.last)",
            ct, ("$b", backlogId), ("$n", number)), ct);

    public Task DeleteBacklogAsync(string backlogId, CancellationToken ct) =>
        db.WriteAsync("backlog.delete", async c =>
        {
            using var tx = c.BeginTransaction();
            await DeleteAsync(c, tx, backlogId, ct).ConfigureAwait(false);
            foreach (var sql in TrackerDeleteStatements)
            {
                await ExecAsync(c, tx, sql, ct, ("$b", backlogId)).ConfigureAwait(false);
            }

            tx.Commit();
        }, ct);

    private static async Task DeleteAsync(SqliteConnection c, SqliteTransaction tx, string backlogId, CancellationToken ct)
    {
        foreach (var sql in DeleteStatements)
        {
            await ExecAsync(c, tx, sql, ct, ("$b", backlogId)).ConfigureAwait(false);
        }
    }

    /// <summary>One immediate transaction: the old backlog goes and the new one arrives in the same commit, or neither does.</summary>
    public Task RestoreAsync(BacklogRestore restore, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(restore);
        var id = restore.Backlog.Id;
        return db.WriteAsync("backlog.restore", async c =>
        {
            using var tx = c.BeginTransaction(deferred: false);
            if (await c.ScalarAsync<long?>(tx, "SELECT 1 FROM backlogs WHERE id = $b", ct, ("$b", id)).ConfigureAwait(false) is not null && !restore.Replace)
            {
                throw new RestoreRefusedException(RestoreChecks.Exists(id));
            }

            foreach (var binding in restore.Bindings)
            {
                var a = binding.Address;
                var owner = await c.ScalarAsync<string?>(tx, "SELECT backlog_id FROM bindings WHERE platform = $p AND workspace = $w AND channel_id = $c", ct,
                    ("$p", a.Platform.ToString()), ("$w", a.Workspace), ("$c", a.ChannelId)).ConfigureAwait(false);
                if (owner is not null && owner != id)
                {
                    throw new RestoreRefusedException(RestoreChecks.BoundElsewhere(binding, owner));
                }
            }

            await DeleteAsync(c, tx, id, ct).ConfigureAwait(false);
            await ExecAsync(c, tx, "INSERT INTO backlogs (id, dashboard_token, json, version) VALUES ($id, $token, $json, 1)", ct,
                ("$id", id), ("$token", restore.Backlog.DashboardToken), ("$json", StoredJson.Serialize(restore.Backlog))).ConfigureAwait(false);
            if (restore.Counter > 0)
            {
                await ExecAsync(c, tx, "INSERT INTO counters (backlog_id, last) VALUES ($b, $n)", ct, ("$b", id), ("$n", restore.Counter)).ConfigureAwait(false);
            }

            foreach (var member in restore.Members)
            {
                await ExecAsync(c, tx, "INSERT INTO members (backlog_id, user_key, json) VALUES ($b, $u, $json)", ct,
                    ("$b", id), ("$u", member.User.Key), ("$json", StoredJson.Serialize(member with { BacklogId = id }))).ConfigureAwait(false);
            }

            // Every version moves on, so a writer holding a version read before the restore cannot write over it.
            await SqliteMemberStore.BumpRosterAsync(c, tx, id, ct).ConfigureAwait(false);
            foreach (var binding in restore.Bindings)
            {
                var a = binding.Address;
                await ExecAsync(c, tx, "INSERT INTO bindings (platform, workspace, channel_id, backlog_id, json, version) VALUES ($p, $w, $c, $b, $json, $v)", ct,
                    ("$p", a.Platform.ToString()), ("$w", a.Workspace), ("$c", a.ChannelId), ("$b", id), ("$json", StoredJson.Serialize(binding with { BacklogId = id })),
                    ("$v", SqliteMemberStore.NewVersion())).ConfigureAwait(false);
            }

            await foreach (var record in restore.Records.WithCancellation(ct).ConfigureAwait(false))
            {
                RestoreChecks.Check(record, id);
                await (record switch
                {
                    Item item => InsertItemAsync(c, tx, item, ct),
                    HistoryEntry entry => InsertHistoryAsync(c, tx, entry, ct),
                    Vote vote => ExecAsync(c, tx,
                        """
                        INSERT INTO votes (backlog_id, item_number, round, voter_key, json) VALUES ($b, $i, $r, $v, $json)
                        ON CONFLICT (backlog_id, item_number, round, voter_key) DO UPDATE SET json = excluded.json
                        """, ct, ("$b", id), ("$i", vote.ItemNumber), ("$r", vote.Round), ("$v", vote.Voter.Key), ("$json", StoredJson.Serialize(vote))),
                    LedgerEntry entry => ExecAsync(c, tx,
                        "INSERT INTO ledger (backlog_id, ceremony, occurrence, scheduled_at, json) VALUES ($b, $c, $o, $at, $json) ON CONFLICT DO NOTHING",
                        ct, ("$b", id), ("$c", entry.Ceremony.ToString()), ("$o", entry.Occurrence), ("$at", entry.ScheduledAt.UtcTicks), ("$json", StoredJson.Serialize(entry))),
                    ItemEvent e => ExecAsync(c, tx,
                        "INSERT INTO item_events (backlog_id, row_key, item_number, json) VALUES ($b, $k, $n, $json) ON CONFLICT DO NOTHING",
                        ct, ("$b", id), ("$k", StoredEvents.Key(e)), ("$n", e.ItemNumber), ("$json", StoredJson.Serialize(e))),
                    _ => throw new ArgumentException($"A restore cannot write a {record.GetType().Name}."),
                }).ConfigureAwait(false);
            }

            // The tracker connection stays; a link to an item the restored backlog does not have goes, in the same commit.
            await ExecAsync(c, tx, "DELETE FROM tracker_links WHERE backlog_id = $b AND item_number NOT IN (SELECT number FROM items WHERE backlog_id = $b)", ct, ("$b", id)).ConfigureAwait(false);
            // The links it keeps push the restored items (through the link, the tracker's outbox), in the same commit.
            await SqliteTrackerStore.QueueRestoredLinksAsync(c, tx, id, ct).ConfigureAwait(false);
            tx.Commit();
        }, ct);
    }

    private static async Task<int> InsertItemAsync(SqliteConnection c, SqliteTransaction tx, Item item, CancellationToken ct)
    {
        StoredItems.EnsureWritable(item);
        await SqliteItemWrites.InsertAsync(c, tx, item, ct).ConfigureAwait(false);
        return 1;
    }

    private static Task<int> InsertHistoryAsync(SqliteConnection c, SqliteTransaction tx, HistoryEntry entry, CancellationToken ct)
    {
        var json = StoredJson.Serialize(entry);
        return ExecAsync(c, tx, "INSERT INTO history (backlog_id, row_key, item_number, json) VALUES ($b, $k, $n, $json) ON CONFLICT DO NOTHING", ct,
            ("$b", entry.BacklogId), ("$k", StoredJson.HistoryKey(entry, json)), ("$n", entry.ItemNumber), ("$json", json));
    }

    private static async Task<int> ExecAsync(SqliteConnection c, SqliteTransaction tx, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        using var command = c.Command(sql, parameters);
        command.Transaction = tx;
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }
}
