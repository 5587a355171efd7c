using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Voting;

namespace TriageBot.Storage.Tables;

// Items as they are read (writes go through TableItemWrites), their history and their votes.

internal sealed class TableItemStore(TableSet t, ILogger logger) : IItemStore
{
    private const int PageSize = 500;
    private const string CounterPartition = "counter";
    private const int MaxCounterAttempts = 100;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> counterGates = new(StringComparer.Ordinal);

    /// <summary>
    /// An ETag-guarded counter row per backlog. Callers in this instance queue on a gate, so only one request per
    /// instance races the other instances; a lost race re-reads and retries after a jittered pause.
    /// </summary>
    public async Task<int> AllocateNumberAsync(string backlogId, CancellationToken ct)
    {
        var gate = counterGates.GetOrAdd(backlogId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return await t.Ops.RunAsync("items.allocate", () => AllocateAsync(backlogId, ct)).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// A row per request under the backlog's <c>request|</c> partition. The first call allocates a number and adds the row;
    /// of two racing calls the loser's insert conflicts and it answers the winner's number (its own is left unused).
    /// </summary>
    public Task<NumberReservation> ReserveNumberAsync(string backlogId, string requestKey, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestKey);
        var (partition, row) = (RequestPartition(backlogId), KeyCodec.Encode(requestKey));
        async Task<NumberReservation?> ReservedAsync()
        {
            var existing = await t.Backlogs.GetEntityIfExistsAsync<TableEntity>(partition, row, cancellationToken: ct).ConfigureAwait(false);
            return existing.HasValue ? new NumberReservation(existing.Value!.GetInt32("Number") ?? 0, Repeated: true) : null;
        }

        return t.Ops.RunAsync("items.reserve", async () =>
        {
            if (await ReservedAsync().ConfigureAwait(false) is { } earlier)
            {
                return earlier;
            }

            var number = await AllocateNumberAsync(backlogId, ct).ConfigureAwait(false);
            try
            {
                await t.Backlogs.AddEntityAsync(new TableEntity(partition, row) { ["Number"] = number }, ct).ConfigureAwait(false);
                return new NumberReservation(number, Repeated: false);
            }
            catch (RequestFailedException e) when (e.Status == TableOps.Conflict)
            {
                return await ReservedAsync().ConfigureAwait(false) ?? throw new ConcurrencyException($"Request '{requestKey}' was reserved and then removed.");
            }
        });
    }

    /// <summary>The partition of a backlog's reserved request keys in the backlogs table (deleted with the backlog).</summary>
    internal static string RequestPartition(string backlogId) => "request" + KeyCodec.Separator + KeyCodec.Encode(backlogId);

    private async Task<int> AllocateAsync(string backlogId, CancellationToken ct)
    {
        var rowKey = KeyCodec.Encode(backlogId);
        for (var attempt = 1; attempt <= MaxCounterAttempts; attempt++)
        {
            var current = await t.Backlogs.GetEntityIfExistsAsync<TableEntity>(CounterPartition, rowKey, cancellationToken: ct).ConfigureAwait(false);
            try
            {
                if (!current.HasValue)
                {
                    await t.Backlogs.AddEntityAsync(new TableEntity(CounterPartition, rowKey) { ["Last"] = 1 }, ct).ConfigureAwait(false);
                    return 1;
                }

                var entity = current.Value!;
                var next = (entity.GetInt32("Last") ?? 0) + 1;
                entity["Last"] = next;
                await t.Backlogs.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                return next;
            }
            catch (RequestFailedException e) when (e.Status is TableOps.Conflict or TableOps.PreconditionFailed)
            {
                Log.CounterContended(logger, attempt);
#pragma warning disable CA5394 // Jitter is not a security decision.
                await Task.Delay(Random.Shared.Next(1, 5 + Math.Min(attempt, 20) * 2), ct).ConfigureAwait(false);
#pragma warning restore CA5394
            }
        }

        throw new ConcurrencyException($"Could not allocate an item number for backlog '{backlogId}' after {MaxCounterAttempts} attempts: too many concurrent writers.");
    }

    public Task<Versioned<Item>?> GetAsync(string backlogId, int number, CancellationToken ct) =>
        t.Ops.RunAsync("items.get", async () =>
        {
            var r = await t.Items.GetEntityIfExistsAsync<TableEntity>(KeyCodec.Encode(backlogId), StoredJson.Number(number), cancellationToken: ct).ConfigureAwait(false);
            return r.HasValue ? new Versioned<Item>(JsonProperties.Read<Item>(r.Value!), r.Value!.ETag.ToString()) : null;
        });

    public IAsyncEnumerable<Item> QueryAsync(ItemQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var states = query.States?.Distinct().ToList();
        if (states is { Count: 0 })
        {
            return AsyncEnumerable.Empty<Item>();
        }

        // Each fragment is built by CreateQueryFilter, which quotes its values; only the fragments are joined.
        var filters = new List<string> { TableClient.CreateQueryFilter($"PartitionKey eq {KeyCodec.Encode(query.BacklogId)}") };
        if (states is not null)
        {
            filters.Add("(" + string.Join(" or ", states.Select(s => TableClient.CreateQueryFilter($"State eq {s.ToString()}"))) + ")");
        }

        if (query.Stream is { } stream)
        {
            filters.Add(TableClient.CreateQueryFilter($"Stream eq {stream.ToString()}"));
        }

        if (query.CreatedAfter is { } after)
        {
            filters.Add(TableClient.CreateQueryFilter($"CreatedAt gt {after}"));
        }

        // Rows of one partition come back in row key order: zero-padded numbers, so number order.
        var filter = string.Join(" and ", filters);
        if (!query.Outline)
        {
            return t.Ops.StreamAsync("items.query",
                t.Items.QueryAsync<TableEntity>(filter, maxPerPage: PageSize, cancellationToken: ct).Select(e => JsonProperties.Read<Item>(e)), ct);
        }

        // Only the outline travels. An entity written before outlines were stored (or in another format) is read whole.
        return t.Ops.StreamAsync("items.outlines",
            t.Items.QueryAsync<TableEntity>(filter, maxPerPage: PageSize, select: [nameof(TableEntity.PartitionKey), nameof(TableEntity.RowKey), OutlineProperty], cancellationToken: ct)
                .Select(async (e, token) => e.GetString(OutlineProperty) is { } outline && StoredOutline.IsCurrent(outline)
                    ? StoredOutline.Deserialize(outline, query.BacklogId)
                    : ItemOutline.Of(await WholeAsync(e, token).ConfigureAwait(false))), ct);
    }

    private const string OutlineProperty = "Outline";

    private async ValueTask<Item> WholeAsync(TableEntity outlineOnly, CancellationToken ct)
    {
        var whole = await t.Items.GetEntityIfExistsAsync<TableEntity>(outlineOnly.PartitionKey, outlineOnly.RowKey, cancellationToken: ct).ConfigureAwait(false);
        return whole.HasValue
            ? JsonProperties.Read<Item>(whole.Value!)
            : throw new InvalidDataException($"Item row {outlineOnly.RowKey} disappeared while it was read.");
    }

    internal static TableEntity ToEntity(Item item)
    {
        var entity = JsonProperties.Entity(KeyCodec.Encode(item.BacklogId), StoredJson.Number(item.Number), item);
        entity[OutlineProperty] = StoredOutline.Serialize(item);
        entity["State"] = item.State.ToString();
        entity["Stream"] = item.Stream.ToString();
        entity["CreatedAt"] = item.CreatedAt.ToUniversalTime();
        entity["Number"] = item.Number;
        return entity;
    }
}

internal sealed class TableHistoryStore(TableSet t) : IHistoryStore
{
    private const int PageSize = 500;
    private const int BatchLimit = 100;

    /// <summary>
    /// Writes each entry twice: in its backlog's partition (time ranges for reports) and in its item's partition
    /// (one item's history without scanning the backlog). Keys are deterministic, so a retried append is harmless.
    /// </summary>
    public Task AppendAsync(IReadOnlyList<HistoryEntry> entries, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            return Task.CompletedTask;
        }

        var rows = entries.Select(e =>
        {
            var json = StoredJson.Serialize(e);
            return (Entry: e, Json: json, Key: StoredJson.HistoryKey(e, json));
        }).ToList();

        return t.Ops.RunAsync("history.append", async () =>
        {
            await WriteAsync(t.History, rows.Select(r => Entity(KeyCodec.Encode(r.Entry.BacklogId), r)), ct).ConfigureAwait(false);
            await WriteAsync(t.ItemHistory, rows.Select(r => Entity(ItemPartition(r.Entry.BacklogId, r.Entry.ItemNumber), r)), ct).ConfigureAwait(false);
        });
    }

    public IAsyncEnumerable<HistoryEntry> ReadAsync(string backlogId, DateTimeOffset from, DateTimeOffset to, CancellationToken ct) =>
        t.Ops.StreamAsync("history.read",
            t.History.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {KeyCodec.Encode(backlogId)} and RowKey ge {StoredJson.HistoryBound(from)} and RowKey lt {StoredJson.HistoryBound(to)}"),
                maxPerPage: PageSize, cancellationToken: ct)
            .Select(e => JsonProperties.Read<HistoryEntry>(e)), ct);

    public IAsyncEnumerable<HistoryEntry> ForItemAsync(string backlogId, int itemNumber, CancellationToken ct) =>
        t.Ops.StreamAsync("history.item",
            t.ItemHistory.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {ItemPartition(backlogId, itemNumber)}"), maxPerPage: PageSize, cancellationToken: ct)
                .Select(e => JsonProperties.Read<HistoryEntry>(e)), ct);

    private static string ItemPartition(string backlogId, int itemNumber) => KeyCodec.Encode(backlogId) + KeyCodec.Separator + StoredJson.Number(itemNumber);

    private static TableEntity Entity(string partitionKey, (HistoryEntry Entry, string Json, string Key) row)
    {
        var entity = new TableEntity(partitionKey, row.Key);
        JsonProperties.Write(entity, row.Json);
        entity["ItemNumber"] = row.Entry.ItemNumber;
        entity["At"] = row.Entry.At.ToUniversalTime();
        return entity;
    }

    // A transaction covers one partition and at most 100 operations.
    private static async Task WriteAsync(TableClient table, IEnumerable<TableEntity> entities, CancellationToken ct)
    {
        foreach (var partition in entities.GroupBy(e => e.PartitionKey, StringComparer.Ordinal))
        {
            foreach (var chunk in partition.DistinctBy(e => e.RowKey, StringComparer.Ordinal).Chunk(BatchLimit))
            {
                await table.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, e)), ct).ConfigureAwait(false);
            }
        }
    }
}

internal sealed class TableVoteStore(TableSet t) : IVoteStore
{
    // One row per voter: concurrent votes by different people never touch the same row.
    public Task UpsertAsync(Vote vote, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(vote);
        return t.Ops.RunAsync("votes.upsert", () => t.Votes.UpsertEntityAsync(
            JsonProperties.Entity(Partition(vote.BacklogId, vote.ItemNumber, vote.Round), KeyCodec.Encode(vote.Voter.Key), vote), TableUpdateMode.Replace, ct));
    }

    public Task<IReadOnlyList<Vote>> ListAsync(string backlogId, int itemNumber, int round, CancellationToken ct) =>
        t.Ops.RunAsync<IReadOnlyList<Vote>>("votes.list", async () =>
            await t.Votes.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition(backlogId, itemNumber, round)}"), maxPerPage: 1000, cancellationToken: ct)
                .Select(e => JsonProperties.Read<Vote>(e)).ToListAsync(ct).ConfigureAwait(false));

    private static string Partition(string backlogId, int itemNumber, int round) =>
        string.Join(KeyCodec.Separator, KeyCodec.Encode(backlogId), StoredJson.Number(itemNumber), StoredJson.Number(round));
}
