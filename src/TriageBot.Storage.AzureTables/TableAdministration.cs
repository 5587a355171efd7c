using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using TriageBot.Core.Ports;

namespace TriageBot.Storage.Tables;
/// <summary>
/// Whole-backlog operations on Azure Tables (<see cref="IBacklogAdministration"/>), registered as their own service: the
/// item counter, deleting a backlog, and restores (<see cref="TableRestore"/>).
/// </summary>
internal sealed class TableAdministration : IBacklogAdministration
{
    private readonly TableSet tables;

    public TableAdministration(TableSet tables, ITriageStore store, ILogger logger)
    {
        this.tables = tables;
        Restores = new TableRestore(tables, store, this, logger);
    }

    /// <summary>Restores: staged, committed by a marker, moved into place.</summary>
    public TableRestore Restores { get; }

    /// <summary>The tracker tables, cleared with a deleted backlog and pruned by a restore (set by the store that made both).</summary>
    internal TableTrackerStore? Trackers { get; set; }

    public Task RaiseItemCounterAsync(string backlogId, int number, CancellationToken ct) =>
        tables.Ops.RunAsync("counter.raise", async () =>
        {
            var rowKey = KeyCodec.Encode(backlogId);
            for (var attempt = 1; attempt <= 20; attempt++)
            {
                var current = await tables.Backlogs.GetEntityIfExistsAsync<TableEntity>("counter", rowKey, cancellationToken: ct).ConfigureAwait(false);
                try
                {
                    if (!current.HasValue)
                    {
                        await tables.Backlogs.AddEntityAsync(new TableEntity("counter", rowKey) { ["Last"] = number }, ct).ConfigureAwait(false);
                        return;
                    }

                    var entity = current.Value!;
                    if ((entity.GetInt32("Last") ?? 0) >= number)
                    {
                        return;
                    }

                    entity["Last"] = number;
                    await tables.Backlogs.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                    return;
                }
                catch (RequestFailedException e) when (e.Status is TableOps.Conflict or TableOps.PreconditionFailed)
                {
                    // Someone allocated meanwhile: read again and compare.
                }
            }

            throw new ConcurrencyException($"Could not raise the item counter of backlog '{backlogId}': too many concurrent writers.");
        });

    public Task DeleteBacklogAsync(string backlogId, CancellationToken ct) =>
        tables.Ops.RunAsync("backlog.delete", async () =>
        {
            await DeleteDataAsync(backlogId, ct).ConfigureAwait(false);
            if (Trackers is not null)
            {
                await Trackers.DeleteBacklogAsync(backlogId, ct).ConfigureAwait(false);
            }

            await DeleteIfExistsAsync(tables.Backlogs, "backlog", KeyCodec.Encode(backlogId), ct).ConfigureAwait(false);
        });

    public Task RestoreAsync(BacklogRestore restore, CancellationToken ct) => Restores.RestoreAsync(restore, ct);

    /// <summary>Every row stored under the backlog except its backlog row: members, bindings, items, history, votes, ledger, reservations, counter.</summary>
    internal async Task DeleteDataAsync(string backlogId, CancellationToken ct)
    {
        var partition = KeyCodec.Encode(backlogId);
        // Composite partitions (per item, per vote round) start with the backlog's key and the separator.
        var low = partition + KeyCodec.Separator;
        var high = partition + (char)(KeyCodec.Separator + 1);
        await DeleteWhereAsync(tables.Members, TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), ct).ConfigureAwait(false);
        await DeleteWhereAsync(tables.Items, TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), ct).ConfigureAwait(false);
        await DeleteWhereAsync(tables.History, TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), ct).ConfigureAwait(false);
        await DeleteWhereAsync(tables.ItemEvents, TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), ct).ConfigureAwait(false);
        await DeleteWhereAsync(tables.Ledger, TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), ct).ConfigureAwait(false);
        await DeleteWhereAsync(tables.ItemHistory, TableClient.CreateQueryFilter($"PartitionKey gt {low} and PartitionKey lt {high}"), ct).ConfigureAwait(false);
        await DeleteWhereAsync(tables.Votes, TableClient.CreateQueryFilter($"PartitionKey gt {low} and PartitionKey lt {high}"), ct).ConfigureAwait(false);
        await DeleteWhereAsync(tables.Bindings, TableClient.CreateQueryFilter($"BacklogId eq {backlogId}"), ct).ConfigureAwait(false);
        await DeleteWhereAsync(tables.Backlogs, TableClient.CreateQueryFilter($"PartitionKey eq {TableItemStore.RequestPartition(backlogId)}"), ct).ConfigureAwait(false);
        await DeleteIfExistsAsync(tables.Backlogs, "counter", partition, ct).ConfigureAwait(false);
    }

    internal static async Task DeleteIfExistsAsync(TableClient table, string partition, string row, CancellationToken ct)
    {
        try
        {
            await table.DeleteEntityAsync(partition, row, ETag.All, ct).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == TableOps.NotFound)
        {
        }
    }

    private static async Task DeleteWhereAsync(TableClient table, string filter, CancellationToken ct)
    {
        var rows = table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey"], cancellationToken: ct);
        var keys = new List<(string Partition, string Row)>();
        await foreach (var row in rows.ConfigureAwait(false))
        {
            keys.Add((row.PartitionKey, row.RowKey));
        }

        // Collected first, so deleting never disturbs the query's continuation.
        foreach (var (partition, row) in keys)
        {
            await DeleteIfExistsAsync(table, partition, row, ct).ConfigureAwait(false);
        }
    }
}
