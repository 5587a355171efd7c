using System.Text.RegularExpressions;
using TriageBot.Storage.Sqlite;
using TriageBot.Storage.Tables;

namespace TriageBot.Storage.Tests;

/// <summary>
/// A backend's capabilities beyond Core's ports (maintenance, administration) are objects of their own, handed out by
/// <see cref="StorageBackend"/> and registered as services; no source finds them by testing or casting the store's type.
/// </summary>
public sealed partial class StorageCapabilityTests
{
    [Theory]
    [InlineData(typeof(SqliteTriageStore))]
    [InlineData(typeof(TableTriageStore))]
    public void Neither_store_is_its_own_maintenance_or_administration(Type store)
    {
        store.IsAssignableTo(typeof(IStoreMaintenance)).ShouldBeFalse();
        store.IsAssignableTo(typeof(IBacklogAdministration)).ShouldBeFalse();
        store.GetProperty(nameof(StorageBackend.Maintenance))!.PropertyType.ShouldBe(typeof(IStoreMaintenance));
        store.GetProperty(nameof(StorageBackend.Administration))!.PropertyType.ShouldBe(typeof(IBacklogAdministration));
    }

    [Fact]
    public async Task A_backends_capabilities_are_not_the_store_and_work_on_its_data()
    {
        var folder = Directory.CreateTempSubdirectory("triage-cap-").FullName;
        try
        {
            var backend = new SqliteTriageStore(Path.Combine(folder, "t.db")).Backend;
            await backend.Store.InitializeAsync(TestContext.Current.CancellationToken);

            backend.Maintenance.ShouldNotBeSameAs(backend.Store);
            backend.Administration.ShouldNotBeSameAs(backend.Store);
            await backend.Administration.RaiseItemCounterAsync("b", 9, TestContext.Current.CancellationToken);
            (await backend.Store.Items.AllocateNumberAsync("b", TestContext.Current.CancellationToken)).ShouldBe(10);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void No_source_finds_a_storage_capability_by_testing_or_casting_the_stores_type()
    {
        var root = Repository();
        var found = Directory.GetFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(root, "bench"), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Where(l => TypeTest().IsMatch(l)).Select(l => $"{Path.GetRelativePath(root, f)}: {l.Trim()}"))
            .ToList();

        found.ShouldBeEmpty();
    }

    [GeneratedRegex(@"\b(is|as)\s+(not\s+)?(IStoreMaintenance|IBacklogAdministration)\b|\((IStoreMaintenance|IBacklogAdministration)\)\s*\w")]
    private static partial Regex TypeTest();

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
