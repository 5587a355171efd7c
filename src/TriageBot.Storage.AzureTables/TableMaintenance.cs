using Azure.Data.Tables;
using TriageBot.Core.Ports;

namespace TriageBot.Storage.Tables;

/// <summary>Housekeeping on Azure Tables (<see cref="IStoreMaintenance"/>): purges of sent messages and of old inbox days.</summary>
internal sealed class TableMaintenance(TableSet tables) : IStoreMaintenance
{
    public Task<int> PurgeSentOutboxAsync(DateTimeOffset createdBefore, CancellationToken ct) =>
        tables.Ops.RunAsync("outbox.purge", async () =>
        {
            var purged = 0;
            var sent = tables.Outbox.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"Status eq {nameof(OutboxStatus.Sent)} and CreatedAt lt {createdBefore}"),
                maxPerPage: 500, select: ["PartitionKey", "RowKey"], cancellationToken: ct);
            await foreach (var row in sent.ConfigureAwait(false))
            {
                await tables.Outbox.DeleteEntityAsync(row.PartitionKey, row.RowKey, Azure.ETag.All, ct).ConfigureAwait(false);
                purged++;
            }

            return purged;
        });

    /// <summary>The inbox partitions by platform and UTC day: every day partition before the cutoff's day goes, whole.</summary>
    public Task<int> PurgeInboxAsync(DateTimeOffset recordedBefore, CancellationToken ct) =>
        tables.Ops.RunAsync("inbox.purge", async () =>
        {
            var purged = 0;
            foreach (var platform in Enum.GetValues<TriageBot.Core.Items.Platform>())
            {
                var first = platform.ToString() + KeyCodec.Separator;
                var cutoff = first + recordedBefore.UtcDateTime.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
                var old = tables.Inbox.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey ge {first} and PartitionKey lt {cutoff}"),
                    maxPerPage: 500, select: ["PartitionKey", "RowKey"], cancellationToken: ct);
                await foreach (var row in old.ConfigureAwait(false))
                {
                    await tables.Inbox.DeleteEntityAsync(row.PartitionKey, row.RowKey, Azure.ETag.All, ct).ConfigureAwait(false);
                    purged++;
                }
            }

            return purged;
        });
}
