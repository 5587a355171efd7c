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

    /// <summary>
    /// What the commit marker holds: everything needed to finish moving a staged restore into place, and a lease: one
    /// process moves it at a time (the command, or a starting app after the command died), renewing the lease as it goes.
    /// </summary>
    private sealed record PendingRestore(string StagingId, Backlog Backlog, IReadOnlyList<Binding> Bindings, int Counter, bool Moved, DateTimeOffset LeaseUntil);

    /// <summary>How long a mover holds a restore without renewing; a mover that died is replaced after this.</summary>
    internal static readonly TimeSpan RestoreLease = TimeSpan.FromMinutes(5);

    /// <summary>The commit marker as this process holds it: its state and the ETag of the last write.</summary>
    private sealed class Marker(TableTriageStore store, PendingRestore pending, ETag etag)
    {
        public PendingRestore Pending { get; private set; } = pending;
        private ETag _etag = etag;
        private DateTimeOffset _renewed = DateTimeOffset.UtcNow;

        private string Row => KeyCodec.Encode(Pending.Backlog.Id);

        /// <summary>Writes the marker if nobody else took it; <see cref="ConcurrencyException"/> when someone did.</summary>
        public Task SaveAsync(PendingRestore next, CancellationToken ct) =>
            store.tables.Ops.RunAsync("restore.lease", async () =>
            {
                try
                {
                    var response = await store.tables.Backlogs.UpdateEntityAsync(JsonProperties.Entity(RestorePartition, Row, next), _etag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                    _etag = response.Headers.ETag.GetValueOrDefault();
                    Pending = next;
                    _renewed = DateTimeOffset.UtcNow;
                }
                catch (RequestFailedException e) when (e.Status is TableOps.PreconditionFailed or TableOps.NotFound)
                {
                    throw new ConcurrencyException($"Another process took over the restore of '{Pending.Backlog.Id}'.");
                }
            });

        /// <summary>Keeps the lease while moving (a write at most once a minute).</summary>
        public Task RenewAsync(CancellationToken ct) =>
            DateTimeOffset.UtcNow - _renewed < TimeSpan.FromMinutes(1) ? Task.CompletedTask : SaveAsync(Pending with { LeaseUntil = DateTimeOffset.UtcNow + RestoreLease }, ct);

        /// <summary>Lets the next start finish at once after a failure this process survived.</summary>
        public async Task ReleaseAsync()
        {
            try
            {
                await SaveAsync(Pending with { LeaseUntil = DateTimeOffset.MinValue }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is StoreUnavailableException or ConcurrencyException)
            {
            }
        }

        public Task DeleteAsync(CancellationToken ct) =>
            store.tables.Ops.RunAsync("restore.done", async () =>
            {
                try
                {
                    await store.tables.Backlogs.DeleteEntityAsync(RestorePartition, Row, _etag, ct).ConfigureAwait(false);
                }
                catch (RequestFailedException e) when (e.Status is TableOps.PreconditionFailed or TableOps.NotFound)
                {
                }
            });
    }

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
        var pending = new PendingRestore(staging, restore.Backlog, [.. restore.Bindings.Select(b => b with { BacklogId = id })], restore.Counter, Moved: false, LeaseUntil: default);
        Marker marker;
        try
        {
            await StageAsync(restore, staging, ct).ConfigureAwait(false);
            marker = await tables.Ops.RunAsync("restore.commit", async () =>
            {
                try
                {
                    var leased = pending with { LeaseUntil = DateTimeOffset.UtcNow + RestoreLease };
                    var response = await tables.Backlogs.AddEntityAsync(JsonProperties.Entity(RestorePartition, KeyCodec.Encode(id), leased), ct).ConfigureAwait(false);
                    return new Marker(this, leased, response.Headers.ETag.GetValueOrDefault());
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

        await FinishAsync(marker, ct).ConfigureAwait(false);
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
                    await Writes.WriteAsync(new ItemWrite { Item = item with { BacklogId = staging } }, ct).ConfigureAwait(false);
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
                case ItemEvent e:
                    await TableItemWrites.AppendEventsAsync(tables, [e with { BacklogId = staging }], ct).ConfigureAwait(false);
                    break;
            }
        }

        await History.AppendAsync(history, ct).ConfigureAwait(false);
    }

    /// <summary>Finishes every restore whose commit marker is still there (the previous run stopped while moving it into place).</summary>
    /// <remarks>A restore whose lease another process holds (its command is still moving it) is left to that process.</remarks>
    private async Task FinishPendingRestoresAsync(CancellationToken ct)
    {
        var pending = await tables.Ops.RunAsync("restore.pending", async () =>
            await tables.Backlogs.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {RestorePartition}"), cancellationToken: ct)
                .Select(e => (Restore: JsonProperties.Read<PendingRestore>(e), e.ETag)).ToListAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);
        foreach (var (restore, etag) in pending.Where(p => p.Restore.LeaseUntil < DateTimeOffset.UtcNow))
        {
            var marker = new Marker(this, restore, etag);
            try
            {
                await marker.SaveAsync(restore with { LeaseUntil = DateTimeOffset.UtcNow + RestoreLease }, ct).ConfigureAwait(false);
            }
            catch (ConcurrencyException)
            {
                continue; // another process took it first
            }

            Log.RestoreFinished(logger, restore.Backlog.Id);
            await FinishAsync(marker, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Moves a committed restore into place. Every step can run again: the target's rows are cleared and copied afresh
    /// until the marker says the copy is complete; only then do the staged rows go.
    /// </summary>
    private async Task FinishAsync(Marker marker, CancellationToken ct)
    {
        try
        {
            await MoveAsync(marker, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not ConcurrencyException)
        {
            await marker.ReleaseAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task MoveAsync(Marker marker, CancellationToken ct)
    {
        var pending = marker.Pending;
        var id = pending.Backlog.Id;
        var staging = pending.StagingId;
        await StepAsync("commit", ct).ConfigureAwait(false);
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
                await marker.RenewAsync(ct).ConfigureAwait(false);
                await Writes.WriteAsync(new ItemWrite { Item = item with { BacklogId = id } }, ct).ConfigureAwait(false);
                rounds.Add((item.Number, item.Round));
            }

            var history = new List<HistoryEntry>(100);
            await foreach (var entry in History.ReadAsync(staging, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, ct).ConfigureAwait(false))
            {
                history.Add(entry with { BacklogId = id });
                if (history.Count == 100)
                {
                    await StepAsync("move", ct).ConfigureAwait(false);
                    await marker.RenewAsync(ct).ConfigureAwait(false);
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

            var events = await Events.ReadAsync(staging, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, ct).Select(e => e with { BacklogId = id }).ToListAsync(ct).ConfigureAwait(false);
            await TableItemWrites.AppendEventsAsync(tables, events, ct).ConfigureAwait(false);

            foreach (var binding in pending.Bindings)
            {
                await Bindings.UpsertAsync(binding with { BacklogId = id }, ct).ConfigureAwait(false);
            }

            if (pending.Counter > 0)
            {
                await RaiseItemCounterAsync(id, pending.Counter, ct).ConfigureAwait(false);
            }

            // The lease is checked once more before the backlog appears, whole; then the marker records that the staged
            // rows are no longer needed.
            await marker.SaveAsync(pending with { LeaseUntil = DateTimeOffset.UtcNow + RestoreLease }, ct).ConfigureAwait(false);
            await tables.Ops.RunAsync("restore.switch", async () =>
            {
                var entity = JsonProperties.Entity("backlog", KeyCodec.Encode(id), pending.Backlog);
                entity["DashboardToken"] = pending.Backlog.DashboardToken;
                await tables.Backlogs.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
            await marker.SaveAsync(marker.Pending with { Moved = true }, ct).ConfigureAwait(false);
            await StepAsync("moved", ct).ConfigureAwait(false);
        }

        await DeleteBacklogAsync(staging, ct).ConfigureAwait(false);
        await marker.DeleteAsync(ct).ConfigureAwait(false);
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
        await DeleteWhereAsync(tables.ItemEvents, TableClient.CreateQueryFilter($"PartitionKey eq {partition}"), ct).ConfigureAwait(false);
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
