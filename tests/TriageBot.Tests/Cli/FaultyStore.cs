using System.Runtime.CompilerServices;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Storage;

namespace TriageBot.Tests.Cli;

/// <summary>
/// A real store (SQLite or Azure Tables) that fails part-way: <see cref="BeforeInsert"/> runs before every item insert
/// (through the write path, the only way items are written) and <see cref="BeforeRestoreRecord"/> before each record a restore hands the store, so a test can throw at the n-th.
/// <see cref="Backend"/> is the backend with this store and administration in place of the real ones.
/// </summary>
public sealed class FaultyStore(StorageBackend backend) : ITriageStore, IBacklogAdministration, IDisposable
{
    private readonly ITriageStore inner = backend.Store;

    /// <summary>The backend to hand the command line: this store and administration, the real maintenance.</summary>
    public StorageBackend Backend => backend with { Store = this, Administration = this };

    public Func<Item, int, Task>? BeforeInsert { get; set; }
    public Func<object, int, Task>? BeforeRestoreRecord { get; set; }

    public IBacklogStore Backlogs => inner.Backlogs;
    public IMemberStore Members => inner.Members;
    public IBindingStore Bindings => inner.Bindings;
    public IItemStore Items => inner.Items;
    public IHistoryStore History => inner.History;
    public IVoteStore Votes => inner.Votes;
    public ICeremonyLedger Ledger => inner.Ledger;
    public IInbox Inbox => inner.Inbox;
    public IOutbox Outbox => inner.Outbox;
    public IMessageRefStore MessageRefs => inner.MessageRefs;
    public IItemWrites Writes => new FaultyWrites(inner.Writes, this);
    public IItemEventFeed Events => inner.Events;
    public Task InitializeAsync(CancellationToken ct) => inner.InitializeAsync(ct);
    public Task PingAsync(CancellationToken ct) => inner.PingAsync(ct);

    private IBacklogAdministration Admin => backend.Administration;
    public Task RaiseItemCounterAsync(string backlogId, int number, CancellationToken ct) => Admin.RaiseItemCounterAsync(backlogId, number, ct);
    public Task DeleteBacklogAsync(string backlogId, CancellationToken ct) => Admin.DeleteBacklogAsync(backlogId, ct);
    public Task RestoreAsync(BacklogRestore restore, CancellationToken ct) => Admin.RestoreAsync(restore with { Records = Faulty(restore.Records, ct) }, ct);

    private int _inserts;

    private async IAsyncEnumerable<object> Faulty(IAsyncEnumerable<object> records, [EnumeratorCancellation] CancellationToken ct)
    {
        var n = 0;
        await foreach (var record in records.WithCancellation(ct))
        {
            if (BeforeRestoreRecord is { } hook)
            {
                await hook(record, ++n);
            }

            yield return record;
        }
    }

    public void Dispose() => (inner as IDisposable)?.Dispose();

    private async Task BeforeInsertAsync(Item item)
    {
        if (BeforeInsert is { } hook)
        {
            await hook(item, Interlocked.Increment(ref _inserts));
        }
    }

    private sealed class FaultyWrites(IItemWrites inner, FaultyStore owner) : IItemWrites
    {
        public async Task<Versioned<Item>> WriteAsync(ItemWrite write, CancellationToken ct)
        {
            if (write.ETag is null)
            {
                await owner.BeforeInsertAsync(write.Item);
            }

            return await inner.WriteAsync(write, ct);
        }
    }
}
