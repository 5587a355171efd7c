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

internal sealed class TableBacklogStore(TableSet t) : IBacklogStore
{
    private const string Partition = "backlog";

    public Task<Versioned<Backlog>?> GetAsync(string backlogId, CancellationToken ct) =>
        t.Ops.RunAsync("backlogs.get", async () =>
        {
            var response = await t.Backlogs.GetEntityIfExistsAsync<TableEntity>(Partition, KeyCodec.Encode(backlogId), cancellationToken: ct).ConfigureAwait(false);
            return response.HasValue ? new Versioned<Backlog>(JsonProperties.Read<Backlog>(response.Value!), response.Value!.ETag.ToString()) : null;
        });

    public Task<bool> TryCreateAsync(Backlog backlog, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backlog);
        return t.Ops.RunAsync("backlogs.create", async () =>
        {
            try
            {
                await t.Backlogs.AddEntityAsync(ToEntity(backlog), ct).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == TableOps.Conflict)
            {
                return false;
            }
        });
    }

    public Task<Versioned<Backlog>> ReplaceAsync(Backlog backlog, string etag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backlog);
        return t.Ops.RunAsync("backlogs.replace", async () =>
        {
            try
            {
                var response = await t.Backlogs.UpdateEntityAsync(ToEntity(backlog), new ETag(etag), TableUpdateMode.Replace, ct).ConfigureAwait(false);
                return new Versioned<Backlog>(backlog, response.Headers.ETag.GetValueOrDefault().ToString());
            }
            catch (RequestFailedException e) when (e.Status is TableOps.PreconditionFailed or TableOps.NotFound)
            {
                throw new ConcurrencyException($"Backlog '{backlog.Id}' was changed by someone else (or does not exist); read it again.");
            }
        });
    }

    public IAsyncEnumerable<Backlog> ListAsync(CancellationToken ct) =>
        t.Ops.StreamAsync("backlogs.list",
            t.Backlogs.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), maxPerPage: 200, cancellationToken: ct)
                .Select(e => JsonProperties.Read<Backlog>(e)), ct);

    public Task<Backlog?> FindByDashboardTokenAsync(string token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token))
        {
            return Task.FromResult<Backlog?>(null);
        }

        // Backlogs are few: a filtered scan of their one partition is cheap.
        return t.Ops.RunAsync("backlogs.byToken", async () =>
        {
            await foreach (var e in t.Backlogs.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and DashboardToken eq {token}"), maxPerPage: 10, cancellationToken: ct).ConfigureAwait(false))
            {
                return JsonProperties.Read<Backlog>(e);
            }

            return (Backlog?)null;
        });
    }

    private static TableEntity ToEntity(Backlog backlog)
    {
        var entity = JsonProperties.Entity(Partition, KeyCodec.Encode(backlog.Id), backlog);
        entity["DashboardToken"] = backlog.DashboardToken;
        return entity;
    }
}

internal sealed class TableMemberStore(TableSet t) : IMemberStore
{
    public Task<Member?> GetAsync(string backlogId, string userKey, CancellationToken ct) =>
        t.Ops.RunAsync("members.get", async () =>
        {
            var r = await t.Members.GetEntityIfExistsAsync<TableEntity>(KeyCodec.Encode(backlogId), KeyCodec.Encode(userKey), cancellationToken: ct).ConfigureAwait(false);
            return r.HasValue ? JsonProperties.Read<Member>(r.Value!) : null;
        });

    /// <summary>
    /// The roster row shares the members' partition, so a member and the roster's new version are written in one entity
    /// group transaction. '!' never occurs in an encoded user key.
    /// </summary>
    internal const string RosterRow = "!roster";

    /// <summary>The ETag a roster has before its first write.</summary>
    private const string NoRoster = "none";

    public Task UpsertAsync(Member member, CancellationToken ct) => WriteAsync(member, null, ct);

    public Task UpsertAsync(Member member, string rosterETag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rosterETag);
        return WriteAsync(member, rosterETag, ct);
    }

    private Task WriteAsync(Member member, string? rosterETag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(member);
        var partition = KeyCodec.Encode(member.BacklogId);
        var roster = new TableEntity(partition, RosterRow) { ["Version"] = Guid.NewGuid().ToString("N") };
        TableTransactionAction rosterAction = rosterETag switch
        {
            null => new(TableTransactionActionType.UpsertReplace, roster),
            NoRoster or "" => new(TableTransactionActionType.Add, roster),
            _ => new(TableTransactionActionType.UpdateReplace, roster, new ETag(rosterETag)),
        };
        return t.Ops.RunAsync(rosterETag is null ? "members.upsert" : "members.upsertIf", async () =>
        {
            try
            {
                await t.Members.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.UpsertReplace, JsonProperties.Entity(partition, KeyCodec.Encode(member.User.Key), member)),
                    rosterAction,
                ], ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (rosterETag is not null && e.Status is TableOps.Conflict or TableOps.PreconditionFailed or TableOps.NotFound)
            {
                throw new ConcurrencyException($"The members of backlog '{member.BacklogId}' changed meanwhile; read them again.");
            }
        });
    }

    public async Task<IReadOnlyList<Member>> ListAsync(string backlogId, CancellationToken ct) =>
        (await ListVersionedAsync(backlogId, ct).ConfigureAwait(false)).Value;

    public Task<Versioned<IReadOnlyList<Member>>> ListVersionedAsync(string backlogId, CancellationToken ct) =>
        t.Ops.RunAsync("members.list", async () =>
        {
            var etag = NoRoster;
            var members = new List<Member>();
            await foreach (var entity in t.Members.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {KeyCodec.Encode(backlogId)}"), maxPerPage: 1000, cancellationToken: ct).ConfigureAwait(false))
            {
                if (entity.RowKey == RosterRow)
                {
                    etag = entity.ETag.ToString();
                }
                else
                {
                    members.Add(JsonProperties.Read<Member>(entity));
                }
            }

            return new Versioned<IReadOnlyList<Member>>(members, etag);
        });
}

internal sealed class TableBindingStore(TableSet t) : IBindingStore
{
    public Task<Binding?> GetAsync(Platform platform, string workspace, string channelId, CancellationToken ct) =>
        t.Ops.RunAsync("bindings.get", async () =>
        {
            var r = await t.Bindings.GetEntityIfExistsAsync<TableEntity>(Partition(platform, workspace), KeyCodec.Encode(channelId), cancellationToken: ct).ConfigureAwait(false);
            return r.HasValue ? JsonProperties.Read<Binding>(r.Value!) : null;
        });

    public Task UpsertAsync(Binding binding, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var entity = JsonProperties.Entity(Partition(binding.Address.Platform, binding.Address.Workspace), KeyCodec.Encode(binding.Address.ChannelId), binding);
        entity["BacklogId"] = binding.BacklogId;
        return t.Ops.RunAsync("bindings.upsert", () => t.Bindings.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct));
    }

    public Task<Versioned<Binding>?> GetVersionedAsync(Platform platform, string workspace, string channelId, CancellationToken ct) =>
        t.Ops.RunAsync("bindings.getVersioned", async () =>
        {
            var r = await t.Bindings.GetEntityIfExistsAsync<TableEntity>(Partition(platform, workspace), KeyCodec.Encode(channelId), cancellationToken: ct).ConfigureAwait(false);
            return r.HasValue ? new Versioned<Binding>(JsonProperties.Read<Binding>(r.Value!), r.Value!.ETag.ToString()) : null;
        });

    public Task<Versioned<Binding>> ReplaceAsync(Binding binding, string etag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(etag);
        var entity = JsonProperties.Entity(Partition(binding.Address.Platform, binding.Address.Workspace), KeyCodec.Encode(binding.Address.ChannelId), binding);
        entity["BacklogId"] = binding.BacklogId;
        return t.Ops.RunAsync("bindings.replace", async () =>
        {
            try
            {
                var response = await t.Bindings.UpdateEntityAsync(entity, new ETag(etag), TableUpdateMode.Replace, ct).ConfigureAwait(false);
                return new Versioned<Binding>(binding, response.Headers.ETag.GetValueOrDefault().ToString());
            }
            catch (RequestFailedException e) when (e.Status is TableOps.PreconditionFailed or TableOps.NotFound)
            {
                throw new ConcurrencyException($"The binding of {binding.Address.Platform} channel {binding.Address.ChannelId} was changed by someone else (or removed); read it again.");
            }
        });
    }

    // Bindings are few (a handful per backlog), so a filtered scan across workspaces is fine.
    public IAsyncEnumerable<Binding> ListForBacklogAsync(string backlogId, CancellationToken ct) =>
        t.Ops.StreamAsync("bindings.list",
            t.Bindings.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"BacklogId eq {backlogId}"), maxPerPage: 200, cancellationToken: ct)
                .Select(e => JsonProperties.Read<Binding>(e)), ct);

    private static string Partition(Platform platform, string workspace) => KeyCodec.Compose(platform.ToString(), workspace);
}

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

internal sealed class TableCeremonyLedger(TableSet t) : ICeremonyLedger
{
    public Task<bool> TryClaimAsync(LedgerEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var entity = JsonProperties.Entity(KeyCodec.Encode(entry.BacklogId), KeyCodec.Compose(entry.Ceremony.ToString(), entry.Occurrence), entry);
        entity["ScheduledAt"] = entry.ScheduledAt.ToUniversalTime();
        return t.Ops.RunAsync("ledger.claim", async () =>
        {
            try
            {
                await t.Ledger.AddEntityAsync(entity, ct).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == TableOps.Conflict)
            {
                return false;
            }
        });
    }

    public async IAsyncEnumerable<LedgerEntry> ListAsync(string backlogId, DateTimeOffset since, [EnumeratorCancellation] CancellationToken ct)
    {
        // Claims since a point in time are few; sort them by schedule like the SQLite store does.
        var entries = await t.Ops.RunAsync("ledger.list", async () =>
            await t.Ledger.QueryAsync<TableEntity>(
                    TableClient.CreateQueryFilter($"PartitionKey eq {KeyCodec.Encode(backlogId)} and ScheduledAt ge {since}"), maxPerPage: 1000, cancellationToken: ct)
                .Select(e => JsonProperties.Read<LedgerEntry>(e)).ToListAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);
        foreach (var entry in entries.OrderBy(e => e.ScheduledAt).ThenBy(e => e.Ceremony).ThenBy(e => e.Occurrence, StringComparer.Ordinal))
        {
            yield return entry;
        }
    }
}

internal sealed class TableInbox(TableSet t) : IInbox
{
    /// <summary>
    /// Partitioned by platform and UTC day, so old days can be dropped wholesale. A retry that arrives just
    /// after midnight is still caught: the previous day's partition is checked too.
    /// </summary>
    public Task<bool> TryRecordAsync(Platform platform, string deliveryId, DateTimeOffset at, CancellationToken ct)
    {
        var rowKey = KeyCodec.Encode(deliveryId);
        return t.Ops.RunAsync("inbox.record", async () =>
        {
            var earlier = await t.Inbox.GetEntityIfExistsAsync<TableEntity>(Partition(platform, at.AddDays(-1)), rowKey, cancellationToken: ct).ConfigureAwait(false);
            if (earlier.HasValue)
            {
                return false;
            }

            try
            {
                await t.Inbox.AddEntityAsync(new TableEntity(Partition(platform, at), rowKey) { ["RecordedAt"] = at.ToUniversalTime() }, ct).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == TableOps.Conflict)
            {
                return false;
            }
        });
    }

    public Task ForgetAsync(Platform platform, string deliveryId, DateTimeOffset at, CancellationToken ct)
    {
        var rowKey = KeyCodec.Encode(deliveryId);
        return t.Ops.RunAsync("inbox.forget", async () =>
        {
            // Deleting a missing row is not an error.
            await t.Inbox.DeleteEntityAsync(Partition(platform, at), rowKey, ETag.All, ct).ConfigureAwait(false);
            await t.Inbox.DeleteEntityAsync(Partition(platform, at.AddDays(-1)), rowKey, ETag.All, ct).ConfigureAwait(false);
        });
    }

    public Task MarkHandledAsync(Platform platform, string deliveryId, DateTimeOffset recordedAt, CancellationToken ct)
    {
        var entity = new TableEntity(Partition(platform, recordedAt), KeyCodec.Encode(deliveryId)) { ["Handled"] = true };
        return t.Ops.RunAsync("inbox.handled", async () =>
        {
            try
            {
                // Merge into the row only if it is still there (ETag *): a forgotten delivery stays forgotten.
                await t.Inbox.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == TableOps.NotFound)
            {
                // Forgotten meanwhile.
            }
        });
    }

    public Task<InboxRecord?> GetAsync(Platform platform, string deliveryId, DateTimeOffset at, CancellationToken ct)
    {
        var rowKey = KeyCodec.Encode(deliveryId);
        return t.Ops.RunAsync("inbox.get", async () =>
        {
            foreach (var day in new[] { at, at.AddDays(-1) })
            {
                var row = await t.Inbox.GetEntityIfExistsAsync<TableEntity>(Partition(platform, day), rowKey, cancellationToken: ct).ConfigureAwait(false);
                if (row.HasValue)
                {
                    return new InboxRecord(row.Value!.GetDateTimeOffset("RecordedAt") ?? day, row.Value.GetBoolean("Handled") ?? false);
                }
            }

            return (InboxRecord?)null;
        });
    }

    private static string Partition(Platform platform, DateTimeOffset at) =>
        platform.ToString() + KeyCodec.Separator + at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
}

internal sealed class TableOutbox(TableSet t) : IOutbox
{
    private const int Shards = 8;

    public Task EnqueueAsync(OutboxMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        return t.Ops.RunAsync("outbox.enqueue", async () =>
        {
            try
            {
                await t.Outbox.AddEntityAsync(ToEntity(message), ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == TableOps.Conflict)
            {
                throw new DuplicateKeyException($"Outbox message '{message.Id}' is already queued.");
            }
        });
    }

    /// <summary>
    /// Reads due pending rows and takes each with a conditional write on the ETag it was read with: of two
    /// workers that read the same row, only one write succeeds; the loser skips the row.
    /// </summary>
    public Task<IReadOnlyList<Versioned<OutboxMessage>>> LeaseAsync(string owner, DateTimeOffset now, TimeSpan leaseFor, int max, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return t.Ops.RunAsync<IReadOnlyList<Versioned<OutboxMessage>>>("outbox.lease", async () =>
        {
            var leased = new List<Versioned<OutboxMessage>>();
            if (max <= 0)
            {
                return leased;
            }

            var due = t.Outbox.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"Status eq {nameof(OutboxStatus.Pending)} and NextAttemptAt le {now}"), maxPerPage: Math.Clamp(max * 2, 10, 1000), cancellationToken: ct);
            await foreach (var entity in due.ConfigureAwait(false))
            {
                var leaseOwner = entity.GetString("LeaseOwner");
                var leaseUntil = entity.GetDateTimeOffset("LeaseUntil");
                if (leaseUntil > now && leaseOwner != owner)
                {
                    continue;
                }

                entity["LeaseOwner"] = owner;
                entity["LeaseUntil"] = (now + leaseFor).ToUniversalTime();
                try
                {
                    var response = await t.Outbox.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                    leased.Add(new Versioned<OutboxMessage>(Read(entity), response.Headers.ETag.GetValueOrDefault().ToString()));
                }
                catch (RequestFailedException e) when (e.Status is TableOps.PreconditionFailed or TableOps.NotFound)
                {
                    continue;
                }

                if (leased.Count >= max)
                {
                    break;
                }
            }

            return leased;
        });
    }

    public Task<Versioned<OutboxMessage>> UpdateAsync(OutboxMessage message, string etag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        return t.Ops.RunAsync("outbox.update", async () =>
        {
            try
            {
                var response = await t.Outbox.UpdateEntityAsync(ToEntity(message), new ETag(etag), TableUpdateMode.Replace, ct).ConfigureAwait(false);
                return new Versioned<OutboxMessage>(message, response.Headers.ETag.GetValueOrDefault().ToString());
            }
            catch (RequestFailedException e) when (e.Status is TableOps.PreconditionFailed or TableOps.NotFound)
            {
                throw new ConcurrencyException($"Outbox message '{message.Id}' was changed by someone else: its lease was lost.");
            }
        });
    }

    public Task<int> CountPendingAsync(CancellationToken ct) =>
        t.Ops.RunAsync("outbox.count", async () =>
            await t.Outbox.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Status eq {nameof(OutboxStatus.Pending)}"), maxPerPage: 1000,
                select: ["PartitionKey"], cancellationToken: ct).CountAsync(ct).ConfigureAwait(false));

    public Task<IReadOnlyList<OutboxMessage>> ListFailedAsync(DateTimeOffset since, CancellationToken ct) =>
        t.Ops.RunAsync<IReadOnlyList<OutboxMessage>>("outbox.failed", async () =>
            (await t.Outbox.QueryAsync<TableEntity>(
                    TableClient.CreateQueryFilter($"Status eq {nameof(OutboxStatus.Failed)} and CreatedAt ge {since}"), maxPerPage: 1000, cancellationToken: ct)
                .Take(1000).Select(Read).ToListAsync(ct).ConfigureAwait(false))
            .OrderBy(m => m.CreatedAt).ToList());

    private static string Shard(string id)
    {
        // A stable hash (string.GetHashCode is randomized per process) spreads messages over a few partitions.
        uint hash = 2166136261;
        foreach (var c in id)
        {
            hash = (hash ^ c) * 16777619;
        }

        return "s" + (hash % Shards).ToString(CultureInfo.InvariantCulture);
    }

    private static TableEntity ToEntity(OutboxMessage m)
    {
        var entity = JsonProperties.Entity(Shard(m.Id), KeyCodec.Encode(m.Id), m);
        entity["Status"] = m.Status.ToString();
        entity["NextAttemptAt"] = m.NextAttemptAt.ToUniversalTime();
        entity["CreatedAt"] = m.CreatedAt.ToUniversalTime();
        if (m.LeaseOwner is not null)
        {
            entity["LeaseOwner"] = m.LeaseOwner;
        }

        if (m.LeaseUntil is { } until)
        {
            entity["LeaseUntil"] = until.ToUniversalTime();
        }

        return entity;
    }

    // The lease properties are the truth: LeaseAsync changes them without rewriting the JSON.
    private static OutboxMessage Read(TableEntity e) => JsonProperties.Read<OutboxMessage>(e) with
    {
        LeaseOwner = e.GetString("LeaseOwner"),
        LeaseUntil = e.GetDateTimeOffset("LeaseUntil"),
    };
}

internal sealed class TableMessageRefStore(TableSet t) : IMessageRefStore
{
    private const string Row = "ref";

    private sealed record Stored(ConversationAddress Where, string PlatformMessageId);

    public Task SetAsync(string messageRef, ConversationAddress where, string platformMessageId, CancellationToken ct) =>
        t.Ops.RunAsync("refs.set", () => t.MessageRefs.UpsertEntityAsync(
            JsonProperties.Entity(KeyCodec.Encode(messageRef), Row, new Stored(where, platformMessageId)), TableUpdateMode.Replace, ct));

    public Task<(ConversationAddress Where, string PlatformMessageId)?> GetAsync(string messageRef, CancellationToken ct) =>
        t.Ops.RunAsync<(ConversationAddress, string)?>("refs.get", async () =>
        {
            var r = await t.MessageRefs.GetEntityIfExistsAsync<TableEntity>(KeyCodec.Encode(messageRef), Row, cancellationToken: ct).ConfigureAwait(false);
            if (!r.HasValue)
            {
                return null;
            }

            var stored = JsonProperties.Read<Stored>(r.Value!);
            return (stored.Where, stored.PlatformMessageId);
        });
}
