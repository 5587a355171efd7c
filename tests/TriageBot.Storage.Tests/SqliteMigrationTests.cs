using System.Text.Json;
using Microsoft.Data.Sqlite;
using TriageBot.Core;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Storage.Sqlite;

namespace TriageBot.Storage.Tests;

/// <summary>
/// The SQLite schema as numbered migrations recorded in the file: a new file gets them all in order, a file of an earlier
/// shape is upgraded in order, a file of a newer version is refused untouched, and opening again changes nothing.
/// </summary>
public sealed class SqliteMigrationTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("triage-migrate-").FullName;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private static readonly IReadOnlyList<(long, string)> Expected = SqliteMigrations.All.Select(m => ((long)m.Version, m.Name)).ToList();

    [Fact]
    public void The_migrations_are_numbered_one_to_n_in_order_with_distinct_names()
    {
        SqliteMigrations.All.Select(m => m.Version).ShouldBe(Enumerable.Range(1, SqliteMigrations.All.Count));
        SqliteMigrations.All.Select(m => m.Name).Distinct().Count().ShouldBe(SqliteMigrations.All.Count);
        SqliteMigrations.Latest.ShouldBe(SqliteMigrations.All.Count);
    }

    [Fact]
    public void The_outline_format_this_version_writes_has_its_migration()
    {
        // Changing StoredOutline's format means adding a migration that refills the outlines, then raising OutlineFormat.
        SqliteMigrations.OutlineFormat.ShouldBe(StoredOutline.Version);
        SqliteMigrations.All.ShouldContain(m => m.Name == $"outlines.format{StoredOutline.Version}");
    }

    [Fact]
    public async Task A_new_file_gets_every_migration_in_order_and_records_each()
    {
        var path = Path.Combine(folder, "new.db");

        await new SqliteTriageStore(path).InitializeAsync(Ct);

        (await RecordedAsync(path)).ShouldBe(Expected);
        (await ColumnsAsync(path, "outbox")).ShouldContain("coalesce_key");
        (await ColumnsAsync(path, "items")).ShouldContain("outline");
    }

    [Fact]
    public async Task A_file_of_the_first_shape_is_upgraded_in_order_and_keeps_every_row()
    {
        var path = Path.Combine(folder, "first.db");
        var item = Build.EveryField("b", 1, WorkStream.Feature);
        var backlog = Build.Backlog("b");
        await using (var old = await OpenAsync(path))
        {
            // The tables as the first release made them: no coalescing key, handled flag, binding version, outline, events.
            await ExecAsync(old, FirstShape);
            await ExecAsync(old, "INSERT INTO backlogs VALUES ($id, $t, $json, 1)", ("$id", backlog.Id), ("$t", backlog.DashboardToken), ("$json", JsonSerializer.Serialize(backlog, CoreJson.Options)));
            await ExecAsync(old, "INSERT INTO items VALUES ($b, $n, $s, $st, $at, $json, 1)",
                ("$b", item.BacklogId), ("$n", item.Number), ("$s", item.State.ToString()), ("$st", item.Stream.ToString()),
                ("$at", item.CreatedAt.UtcTicks), ("$json", JsonSerializer.Serialize(item, CoreJson.Options)));
            await ExecAsync(old, "INSERT INTO inbox VALUES ('Slack', 'E1', 5)");
            // A row in every other table, with text that must come through unchanged.
            await ExecAsync(old, """
                INSERT INTO counters VALUES ('b', 1);
                INSERT INTO members VALUES ('b', 'Slack|U1', '{"who":"Ada «Ü» 😀"}');
                INSERT INTO bindings VALUES ('Slack', 'T1', 'C1', 'b', '{"where":"C1"}');
                INSERT INTO history VALUES ('b', 'h-0001', 1, '{"note":"kept; DROP TABLE items;--"}');
                INSERT INTO votes VALUES ('b', 1, 1, 'Slack|U1', '{"impact":3}');
                INSERT INTO ledger VALUES ('b', 'WeeklyReview', '2026-W01', 42, '{"state":"Posted"}');
                INSERT INTO outbox VALUES ('m1', 'Pending', 7, NULL, NULL, 6, '{"id":"m1"}', 1);
                INSERT INTO message_refs VALUES ('ballot:b/1', '{"ts":"1700.1"}');
                """);
        }

        var before = await RowsAsync(path, FirstShapeTables);
        before.Count.ShouldBe(FirstShapeTables.Length, "one row in each table");
        SqliteConnection.ClearAllPools();
        var store = new SqliteTriageStore(path);
        await store.InitializeAsync(Ct);

        (await RecordedAsync(path)).ShouldBe(Expected);
        (await RowsAsync(path, FirstShapeTables)).ShouldBe(before, "every row of every table, every column it had, unchanged");
        (await ColumnsAsync(path, "outbox")).ShouldContain("coalesce_key");
        (await ColumnsAsync(path, "inbox")).ShouldContain("handled");
        (await ColumnsAsync(path, "bindings")).ShouldContain("version");
        (await ColumnsAsync(path, "items")).ShouldContain("outline");
        (await store.Backlogs.GetAsync("b", Ct))!.Value.Name.ShouldBe(backlog.Name);
        JsonSerializer.Serialize((await store.Items.GetAsync("b", 1, Ct))!.Value, CoreJson.Options).ShouldBe(JsonSerializer.Serialize(item, CoreJson.Options));
        (await store.Items.QueryAsync(new ItemQuery("b") { Outline = true }, Ct).SingleAsync(Ct)).IsOutline.ShouldBeTrue();
        (await ListAsync(path, "SELECT delivery_id FROM inbox", r => r.GetString(0))).ShouldBe(["E1"]);
        // The upgraded tables work: a waiting live update coalesces with the next one (migration 2).
        var update = Build.Message() with { Kind = OutboxKind.Update, MessageRef = "ballot:b/1:1", Payload = OutboxViews.Payload(new LiveBallotView("b", 1)), Live = true };
        await store.Outbox.EnqueueAsync(update with { Id = "u1" }, Ct);
        await store.Outbox.EnqueueAsync(update with { Id = "u2" }, Ct);
        (await store.Outbox.CountPendingAsync(Ct)).ShouldBe(2, "the old row and one of the two coalesced updates");

        // Opening the upgraded file again (this store, then another one) applies nothing and changes nothing.
        var schema = await SchemaAsync(path);
        var recorded = await RecordedAsync(path, withTimes: true);
        var rows = await RowsAsync(path, FirstShapeTables);
        await store.InitializeAsync(Ct);
        await new SqliteTriageStore(path).InitializeAsync(Ct);
        (await SchemaAsync(path)).ShouldBe(schema);
        (await RecordedAsync(path, withTimes: true)).ShouldBe(recorded);
        (await RowsAsync(path, FirstShapeTables)).ShouldBe(rows);
    }

    /// <summary>Every table of the first release with its columns then.</summary>
    private static readonly (string Table, string Columns)[] FirstShapeTables =
    [
        ("backlogs", "id, dashboard_token, json, version"),
        ("counters", "backlog_id, last"),
        ("members", "backlog_id, user_key, json"),
        ("bindings", "platform, workspace, channel_id, backlog_id, json"),
        ("items", "backlog_id, number, state, stream, created_at, json, version"),
        ("history", "backlog_id, row_key, item_number, json"),
        ("votes", "backlog_id, item_number, round, voter_key, json"),
        ("ledger", "backlog_id, ceremony, occurrence, scheduled_at, json"),
        ("inbox", "platform, delivery_id, recorded_at"),
        ("outbox", "id, status, next_attempt_at, lease_owner, lease_until, created_at, json, version"),
        ("message_refs", "ref, json"),
    ];

    /// <summary>The rows of the tables, each as <c>table: column values</c> (NULL spelled out), in key order.</summary>
    private static async Task<List<string>> RowsAsync(string path, IEnumerable<(string Table, string Columns)> tables)
    {
        var rows = new List<string>();
        foreach (var (table, columns) in tables)
        {
            var values = string.Join(" || '|' || ", columns.Split(", ").Select(c => $"coalesce(quote({c}), 'NULL')"));
            rows.AddRange(await ListAsync(path, $"SELECT '{table}: ' || {values} FROM {table} ORDER BY {columns}", r => r.GetString(0)));
        }

        return rows;
    }

    [Fact]
    public async Task A_file_the_last_release_before_migrations_wrote_is_adopted_without_redoing_its_columns()
    {
        var path = Path.Combine(folder, "last.db");
        await using (var old = await OpenAsync(path))
        {
            // Every column the column checks of that release added, and the outline format marked in user_version.
            await ExecAsync(old, FirstShape);
            await ExecAsync(old, """
                ALTER TABLE outbox ADD COLUMN coalesce_key TEXT;
                ALTER TABLE inbox ADD COLUMN handled INTEGER;
                ALTER TABLE bindings ADD COLUMN version INTEGER;
                ALTER TABLE items ADD COLUMN outline TEXT;
                CREATE INDEX items_outline ON items (backlog_id, number, state, stream, created_at, outline);
                PRAGMA user_version = 1;
                """);
        }

        SqliteConnection.ClearAllPools();
        await new SqliteTriageStore(path).InitializeAsync(Ct);

        (await RecordedAsync(path)).ShouldBe(Expected);
        (await ColumnsAsync(path, "outbox")).Count(c => c == "coalesce_key").ShouldBe(1);
    }

    [Fact]
    public async Task A_file_newer_than_this_version_is_refused_with_a_clear_error_and_left_untouched()
    {
        var path = Path.Combine(folder, "newer.db");
        await new SqliteTriageStore(path).InitializeAsync(Ct);
        var next = SqliteMigrations.Latest + 1;
        await using (var newer = await OpenAsync(path))
        {
            await ExecAsync(newer, "INSERT INTO schema_migrations VALUES ($v, 'from.the.future', 0)", ("$v", next));
            await ExecAsync(newer, "CREATE TABLE future_things (id TEXT)");
        }

        var before = await SchemaAsync(path);

        var error = await Should.ThrowAsync<StoreSchemaTooNewException>(() => new SqliteTriageStore(path).InitializeAsync(Ct));

        error.Message.ShouldContain(Path.GetFullPath(path));
        error.Message.ShouldContain($"schema migration {next} ('from.the.future')");
        error.Message.ShouldContain($"up to {SqliteMigrations.Latest}");
        (await SchemaAsync(path)).ShouldBe(before);
    }

    [Fact]
    public async Task Opening_a_current_file_again_changes_nothing()
    {
        var path = Path.Combine(folder, "twice.db");
        var store = new SqliteTriageStore(path);
        await store.InitializeAsync(Ct);
        await store.Writes.WriteAsync(new ItemWrite { Item = Build.Item("b", 1) }, Ct);
        var schema = await SchemaAsync(path);
        var recorded = await RecordedAsync(path, withTimes: true);

        await store.InitializeAsync(Ct);
        await new SqliteTriageStore(path).InitializeAsync(Ct);

        (await SchemaAsync(path)).ShouldBe(schema);
        (await RecordedAsync(path, withTimes: true)).ShouldBe(recorded);
        (await store.Items.GetAsync("b", 1, Ct))!.ETag.ShouldBe("1");
    }

    [Fact]
    public async Task Two_stores_opening_one_new_file_at_once_apply_each_migration_once()
    {
        var path = Path.Combine(folder, "race.db");

        await Task.WhenAll(new SqliteTriageStore(path).InitializeAsync(Ct), new SqliteTriageStore(path).InitializeAsync(Ct));

        (await RecordedAsync(path)).ShouldBe(Expected);
    }

    /// <summary>The tables of the first release, as <c>CREATE TABLE</c> made them then.</summary>
    private const string FirstShape = """
        CREATE TABLE backlogs (id TEXT NOT NULL PRIMARY KEY, dashboard_token TEXT NOT NULL, json TEXT NOT NULL, version INTEGER NOT NULL);
        CREATE TABLE counters (backlog_id TEXT NOT NULL PRIMARY KEY, last INTEGER NOT NULL);
        CREATE TABLE members (backlog_id TEXT NOT NULL, user_key TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (backlog_id, user_key));
        CREATE TABLE bindings (platform TEXT NOT NULL, workspace TEXT NOT NULL, channel_id TEXT NOT NULL, backlog_id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (platform, workspace, channel_id));
        CREATE TABLE items (backlog_id TEXT NOT NULL, number INTEGER NOT NULL, state TEXT NOT NULL, stream TEXT NOT NULL, created_at INTEGER NOT NULL, json TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (backlog_id, number));
        CREATE TABLE history (backlog_id TEXT NOT NULL, row_key TEXT NOT NULL, item_number INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (backlog_id, row_key)) WITHOUT ROWID;
        CREATE TABLE votes (backlog_id TEXT NOT NULL, item_number INTEGER NOT NULL, round INTEGER NOT NULL, voter_key TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (backlog_id, item_number, round, voter_key));
        CREATE TABLE ledger (backlog_id TEXT NOT NULL, ceremony TEXT NOT NULL, occurrence TEXT NOT NULL, scheduled_at INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (backlog_id, ceremony, occurrence));
        CREATE TABLE inbox (platform TEXT NOT NULL, delivery_id TEXT NOT NULL, recorded_at INTEGER NOT NULL, PRIMARY KEY (platform, delivery_id));
        CREATE TABLE outbox (id TEXT NOT NULL PRIMARY KEY, status TEXT NOT NULL, next_attempt_at INTEGER NOT NULL, lease_owner TEXT, lease_until INTEGER, created_at INTEGER NOT NULL, json TEXT NOT NULL, version INTEGER NOT NULL);
        CREATE TABLE message_refs (ref TEXT NOT NULL PRIMARY KEY, json TEXT NOT NULL);
        """;

    private static async Task<SqliteConnection> OpenAsync(string path)
    {
        var c = new SqliteConnection($"Data Source={path};Pooling=False");
        await c.OpenAsync(Ct);
        return c;
    }

    private static async Task ExecAsync(SqliteConnection c, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = c.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(Ct);
    }

    private static async Task<List<T>> ListAsync<T>(string path, string sql, Func<SqliteDataReader, T> read)
    {
        await using var c = await OpenAsync(path);
        using var command = c.CreateCommand();
        command.CommandText = sql;
        using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>The recorded migrations in the order they were applied.</summary>
    private static async Task<List<(long, string)>> RecordedAsync(string path) =>
        await ListAsync(path, "SELECT version, name FROM schema_migrations ORDER BY rowid", r => (r.GetInt64(0), r.GetString(1)));

    private static async Task<List<string>> RecordedAsync(string path, bool withTimes) =>
        await ListAsync(path, "SELECT version || ':' || name || ':' || applied_at FROM schema_migrations ORDER BY rowid", r => r.GetString(0));

    private static async Task<List<string>> ColumnsAsync(string path, string table) =>
        await ListAsync(path, $"SELECT name FROM pragma_table_info('{table}')", r => r.GetString(0));

    private static async Task<List<string>> SchemaAsync(string path) =>
        await ListAsync(path, "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name", r => r.GetString(0));
}
