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

    protected override async Task<StorageBackend> OpenBackendAsync(string scope)
    {
        var store = new SqliteTriageStore(scope);
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        return store.Backend;
    }

    protected override async Task ReplaceOutlinesAsync(string scope, string backlogId, string? outline)
    {
        await using var connection = new SqliteConnection($"Data Source={scope}");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE items SET outline = $o WHERE backlog_id = $b";
        command.Parameters.AddWithValue("$b", backlogId);
        command.Parameters.AddWithValue("$o", (object?)outline ?? DBNull.Value);
        (await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken)).ShouldBeGreaterThan(0);
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

    protected override async Task<StorageBackend> OpenBackendAsync(string scope)
    {
        var store = new TableTriageStore(new TableServiceClient(azurite.ConnectionString, TestClientOptions()), scope);
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        return store.Backend;
    }

    protected override async Task ReplaceOutlinesAsync(string scope, string backlogId, string? outline)
    {
        var items = new TableServiceClient(azurite.ConnectionString, TestClientOptions()).GetTableClient(scope + "Items");
        var replaced = 0;
        await foreach (var entity in items.QueryAsync<TableEntity>(cancellationToken: TestContext.Current.CancellationToken))
        {
            if (entity.Remove("Outline"))
            {
                if (outline is not null)
                {
                    entity["Outline"] = outline;
                }

                await items.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, TestContext.Current.CancellationToken);
                replaced++;
            }
        }

        replaced.ShouldBeGreaterThan(0);
    }

    /// <summary>Fails fast instead of waiting on the SDK's default retries.</summary>
    public static TableClientOptions TestClientOptions() => new()
    {
        Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(30), Mode = RetryMode.Fixed },
    };
}
