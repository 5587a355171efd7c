using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Voting;
using static TriageBot.Storage.Sqlite.SqliteCommands;

namespace TriageBot.Storage.Sqlite;

internal sealed class SqliteBacklogStore(SqliteDb db) : IBacklogStore
{
    public Task<Versioned<Backlog>?> GetAsync(string backlogId, CancellationToken ct) =>
        db.CachedAsync("backlogs.get", backlogId, async c =>
            (await c.ListAsync("SELECT json, version FROM backlogs WHERE id = $id", Read, ct, ("$id", backlogId)).ConfigureAwait(false))
            .FirstOrDefault(), ct);

    public Task<bool> TryCreateAsync(Backlog backlog, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backlog);
        return db.WriteAsync("backlogs.create", async c =>
            await c.ExecAsync(
                "INSERT INTO backlogs (id, dashboard_token, json, version) VALUES ($id, $token, $json, 1) ON CONFLICT (id) DO NOTHING",
                ct, ("$id", backlog.Id), ("$token", backlog.DashboardToken), ("$json", StoredJson.Serialize(backlog))).ConfigureAwait(false) == 1, ct);
    }

    public Task<Versioned<Backlog>> ReplaceAsync(Backlog backlog, string etag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backlog);
        ArgumentNullException.ThrowIfNull(etag);
        return db.WriteAsync("backlogs.replace", async c =>
        {
            var version = await c.ScalarAsync<long?>(
                "UPDATE backlogs SET json = $json, dashboard_token = $token, version = version + 1 WHERE id = $id AND version = $v RETURNING version",
                ct, ("$id", backlog.Id), ("$token", backlog.DashboardToken), ("$json", StoredJson.Serialize(backlog)), ("$v", Version(etag))).ConfigureAwait(false)
                ?? throw new ConcurrencyException($"Backlog '{backlog.Id}' was changed by someone else (or does not exist); read it again.");
            return new Versioned<Backlog>(backlog, ETag(version));
        }, ct);
    }

    public IAsyncEnumerable<Backlog> ListAsync(CancellationToken ct) =>
        db.PagesAsync<Backlog, string>("backlogs.list", (c, after, size) =>
            Page(c, "SELECT id, json FROM backlogs WHERE id > $after ORDER BY id LIMIT $n", after ?? "", size, ct), 200, ct);

    public Task<Backlog?> FindByDashboardTokenAsync(string token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token))
        {
            return Task.FromResult<Backlog?>(null);
        }

        return db.RunAsync("backlogs.byToken", async c =>
            (await c.ListAsync("SELECT json FROM backlogs WHERE dashboard_token = $t", r => StoredJson.Deserialize<Backlog>(r.GetString(0)), ct, ("$t", token)).ConfigureAwait(false))
            .FirstOrDefault(), ct);
    }

    private static Versioned<Backlog> Read(SqliteDataReader r) => new(StoredJson.Deserialize<Backlog>(r.GetString(0)), ETag(r.GetInt64(1)));

    private static async Task<IReadOnlyList<(string, Backlog)>> Page(SqliteConnection c, string sql, string after, int size, CancellationToken ct) =>
        await c.ListAsync(sql, r => (r.GetString(0), StoredJson.Deserialize<Backlog>(r.GetString(1))), ct, ("$after", after), ("$n", size)).ConfigureAwait(false);
}

internal sealed class SqliteMemberStore(SqliteDb db) : IMemberStore
{
    public Task<Member?> GetAsync(string backlogId, string userKey, CancellationToken ct) =>
        db.CachedAsync("members.get", backlogId + "\u001f" + userKey, async c =>
            (await c.ListAsync("SELECT json FROM members WHERE backlog_id = $b AND user_key = $u", r => StoredJson.Deserialize<Member>(r.GetString(0)), ct,
                ("$b", backlogId), ("$u", userKey)).ConfigureAwait(false)).FirstOrDefault(), ct);

    public Task UpsertAsync(Member member, CancellationToken ct) => WriteAsync(member, null, ct);

    public Task UpsertAsync(Member member, string rosterETag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rosterETag);
        return WriteAsync(member, rosterETag, ct);
    }

    /// <summary>The member and the roster's new version in one immediate transaction, after comparing the version when one is given.</summary>
    private Task WriteAsync(Member member, string? rosterETag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(member);
        return db.WriteAsync(rosterETag is null ? "members.upsert" : "members.upsertIf", async c =>
        {
            using var tx = c.BeginTransaction(deferred: false);
            if (rosterETag is not null)
            {
                var current = await c.ScalarAsync<long?>(tx, "SELECT version FROM rosters WHERE backlog_id = $b", ct, ("$b", member.BacklogId)).ConfigureAwait(false) ?? 0;
                if (ETag(current) != rosterETag)
                {
                    throw new ConcurrencyException($"The members of backlog '{member.BacklogId}' changed meanwhile; read them again.");
                }
            }

            using (var write = c.Command(
                "INSERT INTO members (backlog_id, user_key, json) VALUES ($b, $u, $json) ON CONFLICT (backlog_id, user_key) DO UPDATE SET json = excluded.json",
                ("$b", member.BacklogId), ("$u", member.User.Key), ("$json", StoredJson.Serialize(member))))
            {
                write.Transaction = tx;
                await write.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await BumpRosterAsync(c, tx, member.BacklogId, ct).ConfigureAwait(false);
            tx.Commit();
        }, ct);
    }

    /// <summary>A new roster version: random, so a version never comes back after a backlog is deleted and restored.</summary>
    internal static async Task BumpRosterAsync(SqliteConnection c, SqliteTransaction tx, string backlogId, CancellationToken ct)
    {
        using var bump = c.Command("INSERT INTO rosters (backlog_id, version) VALUES ($b, $v) ON CONFLICT (backlog_id) DO UPDATE SET version = excluded.version",
            ("$b", backlogId), ("$v", NewVersion()));
        bump.Transaction = tx;
        await bump.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<Member>> ListAsync(string backlogId, CancellationToken ct) =>
        db.RunAsync<IReadOnlyList<Member>>("members.list", async c =>
            await c.ListAsync("SELECT json FROM members WHERE backlog_id = $b ORDER BY user_key", r => StoredJson.Deserialize<Member>(r.GetString(0)), ct,
                ("$b", backlogId)).ConfigureAwait(false), ct);

    public Task<Versioned<IReadOnlyList<Member>>> ListVersionedAsync(string backlogId, CancellationToken ct) =>
        db.RunAsync("members.listVersioned", async c =>
        {
            // One read transaction: the version and the rows are of the same moment.
            using var tx = c.BeginTransaction(deferred: true);
            var version = await c.ScalarAsync<long?>(tx, "SELECT version FROM rosters WHERE backlog_id = $b", ct, ("$b", backlogId)).ConfigureAwait(false) ?? 0;
            using var command = c.Command("SELECT json FROM members WHERE backlog_id = $b ORDER BY user_key", ("$b", backlogId));
            command.Transaction = tx;
            var members = new List<Member>();
            using (var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    members.Add(StoredJson.Deserialize<Member>(reader.GetString(0)));
                }
            }

            tx.Commit();
            return new Versioned<IReadOnlyList<Member>>(members, ETag(version));
        }, ct);

    internal static long NewVersion() => System.Security.Cryptography.RandomNumberGenerator.GetInt32(1, int.MaxValue) * (long)int.MaxValue + System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue);
}

internal sealed class SqliteBindingStore(SqliteDb db) : IBindingStore
{
    public Task<Binding?> GetAsync(Platform platform, string workspace, string channelId, CancellationToken ct) =>
        db.CachedAsync("bindings.get", $"{platform}\u001f{workspace}\u001f{channelId}", async c =>
            (await c.ListAsync("SELECT json FROM bindings WHERE platform = $p AND workspace = $w AND channel_id = $c", r => StoredJson.Deserialize<Binding>(r.GetString(0)), ct,
                ("$p", platform.ToString()), ("$w", workspace), ("$c", channelId)).ConfigureAwait(false)).FirstOrDefault(), ct);

    public Task UpsertAsync(Binding binding, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var a = binding.Address;
        return db.WriteAsync("bindings.upsert", c => c.ExecAsync(
            """
            INSERT INTO bindings (platform, workspace, channel_id, backlog_id, json, version) VALUES ($p, $w, $c, $b, $json, $v)
            ON CONFLICT (platform, workspace, channel_id) DO UPDATE SET backlog_id = excluded.backlog_id, json = excluded.json, version = excluded.version
            """,
            ct, ("$p", a.Platform.ToString()), ("$w", a.Workspace), ("$c", a.ChannelId), ("$b", binding.BacklogId), ("$json", StoredJson.Serialize(binding)),
            ("$v", SqliteMemberStore.NewVersion())), ct);
    }

    public Task<Versioned<Binding>?> GetVersionedAsync(Platform platform, string workspace, string channelId, CancellationToken ct) =>
        db.RunAsync("bindings.getVersioned", async c =>
            (await c.ListAsync("SELECT json, coalesce(version, 0) FROM bindings WHERE platform = $p AND workspace = $w AND channel_id = $c",
                r => new Versioned<Binding>(StoredJson.Deserialize<Binding>(r.GetString(0)), ETag(r.GetInt64(1))), ct,
                ("$p", platform.ToString()), ("$w", workspace), ("$c", channelId)).ConfigureAwait(false)).FirstOrDefault(), ct);

    public Task<Versioned<Binding>> ReplaceAsync(Binding binding, string etag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(etag);
        var a = binding.Address;
        return db.WriteAsync("bindings.replace", async c =>
        {
            var version = await c.ScalarAsync<long?>(
                """
                UPDATE bindings SET backlog_id = $b, json = $json, version = $v
                WHERE platform = $p AND workspace = $w AND channel_id = $c AND coalesce(version, 0) = $old RETURNING version
                """,
                ct, ("$p", a.Platform.ToString()), ("$w", a.Workspace), ("$c", a.ChannelId), ("$b", binding.BacklogId), ("$json", StoredJson.Serialize(binding)),
                ("$v", SqliteMemberStore.NewVersion()), ("$old", Version(etag))).ConfigureAwait(false)
                ?? throw new ConcurrencyException($"The binding of {a.Platform} channel {a.ChannelId} was changed by someone else (or removed); read it again.");
            return new Versioned<Binding>(binding, ETag(version));
        }, ct);
    }

    public async IAsyncEnumerable<Binding> ListForBacklogAsync(string backlogId, [EnumeratorCancellation] CancellationToken ct)
    {
        // A backlog has a handful of bindings; one query is enough.
        var all = await db.RunAsync("bindings.list", c => c.ListAsync(
            "SELECT json FROM bindings WHERE backlog_id = $b ORDER BY platform, workspace, channel_id", r => StoredJson.Deserialize<Binding>(r.GetString(0)), ct,
            ("$b", backlogId)), ct).ConfigureAwait(false);
        foreach (var binding in all)
        {
            yield return binding;
        }
    }
}

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

internal sealed class SqliteCeremonyLedger(SqliteDb db) : ICeremonyLedger
{
    public Task<bool> TryClaimAsync(LedgerEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return db.WriteAsync("ledger.claim", async c => await c.ExecAsync(
            "INSERT INTO ledger (backlog_id, ceremony, occurrence, scheduled_at, json) VALUES ($b, $c, $o, $at, $json) ON CONFLICT DO NOTHING",
            ct, ("$b", entry.BacklogId), ("$c", entry.Ceremony.ToString()), ("$o", entry.Occurrence), ("$at", entry.ScheduledAt.UtcTicks),
            ("$json", StoredJson.Serialize(entry))).ConfigureAwait(false) == 1, ct);
    }

    public IAsyncEnumerable<LedgerEntry> ListAsync(string backlogId, DateTimeOffset since, CancellationToken ct) =>
        db.PagesAsync<LedgerEntry, (long, string, string)>("ledger.list", async (c, after, size) =>
            await c.ListAsync(
                """
                SELECT scheduled_at, ceremony, occurrence, json FROM ledger
                WHERE backlog_id = $b AND scheduled_at >= $since AND (scheduled_at, ceremony, occurrence) > ($a0, $a1, $a2)
                ORDER BY scheduled_at, ceremony, occurrence LIMIT $n
                """,
                r => ((r.GetInt64(0), r.GetString(1), r.GetString(2)), StoredJson.Deserialize<LedgerEntry>(r.GetString(3))), ct,
                ("$b", backlogId), ("$since", since.UtcTicks), ("$a0", after.Item1), ("$a1", after.Item2 ?? ""), ("$a2", after.Item3 ?? ""), ("$n", size)).ConfigureAwait(false),
            200, ct);
}

internal sealed class SqliteInbox(SqliteDb db) : IInbox
{
    public Task<bool> TryRecordAsync(Platform platform, string deliveryId, DateTimeOffset at, CancellationToken ct) =>
        db.WriteAsync("inbox.record", async c => await c.ExecAsync(
            "INSERT INTO inbox (platform, delivery_id, recorded_at) VALUES ($p, $d, $at) ON CONFLICT DO NOTHING",
            ct, ("$p", platform.ToString()), ("$d", deliveryId), ("$at", at.UtcTicks)).ConfigureAwait(false) == 1, ct);

    public Task ForgetAsync(Platform platform, string deliveryId, DateTimeOffset at, CancellationToken ct) =>
        db.WriteAsync("inbox.forget", c => c.ExecAsync(
            "DELETE FROM inbox WHERE platform = $p AND delivery_id = $d", ct, ("$p", platform.ToString()), ("$d", deliveryId)), ct);

    public Task MarkHandledAsync(Platform platform, string deliveryId, DateTimeOffset recordedAt, CancellationToken ct) =>
        db.WriteAsync("inbox.handled", c => c.ExecAsync(
            "UPDATE inbox SET handled = 1 WHERE platform = $p AND delivery_id = $d", ct, ("$p", platform.ToString()), ("$d", deliveryId)), ct);

    public Task<InboxRecord?> GetAsync(Platform platform, string deliveryId, DateTimeOffset at, CancellationToken ct) =>
        db.RunAsync("inbox.get", async c => (await c.ListAsync(
            "SELECT recorded_at, handled FROM inbox WHERE platform = $p AND delivery_id = $d",
            r => new InboxRecord(new DateTimeOffset(r.GetInt64(0), TimeSpan.Zero), !r.IsDBNull(1) && r.GetInt64(1) == 1), ct,
            ("$p", platform.ToString()), ("$d", deliveryId)).ConfigureAwait(false)).FirstOrDefault(), ct);
}

internal sealed class SqliteOutbox(SqliteDb db) : IOutbox
{
    private const string Columns = "json, version, lease_owner, lease_until";

    public Task EnqueueAsync(OutboxMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        return db.WriteAsync("outbox.enqueue", c => InsertAsync(c, message, ct), ct);
    }

    public Task EnqueueManyAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return db.WriteAsync("outbox.enqueue", async c =>
        {
            using var tx = c.BeginTransaction();
            foreach (var message in messages)
            {
                await InsertAsync(c, message, ct).ConfigureAwait(false);
            }

            tx.Commit();
        }, ct);
    }

    internal static async Task InsertAsync(SqliteConnection c, OutboxMessage message, CancellationToken ct)
    {
        try
        {
            // A live update is dropped when one for the same message waits unleased: that one renders the newer state.
            await c.ExecAsync(
                """
                INSERT INTO outbox (id, status, next_attempt_at, lease_owner, lease_until, created_at, json, version, coalesce_key)
                SELECT $id, $s, $next, $owner, $until, $created, $json, 1, $key
                WHERE $key IS NULL OR NOT EXISTS (
                    SELECT 1 FROM outbox WHERE coalesce_key = $key AND status = 'Pending' AND lease_owner IS NULL)
                """,
                ct, [.. Parameters(message), ("$key", message.Status == OutboxStatus.Pending && message.LeaseOwner is null ? message.CoalescingKey : null)]).ConfigureAwait(false);
        }
        catch (SqliteException e) when (SqliteDb.IsConstraint(e))
        {
            throw new DuplicateKeyException($"Outbox message '{message.Id}' is already queued.");
        }
    }

    public Task<IReadOnlyList<Versioned<OutboxMessage>>> LeaseAsync(string owner, DateTimeOffset now, TimeSpan leaseFor, int max, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (max <= 0)
        {
            return Task.FromResult<IReadOnlyList<Versioned<OutboxMessage>>>([]);
        }

        // One UPDATE picks and leases together; SQLite runs one writer at a time, so two workers never share a row.
        return db.WriteAsync<IReadOnlyList<Versioned<OutboxMessage>>>("outbox.lease", async c => await c.ListAsync(
            $"""
            UPDATE outbox SET lease_owner = $owner, lease_until = $until, version = version + 1
            WHERE id IN (
                SELECT id FROM outbox
                WHERE status = 'Pending' AND next_attempt_at <= $now
                  AND (lease_until IS NULL OR lease_until <= $now OR lease_owner = $owner)
                ORDER BY next_attempt_at, created_at LIMIT $max)
            RETURNING {Columns}
            """,
            Read, ct, ("$owner", owner), ("$until", (now + leaseFor).UtcTicks), ("$now", now.UtcTicks), ("$max", max)).ConfigureAwait(false), ct);
    }

    public Task<Versioned<OutboxMessage>> UpdateAsync(OutboxMessage message, string etag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(etag);
        return db.WriteAsync("outbox.update", async c =>
        {
            var version = await c.ScalarAsync<long?>(
                """
                UPDATE outbox SET status = $s, next_attempt_at = $next, lease_owner = $owner, lease_until = $until, json = $json, version = version + 1
                WHERE id = $id AND version = $v RETURNING version
                """,
                ct, [.. Parameters(message), ("$v", Version(etag))]).ConfigureAwait(false)
                ?? throw new ConcurrencyException($"Outbox message '{message.Id}' was changed by someone else: its lease was lost.");
            return new Versioned<OutboxMessage>(message, ETag(version));
        }, ct);
    }

    public Task<int> CountPendingAsync(CancellationToken ct) =>
        db.RunAsync("outbox.count", async c => (int)await c.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE status = 'Pending'", ct).ConfigureAwait(false), ct);

    public Task<IReadOnlyList<OutboxMessage>> ListFailedAsync(DateTimeOffset since, CancellationToken ct) =>
        db.RunAsync<IReadOnlyList<OutboxMessage>>("outbox.failed", async c => await c.ListAsync(
            $"SELECT {Columns} FROM outbox WHERE status = 'Failed' AND created_at >= $since ORDER BY created_at LIMIT 1000",
            r => Read(r).Value, ct, ("$since", since.UtcTicks)).ConfigureAwait(false), ct);

    private static (string, object?)[] Parameters(OutboxMessage m) =>
    [
        ("$id", m.Id), ("$s", m.Status.ToString()), ("$next", m.NextAttemptAt.UtcTicks), ("$owner", m.LeaseOwner),
        ("$until", m.LeaseUntil?.UtcTicks), ("$created", m.CreatedAt.UtcTicks), ("$json", StoredJson.Serialize(m)),
    ];

    // The lease columns are the truth: LeaseAsync changes them without rewriting the JSON.
    private static Versioned<OutboxMessage> Read(SqliteDataReader r) => new(
        StoredJson.Deserialize<OutboxMessage>(r.GetString(0)) with
        {
            LeaseOwner = r.IsDBNull(2) ? null : r.GetString(2),
            LeaseUntil = r.IsDBNull(3) ? null : new DateTimeOffset(r.GetInt64(3), TimeSpan.Zero),
        },
        ETag(r.GetInt64(1)));
}

internal sealed class SqliteMessageRefStore(SqliteDb db) : IMessageRefStore
{
    private sealed record Stored(ConversationAddress Where, string PlatformMessageId);

    private const string Upsert = "INSERT INTO message_refs (ref, json) VALUES ($r, $json) ON CONFLICT (ref) DO UPDATE SET json = excluded.json";

    public Task SetAsync(string messageRef, ConversationAddress where, string platformMessageId, CancellationToken ct) =>
        db.WriteAsync("refs.set", c => c.ExecAsync(Upsert, ct, ("$r", messageRef), ("$json", StoredJson.Serialize(new Stored(where, platformMessageId)))), ct);

    public Task SetManyAsync(IReadOnlyList<(string MessageRef, ConversationAddress Where, string PlatformMessageId)> refs, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(refs);
        return db.WriteAsync("refs.set", async c =>
        {
            using var tx = c.BeginTransaction();
            foreach (var (messageRef, where, id) in refs)
            {
                await c.ExecAsync(Upsert, ct, ("$r", messageRef), ("$json", StoredJson.Serialize(new Stored(where, id)))).ConfigureAwait(false);
            }

            tx.Commit();
        }, ct);
    }

    public Task<(ConversationAddress Where, string PlatformMessageId)?> GetAsync(string messageRef, CancellationToken ct) =>
        db.CachedAsync<(ConversationAddress, string)?>("refs.get", messageRef, async c =>
        {
            var rows = await c.ListAsync("SELECT json FROM message_refs WHERE ref = $r", r => StoredJson.Deserialize<Stored>(r.GetString(0)), ct, ("$r", messageRef)).ConfigureAwait(false);
            return rows.Count == 0 ? null : (rows[0].Where, rows[0].PlatformMessageId);
        }, ct);
}
