using System.Net;
using System.Net.Sockets;
using Azure.Data.Tables;
using TriageBot.Core.Ports;
using TriageBot.Storage.Sqlite;
using TriageBot.Storage.Tables;

namespace TriageBot.Storage.Tests;

public sealed class StoreUnavailableTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("triage-broken-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task Sqlite_FileThatIsNotADatabase_SurfacesAsStoreUnavailableWithTheCause()
    {
        var path = Path.Combine(folder, "broken.db");
        await File.WriteAllTextAsync(path, new string('x', 4096), TestContext.Current.CancellationToken);
        var store = new SqliteTriageStore(path);

        var error = await Should.ThrowAsync<StoreUnavailableException>(() => store.PingAsync(TestContext.Current.CancellationToken));

        error.InnerException.ShouldBeOfType<Microsoft.Data.Sqlite.SqliteException>();
        error.Message.ShouldContain("ping");
    }

    [Fact]
    public async Task Sqlite_FolderThatCannotBeCreated_SurfacesAsStoreUnavailable()
    {
        var file = Path.Combine(folder, "a-file");
        await File.WriteAllTextAsync(file, "x", TestContext.Current.CancellationToken);
        var store = new SqliteTriageStore(Path.Combine(file, "sub", "triagebot.db"));

        var error = await Should.ThrowAsync<StoreUnavailableException>(() => store.InitializeAsync(TestContext.Current.CancellationToken));

        error.InnerException.ShouldBeAssignableTo<IOException>();
    }

    [Fact]
    public async Task Tables_NothingListening_SurfacesAsStoreUnavailableWithTheCause()
    {
        var port = ClosedPort();
        var connection = $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Azurite.AzuriteFixture.AccountKey};TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";
        var store = new TableTriageStore(new TableServiceClient(connection, TableContractTests.TestClientOptions()), "triage");

        var ping = await Should.ThrowAsync<StoreUnavailableException>(() => store.PingAsync(TestContext.Current.CancellationToken));
        var query = await Should.ThrowAsync<StoreUnavailableException>(async () =>
            await store.Items.QueryAsync(new ItemQuery("b"), TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken));

        ping.InnerException.ShouldNotBeNull();
        query.Message.ShouldContain("items.query");
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
