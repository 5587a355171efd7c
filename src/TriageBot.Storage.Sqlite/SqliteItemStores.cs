using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Voting;
using static TriageBot.Storage.Sqlite.SqliteCommands;

namespace TriageBot.Storage.Sqlite;

// Items as they are read (writes go through SqliteItemWrites), their history and their votes.

internal sealed class SqliteItemStore(SqliteDb db) : IItemStore
{
    private const int PageSize = 500;

    public Task<int> AllocateNumberAsync(string backlogId, CancellationToken ct) =>
        // One statement is atomic in SQLite, so instances sharing the file never hand out the same number.
        db.WriteAsync("items.allocate", async c => (int)(await c.ScalarAsync<long>(
            "INSERT INTO counters (backlog_id, last) VALUES ($b, 1) ON CONFLICT (backlog_id) DO UPDATE SET last = last + 1 RETURNING last",
            ct, ("$b", backlogId)).ConfigureAwait(false)), ct);

    public Task<NumberReservation> ReserveNumberAsync(string backlogId, string requestKey, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestKey);
        // One immediate transaction: another process's writer waits, so two instances never both miss the key.
        return db.WriteAsync("items.reserve", async c =>
        {
            using var tx = c.BeginTransaction(deferred: false);
            var reserved = await c.ScalarAsync<long?>(tx, "SELECT number FROM item_requests WHERE backlog_id = $b AND request_key = $k", ct,
                ("$b", backlogId), ("$k", requestKey)).ConfigureAwait(false);
            if (reserved is { } number)
            {
                return new NumberReservation((int)number, Repeated: true);
            }

            var next = await c.ScalarAsync<long>(tx,
                "INSERT INTO counters (backlog_id, last) VALUES ($b, 1) ON CONFLICT (backlog_id) DO UPDATE SET last = last + 1 RETURNING last",
                ct, ("$b", backlogId)).ConfigureAwait(false);
            await c.ScalarAsync<long?>(tx, "INSERT INTO item_requests (backlog_id, request_key, number) VALUES ($b, $k, $n)", ct,
                ("$b", backlogId), ("$k", requestKey), ("$n", next)).ConfigureAwait(false);
            tx.Commit();
            return new NumberReservation((int)next, Repeated: false);
        }, ct);
    }

    public Task<Versioned<Item>?> GetAsync(string backlogId, int number, CancellationToken ct) =>
        db.RunAsync("items.get", async c =>
            (await c.ListAsync("SELECT json, version FROM items WHERE backlog_id = $b AND number = $n",
                r => new Versioned<Item>(StoredJson.Deserialize<Item>(r.Utf8(0)), ETag(r.GetInt64(1))), ct,
                ("$b", backlogId), ("$n", number)).ConfigureAwait(false)).FirstOrDefault(), ct);

    public IAsyncEnumerable<Item> QueryAsync(ItemQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var states = query.States?.Distinct().ToList();
        if (states is { Count: 0 })
        {
            return AsyncEnumerable.Empty<Item>();
        }

        // Placeholders are generated from the count; every value travels as a parameter.
        var where = "backlog_id = $b AND number > $after";
        var parameters = new List<(string, object?)> { ("$b", query.BacklogId) };
        if (states is not null)
        {
            where += " AND state IN (" + string.Join(", ", states.Select((_, i) => "$s" + i)) + ")";
            parameters.AddRange(states.Select((s, i) => ("$s" + i, (object?)s.ToString())));
        }

        if (query.Stream is { } stream)
        {
            where += " AND stream = $stream";
            parameters.Add(("$stream", stream.ToString()));
        }

        if (query.CreatedAfter is { } after)
        {
            where += " AND created_at > $created";
            parameters.Add(("$created", after.UtcTicks));
        }

        if (!query.Outline)
        {
            var sql = $"SELECT number, json FROM items WHERE {where} ORDER BY number LIMIT $n";
            return db.PagesAsync<Item, int>("items.query", async (c, afterNumber, size) =>
                await c.PageAsync<int, Item>(sql, r => r.GetInt32(0), ct, [.. parameters, ("$after", afterNumber), ("$n", size)]).ConfigureAwait(false),
                PageSize, ct);
        }

        // Served from the covering index items_outline, never from the rows themselves. A row without a current outline (written
        // by an earlier version, and left so on open because its JSON could not be read) is read whole and outlined here.
        var outlines = $"SELECT number, outline FROM items WHERE {where} ORDER BY number LIMIT $n";
        return db.PagesAsync<Item, int>("items.outlines", async (c, afterNumber, size) =>
            await c.PageAsync(outlines,
                r => (r.GetInt32(0), r.IsDBNull(1) || r.Utf8(1) is not { } outline || !StoredOutline.IsCurrent(outline)
                    ? (Whole: true, Json: WholeJson(c, query.BacklogId, r.GetInt32(0)))
                    : (Whole: false, Json: outline)),
                row => row.Whole ? ItemOutline.Of(StoredJson.Deserialize<Item>(row.Json)) : StoredOutline.Deserialize(row.Json, query.BacklogId),
                ct, [.. parameters, ("$after", afterNumber), ("$n", size)]).ConfigureAwait(false),
            PageSize, ct);
    }

    private static byte[] WholeJson(SqliteConnection c, string backlogId, int number)
    {
        using var command = c.Command("SELECT json FROM items WHERE backlog_id = $b AND number = $n", ("$b", backlogId), ("$n", number));
        return Encoding.UTF8.GetBytes((string)command.ExecuteScalar()!);
    }
}

internal sealed class SqliteHistoryStore(SqliteDb db) : IHistoryStore
{
    private const int PageSize = 500;

    public Task AppendAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return Task.CompletedTask;
        }

        return db.WriteAsync("history.append", async c =>
        {
            using var tx = c.BeginTransaction();
            foreach (var entry in entries)
            {
                var json = StoredJson.Serialize(entry);
                using var command = c.Command(
                    "INSERT INTO history (backlog_id, row_key, item_number, json) VALUES ($b, $k, $n, $json) ON CONFLICT DO NOTHING",
                    ("$b", entry.BacklogId), ("$k", StoredJson.HistoryKey(entry, json)), ("$n", entry.ItemNumber), ("$json", json));
                command.Transaction = tx;
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            tx.Commit();
        }, ct);
    }

    public IAsyncEnumerable<HistoryEntry> ReadAsync(string backlogId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
        db.KeyRangeAsync<HistoryEntry>("history.read", "history", backlogId, StoredJson.HistoryBound(from), StoredJson.HistoryBound(to), PageSize, ct);

    public IAsyncEnumerable<HistoryEntry> ForItemAsync(string backlogId, int itemNumber, CancellationToken ct) =>
        db.PagesAsync<HistoryEntry, string>("history.item", async (c, after, size) =>
            await c.PageAsync<string, HistoryEntry>(
                "SELECT row_key, json FROM history WHERE backlog_id = $b AND item_number = $i AND row_key > $after ORDER BY row_key LIMIT $n",
                r => r.GetString(0), ct,
                ("$b", backlogId), ("$i", itemNumber), ("$after", after ?? ""), ("$n", size)).ConfigureAwait(false),
            PageSize, ct);
}

internal sealed class SqliteVoteStore(SqliteDb db) : IVoteStore
{
    public Task UpsertAsync(Vote vote, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(vote);
        return db.WriteAsync("votes.upsert", c => c.ExecAsync(
            """
            INSERT INTO votes (backlog_id, item_number, round, voter_key, json) VALUES ($b, $i, $r, $v, $json)
            ON CONFLICT (backlog_id, item_number, round, voter_key) DO UPDATE SET json = excluded.json
            """,
            ct, ("$b", vote.BacklogId), ("$i", vote.ItemNumber), ("$r", vote.Round), ("$v", vote.Voter.Key), ("$json", StoredJson.Serialize(vote))), ct);
    }

    public Task<IReadOnlyList<Vote>> ListAsync(string backlogId, int itemNumber, int round, CancellationToken ct) =>
        db.RunAsync<IReadOnlyList<Vote>>("votes.list", async c => await c.ListAsync(
            "SELECT json FROM votes WHERE backlog_id = $b AND item_number = $i AND round = $r ORDER BY voter_key",
            r => StoredJson.Deserialize<Vote>(r.GetString(0)), ct, ("$b", backlogId), ("$i", itemNumber), ("$r", round)).ConfigureAwait(false), ct);
}
