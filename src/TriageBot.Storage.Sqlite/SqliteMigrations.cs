using Microsoft.Data.Sqlite;
using TriageBot.Core.Items;

namespace TriageBot.Storage.Sqlite;

/// <summary>
/// The SQLite file's schema as an ordered list of numbered migrations. Each runs once per file, in its own immediate
/// transaction with its record in <c>schema_migrations</c>, so instances opening one file at once apply each step once.
/// A file that records a migration this list does not have was written by a newer version and is refused.
/// A new schema change is a new entry at the end; an entry once released never changes.
/// </summary>
internal static class SqliteMigrations
{
    /// <summary>One step. <paramref name="FoundIn"/>: for files from before numbered migrations, whether the file already has it.</summary>
    internal sealed record Migration(int Version, string Name, Func<Step, Task> Apply, Func<Step, Task<bool>>? FoundIn = null);

    /// <summary>A migration's connection and transaction.</summary>
    internal sealed record Step(SqliteConnection Connection, SqliteTransaction Transaction, CancellationToken Ct)
    {
        /// <summary>Rows the step changed (for the log).</summary>
        public int Rows { get; set; }

        public async Task ExecAsync(string sql, params (string Name, object? Value)[] parameters)
        {
            using var command = Connection.Command(sql, parameters);
            command.Transaction = Transaction;
            await command.ExecuteNonQueryAsync(Ct).ConfigureAwait(false);
        }

        public Task<T?> ScalarAsync<T>(string sql, params (string Name, object? Value)[] parameters) =>
            Connection.ScalarAsync<T>(Transaction, sql, Ct, parameters);

        public async Task<bool> HasColumnAsync(string table, string column) =>
            await ScalarAsync<long>("SELECT count(*) FROM pragma_table_info($t) WHERE name = $c", ("$t", table), ("$c", column)).ConfigureAwait(false) > 0;
    }

    /// <summary>The outline format (<see cref="StoredOutline.Version"/>) the last outline migration brought every row to.</summary>
    internal const int OutlineFormat = 1;

    internal static IReadOnlyList<Migration> All { get; } =
    [
        new(1, "tables", s => s.ExecAsync(Tables)),
        new(2, "outbox.coalesce_key", async s =>
        {
            await s.ExecAsync("ALTER TABLE outbox ADD COLUMN coalesce_key TEXT").ConfigureAwait(false);
            await s.ExecAsync("CREATE INDEX IF NOT EXISTS outbox_coalesce ON outbox (coalesce_key) WHERE status = 'Pending' AND coalesce_key IS NOT NULL").ConfigureAwait(false);
        }, s => s.HasColumnAsync("outbox", "coalesce_key")),
        new(3, "inbox.handled", s => s.ExecAsync("ALTER TABLE inbox ADD COLUMN handled INTEGER"), s => s.HasColumnAsync("inbox", "handled")),
        // ETag-checked bindings; rows written before have version 0.
        new(4, "bindings.version", s => s.ExecAsync("ALTER TABLE bindings ADD COLUMN version INTEGER"), s => s.HasColumnAsync("bindings", "version")),
        new(5, "items.outline", async s =>
        {
            await s.ExecAsync("ALTER TABLE items ADD COLUMN outline TEXT").ConfigureAwait(false);
            // Reports and lists read outlines from this index alone, not from the much wider rows (a third of the time).
            await s.ExecAsync("CREATE INDEX IF NOT EXISTS items_outline ON items (backlog_id, number, state, stream, created_at, outline)").ConfigureAwait(false);
        }, s => s.HasColumnAsync("items", "outline")),
        new(6, "item_events", s => s.ExecAsync(ItemEvents)),
        // Rows written before outlines were stored (or in another format) get theirs. A later format is a new migration.
        new(7, "outlines.format1", FillOutlinesAsync),
        // Slack installations in many workspaces (sealed tokens in the JSON) and the one-use marks of OAuth states.
        new(8, "installations", s => s.ExecAsync(Installations)),
        // Issue trackers (GitHub, Jira): connections, item links with their push state, the event cursor, webhook deliveries.
        new(9, "trackers", s => s.ExecAsync(SqliteTrackerStore.Schema)),
    ];

    internal static int Latest => All[^1].Version;

    /// <summary>Brings the file up to <see cref="Latest"/>; returns the migrations applied, with the rows each changed (none when it was current).</summary>
    /// <exception cref="StoreSchemaTooNewException">The file records a migration newer than this version knows.</exception>
    public static async Task<IReadOnlyList<(Migration Migration, int Rows)>> ApplyAsync(SqliteConnection c, string path, CancellationToken ct)
    {
        var fromBefore = await c.ScalarAsync<long>(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'", ct).ConfigureAwait(false) > 0
            && await c.ScalarAsync<long>("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'", ct).ConfigureAwait(false) == 0;
        await c.ExecAsync("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)", ct).ConfigureAwait(false);

        var recorded = (await c.ListAsync("SELECT version FROM schema_migrations", r => r.GetInt64(0), ct).ConfigureAwait(false)).ToHashSet();
        if (recorded.Count > 0 && recorded.Max() > Latest)
        {
            using var tx = c.BeginTransaction();
            await RefuseNewerAsync(new Step(c, tx, ct), path).ConfigureAwait(false);
        }

        var applied = new List<(Migration, int)>();
        foreach (var migration in All.Where(m => !recorded.Contains(m.Version)))
        {
            using var tx = c.BeginTransaction(deferred: false);
            var step = new Step(c, tx, ct);
            await RefuseNewerAsync(step, path).ConfigureAwait(false);
            if (await step.ScalarAsync<long>("SELECT count(*) FROM schema_migrations WHERE version = $v", ("$v", migration.Version)).ConfigureAwait(false) > 0)
            {
                continue; // applied by another instance meanwhile
            }

            if (!(fromBefore && migration.FoundIn is { } found && await found(step).ConfigureAwait(false)))
            {
                await migration.Apply(step).ConfigureAwait(false);
                applied.Add((migration, step.Rows));
            }

            await step.ExecAsync("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($v, $n, $at)",
                ("$v", migration.Version), ("$n", migration.Name), ("$at", DateTimeOffset.UtcNow.UtcTicks)).ConfigureAwait(false);
            tx.Commit();
        }

        return applied;
    }

    private static async Task RefuseNewerAsync(Step step, string path)
    {
        var newest = await step.ScalarAsync<long?>("SELECT max(version) FROM schema_migrations").ConfigureAwait(false) ?? 0;
        if (newest > Latest)
        {
            var name = await step.ScalarAsync<string>("SELECT name FROM schema_migrations WHERE version = $v", ("$v", newest)).ConfigureAwait(false);
            throw new StoreSchemaTooNewException(
                $"The SQLite file '{path}' has schema migration {newest} ('{name}'), newer than this version of TriageBot knows (up to {Latest}): " +
                "a newer version wrote it. Run that version (or a later one) on this file; this one leaves it untouched.");
        }
    }

    /// <summary>
    /// Stores the outline of every item that has none of the current format, a page at a time. A row whose JSON cannot be
    /// read is left as it is: reading it fails as it did before.
    /// </summary>
    private static async Task FillOutlinesAsync(Step s)
    {
        var filled = 0;
        long after = 0;
        while (true)
        {
            var stale = new List<long>();
            using (var find = s.Connection.Command(
                "SELECT rowid FROM items INDEXED BY items_outline WHERE (outline IS NULL OR substr(outline, 1, length($prefix)) <> $prefix) AND rowid > $after ORDER BY rowid LIMIT 500",
                ("$prefix", StoredOutline.Prefix), ("$after", after)))
            {
                find.Transaction = s.Transaction;
                using var reader = await find.ExecuteReaderAsync(s.Ct).ConfigureAwait(false);
                while (await reader.ReadAsync(s.Ct).ConfigureAwait(false))
                {
                    stale.Add(reader.GetInt64(0));
                }
            }

            if (stale.Count == 0)
            {
                s.Rows = filled;
                return;
            }

            var rows = new List<(long RowId, string Json)>();
            using (var read = s.Connection.Command($"SELECT rowid, json FROM items WHERE rowid IN ({string.Join(", ", stale)})"))
            {
                read.Transaction = s.Transaction;
                using var reader = await read.ExecuteReaderAsync(s.Ct).ConfigureAwait(false);
                while (await reader.ReadAsync(s.Ct).ConfigureAwait(false))
                {
                    rows.Add((reader.GetInt64(0), reader.GetString(1)));
                }
            }

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

                await s.ExecAsync("UPDATE items SET outline = $o WHERE rowid = $r", ("$o", StoredOutline.Serialize(item)), ("$r", rowId)).ConfigureAwait(false);
                filled++;
            }

            after = stale[^1];
        }
    }

    /// <summary>The tables of the first release (every later change is a migration of its own).</summary>
    private const string Tables = """
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

    private const string ItemEvents = """
        CREATE TABLE IF NOT EXISTS item_events (
            backlog_id TEXT NOT NULL,
            row_key TEXT NOT NULL,
            item_number INTEGER NOT NULL,
            json TEXT NOT NULL,
            PRIMARY KEY (backlog_id, row_key)) WITHOUT ROWID;
        """;

    private const string Installations = """
        CREATE TABLE IF NOT EXISTS installations (
            key TEXT NOT NULL PRIMARY KEY,
            json TEXT NOT NULL,
            version INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS oauth_states (
            nonce TEXT NOT NULL PRIMARY KEY,
            expires_at INTEGER NOT NULL) WITHOUT ROWID;
        """;
}
