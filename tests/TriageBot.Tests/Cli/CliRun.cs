using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Cli;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Storage.Sqlite;

namespace TriageBot.Tests.Cli;

/// <summary>Runs the real CLI entry point against a temp folder with its own SQLite store, capturing what it writes.</summary>
public sealed class CliRun : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public CliRun()
    {
        Folder = Directory.CreateTempSubdirectory("triagebot-cli-").FullName;
        DatabasePath = Path.Combine(Folder, "triagebot.db");
    }

    public string Folder { get; }
    public string DatabasePath { get; }
    public FakeTimeProvider Time { get; } = new(Now);
    public bool Terminal { get; set; }

    /// <summary>Wraps the storage backend the next runs use (e.g. in a <see cref="FaultyStore"/>); null runs it as configured.</summary>
    public Func<Storage.StorageBackend, Storage.StorageBackend>? WrapStore { get; set; }

    public IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    public string File(string name) => Path.Combine(Folder, name);

    public async Task<CliResult> RunAsync(params string[] args)
    {
        var settings = new Dictionary<string, string?>(Settings) { ["Storage:SqlitePath"] = Settings.TryGetValue("Storage:Provider", out _) ? null : DatabasePath };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await TriageBot.Cli.Cli.RunAsync(args, configuration, new CliContext
        {
            Out = output,
            Error = error,
            ErrorIsTerminal = Terminal,
            ContentRoot = Folder,
            Time = Time,
            WrapStore = WrapStore,
        }, TestContext.Current.CancellationToken);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>The store the CLI writes to, opened directly for seeding and checks.</summary>
    public async Task<SqliteTriageStore> StoreAsync()
    {
        var store = new SqliteTriageStore(DatabasePath);
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        return store;
    }

    public async Task<Backlog> CreateBacklogAsync(string id = "payments")
    {
        var store = await StoreAsync();
        var backlog = new Backlog { Id = id, Name = "Payments", KeyPrefix = "PAY", CreatedAt = Now.AddDays(-30), DashboardToken = "token-" + id };
        (await store.Backlogs.TryCreateAsync(backlog, TestContext.Current.CancellationToken)).ShouldBeTrue();
        return backlog;
    }

    public async Task<List<Item>> ItemsAsync(string backlogId = "payments")
    {
        var store = await StoreAsync();
        return await store.Items.QueryAsync(new Core.Ports.ItemQuery(backlogId), TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow machine; the temp folder is cleaned by the OS.
        }
    }
}

public sealed record CliResult(int ExitCode, string Out, string Error);
