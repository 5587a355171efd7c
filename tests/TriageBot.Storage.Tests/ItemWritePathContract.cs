using Azure.Data.Tables;
using Microsoft.Data.Sqlite;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Storage.Sqlite;
using TriageBot.Storage.Tables;
using TriageBot.Storage.Tests.Azurite;

namespace TriageBot.Storage.Tests;

/// <summary>
/// The one write path of items (<see cref="IItemWrites"/>) and the domain events it records (<see cref="IItemEventFeed"/>),
/// as every backend must keep them. Each backend runs all of it through a subclass; every test gets a fresh, empty store.
/// </summary>
public abstract class ItemWritePathContract : IAsyncLifetime
{
    protected ITriageStore Store { get; private set; } = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected abstract Task<ITriageStore> OpenAsync();

    public virtual async ValueTask InitializeAsync() => Store = await OpenAsync();

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static readonly UserRef Ada = Build.User();

    [Fact]
    public async Task A_new_item_is_stored_with_its_history_its_created_event_and_its_message()
    {
        var backlog = Build.Id();
        var item = Build.Item(backlog, 1);
        var message = Build.Message();

        var saved = await Store.Writes.WriteAsync(
            ItemWrite.Created(item, [Build.History(backlog, 1, Build.T0, HistoryKind.Created)], Ada, Build.T0) with { Outbox = [message] }, Ct);

        saved.ETag.ShouldNotBeNullOrEmpty();
        (await Store.Items.GetAsync(backlog, 1, Ct))!.Value.Title.ShouldBe("Item 1");
        (await Store.History.ForItemAsync(backlog, 1, Ct).ToListAsync(Ct)).Select(h => h.Kind).ShouldBe([HistoryKind.Created]);
        var events = await EventsAsync(backlog);
        events.ShouldHaveSingleItem().Kind.ShouldBe(ItemEventKind.Created);
        events[0].ItemNumber.ShouldBe(1);
        events[0].Actor.ShouldBe(Ada);
        events[0].State.ShouldBe(ItemState.New);
        (await Store.Outbox.CountPendingAsync(Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task A_change_is_stored_against_the_ETag_it_was_read_with_and_records_what_happened()
    {
        var backlog = Build.Id();
        var item = Build.Item(backlog, 1);
        var first = await Store.Writes.WriteAsync(ItemWrite.Created(item, [], Ada, Build.T0), Ct);
        var placed = item with { State = ItemState.Ready };

        var second = await Store.Writes.WriteAsync(
            ItemWrite.Changed(item, first.ETag, new ItemChange(placed, [Build.History(backlog, 1, Build.T0.AddMinutes(1), to: "Ready")]), Ada, Build.T0.AddMinutes(1)), Ct);

        second.ETag.ShouldNotBe(first.ETag);
        (await Store.Items.GetAsync(backlog, 1, Ct))!.Value.State.ShouldBe(ItemState.Ready);
        (await Store.History.ForItemAsync(backlog, 1, Ct).ToListAsync(Ct)).ShouldHaveSingleItem().To.ShouldBe("Ready");
        var events = await EventsAsync(backlog);
        events.Select(e => e.Kind).ShouldBe([ItemEventKind.Created, ItemEventKind.Placed]);
        events[1].From.ShouldBe(ItemState.New);
        events[1].State.ShouldBe(ItemState.Ready);
    }

    [Fact]
    public async Task A_change_with_a_stale_ETag_is_refused_and_stores_no_item_history_event_or_message()
    {
        var backlog = Build.Id();
        var item = Build.Item(backlog, 1);
        var first = await Store.Writes.WriteAsync(ItemWrite.Created(item, [], Ada, Build.T0), Ct);
        await Store.Writes.WriteAsync(ItemWrite.Changed(item, first.ETag, new ItemChange(item with { Title = "Won" }, []), Ada, Build.T0.AddMinutes(1)), Ct);

        var late = ItemWrite.Changed(item, first.ETag, new ItemChange(item with { State = ItemState.Closed, Title = "Lost" },
            [Build.History(backlog, 1, Build.T0.AddMinutes(2), to: "Closed")]), Ada, Build.T0.AddMinutes(2)) with { Outbox = [Build.Message()] };
        await Should.ThrowAsync<ConcurrencyException>(() => Store.Writes.WriteAsync(late, Ct));

        (await Store.Items.GetAsync(backlog, 1, Ct))!.Value.Title.ShouldBe("Won");
        (await Store.History.ForItemAsync(backlog, 1, Ct).ToListAsync(Ct)).ShouldBeEmpty();
        (await EventsAsync(backlog)).Select(e => e.Kind).ShouldBe([ItemEventKind.Created, ItemEventKind.Changed]);
        (await Store.Outbox.CountPendingAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task A_new_item_whose_number_is_taken_is_refused_and_records_nothing()
    {
        var backlog = Build.Id();
        await Store.Writes.WriteAsync(ItemWrite.Created(Build.Item(backlog, 1), [], Ada, Build.T0), Ct);

        var again = ItemWrite.Created(Build.Item(backlog, 1, title: "Second"), [Build.History(backlog, 1, Build.T0.AddMinutes(3), HistoryKind.Created)], Ada, Build.T0.AddMinutes(3));
        await Should.ThrowAsync<DuplicateKeyException>(() => Store.Writes.WriteAsync(again, Ct));

        (await Store.Items.GetAsync(backlog, 1, Ct))!.Value.Title.ShouldBe("Item 1");
        (await Store.History.ForItemAsync(backlog, 1, Ct).ToListAsync(Ct)).ShouldBeEmpty();
        (await EventsAsync(backlog)).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_message_already_queued_by_an_earlier_attempt_does_not_stop_the_write()
    {
        var backlog = Build.Id();
        var message = Build.Message("request-1:created");
        await Store.Outbox.EnqueueAsync(message, Ct);

        await Store.Writes.WriteAsync(ItemWrite.Created(Build.Item(backlog, 1), [], Ada, Build.T0) with { Outbox = [message] }, Ct);

        (await Store.Items.GetAsync(backlog, 1, Ct)).ShouldNotBeNull();
        (await Store.Outbox.CountPendingAsync(Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task Events_are_read_per_backlog_in_time_order_within_the_range_asked_for()
    {
        var backlog = Build.Id();
        var other = Build.Id();
        for (var n = 1; n <= 3; n++)
        {
            await Store.Writes.WriteAsync(ItemWrite.Created(Build.Item(backlog, n), [], Ada, Build.T0.AddHours(3 - n)), Ct);
        }

        await Store.Writes.WriteAsync(ItemWrite.Created(Build.Item(other, 1), [], Ada, Build.T0), Ct);

        (await EventsAsync(backlog)).Select(e => e.ItemNumber).ShouldBe([3, 2, 1]);
        (await Store.Events.ReadAsync(backlog, Build.T0.AddHours(1), Build.T0.AddHours(2), Ct).ToListAsync(Ct)).ShouldHaveSingleItem().ItemNumber.ShouldBe(2);
        (await EventsAsync(other)).ShouldHaveSingleItem().BacklogId.ShouldBe(other);
    }

    [Fact]
    public async Task The_events_of_one_change_are_read_in_their_order_with_the_ids_they_were_recorded_with()
    {
        var backlog = Build.Id();
        var item = Build.Item(backlog, 1, WorkStream.Feature) with { Feature = new FeatureFields() };
        var first = await Store.Writes.WriteAsync(ItemWrite.Created(item, [], Ada, Build.T0), Ct);
        var noted = item with
        {
            State = ItemState.Ready,
            Feature = new FeatureFields { CapabilityNote = new CapabilityNote("Days of work.", CapabilityScale.DaysFeature, Ada, Build.T0.AddMinutes(5)) },
        };
        var write = ItemWrite.Changed(item, first.ETag, new ItemChange(noted, []), Ada, Build.T0.AddMinutes(5));

        await Store.Writes.WriteAsync(write, Ct);

        var events = (await EventsAsync(backlog)).Skip(1).ToList();
        events.Select(e => e.Kind).ShouldBe([ItemEventKind.NoteAdded, ItemEventKind.Placed]);
        events.Select(e => e.Id).ShouldBe(write.Events.Select(e => e.Id));
    }

    private async Task<List<ItemEvent>> EventsAsync(string backlogId) =>
        await Store.Events.ReadAsync(backlogId, DateTimeOffset.MinValue.AddYears(1), DateTimeOffset.MaxValue.AddYears(-1), Ct).ToListAsync(Ct);
}

/// <summary>The write path on SQLite: a temp file per test.</summary>
public sealed class SqliteItemWritePathTests : ItemWritePathContract
{
    private readonly string folder = Directory.CreateTempSubdirectory("triage-writes-").FullName;

    protected override async Task<ITriageStore> OpenAsync()
    {
        var store = new SqliteTriageStore(Path.Combine(folder, "triagebot.db"));
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        return store;
    }

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>The write path on Azure Table Storage, through Azurite: a fresh table prefix per test.</summary>
public sealed class TableItemWritePathTests(AzuriteFixture azurite) : ItemWritePathContract
{
    protected override async Task<ITriageStore> OpenAsync()
    {
        var store = new TableTriageStore(new TableServiceClient(azurite.ConnectionString, TableContractTests.TestClientOptions()), AzuriteFixture.UniquePrefix());
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        return store;
    }
}
