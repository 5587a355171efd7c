using Azure.Data.Tables;
using Microsoft.Data.Sqlite;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Storage.Sqlite;
using TriageBot.Storage.Tables;
using TriageBot.Storage.Tests.Azurite;

namespace TriageBot.Storage.Tests;

public sealed class SqliteTrackerStoreTests : TrackerStoreContract
{
    private readonly string folder = Directory.CreateTempSubdirectory("triage-trackers-").FullName;

    protected override async Task<StorageBackend> OpenBackendAsync()
    {
        var store = new SqliteTriageStore(Path.Combine(folder, "triagebot.db"));
        await store.InitializeAsync(Ct);
        await store.Trackers.InitializeAsync(Ct);
        return store.Backend;
    }

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}

public sealed class TableTrackerStoreTests(AzuriteFixture azurite) : TrackerStoreContract
{
    protected override async Task<StorageBackend> OpenBackendAsync()
    {
        var store = new TableTriageStore(new TableServiceClient(azurite.ConnectionString), AzuriteFixture.UniquePrefix());
        await store.InitializeAsync(Ct);
        await store.Trackers.InitializeAsync(Ct);
        return store.Backend;
    }
}

/// <summary>What both backends promise about tracker connections, links, the event cursor and webhook deliveries.</summary>
public abstract class TrackerStoreContract : IAsyncDisposable
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly UserRef Priya = new(Platform.Slack, "U1", "Priya");

    protected abstract Task<StorageBackend> OpenBackendAsync();

    private async Task<ITrackerStore> OpenAsync() => (await OpenBackendAsync()).Trackers!;

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static TrackerLink Link(string backlog, int number) => new() { BacklogId = backlog, ItemNumber = number, Kind = TrackerKind.GitHub, LinkedAt = Now };

    [Fact]
    public async Task Connections_AreSavedPerBacklogAndKind_ListedAndDeletedOnce()
    {
        var store = await OpenAsync();
        var connection = new TrackerConnection
        {
            BacklogId = "pay/ments", Kind = TrackerKind.GitHub, Target = "acme/app", ConnectedBy = Priya, ConnectedAt = Now,
            People = new Dictionary<string, string> { ["octocat"] = "slack:U2" },
        };
        await store.SaveConnectionAsync(connection, Ct);
        await store.SaveConnectionAsync(connection with { Kind = TrackerKind.Jira, Target = "PAY" }, Ct);
        await store.SaveConnectionAsync(connection with { BacklogId = "other" }, Ct);
        await store.SaveCursorAsync(new TrackerCursor("pay/ments", Now), Ct);

        var read = await store.GetConnectionAsync("pay/ments", TrackerKind.GitHub, Ct);
        read!.Target.ShouldBe("acme/app");
        read.People["octocat"].ShouldBe("slack:U2");
        (await store.ListConnectionsAsync("pay/ments", Ct)).Select(c => c.Kind).ShouldBe([TrackerKind.GitHub, TrackerKind.Jira], ignoreOrder: true);
        (await store.ListConnectionsAsync(null, Ct)).Count.ShouldBe(3, "the cursor is not a connection");

        (await store.DeleteConnectionAsync("pay/ments", TrackerKind.GitHub, Ct)).ShouldBeTrue();
        (await store.DeleteConnectionAsync("pay/ments", TrackerKind.GitHub, Ct)).ShouldBeFalse();
        (await store.GetConnectionAsync("pay/ments", TrackerKind.GitHub, Ct)).ShouldBeNull();
        (await store.GetCursorAsync("pay/ments", Ct))!.At.ShouldBe(Now);
    }

    [Fact]
    public async Task ALink_IsInsertedOnce_AndReplacedOnlyWithTheVersionItWasReadAt()
    {
        var store = await OpenAsync();
        var saved = await store.SaveLinkAsync(Link("b", 42), null, Ct);

        await Should.ThrowAsync<DuplicateKeyException>(() => store.SaveLinkAsync(Link("b", 42), null, Ct));
        var changed = await store.SaveLinkAsync(saved.Value with { Pending = true }, saved.ETag, Ct);
        await Should.ThrowAsync<ConcurrencyException>(() => store.SaveLinkAsync(saved.Value with { Attempts = 9 }, saved.ETag, Ct));

        var read = await store.GetLinkAsync("b", 42, TrackerKind.GitHub, Ct);
        read!.Value.Pending.ShouldBeTrue();
        read.Value.Attempts.ShouldBe(0);
        read.ETag.ShouldBe(changed.ETag);
        (await store.GetLinkAsync("b", 42, TrackerKind.Jira, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task Links_AreFoundByTheirIssue_InEveryBacklogThatLinkedIt()
    {
        var store = await OpenAsync();
        await store.SaveLinkAsync(Link("a", 1) with { IssueId = "5000001", IssueKey = "acme/app#1" }, null, Ct);
        await store.SaveLinkAsync(Link("b", 7) with { IssueId = "5000001", IssueKey = "acme/app#1" }, null, Ct);
        await store.SaveLinkAsync(Link("a", 2) with { IssueId = "5000002" }, null, Ct);
        var moved = await store.SaveLinkAsync(Link("a", 3) with { IssueId = "5000001" }, null, Ct);
        await store.SaveLinkAsync(moved.Value with { IssueId = "5000003" }, moved.ETag, Ct);

        var found = await store.FindByIssueAsync(TrackerKind.GitHub, "5000001", Ct);

        found.Select(l => (l.BacklogId, l.ItemNumber)).ShouldBe([("a", 1), ("b", 7)], ignoreOrder: true);
        (await store.FindByIssueAsync(TrackerKind.Jira, "5000001", Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task DueLinks_ArePendingUnfailedLinksWhoseTimeCame_WithNoLiveLease()
    {
        var store = await OpenAsync();
        await store.SaveLinkAsync(Link("b", 1) with { Pending = true, NextAttemptAt = Now.AddMinutes(-1) }, null, Ct);
        await store.SaveLinkAsync(Link("b", 2) with { Pending = true, NextAttemptAt = Now.AddMinutes(5) }, null, Ct);
        await store.SaveLinkAsync(Link("b", 3) with { Pending = true, NextAttemptAt = Now, Failed = true }, null, Ct);
        await store.SaveLinkAsync(Link("b", 4) with { Pending = false, NextAttemptAt = Now }, null, Ct);
        await store.SaveLinkAsync(Link("b", 5) with { Pending = true, NextAttemptAt = Now, LeaseUntil = Now.AddMinutes(1), LeaseOwner = "x" }, null, Ct);
        await store.SaveLinkAsync(Link("b", 6) with { Pending = true, NextAttemptAt = Now, LeaseUntil = Now.AddMinutes(-1), LeaseOwner = "x" }, null, Ct);

        var due = await store.DueLinksAsync(Now, 10, Ct);

        due.Select(d => d.Value.ItemNumber).ShouldBe([1, 6], ignoreOrder: true);
    }

    [Fact]
    public async Task ADelivery_IsRecordedOnce_AndLeavesThePendingListWhenHandled()
    {
        var store = await OpenAsync();
        var delivery = new TrackerDelivery
        {
            Kind = TrackerKind.GitHub, DeliveryId = "72d3162e-cc78-11e3-81ab-4c9367dc0958", ReceivedAt = Now, IssueId = "5000001",
            IssueKey = "acme/app#1", Change = TrackerChangeKind.Completed, Sender = "octocat",
        };

        (await store.TryRecordDeliveryAsync(delivery, Ct)).ShouldBeTrue();
        (await store.TryRecordDeliveryAsync(delivery with { Change = TrackerChangeKind.Reopened }, Ct)).ShouldBeFalse();
        (await store.TryRecordDeliveryAsync(delivery with { Kind = TrackerKind.Jira }, Ct)).ShouldBeTrue("another tracker's ids are its own");

        var pending = await store.PendingDeliveriesAsync(10, Ct);
        pending.Count.ShouldBe(2);
        pending.Single(d => d.Kind == TrackerKind.GitHub).Change.ShouldBe(TrackerChangeKind.Completed);

        await store.MarkDeliveryHandledAsync(pending.Single(d => d.Kind == TrackerKind.GitHub), Ct);
        (await store.PendingDeliveriesAsync(10, Ct)).Single().Kind.ShouldBe(TrackerKind.Jira);
        (await store.TryRecordDeliveryAsync(delivery, Ct)).ShouldBeFalse("a handled delivery's replay is still a replay");
    }

    [Fact]
    public async Task HandledDeliveries_ReceivedBeforeTheCutoff_ArePurged_AndPendingOrNewerOnesStay()
    {
        var store = await OpenAsync();
        TrackerDelivery Delivery(string id, DateTimeOffset at) => new()
        {
            Kind = TrackerKind.GitHub, DeliveryId = id, ReceivedAt = at, IssueId = "1", IssueKey = "acme/app#1", Change = TrackerChangeKind.Completed,
        };
        var old = Delivery("old-" + Guid.NewGuid().ToString("N"), Now.AddDays(-8));
        var oldPending = Delivery("old-pending-" + Guid.NewGuid().ToString("N"), Now.AddDays(-8));
        var recent = Delivery("recent-" + Guid.NewGuid().ToString("N"), Now.AddDays(-1));
        foreach (var d in new[] { old, oldPending, recent })
        {
            (await store.TryRecordDeliveryAsync(d, Ct)).ShouldBeTrue();
        }

        await store.MarkDeliveryHandledAsync(old, Ct);
        await store.MarkDeliveryHandledAsync(recent, Ct);

        (await store.PurgeDeliveriesAsync(Now.AddDays(-7), Ct)).ShouldBe(1);

        (await store.TryRecordDeliveryAsync(old, Ct)).ShouldBeTrue("its id no longer de-duplicates");
        (await store.TryRecordDeliveryAsync(recent, Ct)).ShouldBeFalse("a recent delivery still de-duplicates");
        (await store.PendingDeliveriesAsync(10, Ct)).Select(d => d.DeliveryId).ShouldContain(oldPending.DeliveryId, "an unhandled delivery is never purged");
        (await store.PurgeDeliveriesAsync(Now.AddDays(-7), Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task DeletingABacklog_RemovesItsConnectionsCursorAndLinks_AndLeavesOtherBacklogsAlone()
    {
        var backend = await OpenBackendAsync();
        var store = backend.Trackers!;
        var (doomed, kept) = ("doomed-" + Guid.NewGuid().ToString("N")[..8], "kept-" + Guid.NewGuid().ToString("N")[..8]);
        var issue = "issue-" + Guid.NewGuid().ToString("N");
        foreach (var backlog in new[] { doomed, kept })
        {
            await backend.Store.Backlogs.TryCreateAsync(Build.Backlog(backlog), Ct);
            await store.SaveConnectionAsync(new TrackerConnection { BacklogId = backlog, Kind = TrackerKind.GitHub, Target = "acme/app", ConnectedBy = Priya, ConnectedAt = Now }, Ct);
            await store.SaveCursorAsync(new TrackerCursor(backlog, Now), Ct);
            await store.SaveLinkAsync(Link(backlog, 1) with { IssueId = issue, IssueKey = "acme/app#1", Pending = true, NextAttemptAt = Now }, null, Ct);
            await store.SaveLinkAsync(Link(backlog, 2), null, Ct);
        }

        await backend.Administration.DeleteBacklogAsync(doomed, Ct);

        (await store.ListConnectionsAsync(doomed, Ct)).ShouldBeEmpty();
        (await store.GetCursorAsync(doomed, Ct)).ShouldBeNull();
        (await store.GetLinkAsync(doomed, 1, TrackerKind.GitHub, Ct)).ShouldBeNull();
        (await store.GetLinkAsync(doomed, 2, TrackerKind.GitHub, Ct)).ShouldBeNull();
        (await store.FindByIssueAsync(TrackerKind.GitHub, issue, Ct)).Select(l => l.BacklogId).ShouldBe([kept]);
        (await store.DueLinksAsync(Now.AddMinutes(1), 100, Ct)).ShouldAllBe(l => l.Value.BacklogId != doomed);
        (await store.ListConnectionsAsync(kept, Ct)).ShouldHaveSingleItem();
        (await store.GetLinkAsync(kept, 2, TrackerKind.GitHub, Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task RestoringABacklog_KeepsItsConnectionAndTheLinksOfRestoredItems_AndDropsLinksToItemsItNoLongerHas()
    {
        var backend = await OpenBackendAsync();
        var store = backend.Trackers!;
        var backlog = Build.Backlog();
        await backend.Store.Backlogs.TryCreateAsync(backlog, Ct);
        await store.SaveConnectionAsync(new TrackerConnection { BacklogId = backlog.Id, Kind = TrackerKind.Jira, Target = "PAY", ConnectedBy = Priya, ConnectedAt = Now }, Ct);
        for (var n = 1; n <= 3; n++)
        {
            await store.SaveLinkAsync(Link(backlog.Id, n) with { Kind = TrackerKind.Jira, IssueId = $"{backlog.Id}-{n}", IssueKey = $"PAY-{n}" }, null, Ct);
        }

        await backend.Administration.RestoreAsync(new BacklogRestore
        {
            Backlog = backlog,
            Members = [],
            Bindings = [],
            Counter = 2,
            Records = new object[] { Build.Item(backlog.Id, 1), Build.Item(backlog.Id, 2) }.ToAsyncEnumerable(),
            Replace = true,
        }, Ct);

        (await store.GetConnectionAsync(backlog.Id, TrackerKind.Jira, Ct)).ShouldNotBeNull();
        (await store.GetLinkAsync(backlog.Id, 1, TrackerKind.Jira, Ct))!.Value.IssueKey.ShouldBe("PAY-1");
        (await store.GetLinkAsync(backlog.Id, 2, TrackerKind.Jira, Ct)).ShouldNotBeNull();
        (await store.GetLinkAsync(backlog.Id, 3, TrackerKind.Jira, Ct)).ShouldBeNull("item 3 is not in the restored backlog");
        (await store.FindByIssueAsync(TrackerKind.Jira, $"{backlog.Id}-3", Ct)).ShouldBeEmpty();
        (await store.FindByIssueAsync(TrackerKind.Jira, $"{backlog.Id}-1", Ct)).ShouldHaveSingleItem();
    }
    [Fact]
    public async Task RestoringABacklog_QueuesAPushOfEveryKeptLinkWithAnIssue_SoAPushUnderWayFinishesAsPending_AndStoppedLinksStayStopped()
    {
        var backend = await OpenBackendAsync();
        var store = backend.Trackers!;
        var backlog = Build.Backlog();
        await backend.Store.Backlogs.TryCreateAsync(backlog, Ct);
        await store.SaveConnectionAsync(new TrackerConnection { BacklogId = backlog.Id, Kind = TrackerKind.GitHub, Target = "acme/app", ConnectedBy = Priya, ConnectedAt = Now }, Ct);
        var pushed = await store.SaveLinkAsync(Link(backlog.Id, 1) with { IssueId = $"{backlog.Id}-1", IssueKey = "acme/app#1", NextAttemptAt = Now }, null, Ct);
        await store.SaveLinkAsync(Link(backlog.Id, 2) with { IssueId = $"{backlog.Id}-2", IssueKey = "acme/app#2", Failed = true, LastError = "404" }, null, Ct);
        await store.SaveLinkAsync(Link(backlog.Id, 3), null, Ct);

        await backend.Administration.RestoreAsync(new BacklogRestore
        {
            Backlog = backlog,
            Members = [],
            Bindings = [],
            Counter = 3,
            Records = new object[] { Build.Item(backlog.Id, 1), Build.Item(backlog.Id, 2), Build.Item(backlog.Id, 3) }.ToAsyncEnumerable(),
            Replace = true,
        }, Ct);

        var queued = (await store.GetLinkAsync(backlog.Id, 1, TrackerKind.GitHub, Ct))!;
        queued.Value.Pending.ShouldBeTrue("the restored item is pushed without waiting for its next change");
        queued.Value.IssueKey.ShouldBe("acme/app#1");
        (await store.DueLinksAsync(Now.AddMinutes(1), 100, Ct)).Where(l => l.Value.BacklogId == backlog.Id).Select(l => l.Value.ItemNumber).ShouldBe([1]);
        // A push that read the link before the restore cannot finish over it: it finishes as pending again.
        await Should.ThrowAsync<ConcurrencyException>(() => store.SaveLinkAsync(pushed.Value with { Pending = false }, pushed.ETag, Ct));
        (await store.GetLinkAsync(backlog.Id, 2, TrackerKind.GitHub, Ct))!.Value.ShouldSatisfyAllConditions(l => l.Failed.ShouldBeTrue(), l => l.Pending.ShouldBeFalse());
        (await store.GetLinkAsync(backlog.Id, 3, TrackerKind.GitHub, Ct))!.Value.Pending.ShouldBeFalse("no issue yet, and a restore is not a placement");
    }
    [Fact]
    public async Task DeletingABacklog_RemovesTheWebhookDeliveryRecordsOfTheIssuesOnlyItLinks_AndKeepsThoseOfIssuesAnotherBacklogLinks()
    {
        var backend = await OpenBackendAsync();
        var store = backend.Trackers!;
        var (doomed, kept) = ("doomed-" + Guid.NewGuid().ToString("N")[..8], "kept-" + Guid.NewGuid().ToString("N")[..8]);
        var (own, shared, others, unknown) = ("own-" + Guid.NewGuid().ToString("N"), "shared-" + Guid.NewGuid().ToString("N"), "others-" + Guid.NewGuid().ToString("N"), "unknown-" + Guid.NewGuid().ToString("N"));
        foreach (var backlog in new[] { doomed, kept })
        {
            await backend.Store.Backlogs.TryCreateAsync(Build.Backlog(backlog), Ct);
        }

        await store.SaveLinkAsync(Link(doomed, 1) with { IssueId = own, IssueKey = "acme/app#1" }, null, Ct);
        await store.SaveLinkAsync(Link(doomed, 2) with { IssueId = shared, IssueKey = "acme/app#2" }, null, Ct);
        await store.SaveLinkAsync(Link(kept, 7) with { IssueId = shared, IssueKey = "acme/app#2" }, null, Ct);
        await store.SaveLinkAsync(Link(kept, 8) with { IssueId = others, IssueKey = "acme/app#3" }, null, Ct);
        TrackerDelivery Delivery(string issue, int n) => new()
        {
            Kind = TrackerKind.GitHub, DeliveryId = $"{issue}-{n}", ReceivedAt = Now, IssueId = issue, IssueKey = "acme/app#1", Change = TrackerChangeKind.Reopened,
        };
        var all = new[] { Delivery(own, 1), Delivery(own, 2), Delivery(shared, 1), Delivery(others, 1), Delivery(unknown, 1) };
        foreach (var d in all)
        {
            (await store.TryRecordDeliveryAsync(d, Ct)).ShouldBeTrue();
        }

        await store.MarkDeliveryHandledAsync(all[0], Ct);

        await backend.Administration.DeleteBacklogAsync(doomed, Ct);

        // A record that is gone accepts its id again; one that stays refuses it as a replay.
        (await store.TryRecordDeliveryAsync(all[0], Ct)).ShouldBeTrue("the handled delivery of the deleted backlog's own issue is gone");
        (await store.TryRecordDeliveryAsync(all[1], Ct)).ShouldBeTrue("so is its pending one");
        (await store.TryRecordDeliveryAsync(all[2], Ct)).ShouldBeFalse("the shared issue's record still de-duplicates the other backlog's deliveries");
        (await store.TryRecordDeliveryAsync(all[3], Ct)).ShouldBeFalse("another backlog's issue");
        (await store.TryRecordDeliveryAsync(all[4], Ct)).ShouldBeFalse("an issue nobody links is left to the purge");
        (await store.GetLinkAsync(kept, 7, TrackerKind.GitHub, Ct)).ShouldNotBeNull();
    }
}
