using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using TriageBot.Core.Ports;

namespace TriageBot.Storage.Sqlite;

/// <summary>
/// Opens pooled connections to one SQLite file and turns SQLite failures into the ports' exceptions. A connection
/// per operation keeps operations independent; Microsoft.Data.Sqlite's pool makes that cheap.
/// </summary>
internal sealed class SqliteDb(string path)
{
    private const int SqliteConstraint = 19;

    // SQLite has one writer. Writers of this process queue here, in order and without spinning, instead of meeting in
    // SQLite's busy handler, which sleeps 1, 2, 5, 10… ms between tries and so turns a burst of writes into a long tail.
    // busy_timeout still covers writers in other processes (the CLI's import or restore).
    private readonly SemaphoreSlim writer = new(1, 1);

    // Pooled handles keep their settings, so each handle is set up once, not on every open.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<SQLitePCL.sqlite3, object> prepared = [];

    public string Path { get; } = path;

    private readonly string connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    public async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            if (!prepared.TryGetValue(connection.Handle!, out _))
            {
                // Per handle: wait for the single writer instead of failing at once.
                using var pragma = connection.CreateCommand();
                pragma.CommandText = "PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL;";
                await pragma.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                prepared.AddOrUpdate(connection.Handle!, prepared);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public static bool IsConstraint(SqliteException e) => e.SqliteErrorCode == SqliteConstraint;

    /// <summary>Runs one operation on its own connection; SQLite errors other than the caller's own become <see cref="StoreUnavailableException"/>.</summary>
    public async Task<T> RunAsync<T>(string operation, Func<SqliteConnection, Task<T>> work, CancellationToken ct)
    {
        try
        {
            var connection = await OpenAsync(ct).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                return await work(connection).ConfigureAwait(false);
            }
        }
        catch (SqliteException e)
        {
            throw new StoreUnavailableException($"SQLite store at '{Path}' failed during {operation}: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"SQLite store at '{Path}' failed during {operation}: {e.Message}", e);
        }
    }

    public Task RunAsync(string operation, Func<SqliteConnection, Task> work, CancellationToken ct) =>
        RunAsync<bool>(operation, async c => { await work(c).ConfigureAwait(false); return true; }, ct);

    /// <summary>Like <see cref="RunAsync{T}"/> for an operation that writes: one writer of this process at a time.</summary>
    public async Task<T> WriteAsync<T>(string operation, Func<SqliteConnection, Task<T>> work, CancellationToken ct)
    {
        await writer.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await RunAsync(operation, work, ct).ConfigureAwait(false);
        }
        finally
        {
            writer.Release();
            if (!LeavesCachedRowsAlone.Contains(operation))
            {
                cache.Invalidate();
            }
        }
    }

    // Writes on the hot paths (votes, items, the outbox) that cannot change a binding, backlog or member. Every other
    // write — including any added later — empties the cache.
    private static readonly HashSet<string> LeavesCachedRowsAlone =
    [
        "votes.upsert", "items.allocate", "items.insert", "items.replace", "history.append",
        "outbox.enqueue", "outbox.lease", "outbox.update", "outbox.purge", "inbox.record", "inbox.forget", "inbox.handled", "inbox.purge", "ledger.claim",
    ];

    private readonly SqliteReadCache cache = new(TimeSpan.FromSeconds(2));

    /// <summary>
    /// A read of a small, rarely written row that nearly every request needs (the channel's binding, the backlog, the
    /// person's membership, where a ballot was posted), served from memory when this process has not written since and it is under 2 s old. The
    /// bound covers another process writing the same file (the CLI).
    /// </summary>
    public Task<T> CachedAsync<T>(string operation, string key, Func<SqliteConnection, Task<T>> work, CancellationToken ct) =>
        cache.GetAsync(operation + "\u001f" + key, () => RunAsync(operation, work, ct));

    /// <summary>Forgets every cached read (after a write that failed on a version another process changed).</summary>
    public void ForgetCachedReads() => cache.Invalidate();

    public Task WriteAsync(string operation, Func<SqliteConnection, Task> work, CancellationToken ct) =>
        WriteAsync<bool>(operation, async c => { await work(c).ConfigureAwait(false); return true; }, ct);

    /// <summary>
    /// A backlog's rows of an append-only table (history, item events) whose <c>row_key</c> lies in [<paramref name="fromKey"/>,
    /// <paramref name="toKey"/>), as JSON, in key order. One lower bound per page: given both <c>&gt;= $from</c> and
    /// <c>&gt; $after</c>, SQLite seeks to $from and walks every earlier page again, so reading n rows cost O(n²) (2 s for
    /// 55,000 history entries). The first page starts at $from, later ones after the last key.
    /// </summary>
    public IAsyncEnumerable<T> KeyRangeAsync<T>(string operation, string table, string backlogId, string fromKey, string toKey, int pageSize, CancellationToken ct)
    {
        var first = $"SELECT row_key, json FROM {table} WHERE backlog_id = $b AND row_key >= $from AND row_key < $to ORDER BY row_key LIMIT $n";
        var next = $"SELECT row_key, json FROM {table} WHERE backlog_id = $b AND row_key > $after AND row_key < $to ORDER BY row_key LIMIT $n";
        return PagesAsync<T, string>(operation, async (c, after, size) =>
            await c.PageAsync<string, T>(
                after is null ? first : next, r => r.GetString(0), ct,
                ("$b", backlogId), ("$from", fromKey), ("$to", toKey), ("$after", after ?? ""), ("$n", size)).ConfigureAwait(false),
            pageSize, ct);
    }

    /// <summary>
    /// Streams rows page by page with keyset pagination: each page is one short query on its own connection, so a
    /// slow consumer never holds a read transaction open and the whole result is never in memory. The next page is read
    /// while the caller works through this one (one page ahead, no more).
    /// </summary>
    public async IAsyncEnumerable<T> PagesAsync<T, TKey>(
        string operation,
        Func<SqliteConnection, TKey?, int, Task<IReadOnlyList<(TKey Key, T Value)>>> page,
        int pageSize,
        [EnumeratorCancellation] CancellationToken ct)
    {
        Task<IReadOnlyList<(TKey Key, T Value)>> Read(TKey? after) => RunAsync(operation, c => page(c, after, pageSize), ct);

        Task<IReadOnlyList<(TKey Key, T Value)>>? next = Read(default);
        try
        {
            while (next is not null)
            {
                var rows = await next.ConfigureAwait(false);
                next = rows.Count < pageSize ? null : Read(rows[^1].Key);
                foreach (var (_, value) in rows)
                {
                    yield return value;
                }
            }
        }
        finally
        {
            // A caller that stops early leaves the page read ahead unused; let it finish (its failure no longer matters).
            if (next is not null)
            {
                await next.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            }
        }
    }
}
