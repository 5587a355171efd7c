using System.Collections;
using System.Reflection;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using TriageBot.Core;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Storage.Sqlite;

namespace TriageBot.Storage.Tests;

/// <summary>
/// Outlines on SQLite files written before outlines were stored, and the guard that keeps the contract's round trip
/// covering every field an item has (or will have).
/// </summary>
public sealed class SqliteOutlineTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("triage-outline-").FullName;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void EveryFieldBuilder_SetsEveryPropertyOfAnItem_SoTheOutlineRoundTripCoversNewFields()
    {
        // A field added to Item (or to its records) must be set by Build.EveryField; the contract then proves the outline
        // keeps it or leaves it out on purpose (ItemOutline.Of).
        var unset = Enum.GetValues<WorkStream>()
            .SelectMany(stream => Unset(Build.EveryField("b", 1, stream), "item", stream))
            .Distinct()
            .ToList();

        unset.ShouldBeEmpty();
    }

    [Fact]
    public async Task FileWrittenBeforeOutlines_GetsEveryOutlineWhenOpened_AndAnUnreadableRowDoesNotStopIt()
    {
        var path = Path.Combine(folder, "old.db");
        var items = Enum.GetValues<WorkStream>().Select((stream, i) => Build.EveryField("b", i + 1, stream)).ToList();
        await using (var old = new SqliteConnection($"Data Source={path}"))
        {
            await old.OpenAsync(Ct);
            await Exec(old, """
                CREATE TABLE items (backlog_id TEXT NOT NULL, number INTEGER NOT NULL, state TEXT NOT NULL, stream TEXT NOT NULL,
                    created_at INTEGER NOT NULL, json TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (backlog_id, number));
                """);
            foreach (var item in items)
            {
                await Exec(old, "INSERT INTO items VALUES ($b, $n, $s, $st, $at, $json, 1)",
                    ("$b", item.BacklogId), ("$n", item.Number), ("$s", item.State.ToString()), ("$st", item.Stream.ToString()),
                    ("$at", item.CreatedAt.UtcTicks), ("$json", JsonSerializer.Serialize(item, CoreJson.Options)));
            }

            await Exec(old, "INSERT INTO items VALUES ('broken', 1, 'New', 'Bug', 0, '{not json', 1)");
        }


        SqliteConnection.ClearAllPools();
        var store = new SqliteTriageStore(path);
        await store.InitializeAsync(Ct);

        await using var check = new SqliteConnection($"Data Source={path}");
        await check.OpenAsync(Ct);
        using var count = check.CreateCommand();
        count.CommandText = "SELECT count(*) FROM items WHERE outline IS NOT NULL";
        ((long)(await count.ExecuteScalarAsync(Ct))!).ShouldBe(items.Count, "every readable row, not the broken one");
        using var format = check.CreateCommand();
        format.CommandText = "SELECT count(*) FROM schema_migrations WHERE name = 'outlines.format1'";
        ((long)(await format.ExecuteScalarAsync(Ct))!).ShouldBe(1, "the fill is recorded, so later opens do not scan the file again");
        var outlines = await store.Items.QueryAsync(new ItemQuery("b") { Outline = true }, Ct).ToListAsync(Ct);
        outlines.Select(Json).ShouldBe(items.Select(i => Json(ItemOutline.Of(i))));
        // Opening again finds nothing left to do and changes nothing.
        await store.InitializeAsync(Ct);
        (await store.Items.QueryAsync(new ItemQuery("b") { Outline = true }, Ct).Select(Json).ToListAsync(Ct)).ShouldBe(outlines.Select(Json));
    }

    [Fact]
    public async Task OutlineInAnotherFormat_IsRewrittenWhenTheFileIsOpenedByTheVersionWithThatFormatsMigration()
    {
        var path = Path.Combine(folder, "format.db");
        var store = new SqliteTriageStore(path);
        await store.InitializeAsync(Ct);
        var item = Build.EveryField("b", 1, WorkStream.Model);
        await store.Writes.WriteAsync(new ItemWrite { Item = item }, Ct);
        await using var c = new SqliteConnection($"Data Source={path}");
        await c.OpenAsync(Ct);
        // As a version writing format 0 would have left it: its outlines, and the current format's fill not yet recorded.
        await Exec(c, "UPDATE items SET outline = '[0,1]'");
        await Exec(c, "DELETE FROM schema_migrations WHERE name = 'outlines.format1'");

        await new SqliteTriageStore(path).InitializeAsync(Ct);

        using var read = c.CreateCommand();
        read.CommandText = "SELECT outline FROM items";
        ((string)(await read.ExecuteScalarAsync(Ct))!).ShouldStartWith("[1,1,");
        Json(await store.Items.QueryAsync(new ItemQuery("b") { Outline = true }, Ct).SingleAsync(Ct)).ShouldBe(Json(ItemOutline.Of(item)));
    }

    private static string Json(Item item) => JsonSerializer.Serialize(item, CoreJson.Options);

    private static async Task Exec(SqliteConnection c, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = c.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(Ct);
    }

    /// <summary>Paths of settable properties left at their default (null, 0, false, empty) in a record tree of the domain.</summary>
    private static IEnumerable<string> Unset(object value, string path, WorkStream stream)
    {
        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is null || property.Name == nameof(Item.IsOutline) || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            // Each stream has its own record; the others stay null by the domain's rules.
            var otherStream = property.Name switch
            {
                nameof(Item.Model) => stream != WorkStream.Model,
                nameof(Item.Bug) => stream != WorkStream.Bug,
                nameof(Item.Feature) => stream != WorkStream.Feature,
                nameof(Item.Incident) => stream != WorkStream.Incident,
                _ => false,
            };
            // An enum's first value is its default; the model item's stream is Model.
            if ((otherStream && value is Item) || property.Name == nameof(Item.Stream))
            {
                continue;
            }

            var name = $"{path}.{property.Name}";
            var v = property.GetValue(value);
            var isDefault = v switch
            {
                null => true,
                string s => s.Length == 0,
                IEnumerable e => !e.Cast<object>().Any(),
                _ => property.PropertyType.IsValueType && Nullable.GetUnderlyingType(property.PropertyType) is null
                     && v.Equals(Activator.CreateInstance(property.PropertyType)),
            };
            if (isDefault)
            {
                yield return name;
            }
            else if (v!.GetType().Namespace?.StartsWith("TriageBot.Core", StringComparison.Ordinal) == true && v.GetType().IsClass)
            {
                foreach (var inner in Unset(v, name, stream))
                {
                    yield return inner;
                }
            }
        }
    }
}
