using System.Text.RegularExpressions;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;

namespace TriageBot.Storage.Tests;

/// <summary>
/// Every change to an item goes through the one write path (<see cref="IItemWrites.WriteAsync"/>): the ports offer no
/// other way to write an item, and in the sources only the backends' write-path classes insert or update item rows.
/// </summary>
public sealed partial class OnlyTheWritePathWritesItemsTests
{
    /// <summary>Files that may insert or update item rows, and why.</summary>
    private static readonly Dictionary<string, string> Writers = new(StringComparer.Ordinal)
    {
        ["src/TriageBot.Storage.Sqlite/SqliteItemWrites.cs"] = "the write path on SQLite (a restore reuses its insert)",
        ["src/TriageBot.Storage.Sqlite/SqliteMigrations.cs"] = "fills the derived outline column of items written before it existed",
        ["src/TriageBot.Storage.AzureTables/TableItemWrites.cs"] = "the write path on Azure Tables",
    };

    [Fact]
    public void No_port_but_the_write_path_takes_an_item_to_store()
    {
        var ports = typeof(ITriageStore).Assembly.GetTypes()
            .Where(t => t.IsInterface && t.Namespace == typeof(ITriageStore).Namespace && t != typeof(IItemWrites));

        var writers = ports.SelectMany(p => p.GetMethods().Where(m => m.GetParameters().Any(a => a.ParameterType == typeof(Item)))
            .Select(m => $"{p.Name}.{m.Name}")).ToList();

        writers.ShouldBeEmpty();
        typeof(IItemStore).GetMethods().Select(m => m.Name).Order().ShouldBe(["AllocateNumberAsync", "GetAsync", "QueryAsync", "ReserveNumberAsync"]);
    }

    [Fact]
    public void Only_the_write_path_classes_insert_or_update_item_rows()
    {
        var root = Repository();
        var found = Directory.GetFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Where(f => ItemRowWrite().IsMatch(File.ReadAllText(Path.Combine(root, f))))
            .Order(StringComparer.Ordinal)
            .ToList();

        found.ShouldNotBeEmpty();
        found.Where(f => !Writers.ContainsKey(f)).ShouldBeEmpty();
        found.ShouldContain("src/TriageBot.Storage.Sqlite/SqliteItemWrites.cs");
        found.ShouldContain("src/TriageBot.Storage.AzureTables/TableItemWrites.cs");
    }

    // SQL (written in capitals throughout) that inserts or updates rows of the items table; the Azure Tables SDK's writes to the items table.
    [GeneratedRegex(@"\b(INSERT\s+(OR\s+\w+\s+)?INTO\s+items|REPLACE\s+INTO\s+items|UPDATE\s+items)\b|\.Items\.(AddEntityAsync|UpdateEntityAsync|UpsertEntityAsync|SubmitTransactionAsync)\b")]
    private static partial Regex ItemRowWrite();

    private static string Repository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TriageBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root was not found above " + AppContext.BaseDirectory);
    }
}
