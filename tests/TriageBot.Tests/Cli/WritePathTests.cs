using Microsoft.Extensions.Time.Testing;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Playground;

namespace TriageBot.Tests.Cli;

/// <summary>The item writes outside chat — the CSV import, a restore, the demo seeder — go through the one write path and record their events.</summary>
public sealed class WritePathTests : IDisposable
{
    private readonly CliRun _cli = new();
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _cli.Dispose();

    private const string TwoItems = """
        title,stream,state,impact,confidence,rollback,delay
        Checkout button stays grey,bug,new,,,,
        Refund answers drift,model,ready,3,1,2,2
        """;

    private static Task<List<ItemEvent>> EventsAsync(ITriageStore store, string backlogId, CancellationToken ct) =>
        store.Events.ReadAsync(backlogId, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddYears(200), ct).ToListAsync(ct).AsTask();

    [Fact]
    public async Task Import_records_a_created_event_for_every_new_item_by_the_importer()
    {
        await _cli.CreateBacklogAsync();
        await File.WriteAllTextAsync(_cli.File("two.csv"), TwoItems, Ct);

        (await _cli.RunAsync("import", _cli.File("two.csv"), "--backlog", "payments")).ExitCode.ShouldBe(0);

        var events = await EventsAsync(await _cli.StoreAsync(), "payments", Ct);
        events.Select(e => (e.ItemNumber, e.Kind)).ShouldBe([(1, ItemEventKind.Created), (2, ItemEventKind.Created)], ignoreOrder: true);
        events.ShouldAllBe(e => e.Actor.Key == "playground:import");
        events.Single(e => e.ItemNumber == 2).State.ShouldBe(ItemState.Ready);
    }

    [Fact]
    public async Task Restore_records_a_restored_event_for_every_item_it_writes()
    {
        await _cli.CreateBacklogAsync();
        await File.WriteAllTextAsync(_cli.File("two.csv"), TwoItems, Ct);
        (await _cli.RunAsync("import", _cli.File("two.csv"), "--backlog", "payments")).ExitCode.ShouldBe(0);
        (await _cli.RunAsync("backup", "--backlog", "payments", "--out", "b.json")).ExitCode.ShouldBe(0);

        var restore = await _cli.RunAsync("restore", "b.json", "--backlog", "copy");

        restore.ExitCode.ShouldBe(0, restore.Error);
        var events = await EventsAsync(await _cli.StoreAsync(), "copy", Ct);
        events.Select(e => (e.ItemNumber, e.Kind)).ShouldBe([(1, ItemEventKind.Restored), (2, ItemEventKind.Restored)], ignoreOrder: true);
        events.ShouldAllBe(e => e.BacklogId == "copy");
    }

    [Fact]
    public async Task The_demo_seeder_records_a_created_event_for_every_item_it_seeds()
    {
        var store = await _cli.StoreAsync();

        await new DemoSeeder(store, new FakeTimeProvider(CliRun.Now)).SeedAsync(Ct);

        var items = new List<Item>();
        await foreach (var item in store.Items.QueryAsync(new ItemQuery(DemoSeeder.BacklogId), Ct))
        {
            items.Add(item);
        }

        var events = await EventsAsync(store, DemoSeeder.BacklogId, Ct);
        items.ShouldNotBeEmpty();
        events.Where(e => e.Kind == ItemEventKind.Created).Select(e => e.ItemNumber).Order().ShouldBe(items.Select(i => i.Number).Order());
    }
}
