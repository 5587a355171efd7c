using Microsoft.Data.Sqlite;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using static TriageBot.Storage.Sqlite.SqliteCommands;

namespace TriageBot.Storage.Sqlite;

/// <summary>The write path on SQLite: the item, its history, its events and its messages in one transaction.</summary>
internal sealed class SqliteItemWrites(SqliteDb db) : IItemWrites, IItemEventFeed
{
    private const int PageSize = 500;

    /// <summary>Creates the events table; called by the store's initialization.</summary>
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS item_events (
            backlog_id TEXT NOT NULL,
            row_key TEXT NOT NULL,
            item_number INTEGER NOT NULL,
            json TEXT NOT NULL,
            PRIMARY KEY (backlog_id, row_key)) WITHOUT ROWID;
        """;

    public Task<Versioned<Item>> WriteAsync(ItemWrite write, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(write);
        var item = write.Item;
        StoredItems.EnsureWritable(item);
        // Named as an item insert for the read cache: like one, it leaves the cached rows (bindings, backlogs, members) alone.
        return db.WriteAsync("items.insert", async c =>
        {
            using var tx = c.BeginTransaction(deferred: false);
            var saved = write.ETag is null ? await InsertAsync(c, tx, item, ct).ConfigureAwait(false) : await ReplaceAsync(c, tx, item, write.ETag, ct).ConfigureAwait(false);
            foreach (var entry in write.History)
            {
                var json = StoredJson.Serialize(entry);
                await ExecAsync(c, tx, "INSERT INTO history (backlog_id, row_key, item_number, json) VALUES ($b, $k, $n, $json) ON CONFLICT DO NOTHING", ct,
                    ("$b", entry.BacklogId), ("$k", StoredJson.HistoryKey(entry, json)), ("$n", entry.ItemNumber), ("$json", json)).ConfigureAwait(false);
            }

            foreach (var e in write.Events)
            {
                await ExecAsync(c, tx, "INSERT INTO item_events (backlog_id, row_key, item_number, json) VALUES ($b, $k, $n, $json) ON CONFLICT DO NOTHING", ct,
                    ("$b", e.BacklogId), ("$k", StoredEvents.Key(e)), ("$n", e.ItemNumber), ("$json", StoredJson.Serialize(e))).ConfigureAwait(false);
            }

            foreach (var message in write.Outbox)
            {
                try
                {
                    await SqliteOutbox.InsertAsync(c, message, ct).ConfigureAwait(false);
                }
                catch (DuplicateKeyException)
                {
                    // Queued by an earlier attempt of the same request.
                }
            }

            tx.Commit();
            return saved;
        }, ct);
    }

    /// <summary>Inserts an item row in <paramref name="tx"/>: the write path's insert, and a restore's (which writes whole backlogs in one transaction).</summary>
    internal static async Task<Versioned<Item>> InsertAsync(SqliteConnection c, SqliteTransaction tx, Item item, CancellationToken ct)
    {
        try
        {
            await ExecAsync(c, tx,
                "INSERT INTO items (backlog_id, number, state, stream, created_at, json, outline, version) VALUES ($b, $n, $s, $st, $at, $json, $o, 1)",
                ct, ("$b", item.BacklogId), ("$n", item.Number), ("$s", item.State.ToString()), ("$st", item.Stream.ToString()),
                ("$at", item.CreatedAt.UtcTicks), ("$json", StoredJson.Serialize(item)), ("$o", StoredOutline.Serialize(item))).ConfigureAwait(false);
        }
        catch (SqliteException e) when (SqliteDb.IsConstraint(e))
        {
            throw new DuplicateKeyException($"Item {item.Number} already exists in backlog '{item.BacklogId}'.");
        }

        return new Versioned<Item>(item, ETag(1));
    }

    private static async Task<Versioned<Item>> ReplaceAsync(SqliteConnection c, SqliteTransaction tx, Item item, string etag, CancellationToken ct)
    {
        var version = await c.ScalarAsync<long?>(tx,
            """
            UPDATE items SET state = $s, stream = $st, created_at = $at, json = $json, outline = $o, version = version + 1
            WHERE backlog_id = $b AND number = $n AND version = $v RETURNING version
            """,
            ct, ("$b", item.BacklogId), ("$n", item.Number), ("$s", item.State.ToString()), ("$st", item.Stream.ToString()),
            ("$at", item.CreatedAt.UtcTicks), ("$json", StoredJson.Serialize(item)), ("$o", StoredOutline.Serialize(item)), ("$v", Version(etag))).ConfigureAwait(false)
            ?? throw new ConcurrencyException($"Item {item.Number} of backlog '{item.BacklogId}' was changed by someone else (or does not exist); read it again.");
        return new Versioned<Item>(item, ETag(version));
    }

    private static async Task ExecAsync(SqliteConnection c, SqliteTransaction tx, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        using var command = c.Command(sql, parameters);
        command.Transaction = tx;
        await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public IAsyncEnumerable<ItemEvent> ReadAsync(string backlogId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
        db.KeyRangeAsync<ItemEvent>("events.read", "item_events", backlogId, StoredEvents.Bound(from), StoredEvents.Bound(to), PageSize, ct);
}
