using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TriageBot.Core.Ports;

namespace TriageBot.Storage.Tables;

/// <summary>
/// The Azure Table Storage store (DESIGN §4). Every table name starts with the configured prefix so several
/// environments can share one account. Values that become keys are encoded with <see cref="KeyCodec"/>.
/// Its capabilities beyond Core's ports are objects of their own (<see cref="Maintenance"/>, <see cref="Administration"/>),
/// registered by the host as their own services.
/// </summary>
public sealed class TableTriageStore : ITriageStore
{
    private readonly TableSet tables;
    private readonly ILogger logger;
    private readonly string prefix;

    public TableTriageStore(TableServiceClient service, string tablePrefix, ILogger<TableTriageStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentException.ThrowIfNullOrWhiteSpace(tablePrefix);
        this.logger = logger ?? NullLogger<TableTriageStore>.Instance;
        prefix = tablePrefix;
        tables = new TableSet(service, tablePrefix, new TableOps(this.logger));
        Backlogs = new TableBacklogStore(tables);
        Members = new TableMemberStore(tables);
        Bindings = new TableBindingStore(tables);
        Items = new TableItemStore(tables, this.logger);
        History = new TableHistoryStore(tables);
        Votes = new TableVoteStore(tables);
        Ledger = new TableCeremonyLedger(tables);
        Inbox = new TableInbox(tables);
        Outbox = new TableOutbox(tables);
        MessageRefs = new TableMessageRefStore(tables);
        var writes = new TableItemWrites(tables, History, Outbox);
        Writes = writes;
        Events = writes;
        administration = new TableAdministration(tables, this, this.logger);
        Maintenance = new TableMaintenance(tables);
        Installations = new TableInstallations(tables);
        Trackers = new TableTrackerStore(service, tablePrefix, tables.Ops);
        administration.Trackers = (TableTrackerStore)Trackers;
    }

    /// <summary>Installations of the Slack app in many workspaces (tables Installations and OAuthStates).</summary>
    public IInstallationStore Installations { get; }

    /// <summary>Tracker connections, links and webhook deliveries, in tables of their own.</summary>
    public ITrackerStore Trackers { get; }

    private readonly TableAdministration administration;

    /// <summary>Purges of sent messages and old inbox records.</summary>
    public IStoreMaintenance Maintenance { get; }

    /// <summary>Whole-backlog operations for the command line (restore, counter, delete).</summary>
    public IBacklogAdministration Administration => administration;

    /// <summary>This store with its capabilities, as the host registers them.</summary>
    public StorageBackend Backend => new(this, Maintenance, Administration) { Installations = Installations, Trackers = Trackers };

    /// <summary>
    /// Tests only: called at each step of a restore (<c>stage</c> per staged record, <c>commit</c>, <c>move</c> per moved
    /// record, <c>moved</c>), so a test can fail the store part-way.
    /// </summary>
    internal Func<string, CancellationToken, Task>? RestoreStep
    {
        get => administration.Restores.RestoreStep;
        set => administration.Restores.RestoreStep = value;
    }

    public IBacklogStore Backlogs { get; }
    public IMemberStore Members { get; }
    public IBindingStore Bindings { get; }
    public IItemStore Items { get; }
    public IHistoryStore History { get; }
    public IVoteStore Votes { get; }
    public ICeremonyLedger Ledger { get; }
    public IInbox Inbox { get; }
    public IOutbox Outbox { get; }
    public IMessageRefStore MessageRefs { get; }

    public IItemWrites Writes { get; }
    public IItemEventFeed Events { get; }

    /// <summary>The names of every table this store uses.</summary>
    public IReadOnlyList<string> TableNames => tables.All.Select(t => t.Name).ToList();

    public async Task InitializeAsync(CancellationToken ct)
    {
        await tables.Ops.RunAsync("initialize", async () =>
        {
            foreach (var table in tables.All)
            {
                await table.CreateIfNotExistsAsync(ct).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        // A restore that a crash stopped after its commit marker is finished before anything reads the backlog.
        await administration.Restores.FinishPendingRestoresAsync(ct).ConfigureAwait(false);
        Log.TablesReady(logger, prefix, tables.AccountName);
    }

    public Task PingAsync(CancellationToken ct) =>
        tables.Ops.RunAsync("ping", () => tables.Backlogs.GetEntityIfExistsAsync<TableEntity>("ping", "ping", cancellationToken: ct));
}

/// <summary>The store's tables and its error mapping.</summary>
internal sealed class TableSet(TableServiceClient service, string prefix, TableOps ops)
{
    public TableOps Ops { get; } = ops;
    public string AccountName { get; } = service.AccountName;
    public TableClient Backlogs { get; } = service.GetTableClient(prefix + "Backlogs");
    public TableClient Members { get; } = service.GetTableClient(prefix + "Members");
    public TableClient Bindings { get; } = service.GetTableClient(prefix + "Bindings");
    public TableClient Items { get; } = service.GetTableClient(prefix + "Items");
    public TableClient History { get; } = service.GetTableClient(prefix + "History");
    public TableClient ItemHistory { get; } = service.GetTableClient(prefix + "ItemHistory");
    public TableClient Votes { get; } = service.GetTableClient(prefix + "Votes");
    public TableClient Ledger { get; } = service.GetTableClient(prefix + "Ledger");
    public TableClient Inbox { get; } = service.GetTableClient(prefix + "Inbox");
    public TableClient Outbox { get; } = service.GetTableClient(prefix + "Outbox");
    public TableClient MessageRefs { get; } = service.GetTableClient(prefix + "MessageRefs");

    public TableClient ItemEvents { get; } = service.GetTableClient(prefix + "ItemEvents");

    public TableClient Installations { get; } = service.GetTableClient(prefix + "Installations");
    public TableClient OAuthStates { get; } = service.GetTableClient(prefix + "OAuthStates");

    public IEnumerable<TableClient> All => [Backlogs, Members, Bindings, Items, History, ItemHistory, Votes, Ledger, Inbox, Outbox, MessageRefs, ItemEvents, Installations, OAuthStates];
}
