using Microsoft.Data.Sqlite;
using TriageBot.Core.Conversation;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Storage.Sqlite;

namespace TriageBot.Storage.Tests;

/// <summary>
/// A busy clinic queues a ballot update per vote; each renders the ballot as it is when sent, so the SQLite outbox keeps
/// one waiting per ballot instead of one per vote.
/// </summary>
public sealed class SqliteOutboxCoalescingTests : IAsyncLifetime
{
    private readonly string folder = Directory.CreateTempSubdirectory("triage-coalesce-").FullName;
    private SqliteTriageStore store = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        store = new SqliteTriageStore(Path.Combine(folder, "triagebot.db"));
        await store.InitializeAsync(Ct);
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    private static OutboxMessage BallotUpdate(int number) =>
        Build.Message() with { Kind = OutboxKind.Update, MessageRef = $"ballot:b/{number}:1", Payload = OutboxViews.Payload(new LiveBallotView("b", number)), Live = true };

    [Fact]
    public async Task LiveUpdatesOfOneBallot_WaitingUnleased_AreKeptOnce_PerBallot()
    {
        for (var vote = 0; vote < 5; vote++)
        {
            await store.Outbox.EnqueueAsync(BallotUpdate(1), Ct);
            await store.Outbox.EnqueueAsync(BallotUpdate(2), Ct);
        }

        (await store.Outbox.CountPendingAsync(Ct)).ShouldBe(2);
        var leased = await store.Outbox.LeaseAsync("w1", Build.T0, TimeSpan.FromMinutes(1), 10, Ct);
        leased.Select(m => m.Value.MessageRef).ShouldBe(["ballot:b/1:1", "ballot:b/2:1"], ignoreOrder: true);
    }

    [Fact]
    public async Task AnUpdateQueuedAfterTheWaitingOneWasLeased_IsKept_SoTheNewerStateIsSentToo()
    {
        await store.Outbox.EnqueueAsync(BallotUpdate(1), Ct);
        var first = (await store.Outbox.LeaseAsync("w1", Build.T0, TimeSpan.FromMinutes(1), 10, Ct)).ShouldHaveSingleItem();

        // The worker may already have rendered the ballot: a vote arriving now needs an update of its own.
        await store.Outbox.EnqueueAsync(BallotUpdate(1), Ct);
        await store.Outbox.EnqueueAsync(BallotUpdate(1), Ct);

        (await store.Outbox.CountPendingAsync(Ct)).ShouldBe(2, "the leased one and one new");
        await store.Outbox.UpdateAsync(first.Value with { Status = OutboxStatus.Sent, LeaseOwner = null, LeaseUntil = null }, first.ETag, Ct);
        var second = (await store.Outbox.LeaseAsync("w1", Build.T0, TimeSpan.FromMinutes(1), 10, Ct)).ShouldHaveSingleItem();
        second.Value.Id.ShouldNotBe(first.Value.Id);
    }

    [Fact]
    public async Task AnUpdateDroppedForAWaitingOne_NeverWaitsForTheWriteLock_SoAVoteIsNotQueuedBehindOtherWriters()
    {
        await store.Outbox.EnqueueAsync(BallotUpdate(1), Ct);

        // Another process (the CLI's import) holds SQLite's write lock: a write would wait up to busy_timeout (30 s).
        await using var other = new SqliteConnection($"Data Source={Path.Combine(folder, "triagebot.db")};Pooling=False");
        await other.OpenAsync(Ct);
        await using var hold = other.CreateCommand();
        hold.CommandText = "BEGIN IMMEDIATE";
        await hold.ExecuteNonQueryAsync(Ct);

        // The next vote's update of the same ballot is dropped on a read, so it is done while the lock is still held.
        await store.Outbox.EnqueueAsync(BallotUpdate(1), Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct);

        hold.CommandText = "ROLLBACK";
        await hold.ExecuteNonQueryAsync(Ct);
        (await store.Outbox.CountPendingAsync(Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task UpdatesWithAFixedView_AndPosts_AreNeverDropped()
    {
        var fixedUpdate = Build.Message() with { Kind = OutboxKind.Update, MessageRef = "slack:C1:1700.1", Payload = OutboxViews.Payload(new TextView("v1")) };
        await store.Outbox.EnqueueAsync(fixedUpdate, Ct);
        await store.Outbox.EnqueueAsync(fixedUpdate with { Id = "second", Payload = OutboxViews.Payload(new TextView("v2")) }, Ct);
        await store.Outbox.EnqueueAsync(Build.Message() with { MessageRef = "ballot:b/1:1", Payload = OutboxViews.Payload(new LiveBallotView("b", 1)), Live = true }, Ct);
        await store.Outbox.EnqueueAsync(Build.Message() with { MessageRef = "ballot:b/1:1", Payload = OutboxViews.Payload(new LiveBallotView("b", 1)), Live = true }, Ct);

        (await store.Outbox.CountPendingAsync(Ct)).ShouldBe(4);
    }

    [Fact]
    public async Task AFileFromBeforeTheCoalescingColumn_GetsIt_WhenOpened()
    {
        var path = Path.Combine(folder, "old.db");
        await using (var c = new SqliteConnection($"Data Source={path}"))
        {
            await c.OpenAsync(Ct);
            await using var create = c.CreateCommand();
            create.CommandText = """
                CREATE TABLE outbox (id TEXT NOT NULL PRIMARY KEY, status TEXT NOT NULL, next_attempt_at INTEGER NOT NULL,
                    lease_owner TEXT, lease_until INTEGER, created_at INTEGER NOT NULL, json TEXT NOT NULL, version INTEGER NOT NULL);
                """;
            await create.ExecuteNonQueryAsync(Ct);
        }

        var old = new SqliteTriageStore(path);
        await old.InitializeAsync(Ct);
        await old.InitializeAsync(Ct);
        await old.Outbox.EnqueueAsync(BallotUpdate(1), Ct);
        await old.Outbox.EnqueueAsync(BallotUpdate(1), Ct);

        (await old.Outbox.CountPendingAsync(Ct)).ShouldBe(1);
    }
}
