using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Voting;

namespace TriageBot.Storage.Tables;
/// <summary>
/// A restore on Azure Tables, which has no transactions across partitions: everything is staged under a hidden id, a
/// commit marker is written (the point of no return), then the staged rows are moved into place, by the command or, if
/// it died, by the next start. Rows are written through the store's ports (items through the one write path).
/// </summary>
internal sealed class TableRestore(TableSet tables, ITriageStore store, TableAdministration administration, ILogger logger)
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
    private sealed class Marker(TableSet tables, PendingRestore pending, ETag etag)
    {
        public PendingRestore Pending { get; private set; } = pending;
        private ETag _etag = etag;
        private DateTimeOffset _renewed = DateTimeOffset.UtcNow;

        private string Row => KeyCodec.Encode(Pending.Backlog.Id);

        /// <summary>Writes the marker if nobody else took it; <see cref="ConcurrencyException"/> when someone did.</summary>
        public Task SaveAsync(PendingRestore next, CancellationToken ct) =>
            tables.Ops.RunAsync("restore.lease", async () =>
            {
                try
                {
                    var response = await tables.Backlogs.UpdateEntityAsync(JsonProperties.Entity(RestorePartition, Row, next), _etag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
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
            tables.Ops.RunAsync("restore.done", async () =>
            {
                try
                {
                    await tables.Backlogs.DeleteEntityAsync(RestorePartition, Row, _etag, ct).ConfigureAwait(false);
                }
                catch (RequestFailedException e) when (e.Status is TableOps.PreconditionFailed or TableOps.NotFound)
                {
                }
            });
    }

    /// <summary>
    /// Stages every record under a new hidden id, then writes the commit marker (one entity: the point of no return), then
    /// moves the staged records into place. Before the marker a failure leaves the old backlog untouched; after it, the
    /// move is finished here or by the next <see cref="TableTriageStore.InitializeAsync"/>.
    /// </summary>
    public async Task RestoreAsync(BacklogRestore restore, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(restore);
        var id = restore.Backlog.Id;
        await FinishPendingRestoresAsync(ct).ConfigureAwait(false);
        if (await store.Backlogs.GetAsync(id, ct).ConfigureAwait(false) is not null && !restore.Replace)
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
                    return new Marker(tables, leased, response.Headers.ETag.GetValueOrDefault());
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
                await administration.DeleteBacklogAsync(staging, CancellationToken.None).ConfigureAwait(false);
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
            if (await store.Bindings.GetAsync(a.Platform, a.Workspace, a.ChannelId, ct).ConfigureAwait(false) is { } current && current.BacklogId != id)
            {
                throw new RestoreRefusedException(RestoreChecks.BoundElsewhere(binding, current.BacklogId));
            }
        }
    }

    private async Task StageAsync(BacklogRestore restore, string staging, CancellationToken ct)
    {
        foreach (var member in restore.Members)
        {
            await store.Members.UpsertAsync(member with { BacklogId = staging }, ct).ConfigureAwait(false);
        }

        var history = new List<HistoryEntry>(100);
        await foreach (var record in restore.Records.WithCancellation(ct).ConfigureAwait(false))
        {
            RestoreChecks.Check(record, restore.Backlog.Id);
            await StepAsync("stage", ct).ConfigureAwait(false);
            switch (record)
            {
                case Item item:
                    await store.Writes.WriteAsync(new ItemWrite { Item = item with { BacklogId = staging } }, ct).ConfigureAwait(false);
                    break;
                case HistoryEntry entry:
                    history.Add(entry with { BacklogId = staging });
                    if (history.Count == 100)
                    {
                        await store.History.AppendAsync(history, ct).ConfigureAwait(false);
                        history.Clear();
                    }

                    break;
                case Vote vote:
                    await store.Votes.UpsertAsync(vote with { BacklogId = staging }, ct).ConfigureAwait(false);
                    break;
                case LedgerEntry entry:
                    await store.Ledger.TryClaimAsync(entry with { BacklogId = staging }, ct).ConfigureAwait(false);
                    break;
                case ItemEvent e:
                    await TableItemWrites.AppendEventsAsync(tables, [e with { BacklogId = staging }], ct).ConfigureAwait(false);
                    break;
            }
        }

        await store.History.AppendAsync(history, ct).ConfigureAwait(false);
    }

    /// <summary>Finishes every restore whose commit marker is still there (the previous run stopped while moving it into place).</summary>
    /// <remarks>A restore whose lease another process holds (its command is still moving it) is left to that process.</remarks>
    public async Task FinishPendingRestoresAsync(CancellationToken ct)
    {
        var pending = await tables.Ops.RunAsync("restore.pending", async () =>
            await tables.Backlogs.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {RestorePartition}"), cancellationToken: ct)
                .Select(e => (Restore: JsonProperties.Read<PendingRestore>(e), e.ETag)).ToListAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);
        foreach (var (restore, etag) in pending.Where(p => p.Restore.LeaseUntil < DateTimeOffset.UtcNow))
        {
            var marker = new Marker(tables, restore, etag);
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
                await TableAdministration.DeleteIfExistsAsync(tables.Backlogs, "backlog", KeyCodec.Encode(id), ct).ConfigureAwait(false);
                await administration.DeleteDataAsync(id, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);

            foreach (var member in await store.Members.ListAsync(staging, ct).ConfigureAwait(false))
            {
                await store.Members.UpsertAsync(member with { BacklogId = id }, ct).ConfigureAwait(false);
            }

            var rounds = new List<(int Number, int Round)>();
            await foreach (var item in store.Items.QueryAsync(new ItemQuery(staging), ct).ConfigureAwait(false))
            {
                await StepAsync("move", ct).ConfigureAwait(false);
                await marker.RenewAsync(ct).ConfigureAwait(false);
                await store.Writes.WriteAsync(new ItemWrite { Item = item with { BacklogId = id } }, ct).ConfigureAwait(false);
                rounds.Add((item.Number, item.Round));
            }

            var history = new List<HistoryEntry>(100);
            await foreach (var entry in store.History.ReadAsync(staging, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, ct).ConfigureAwait(false))
            {
                history.Add(entry with { BacklogId = id });
                if (history.Count == 100)
                {
                    await StepAsync("move", ct).ConfigureAwait(false);
                    await marker.RenewAsync(ct).ConfigureAwait(false);
                    await store.History.AppendAsync(history, ct).ConfigureAwait(false);
                    history.Clear();
                }
            }

            await store.History.AppendAsync(history, ct).ConfigureAwait(false);
            foreach (var (number, lastRound) in rounds)
            {
                for (var round = 1; round <= lastRound; round++)
                {
                    foreach (var vote in await store.Votes.ListAsync(staging, number, round, ct).ConfigureAwait(false))
                    {
                        await store.Votes.UpsertAsync(vote with { BacklogId = id }, ct).ConfigureAwait(false);
                    }
                }
            }

            await foreach (var entry in store.Ledger.ListAsync(staging, Beginning, ct).ConfigureAwait(false))
            {
                await store.Ledger.TryClaimAsync(entry with { BacklogId = id }, ct).ConfigureAwait(false);
            }

            var events = await store.Events.ReadAsync(staging, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, ct).Select(e => e with { BacklogId = id }).ToListAsync(ct).ConfigureAwait(false);
            await TableItemWrites.AppendEventsAsync(tables, events, ct).ConfigureAwait(false);

            foreach (var binding in pending.Bindings)
            {
                await store.Bindings.UpsertAsync(binding with { BacklogId = id }, ct).ConfigureAwait(false);
            }

            if (pending.Counter > 0)
            {
                await administration.RaiseItemCounterAsync(id, pending.Counter, ct).ConfigureAwait(false);
            }

            // The tracker connection stays; a link to an item the restored backlog does not have goes (again, if the move is resumed).
            if (administration.Trackers is { } trackers)
            {
                await trackers.PruneLinksAsync(id, rounds.Select(r => r.Number).ToHashSet(), ct).ConfigureAwait(false);
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

        await administration.DeleteBacklogAsync(staging, ct).ConfigureAwait(false);
        await marker.DeleteAsync(ct).ConfigureAwait(false);
    }
}
