using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Core.Ports;
using TriageBot.Storage.Sqlite;
using TriageBot.Storage.Tables;

namespace TriageBot.Storage;

/// <summary>
/// Registers the configured backend (<see cref="StorageBackend"/>): its <see cref="ITriageStore"/>, its
/// <see cref="IStoreMaintenance"/> and <see cref="IBacklogAdministration"/> as services of their own, the store's start-up
/// initialization and its health check.
/// </summary>
public static class StorageServiceCollectionExtensions
{
    public static IServiceCollection AddTriageStorage(this IServiceCollection services, IConfiguration configuration, IHostEnvironment env)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(env);

        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();

        services.AddSingleton(sp =>
            Open(sp.GetRequiredService<IOptions<StorageOptions>>().Value, env.ContentRootPath, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => sp.GetRequiredService<StorageBackend>().Store);
        services.AddSingleton(sp => sp.GetRequiredService<StorageBackend>().Maintenance);
        services.AddSingleton(sp => sp.GetRequiredService<StorageBackend>().Administration);
        services.AddSingleton(sp => sp.GetRequiredService<StorageBackend>().Installations);
        services.AddHostedService<StorageInitializer>();
        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);
        return services;
    }

    /// <summary>The store of the backend <see cref="Open"/> builds.</summary>
    public static ITriageStore Create(StorageOptions options, string contentRoot, ILoggerFactory loggerFactory, TableClientOptions? tableClientOptions = null) =>
        Open(options, contentRoot, loggerFactory, tableClientOptions).Store;

    /// <summary>Builds the backend the options describe; relative SQLite paths resolve against <paramref name="contentRoot"/>.</summary>
    public static StorageBackend Open(StorageOptions options, string contentRoot, ILoggerFactory loggerFactory, TableClientOptions? tableClientOptions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var problems = StorageOptionsValidator.Check(options).ToList();
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(StorageOptions.Section, typeof(StorageOptions), problems);
        }

        if (options.ParsedProvider == StorageProvider.Sqlite)
        {
            var path = Path.GetFullPath(options.SqlitePath ?? StorageOptions.DefaultSqlitePath, contentRoot);
            return new SqliteTriageStore(path, loggerFactory.CreateLogger<SqliteTriageStore>()).Backend;
        }

        var client = TableServiceClients.Create(options.ConnectionString, options.TableServiceUri, options.ManagedIdentityClientId, tableClientOptions);
        return new TableTriageStore(client, options.TablePrefix, loggerFactory.CreateLogger<TableTriageStore>()).Backend;
    }
}

/// <summary>Creates the schema or tables when the host starts, so the first request does not pay for it.</summary>
internal sealed class StorageInitializer(ITriageStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>/health: the store answers a cheap round trip.</summary>
internal sealed class StorageHealthCheck(ITriageStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.PingAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (StoreUnavailableException e)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The store did not answer.", e);
        }
    }
}
