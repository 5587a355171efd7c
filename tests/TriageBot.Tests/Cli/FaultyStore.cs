using System.Runtime.CompilerServices;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Storage;

namespace TriageBot.Tests.Cli;

/// <summary>
/// A real store (SQLite or Azure Tables) that fails part-way: <see cref="BeforeInsert"/> runs before every item insert
/// (through the item store or the write path) and <see cref="BeforeRestoreRecord"/> before each record a restore hands the store, so a test can throw at the n-th.
/// </summary>
public sealed class FaultyStore(ITriageStore inner) : ITriageStore, IBacklogAdministration, IDisposable
{
    public Func<Item, int, Task>? BeforeInsert { get; set; }
    public Func<object, int, Task>? BeforeRestoreRecord { get; set; }

    public IBacklogStore Backlogs => inner.Backlogs;
    public IMemberStore Members => inner.Members;
    public IBindingStore Bindings => inner.Bindings;
    public IItemStore Items => new FaultyItems(inner.Items, this);
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

    private IBacklogAdministration Admin => (IBacklogAdministration)inner;
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

    private sealed class FaultyItems(IItemStore inner, FaultyStore owner) : IItemStore
    {
        public Task<int> AllocateNumberAsync(string backlogId, CancellationToken ct) => inner.AllocateNumberAsync(backlogId, ct);
        public Task<NumberReservation> ReserveNumberAsync(string backlogId, string requestKey, CancellationToken ct) => inner.ReserveNumberAsync(backlogId, requestKey, ct);
        public Task<Versioned<Item>?> GetAsync(string backlogId, int number, CancellationToken ct) => inner.GetAsync(backlogId, number, ct);
        public Task<Versioned<Item>> ReplaceAsync(Item item, string etag, CancellationToken ct) => inner.ReplaceAsync(item, etag, ct);
        public IAsyncEnumerable<Item> QueryAsync(ItemQuery query, CancellationToken ct) => inner.QueryAsync(query, ct);

        public async Task<Versioned<Item>> InsertAsync(Item item, CancellationToken ct)
        {
            await owner.BeforeInsertAsync(item);
            return await inner.InsertAsync(item, ct);
        }
    }
}
