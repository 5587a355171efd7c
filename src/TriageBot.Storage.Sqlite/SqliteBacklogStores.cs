using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Voting;
using static TriageBot.Storage.Sqlite.SqliteCommands;

namespace TriageBot.Storage.Sqlite;

// Backlogs and who and where they are: settings, members, channel bindings, the ceremony ledger.

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
