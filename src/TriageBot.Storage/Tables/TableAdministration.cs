using Azure;
using Azure.Data.Tables;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Voting;

namespace TriageBot.Storage.Tables;

public sealed partial class TableTriageStore : IBacklogAdministration
{
    /// <summary>Commit markers of restores being moved into place: partition in the Backlogs table, one row per target backlog.</summary>
    private const string RestorePartition = "restore";

    /// <summary>The oldest time Azure Tables can filter on; no ledger entry is older.</summary>
    private static readonly DateTimeOffset Beginning = new(1601, 1, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Tests only: called at each step of a restore (<c>stage</c> per staged record, <c>commit</c>, <c>move</c> per moved
    /// record, <c>moved</c>), so a test can fail the store part-way.
    /// </summary>
    internal Func<string, CancellationToken, Task>? RestoreStep { get; set; }

    private Task StepAsync(string step, CancellationToken ct) => RestoreStep?.Invoke(step, ct) ?? Task.CompletedTask;

    /// <summary>What the commit marker holds: everything needed to finish moving a staged restore into place.</summary>
    private sealed record PendingRestore(string StagingId, Backlog Backlog, IReadOnlyList<Binding> Bindings, int Counter, bool Moved);

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
            await DeleteDataAsync(backlogId, ct).ConfigureAwait(false);
            await DeleteIfExistsAsync(tables.Backlogs, "backlog", KeyCodec.Encode(backlogId), ct).ConfigureAwait(false);
        });

    /// <summary>
    /// Stages every record under a new hidden id, then writes the commit marker (one entity: the point of no return), then
    /// moves the staged records into place. Before the marker a failure leaves the old backlog untouched; after it, the
    /// move is finished here or by the next <see cref="InitializeAsync"/>.
    /// </summary>
    public async Task RestoreAsync(BacklogRestore restore, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(restore);
        var id = restore.Backlog.Id;
        await FinishPendingRestoresAsync(ct).ConfigureAwait(false);
        if (await Backlogs.GetAsync(id, ct).ConfigureAwait(false) is not null && !restore.Replace)
        {
            throw new RestoreRefusedException(RestoreChecks.Exists(id));
        }

        await CheckBindingsAsync(id, restore.Bindings, ct).ConfigureAwait(false);

        // A control character cannot occur in a backlog id made from a name, so the staging id never meets a real one.
        var staging = $"\u0000staging-{Guid.NewGuid():N}";
        var pending = new PendingRestore(staging, restore.Backlog, [.. restore.Bindings.Select(b => b with { BacklogId = id })], restore.Counter, Moved: false);
        try
        {
            await StageAsync(restore, staging, ct).ConfigureAwait(false);
            await tables.Ops.RunAsync("restore.commit", async () =>
            {
                try
                {
                    await tables.Backlogs.AddEntityAsync(JsonProperties.Entity(RestorePartition, KeyCodec.Encode(id), pending), ct).ConfigureAwait(false);
                }
                catch (RequestFailedException e) when (e.Status == TableOps.Conflict)
                {
                    throw new RestoreRefusedException($"Another restore of '{id}' is being moved into place; run the restore again when it has finished.");
                }
            }).ConfigureAwait(false);
        }
        catch
        {
            // Nothing refers to the staged rows; remove them if the store still answers (a crash leaves them, unseen).
            try
            {
                await DeleteBacklogAsync(staging, CancellationToken.None).ConfigureAwait(false);
            }
            catch (StoreUnavailableException)
            {
            }

            throw;
        }

        await StepAsync("commit", ct).ConfigureAwait(false);
        await FinishAsync(pending, ct).ConfigureAwait(false);
    }

    private async Task CheckBindingsAsync(string id, IReadOnlyList<Binding> bindings, CancellationToken ct)
    {
        foreach (var binding in bindings)
        {
            var a = binding.Address;
            if (await Bindings.GetAsync(a.Platform, a.Workspace, a.ChannelId, ct).ConfigureAwait(false) is { } current && current.BacklogId != id)
            {
                throw new RestoreRefusedException(RestoreChecks.BoundElsewhere(binding, current.BacklogId));
            }
        }
    }

    private async Task StageAsync(BacklogRestore restore, string staging, CancellationToken ct)
    {
        foreach (var member in restore.Members)
        {
            await Members.UpsertAsync(member with { BacklogId = staging }, ct).ConfigureAwait(false);
        }

        var history = new List<HistoryEntry>(100);
        await foreach (var record in restore.Records.WithCancellation(ct).ConfigureAwait(false))
        {
            RestoreChecks.Check(record, restore.Backlog.Id);
            await StepAsync("stage", ct).ConfigureAwait(false);
            switch (record)
            {
                case Item item:
                    await Items.InsertAsync(item with { BacklogId = staging }, ct).ConfigureAwait(false);
                    break;
                case HistoryEntry entry:
                    history.Add(entry with { BacklogId = staging });
                    if (history.Count == 100)
                    {
                        await History.AppendAsync(history, ct).ConfigureAwait(false);
                        history.Clear();
                    }

                    break;
                case Vote vote:
                    await Votes.UpsertAsync(vote with { BacklogId = staging }, ct).ConfigureAwait(false);
                    break;
                case LedgerEntry entry:
                    await Ledger.TryClaimAsync(entry with { BacklogId = staging }, ct).ConfigureAwait(false);
                    break;
            }
        }

        await History.AppendAsync(history, ct).ConfigureAwait(false);
    }

    /// <summary>Finishes every restore whose commit marker is still there (the previous run stopped while moving it into place).</summary>
    private async Task FinishPendingRestoresAsync(CancellationToken ct)
    {
        var pending = await tables.Ops.RunAsync("restore.pending", async () =>
            await tables.Backlogs.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {RestorePartition}"), cancellationToken: ct)
                .Select(e => JsonProperties.Read<PendingRestore>(e)).ToListAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);
        foreach (var restore in pending)
        {
            Log.RestoreFinished(logger, restore.Backlog.Id);
            await FinishAsync(restore, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Moves a committed restore into place. Every step can run again: the target's rows are cleared and copied afresh
    /// until the marker says the copy is complete; only then do the staged rows go.
    /// </summary>
    private async Task FinishAsync(PendingRestore pending, CancellationToken ct)
    {
        var id = pending.Backlog.Id;
        var staging = pending.StagingId;
        if (!pending.Moved)
        {
            // The backlog row goes first: while the rows move, the backlog reads as absent, never as a mix.
            await tables.Ops.RunAsync("restore.clear", async () =>
            {
                await DeleteIfExistsAsync(tables.Backlogs, "backlog", KeyCodec.Encode(id), ct).ConfigureAwait(false);
                await DeleteDataAsync(id, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);

            foreach (var member in await Members.ListAsync(staging, ct).ConfigureAwait(false))
            {
                await Members.UpsertAsync(member with { BacklogId = id }, ct).ConfigureAwait(false);
            }

            var rounds = new List<(int Number, int Round)>();
            await foreach (var item in Items.QueryAsync(new ItemQuery(staging), ct).ConfigureAwait(false))
            {
                await StepAsync("move", ct).ConfigureAwait(false);
                await Items.InsertAsync(item with { BacklogId = id }, ct).ConfigureAwait(false);
                rounds.Add((item.Number, item.Round));
            }

            var history = new List<HistoryEntry>(100);
            await foreach (var entry in History.ReadAsync(staging, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, ct).ConfigureAwait(false))
            {
                history.Add(entry with { BacklogId = id });
                if (history.Count == 100)
                {
                    await StepAsync("move", ct).ConfigureAwait(false);
                    await History.AppendAsync(history, ct).ConfigureAwait(false);
                    history.Clear();
                }
            }

            await History.AppendAsync(history, ct).ConfigureAwait(false);
            foreach (var (number, lastRound) in rounds)
            {
                for (var round = 1; round <= lastRound; round++)
                {
                    foreach (var vote in await Votes.ListAsync(staging, number, round, ct).ConfigureAwait(false))
                    {
                        await Votes.UpsertAsync(vote with { BacklogId = id }, ct).ConfigureAwait(false);
                    }
                }
            }

            await foreach (var entry in Ledger.ListAsync(staging, Beginning, ct).ConfigureAwait(false))
            {
                await Ledger.TryClaimAsync(entry with { BacklogId = id }, ct).ConfigureAwait(false);
            }

            foreach (var binding in pending.Bindings)
            {
                await Bindings.UpsertAsync(binding with { BacklogId = id }, ct).ConfigureAwait(false);
            }

            if (pending.Counter > 0)
            {
                await RaiseItemCounterAsync(id, pending.Counter, ct).ConfigureAwait(false);
            }

            // The backlog appears, whole, and the marker records that the staged rows are no longer needed.
            await tables.Ops.RunAsync("restore.switch", async () =>
            {
                var entity = JsonProperties.Entity("backlog", KeyCodec.Encode(id), pending.Backlog);
                entity["DashboardToken"] = pending.Backlog.DashboardToken;
                await tables.Backlogs.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                await tables.Backlogs.UpsertEntityAsync(JsonProperties.Entity(RestorePartition, KeyCodec.Encode(id), pending with { Moved = true }), TableUpdateMode.Replace, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
            await StepAsync("moved", ct).ConfigureAwait(false);
        }

        await DeleteBacklogAsync(staging, ct).ConfigureAwait(false);
        await tables.Ops.RunAsync("restore.done", () => DeleteIfExistsAsync(tables.Backlogs, RestorePartition, KeyCodec.Encode(id), ct)).ConfigureAwait(false);
    }

    /// <summary>Every row stored under the backlog except its backlog row: members, bindings, items, history, votes, ledger, reservations, counter.</summary>
    private async Task DeleteDataAsync(string backlogId, CancellationToken ct)
    {
        var partition = KeyCodec.Encode(backlogId);
        // Composite partitions (per item, per vote round) start with the backlog's key and the separator.
        var low = partition + KeyCodec.Separator;
        var high = partition + (char)(KeyCodec.Separator + 1);
        await DeleteWhereAsync(tables.Members, TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), ct).ConfigureAwait(false);
        await DeleteWhereAsync(tables.Items, TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), ct).ConfigureAwait(false);
        await DeleteWhereAsync(tables.History, TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), ct).ConfigureAwait(false);
        await DeleteWhereAsync(tables.Ledger, TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), ct).ConfigureAwait(false);
        await DeleteWhereAsync(tables.ItemHistory, TableClient.CreateQueryFilter($"PartitionKey gt {low} and PartitionKey lt {high}"), ct).ConfigureAwait(false);
        await DeleteWhereAsync(tables.Votes, TableClient.CreateQueryFilter($"PartitionKey gt {low} and PartitionKey lt {high}"), ct).ConfigureAwait(false);
        await DeleteWhereAsync(tables.Bindings, TableClient.CreateQueryFilter($"BacklogId eq {backlogId}"), ct).ConfigureAwait(false);
        await DeleteWhereAsync(tables.Backlogs, TableClient.CreateQueryFilter($"PartitionKey eq {TableItemStore.RequestPartition(backlogId)}"), ct).ConfigureAwait(false);
        await DeleteIfExistsAsync(tables.Backlogs, "counter", partition, ct).ConfigureAwait(false);
    }

    private static async Task DeleteIfExistsAsync(TableClient table, string partition, string row, CancellationToken ct)
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
