using Azure;
using Azure.Data.Tables;

namespace TriageBot.Storage.Tables;

public sealed partial class TableTriageStore : IBacklogAdministration
{
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

            throw new Core.Ports.ConcurrencyException($"Could not raise the item counter of backlog '{backlogId}': too many concurrent writers.");
        });

    public Task DeleteBacklogAsync(string backlogId, CancellationToken ct) =>
        tables.Ops.RunAsync("backlog.delete", async () =>
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
            await tables.Backlogs.DeleteEntityAsync("counter", partition, ETag.All, ct).ConfigureAwait(false);
            await tables.Backlogs.DeleteEntityAsync("backlog", partition, ETag.All, ct).ConfigureAwait(false);
        });

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
            await table.DeleteEntityAsync(partition, row, ETag.All, ct).ConfigureAwait(false);
        }
    }
}
