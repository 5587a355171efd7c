using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Ports;
using TriageBot.Storage;
using TriageBot.Storage.Sqlite;
using TriageBot.Storage.Tables;
using TriageBot.Storage.Tests.Azurite;

namespace TriageBot.Tests.Hosting;

public sealed class StorageConfigurationTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly string contentRoot = Directory.CreateTempSubdirectory("triage-host-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(contentRoot, recursive: true);
    }

    /// <summary>The backlog the storage contract tests build (their <c>Build.Backlog</c>).</summary>
    private static Backlog NewBacklog() => new()
    {
        Id = "b-" + Guid.NewGuid().ToString("N")[..10],
        Name = "Payments",
        CreatedAt = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero),
        DashboardToken = Guid.NewGuid().ToString("N"),
        TimeZone = "Europe/Berlin",
    };

    private IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = contentRoot,
            DisableDefaults = true,
            EnvironmentName = Environments.Development,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddTriageStorage(builder.Configuration, builder.Environment);
        return builder.Build();
    }

    private async Task<string> StartupErrorAsync(Dictionary<string, string?> settings)
    {
        using var host = BuildHost(settings);
        var error = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
        return error.Message;
    }

    [Fact]
    public async Task NothingConfigured_UsesSqliteUnderContentRootData_AndCreatesTheFolder()
    {
        using var host = BuildHost([]);
        await host.StartAsync(TestContext.Current.CancellationToken);

        var store = host.Services.GetRequiredService<ITriageStore>().ShouldBeOfType<SqliteTriageStore>();
        store.FilePath.ShouldBe(Path.Combine(contentRoot, "data", "triagebot.db"));
        File.Exists(store.FilePath).ShouldBeTrue();
        (await store.Backlogs.TryCreateAsync(NewBacklog(), TestContext.Current.CancellationToken)).ShouldBeTrue();
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task SqlitePath_OverridesTheDefault_RelativeToTheContentRoot()
    {
        using var host = BuildHost(new() { ["Storage:SqlitePath"] = "elsewhere/bot.db" });
        await host.StartAsync(TestContext.Current.CancellationToken);

        var store = host.Services.GetRequiredService<ITriageStore>().ShouldBeOfType<SqliteTriageStore>();
        store.FilePath.ShouldBe(Path.Combine(contentRoot, "elsewhere", "bot.db"));
        File.Exists(store.FilePath).ShouldBeTrue();
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AzureTablesWithAConnectionString_CreatesThePrefixedTablesAtStart()
    {
        var prefix = AzuriteFixture.UniquePrefix("cfg");
        using var host = BuildHost(new()
        {
            ["Storage:Provider"] = "AzureTables",
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:TablePrefix"] = prefix,
        });
        await host.StartAsync(TestContext.Current.CancellationToken);

        var store = host.Services.GetRequiredService<ITriageStore>().ShouldBeOfType<TableTriageStore>();
        store.TableNames.ShouldAllBe(n => n.StartsWith(prefix, StringComparison.Ordinal));
        var service = new Azure.Data.Tables.TableServiceClient(azurite.ConnectionString);
        var existing = await service.QueryAsync(cancellationToken: TestContext.Current.CancellationToken).Select(t => t.Name).ToListAsync(TestContext.Current.CancellationToken);
        existing.ShouldContain(prefix + "Items");
        existing.ShouldContain(prefix + "Outbox");
        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);
        health.Status.ShouldBe(HealthStatus.Healthy);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData("Sqlite")]
    [InlineData("AzureTables")]
    public async Task MaintenanceAndAdministration_AreServicesOfTheirOwn_NotTheStore_AndWorkOnTheStoresData(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        using var host = BuildHost(provider == "Sqlite" ? [] : new()
        {
            ["Storage:Provider"] = "AzureTables",
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:TablePrefix"] = AzuriteFixture.UniquePrefix("cap"),
        });
        await host.StartAsync(ct);
        var store = host.Services.GetRequiredService<ITriageStore>();
        var maintenance = host.Services.GetRequiredService<IStoreMaintenance>();
        var administration = host.Services.GetRequiredService<IBacklogAdministration>();

        store.ShouldNotBeAssignableTo<IStoreMaintenance>();
        store.ShouldNotBeAssignableTo<IBacklogAdministration>();
        var installations = host.Services.GetRequiredService<IInstallationStore>();
        store.ShouldNotBeAssignableTo<IInstallationStore>();
        var trackers = host.Services.GetRequiredService<StorageBackend>().Trackers.ShouldNotBeNull();
        store.ShouldNotBeAssignableTo<ITrackerStore>();
        host.Services.GetRequiredService<StorageBackend>().ShouldBe(new StorageBackend(store, maintenance, administration) { Installations = installations, Trackers = trackers });

        // The administration moves the counter the store hands numbers from, and deletes what the store holds.
        var backlog = NewBacklog();
        (await store.Backlogs.TryCreateAsync(backlog, ct)).ShouldBeTrue();
        await administration.RaiseItemCounterAsync(backlog.Id, 41, ct);
        (await store.Items.AllocateNumberAsync(backlog.Id, ct)).ShouldBe(42);
        await administration.DeleteBacklogAsync(backlog.Id, ct);
        (await store.Backlogs.GetAsync(backlog.Id, ct)).ShouldBeNull();
        // The maintenance purges the inbox the store records into.
        var old = DateTimeOffset.UtcNow.AddDays(-10);
        (await store.Inbox.TryRecordAsync(Core.Items.Platform.Slack, "Ev-" + backlog.Id, old, ct)).ShouldBeTrue();
        (await maintenance.PurgeInboxAsync(old.AddDays(2), ct)).ShouldBeGreaterThanOrEqualTo(1);
        (await store.Inbox.GetAsync(Core.Items.Platform.Slack, "Ev-" + backlog.Id, DateTimeOffset.UtcNow, ct)).ShouldBeNull();
        await host.StopAsync(ct);
    }

    [Fact]
    public void AzureTablesWithAnEndpoint_UsesAManagedIdentityWithoutAConnectionString()
    {
        using var host = BuildHost(new()
        {
            ["Storage:Provider"] = "azuretables",
            ["Storage:TableServiceUri"] = "https://account.table.core.windows.net/",
            ["Storage:ManagedIdentityClientId"] = "8f2d8a4e-6c3b-4a43-9d51-2f8cbd9f7a10",
        });

        host.Services.GetRequiredService<ITriageStore>().ShouldBeOfType<TableTriageStore>()
            .TableNames.ShouldContain("triageBacklogs");
    }

    [Fact]
    public async Task Health_WhenTheStoreIsUnreachable_IsUnhealthy()
    {
        File.WriteAllText(Path.Combine(contentRoot, "not-a-db"), "this is not a SQLite database, just text that is long enough to be read as a header");
        using var host = BuildHost(new() { ["Storage:SqlitePath"] = "not-a-db" });

        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(TestContext.Current.CancellationToken);

        health.Entries["storage"].Status.ShouldBe(HealthStatus.Unhealthy);
    }

    public static TheoryData<string, string, string, string> BadSettings => new()
    {
        // key, value, second key/value as "key=value" or "", expected fragment
        { "Storage:Provider", "Cosmos", "", "Storage:Provider 'Cosmos' is not known. Use 'Sqlite'" },
        { "Storage:Provider", "AzureTables", "", "neither Storage:ConnectionString nor Storage:TableServiceUri is set" },
        { "Storage:TablePrefix", "my-prefix", "", "Storage:TablePrefix 'my-prefix' is not allowed: it must start with a letter" },
        { "Storage:TablePrefix", "1abc", "", "Storage:TablePrefix '1abc' is not allowed" },
        { "Storage:SqlitePath", " ", "", "Storage:SqlitePath is empty" },
        { "Storage:Provider", "AzureTables", "Storage:ConnectionString=not a connection string", "Storage:ConnectionString could not be read" },
        { "Storage:Provider", "AzureTables", "Storage:TableServiceUri=table.core.windows.net", "Storage:TableServiceUri 'table.core.windows.net' is not an absolute URL" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task WrongSetting_FailsAtStartWithAMessageNamingTheSettingAndTheFix(string key, string value, string other, string expected)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (other.Length > 0)
        {
            var parts = other.Split('=', 2);
            settings[parts[0]] = parts[1];
        }

        (await StartupErrorAsync(settings)).ShouldContain(expected);
    }

    [Fact]
    public async Task BothConnectionStringAndEndpoint_FailsAtStart_AskingToKeepOne()
    {
        var message = await StartupErrorAsync(new()
        {
            ["Storage:Provider"] = "AzureTables",
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Storage:TableServiceUri"] = "https://account.table.core.windows.net/",
        });

        message.ShouldContain("Storage:ConnectionString and Storage:TableServiceUri are both set. Keep only one");
    }

    [Fact]
    public async Task ManagedIdentityClientId_NotAGuid_FailsAtStart()
    {
        var message = await StartupErrorAsync(new()
        {
            ["Storage:Provider"] = "AzureTables",
            ["Storage:TableServiceUri"] = "https://account.table.core.windows.net/",
            ["Storage:ManagedIdentityClientId"] = "my-identity",
        });

        message.ShouldContain("Storage:ManagedIdentityClientId 'my-identity' is not a GUID");
    }

    [Fact]
    public async Task ManagedIdentityClientId_WithAConnectionString_FailsAtStart()
    {
        var message = await StartupErrorAsync(new()
        {
            ["Storage:Provider"] = "AzureTables",
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            ["Storage:ManagedIdentityClientId"] = "8f2d8a4e-6c3b-4a43-9d51-2f8cbd9f7a10",
        });

        message.ShouldContain("Storage:ManagedIdentityClientId only applies with Storage:TableServiceUri");
    }

    [Fact]
    public void DevelopmentStorageShortcut_IsAValidConnectionString()
    {
        StorageOptionsValidator.Check(new StorageOptions { Provider = "AzureTables", ConnectionString = "UseDevelopmentStorage=true" }).ShouldBeEmpty();
    }
}
