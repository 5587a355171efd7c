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

    protected override async Task<ITrackerStore> OpenAsync()
    {
        var store = new SqliteTriageStore(Path.Combine(folder, "triagebot.db"));
        await store.InitializeAsync(Ct);
        await store.Trackers.InitializeAsync(Ct);
        return store.Backend.Trackers!;
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
    protected override async Task<ITrackerStore> OpenAsync()
    {
        var store = new TableTriageStore(new TableServiceClient(azurite.ConnectionString), AzuriteFixture.UniquePrefix());
        await store.InitializeAsync(Ct);
        await store.Trackers.InitializeAsync(Ct);
        return store.Backend.Trackers!;
    }
}

/// <summary>What both backends promise about tracker connections, links, the event cursor and webhook deliveries.</summary>
public abstract class TrackerStoreContract : IAsyncDisposable
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly UserRef Priya = new(Platform.Slack, "U1", "Priya");

    protected abstract Task<ITrackerStore> OpenAsync();

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
}
