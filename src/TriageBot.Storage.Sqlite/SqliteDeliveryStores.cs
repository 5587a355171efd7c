using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Voting;
using static TriageBot.Storage.Sqlite.SqliteCommands;

namespace TriageBot.Storage.Sqlite;

// What comes in and goes out: the inbox of platform deliveries, the outbox, and the platform ids of posted messages.

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

    public async Task EnqueueAsync(OutboxMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (WaitingKey(message) is { } key
            && await db.RunAsync("outbox.waiting", c => c.ScalarAsync<long?>(WaitingSql, ct, ("$key", key)), ct).ConfigureAwait(false) is not null)
        {
            // Many votes in a row each ask for an update of one ballot: while one waits unleased it will render their state
            // (it is leased, and so rendered, only after this read), so this one is dropped without taking the write lock.
            return;
        }

        await db.WriteAsync("outbox.enqueue", c => InsertAsync(c, message, ct), ct).ConfigureAwait(false);
    }

    private const string WaitingSql = "SELECT 1 FROM outbox WHERE coalesce_key = $key AND status = 'Pending' AND lease_owner IS NULL LIMIT 1";

    /// <summary>The key under which <paramref name="message"/> may be dropped for a waiting one; null when it must be queued.</summary>
    private static string? WaitingKey(OutboxMessage message) =>
        message.Status == OutboxStatus.Pending && message.LeaseOwner is null ? message.CoalescingKey : null;

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
                ct, [.. Parameters(message), ("$key", WaitingKey(message))]).ConfigureAwait(false);
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
