using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;

namespace TriageBot.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Domain records are JSON (<see cref="TriageBot.Core.CoreJson"/>);
/// keys and filtered fields are real columns; times are UTC ticks so they compare and sort as numbers.
/// Safe to share one file between several instances (processes) of the store. Its capabilities beyond Core's ports are
/// objects of their own (<see cref="Maintenance"/>, <see cref="Administration"/>), registered by the host as their own services.
/// </summary>
public sealed class SqliteTriageStore : ITriageStore
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
        Maintenance = new SqliteMaintenance(db);
        Administration = new SqliteAdministration(db);
        Installations = new SqliteInstallations(db);
        Trackers = new SqliteTrackerStore(db);
    }

    /// <summary>Installations of the Slack app in many workspaces (migration 8).</summary>
    public IInstallationStore Installations { get; }

    /// <summary>Tracker connections, links and webhook deliveries.</summary>
    public ITrackerStore Trackers { get; }

    /// <summary>Purges of sent messages and old inbox records.</summary>
    public IStoreMaintenance Maintenance { get; }

    /// <summary>Whole-backlog operations for the command line (restore, counter, delete).</summary>
    public IBacklogAdministration Administration { get; }

    /// <summary>This store with its capabilities, as the host registers them.</summary>
    public StorageBackend Backend => new(this, Maintenance, Administration) { Installations = Installations, Trackers = Trackers };

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
            foreach (var (migration, rows) in await SqliteMigrations.ApplyAsync(c, db.Path, ct).ConfigureAwait(false))
            {
                Log.SqliteMigrationApplied(logger, migration.Version, migration.Name, rows);
            }
        }, ct).ConfigureAwait(false);
        Log.SqliteReady(logger, db.Path);
    }

    public Task PingAsync(CancellationToken ct) =>
        db.RunAsync("ping", c => c.ScalarAsync<long>("SELECT count(*) FROM backlogs WHERE id = 'ping'", ct, []), ct);
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
