using TriageBot.Core.Items;
using static TriageBot.Core.Tests.TestData;

namespace TriageBot.Core.Tests.Items;

public sealed class ItemEventsTests
{
    private static readonly DateTimeOffset Later = T0.AddHours(2);

    [Fact]
    public void An_item_with_nothing_before_it_was_created()
    {
        var events = ItemEvents.Of(null, Item(), Max, T0);

        var created = events.ShouldHaveSingleItem();
        created.Kind.ShouldBe(ItemEventKind.Created);
        created.BacklogId.ShouldBe(Backlog.Id);
        created.ItemNumber.ShouldBe(42);
        created.Actor.ShouldBe(Max);
        created.At.ShouldBe(T0);
        created.State.ShouldBe(ItemState.New);
    }

    [Fact]
    public void Closing_records_closed_with_the_state_it_came_from()
    {
        var item = Item(state: ItemState.Ready);
        var change = WorkRules.Close(item, "Duplicate of TRI-12", Pat, Later);

        var closed = ItemEvents.Of(item, change.Item, Pat, Later).ShouldHaveSingleItem();

        closed.Kind.ShouldBe(ItemEventKind.Closed);
        closed.From.ShouldBe(ItemState.Ready);
        closed.State.ShouldBe(ItemState.Closed);
    }

    [Fact]
    public void Promoting_from_the_icebox_records_a_placement()
    {
        var item = Item(state: ItemState.Icebox);
        var change = QueueRules.Promote(item, Pat, Later);

        ItemEvents.Of(item, change.Item, Pat, Later).ShouldHaveSingleItem().Kind.ShouldBe(ItemEventKind.Placed);
    }

    [Fact]
    public void Starting_work_records_a_state_change()
    {
        var item = Item(state: ItemState.Ready);
        var after = item with { State = ItemState.Active, Owner = Eve };

        var started = ItemEvents.Of(item, after, Eve, Later).ShouldHaveSingleItem();

        started.Kind.ShouldBe(ItemEventKind.StateChanged);
        started.From.ShouldBe(ItemState.Ready);
    }

    [Fact]
    public void A_capability_note_that_releases_a_held_placement_records_the_note_then_the_placement_in_order()
    {
        var item = Item(WorkStream.Feature);
        var after = item with
        {
            State = ItemState.Ready,
            Feature = (item.Feature ?? new FeatureFields()) with { CapabilityNote = new CapabilityNote("Days of work.", CapabilityScale.DaysFeature, Eve, Later) },
        };

        var events = ItemEvents.Of(item, after, Eve, Later);

        events.Select(e => e.Kind).ShouldBe([ItemEventKind.NoteAdded, ItemEventKind.Placed]);
        events.Select(e => e.Sequence).ShouldBe([0, 1]);
        events.Select(e => e.Id).Distinct().Count().ShouldBe(2);
    }

    [Fact]
    public void A_change_to_other_fields_records_changed_and_a_change_of_nothing_records_no_event()
    {
        var item = Item();

        ItemEvents.Of(item, item with { Title = "A clearer title" }, Pat, Later).ShouldHaveSingleItem().Kind.ShouldBe(ItemEventKind.Changed);
        ItemEvents.Of(item, item with { UpdatedAt = Later }, Pat, Later).ShouldBeEmpty();
    }

    [Fact]
    public void A_restored_item_records_one_restored_event_in_its_stored_state()
    {
        var restored = ItemEvents.Restored(Item(state: ItemState.Active), Pat, Later).ShouldHaveSingleItem();

        restored.Kind.ShouldBe(ItemEventKind.Restored);
        restored.State.ShouldBe(ItemState.Active);
    }
}
