using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Core.Ports;
using TriageBot.Storage;
using TriageBot.Storage.Tests.Azurite;

namespace TriageBot.Tests.Resilience;

/// <summary>The one Azurite every resilience test shares (each test uses its own table prefix).</summary>
[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}

/// <summary>What the fault policy does to the storage calls it picks.</summary>
public enum StorageFault { None, ServiceUnavailable, Timeout }

/// <summary>
/// An Azure SDK pipeline policy that fails a chosen share of Table Storage calls, picked by a seeded random: with a 503
/// answer (as Azure does when a partition is busy) or by hanging until the SDK's network timeout fires.
/// </summary>
public sealed class StorageFaultPolicy(int seed) : HttpPipelinePolicy
{
    private readonly Random _random = new(seed);
    private int _injected;

    public StorageFault Fault { get; set; }

    /// <summary>The share of calls that fail, 0 to 1.</summary>
    public double Share { get; set; } = 1;

    public int Injected => Volatile.Read(ref _injected);

    /// <summary>Calls whose path contains this (a table name) are never failed.</summary>
    public string? Spares { get; set; }

    /// <summary>When set, only calls whose path contains this (a table name) can fail.</summary>
    public string? Only { get; set; }

    /// <summary>Client options that route every call through <paramref name="policy"/>, without retries so faults surface.</summary>
    public static TableClientOptions Options(StorageFaultPolicy policy)
    {
        var options = new TableClientOptions();
        options.Retry.MaxRetries = 0;
        options.Retry.NetworkTimeout = TimeSpan.FromMilliseconds(400);
        options.AddPolicy(policy, HttpPipelinePosition.BeforeTransport);
        return options;
    }

    private bool Pick()
    {
        if (Fault == StorageFault.None)
        {
            return false;
        }

        lock (_random)
        {
            return _random.NextDouble() < Share;
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        var path = message.Request.Uri.Path;
        if ((Spares is null || !path.Contains(Spares, StringComparison.Ordinal)) && (Only is null || path.Contains(Only, StringComparison.Ordinal)) && Pick())
        {
            Interlocked.Increment(ref _injected);
            if (Fault == StorageFault.Timeout)
            {
                // Never answer: the SDK's network timeout cancels this, exactly as for a storage account that hangs.
                await Task.Delay(TimeSpan.FromMinutes(1), message.CancellationToken);
            }

            // Sent to a loopback server that answers 503 as Table Storage does, so the SDK sees a real HTTP answer.
            var busy = await BusyServer.Instance.Value;
            message.Request.Uri.Host = "127.0.0.1";
            message.Request.Uri.Port = busy;
        }

        await ProcessNextAsync(message, pipeline);
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessNext(message, pipeline); // The store only makes async calls.

    /// <summary>A loopback server that answers every request with Table Storage's 503 "server busy".</summary>
    private static class BusyServer
    {
        public static readonly Lazy<Task<int>> Instance = new(StartAsync);

        private static async Task<int> StartAsync()
        {
            var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            app.Run((RequestDelegate)(async http =>
            {
                http.Response.StatusCode = 503;
                http.Response.ContentType = "application/json;odata=minimalmetadata";
                http.Response.Headers["x-ms-error-code"] = "ServerBusy";
                await http.Response.WriteAsync("""{"odata.error":{"code":"ServerBusy","message":{"lang":"en-US","value":"The server is busy (injected by the test)."}}}""");
            }));
            await app.StartAsync();
            return new Uri(app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
                .GetRequiredFeature<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>().Addresses.First()).Port;
        }
    }
}

/// <summary>Points a test host at Azurite with its own table prefix, its store built with the fault policy in the pipeline.</summary>
public static class AzureStorage
{
    public static void Use(IWebHostBuilder b, AzuriteFixture azurite, string prefix, StorageFaultPolicy? faults = null)
    {
        b.UseSetting("Storage:Provider", "AzureTables");
        b.UseSetting("Storage:ConnectionString", azurite.ConnectionString);
        b.UseSetting("Storage:TablePrefix", prefix);
        if (faults is not null)
        {
            b.ConfigureTestServices(services => services.AddSingleton(sp => StorageServiceCollectionExtensions.Open(
                sp.GetRequiredService<IOptions<StorageOptions>>().Value, AppContext.BaseDirectory, sp.GetRequiredService<ILoggerFactory>(),
                StorageFaultPolicy.Options(faults))));
        }
    }

    /// <summary>Rows per table of one prefix, read straight from Azurite (inbox and message refs included).</summary>
    public static async Task<string> CensusAsync(AzuriteFixture azurite, string prefix)
    {
        var service = new TableServiceClient(azurite.ConnectionString);
        var census = new SortedDictionary<string, int>(StringComparer.Ordinal);
        await foreach (var table in service.QueryAsync())
        {
            if (!table.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var count = 0;
            await foreach (var _ in service.GetTableClient(table.Name).QueryAsync<TableEntity>(select: ["PartitionKey"]))
            {
                count++;
            }

            census[table.Name[prefix.Length..]] = count;
        }

        return string.Join(" ", census.Select(kv => $"{kv.Key}={kv.Value}"));
    }
}
