using TriageBot.Core.Ports;
using static TriageBot.Storage.Sqlite.SqliteCommands;

namespace TriageBot.Storage.Sqlite;

/// <summary>Installations (tokens sealed by the channel) and one-use OAuth state marks, in tables of migration 8.</summary>
internal sealed class SqliteInstallations(SqliteDb db) : IInstallationStore
{
    /// <summary>How long a used state's mark is kept after it expired (a replay after that fails on its expiry anyway).</summary>
    private static readonly TimeSpan KeepUsedStates = TimeSpan.FromDays(1);

    public Task<Versioned<Installation>?> GetAsync(string key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        return db.RunAsync<Versioned<Installation>?>("installations.get", async c =>
        {
            var rows = await c.ListAsync("SELECT json, version FROM installations WHERE key = $k",
                r => new Versioned<Installation>(StoredJson.Deserialize<Installation>(r.GetString(0)), ETag(r.GetInt64(1))), ct, ("$k", key)).ConfigureAwait(false);
            return rows.Count == 0 ? null : rows[0];
        }, ct);
    }

    public Task SaveAsync(Installation installation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(installation);
        return db.WriteAsync("installations.save", c => c.ExecAsync(
            "INSERT INTO installations (key, json, version) VALUES ($k, $json, $v) ON CONFLICT (key) DO UPDATE SET json = excluded.json, version = excluded.version",
            ct, ("$k", installation.Key), ("$json", StoredJson.Serialize(installation)), ("$v", SqliteMemberStore.NewVersion())), ct);
    }

    public Task<Versioned<Installation>?> TryReplaceAsync(Installation installation, string etag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(installation);
        ArgumentNullException.ThrowIfNull(etag);
        return db.WriteAsync<Versioned<Installation>?>("installations.replace", async c =>
        {
            var version = await c.ScalarAsync<long?>(
                "UPDATE installations SET json = $json, version = $new WHERE key = $k AND version = $old RETURNING version",
                ct, ("$k", installation.Key), ("$json", StoredJson.Serialize(installation)), ("$new", SqliteMemberStore.NewVersion()), ("$old", Version(etag))).ConfigureAwait(false);
            return version is { } v ? new Versioned<Installation>(installation, ETag(v)) : null;
        }, ct);
    }

    public Task<bool> DeleteAsync(string key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        return db.WriteAsync("installations.delete", async c =>
            await c.ExecAsync("DELETE FROM installations WHERE key = $k", ct, ("$k", key)).ConfigureAwait(false) > 0, ct);
    }

    public Task<bool> TryUseOnceAsync(string nonce, DateTimeOffset expiresAt, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(nonce);
        return db.WriteAsync("oauth_states.use", async c =>
        {
            await c.ExecAsync("DELETE FROM oauth_states WHERE expires_at < $old", ct, ("$old", (DateTimeOffset.UtcNow - KeepUsedStates).UtcTicks)).ConfigureAwait(false);
            return await c.ExecAsync("INSERT INTO oauth_states (nonce, expires_at) VALUES ($n, $at) ON CONFLICT (nonce) DO NOTHING",
                ct, ("$n", nonce), ("$at", expiresAt.UtcTicks)).ConfigureAwait(false) == 1;
        }, ct);
    }

    public IAsyncEnumerable<Versioned<Installation>> ListAsync(CancellationToken ct) =>
        db.PagesAsync<Versioned<Installation>, string>("installations.list", async (c, after, size) =>
            await c.ListAsync("SELECT key, json, version FROM installations WHERE key > $after ORDER BY key LIMIT $n",
                r => (r.GetString(0), new Versioned<Installation>(StoredJson.Deserialize<Installation>(r.GetString(1)), ETag(r.GetInt64(2)))),
                ct, ("$after", after ?? ""), ("$n", size)).ConfigureAwait(false), 200, ct);
}
