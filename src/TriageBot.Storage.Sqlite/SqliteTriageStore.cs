using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;

namespace TriageBot.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Domain records are JSON (<see cref="TriageBot.Core.CoreJson"/>);
/// keys and filtered fields are real columns; times are UTC ticks so they compare and sort as numbers.
/// Safe to share one file between several instances (processes) of the store.
/// </summary>
public sealed partial class SqliteTriageStore : ITriageStore, IStoreMaintenance
{
    private readonly SqliteDb db;
    private readonly ILogger logger;

    public SqliteTriageStore(string path, ILogger<SqliteTriageStore>? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        db = new SqliteDb(Path.GetFullPath(path));
        this.logger = logger ?? NullLogger<SqliteTriageStore>.Instance;
        Backlogs = new SqliteBacklogStore(db);
        Members = new SqliteMemberStore(db);
        Bindings = new SqliteBindingStore(db);
        Items = new SqliteItemStore(db);
        History = new SqliteHistoryStore(db);
        Votes = new SqliteVoteStore(db);
        Ledger = new SqliteCeremonyLedger(db);
        Inbox = new SqliteInbox(db);
        Outbox = new SqliteOutbox(db);
        MessageRefs = new SqliteMessageRefStore(db);
        var writes = new SqliteItemWrites(db);
        Writes = writes;
        Events = writes;
    }

    /// <summary>The full path of the database file.</summary>
    public string FilePath => db.Path;

    public IBacklogStore Backlogs { get; }
    public IMemberStore Members { get; }
    public IBindingStore Bindings { get; }
    public IItemStore Items { get; }
    public IHistoryStore History { get; }
    public IVoteStore Votes { get; }
    public ICeremonyLedger Ledger { get; }
    public IInbox Inbox { get; }
    public IOutbox Outbox { get; }
    public IMessageRefStore MessageRefs { get; }
    public IItemWrites Writes { get; }
    public IItemEventFeed Events { get; }

    public async Task InitializeAsync(CancellationToken ct)
    {
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(db.Path)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"Cannot create the folder of the SQLite store '{db.Path}': {e.Message}", e);
        }

        await db.WriteAsync("initialize", async c =>
        {
            // WAL is a property of the file: set once, every later connection uses it.
            await c.ExecAsync("PRAGMA journal_mode = WAL;", ct).ConfigureAwait(false);
            await c.ExecAsync(Schema, ct).ConfigureAwait(false);
            await c.ExecAsync(SqliteItemWrites.Schema, ct).ConfigureAwait(false);
            // Added after the first release: files created before it get the column here.
            var hasKey = await c.ScalarAsync<long>("SELECT count(*) FROM pragma_table_info('outbox') WHERE name = 'coalesce_key'", ct).ConfigureAwait(false) > 0;
            if (!hasKey)
            {
                await c.ExecAsync("ALTER TABLE outbox ADD COLUMN coalesce_key TEXT", ct).ConfigureAwait(false);
            }

            await c.ExecAsync("CREATE INDEX IF NOT EXISTS outbox_coalesce ON outbox (coalesce_key) WHERE status = 'Pending' AND coalesce_key IS NOT NULL", ct).ConfigureAwait(false);
            if (await c.ScalarAsync<long>("SELECT count(*) FROM pragma_table_info('inbox') WHERE name = 'handled'", ct).ConfigureAwait(false) == 0)
            {
                await c.ExecAsync("ALTER TABLE inbox ADD COLUMN handled INTEGER", ct).ConfigureAwait(false);
            }

            // Added for ETag-checked bindings (issue 14); rows written before have version 0.
            if (await c.ScalarAsync<long>("SELECT count(*) FROM pragma_table_info('bindings') WHERE name = 'version'", ct).ConfigureAwait(false) == 0)
            {
                await c.ExecAsync("ALTER TABLE bindings ADD COLUMN version INTEGER", ct).ConfigureAwait(false);
            }

            var hasOutline = await c.ScalarAsync<long>("SELECT count(*) FROM pragma_table_info('items') WHERE name = 'outline'", ct).ConfigureAwait(false) > 0;
            if (!hasOutline)
            {
                await c.ExecAsync("ALTER TABLE items ADD COLUMN outline TEXT", ct).ConfigureAwait(false);
            }

            // Reports and lists read outlines from this index alone, not from the much wider rows (a third of the time).
            await c.ExecAsync("CREATE INDEX IF NOT EXISTS items_outline ON items (backlog_id, number, state, stream, created_at, outline)", ct).ConfigureAwait(false);
            // The file's user_version is the outline format its rows were last brought up to, so only the first open after an
            // upgrade scans them. Rows a different version writes later are still read whole where they have no outline.
            if (await c.ScalarAsync<long>("PRAGMA user_version", ct).ConfigureAwait(false) != StoredOutline.Version)
            {
                var filled = await FillOutlinesAsync(c, ct).ConfigureAwait(false);
                await c.ExecAsync($"PRAGMA user_version = {StoredOutline.Version}", ct).ConfigureAwait(false);
                if (filled > 0)
                {
                    Log.SqliteOutlinesFilled(logger, filled);
                }
            }
        }, ct).ConfigureAwait(false);
        Log.SqliteReady(logger, db.Path);
    }

    /// <summary>
    /// Stores the outline of every item that has none of the current format (written by an earlier version), a page per transaction.
    /// A row whose JSON cannot be read is left as it is: reading it fails as it did before.
    /// </summary>
    private static async Task<int> FillOutlinesAsync(SqliteConnection c, CancellationToken ct)
    {
        var filled = 0;
        long after = 0;
        while (true)
        {
            // The outlines are looked for in the index (every open), the few rows found are then read whole.
            var stale = await c.ListAsync(
                "SELECT rowid FROM items INDEXED BY items_outline WHERE (outline IS NULL OR substr(outline, 1, length($prefix)) <> $prefix) AND rowid > $after ORDER BY rowid LIMIT 500",
                r => r.GetInt64(0), ct, ("$prefix", StoredOutline.Prefix), ("$after", after)).ConfigureAwait(false);
            if (stale.Count == 0)
            {
                return filled;
            }

            var rows = await c.ListAsync(
                $"SELECT rowid, json FROM items WHERE rowid IN ({string.Join(", ", stale)})",
                r => (RowId: r.GetInt64(0), Json: r.GetString(1)), ct).ConfigureAwait(false);

            using (var tx = c.BeginTransaction())
            {
                foreach (var (rowId, json) in rows)
                {
                    Item item;
                    try
                    {
                        item = StoredJson.Deserialize<Item>(json);
                    }
                    catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException)
                    {
                        continue;
                    }

                    using var update = c.Command("UPDATE items SET outline = $o WHERE rowid = $r", ("$o", StoredOutline.Serialize(item)), ("$r", rowId));
                    update.Transaction = tx;
                    filled += await update.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                }

                tx.Commit();
            }

            after = stale[^1];
        }
    }

    public Task PingAsync(CancellationToken ct) =>
        db.RunAsync("ping", c => c.ScalarAsync<long>("SELECT count(*) FROM backlogs WHERE id = 'ping'", ct, []), ct);

    public Task<int> PurgeInboxAsync(DateTimeOffset recordedBefore, CancellationToken ct) =>
        db.WriteAsync("inbox.purge", c => c.ExecAsync("DELETE FROM inbox WHERE recorded_at < $before", ct, ("$before", recordedBefore.UtcTicks)), ct);

    public Task<int> PurgeSentOutboxAsync(DateTimeOffset createdBefore, CancellationToken ct) =>
        db.WriteAsync("outbox.purge", c => c.ExecAsync(
            "DELETE FROM outbox WHERE status = 'Sent' AND created_at < $before", ct, ("$before", createdBefore.UtcTicks)), ct);

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS backlogs (
            id TEXT NOT NULL PRIMARY KEY,
            dashboard_token TEXT NOT NULL,
            json TEXT NOT NULL,
            version INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS backlogs_token ON backlogs (dashboard_token);
        CREATE TABLE IF NOT EXISTS counters (
            backlog_id TEXT NOT NULL PRIMARY KEY,
            last INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS members (
            backlog_id TEXT NOT NULL,
            user_key TEXT NOT NULL,
            json TEXT NOT NULL,
            PRIMARY KEY (backlog_id, user_key));
        CREATE TABLE IF NOT EXISTS rosters (
            backlog_id TEXT NOT NULL PRIMARY KEY,
            version INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS bindings (
            platform TEXT NOT NULL,
            workspace TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            backlog_id TEXT NOT NULL,
            json TEXT NOT NULL,
            PRIMARY KEY (platform, workspace, channel_id));
        CREATE INDEX IF NOT EXISTS bindings_backlog ON bindings (backlog_id);
        CREATE TABLE IF NOT EXISTS items (
            backlog_id TEXT NOT NULL,
            number INTEGER NOT NULL,
            state TEXT NOT NULL,
            stream TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            json TEXT NOT NULL,
            version INTEGER NOT NULL,
            outline TEXT,
            PRIMARY KEY (backlog_id, number));
        CREATE TABLE IF NOT EXISTS item_requests (
            backlog_id TEXT NOT NULL,
            request_key TEXT NOT NULL,
            number INTEGER NOT NULL,
            PRIMARY KEY (backlog_id, request_key)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS history (
            backlog_id TEXT NOT NULL,
            row_key TEXT NOT NULL,
            item_number INTEGER NOT NULL,
            json TEXT NOT NULL,
            PRIMARY KEY (backlog_id, row_key)) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS history_item ON history (backlog_id, item_number, row_key);
        CREATE TABLE IF NOT EXISTS votes (
            backlog_id TEXT NOT NULL,
            item_number INTEGER NOT NULL,
            round INTEGER NOT NULL,
            voter_key TEXT NOT NULL,
            json TEXT NOT NULL,
            PRIMARY KEY (backlog_id, item_number, round, voter_key));
        CREATE TABLE IF NOT EXISTS ledger (
            backlog_id TEXT NOT NULL,
            ceremony TEXT NOT NULL,
            occurrence TEXT NOT NULL,
            scheduled_at INTEGER NOT NULL,
            json TEXT NOT NULL,
            PRIMARY KEY (backlog_id, ceremony, occurrence));
        CREATE TABLE IF NOT EXISTS inbox (
            platform TEXT NOT NULL,
            delivery_id TEXT NOT NULL,
            recorded_at INTEGER NOT NULL,
            handled INTEGER,
            PRIMARY KEY (platform, delivery_id));
        CREATE TABLE IF NOT EXISTS outbox (
            id TEXT NOT NULL PRIMARY KEY,
            status TEXT NOT NULL,
            next_attempt_at INTEGER NOT NULL,
            lease_owner TEXT,
            lease_until INTEGER,
            created_at INTEGER NOT NULL,
            json TEXT NOT NULL,
            version INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS outbox_due ON outbox (status, next_attempt_at);
        CREATE INDEX IF NOT EXISTS outbox_status_created ON outbox (status, created_at);
        CREATE TABLE IF NOT EXISTS message_refs (
            ref TEXT NOT NULL PRIMARY KEY,
            json TEXT NOT NULL);
        """;
}

/// <summary>Small helpers so every statement is parameterized and short.</summary>
internal static class SqliteCommands
{
    public static SqliteCommand Command(this SqliteConnection c, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = c.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public static async Task<int> ExecAsync(this SqliteConnection c, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        using var command = c.Command(sql, parameters);
        return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public static Task<T?> ScalarAsync<T>(this SqliteConnection c, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        c.ScalarAsync<T>(null, sql, ct, parameters);

    public static async Task<T?> ScalarAsync<T>(this SqliteConnection c, SqliteTransaction? tx, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        using var command = c.Command(sql, parameters);
        command.Transaction = tx;
        var result = await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
        return result is null or DBNull
            ? default
            : (T)Convert.ChangeType(result, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<List<T>> ListAsync<T>(this SqliteConnection c, string sql, Func<SqliteDataReader, T> map, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        using var command = c.Command(sql, parameters);
        using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<T>();
        while (await reader.ReadAsync(ct).ConfigureAwait(false))
        {
            list.Add(map(reader));
        }

        return list;
    }

    /// <summary>
    /// One page of a stream: each row's key (column 0) and stored record (JSON in column 1). A report reads every open item
    /// and weeks of history, and turning JSON into records is most of its time, so a page is deserialized on every core.
    /// </summary>
    public static Task<IReadOnlyList<(TKey Key, T Value)>> PageAsync<TKey, T>(
        this SqliteConnection c, string sql, Func<SqliteDataReader, TKey> key, CancellationToken ct, params (string Name, object? Value)[] parameters) =>
        c.PageAsync(sql, r => (key(r), r.Utf8(1)), json => StoredJson.Deserialize<T>(json), ct, parameters);

    /// <summary>One page of a stream: <paramref name="read"/> takes each row's key and raw columns, <paramref name="convert"/> runs on every core.</summary>
    public static async Task<IReadOnlyList<(TKey Key, T Value)>> PageAsync<TKey, TRaw, T>(
        this SqliteConnection c, string sql, Func<SqliteDataReader, (TKey Key, TRaw Raw)> read, Func<TRaw, T> convert, CancellationToken ct,
        params (string Name, object? Value)[] parameters)
    {
        var rows = await c.ListAsync(sql, read, ct, parameters).ConfigureAwait(false);
        var page = new (TKey, T)[rows.Count];
        Parallel.For(0, rows.Count, i => page[i] = (rows[i].Key, convert(rows[i].Raw)));
        return page;
    }

    /// <summary>A TEXT column's bytes as SQLite stores them (UTF-8), without making a string.</summary>
    public static byte[] Utf8(this SqliteDataReader r, int ordinal) => r.GetFieldValue<byte[]>(ordinal);

    public static string ETag(long version) => version.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A version parsed from an ETag; a foreign ETag matches nothing.</summary>
    public static long Version(string etag) =>
        long.TryParse(etag, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : -1;
}
