using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Data.Sqlite;
using TriageBot.Core.Ports;
using TriageBot.Storage.Sqlite;
using TriageBot.Storage.Tables;
using TriageBot.Storage.Tests.Azurite;

[assembly: AssemblyFixture(typeof(AzuriteFixture))]

namespace TriageBot.Storage.Tests;

/// <summary>The contract on SQLite: a temp file per test; other instances open the same file.</summary>
public sealed class SqliteContractTests : TriageStoreContract
{
    private readonly string folder = Directory.CreateTempSubdirectory("triage-sqlite-").FullName;

    protected override string NewScope() => Path.Combine(folder, "triagebot.db");

    protected override async Task<ITriageStore> OpenAsync(string scope)
    {
        var store = new SqliteTriageStore(scope);
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        return store;
    }

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the file open; release them before deleting.
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>The contract on Azure Table Storage, through Azurite: a fresh table prefix per test.</summary>
public sealed class TableContractTests(AzuriteFixture azurite) : TriageStoreContract
{
    protected override string NewScope() => AzuriteFixture.UniquePrefix();

    protected override async Task<ITriageStore> OpenAsync(string scope)
    {
        var store = new TableTriageStore(new TableServiceClient(azurite.ConnectionString, TestClientOptions()), scope);
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        return store;
    }

    /// <summary>Fails fast instead of waiting on the SDK's default retries.</summary>
    public static TableClientOptions TestClientOptions() => new()
    {
        Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(30), Mode = RetryMode.Fixed },
    };
}
