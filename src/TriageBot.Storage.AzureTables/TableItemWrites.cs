using Azure;
using Azure.Data.Tables;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;

namespace TriageBot.Storage.Tables;

/// <summary>
/// The write path on Azure Tables. A transaction covers one partition of one table, so the conditional item write is the
/// commit point: a write that loses its ETag race changes nothing. History, events and messages follow, each under a
/// deterministic key, so a write repeated after a failure between them completes them without doubles.
/// </summary>
internal sealed class TableItemWrites(TableSet t, IHistoryStore history, IOutbox outbox) : IItemWrites, IItemEventFeed
{
    private const int PageSize = 500;
    private const int BatchLimit = 100;

    public async Task<Versioned<Item>> WriteAsync(ItemWrite write, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(write);
        var saved = write.ETag is null
            ? await InsertAsync(write.Item, ct).ConfigureAwait(false)
            : await ReplaceAsync(write.Item, write.ETag, ct).ConfigureAwait(false);
        await history.AppendAsync(write.History, ct).ConfigureAwait(false);
        await AppendEventsAsync(t, write.Events, ct).ConfigureAwait(false);

        foreach (var message in write.Outbox)
        {
            try
            {
                await outbox.EnqueueAsync(message, ct).ConfigureAwait(false);
            }
            catch (DuplicateKeyException)
            {
                // Queued by an earlier attempt of the same request.
            }
        }

        return saved;
    }

    private Task<Versioned<Item>> InsertAsync(Item item, CancellationToken ct)
    {
        StoredItems.EnsureWritable(item);
        return t.Ops.RunAsync("items.insert", async () =>
        {
            try
            {
                var response = await t.Items.AddEntityAsync(TableItemStore.ToEntity(item), ct).ConfigureAwait(false);
                return new Versioned<Item>(item, response.Headers.ETag.GetValueOrDefault().ToString());
            }
            catch (RequestFailedException e) when (e.Status == TableOps.Conflict)
            {
                throw new DuplicateKeyException($"Item {item.Number} already exists in backlog '{item.BacklogId}'.");
            }
        });
    }

    private Task<Versioned<Item>> ReplaceAsync(Item item, string etag, CancellationToken ct)
    {
        StoredItems.EnsureWritable(item);
        return t.Ops.RunAsync("items.replace", async () =>
        {
            try
            {
                var response = await t.Items.UpdateEntityAsync(TableItemStore.ToEntity(item), new ETag(etag), TableUpdateMode.Replace, ct).ConfigureAwait(false);
                return new Versioned<Item>(item, response.Headers.ETag.GetValueOrDefault().ToString());
            }
            catch (RequestFailedException e) when (e.Status is TableOps.PreconditionFailed or TableOps.NotFound)
            {
                throw new ConcurrencyException($"Item {item.Number} of backlog '{item.BacklogId}' was changed by someone else (or does not exist); read it again.");
            }
        });
    }

    /// <summary>Stores events under their deterministic keys (a repeat replaces, never doubles), in batches per backlog.</summary>
    internal static async Task AppendEventsAsync(TableSet t, IReadOnlyCollection<ItemEvent> events, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return;
        }

        await t.Ops.RunAsync("events.append", async () =>
        {
            foreach (var partition in events.GroupBy(e => e.BacklogId, StringComparer.Ordinal))
            {
                foreach (var chunk in partition.Chunk(BatchLimit))
                {
                    await t.ItemEvents.SubmitTransactionAsync(
                        chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Entity(e))), ct).ConfigureAwait(false);
                }
            }
        }).ConfigureAwait(false);
    }

    public IAsyncEnumerable<ItemEvent> ReadAsync(string backlogId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
        t.Ops.StreamAsync("events.read",
            t.ItemEvents.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {KeyCodec.Encode(backlogId)} and RowKey ge {StoredEvents.Bound(from)} and RowKey lt {StoredEvents.Bound(to)}"),
                maxPerPage: PageSize, cancellationToken: ct)
            .Select(e => JsonProperties.Read<ItemEvent>(e)), ct);

    private static TableEntity Entity(ItemEvent e)
    {
        var entity = new TableEntity(KeyCodec.Encode(e.BacklogId), StoredEvents.Key(e));
        JsonProperties.Write(entity, StoredJson.Serialize(e));
        entity["ItemNumber"] = e.ItemNumber;
        entity["Kind"] = e.Kind.ToString();
        entity["At"] = e.At.ToUniversalTime();
        return entity;
    }
}
