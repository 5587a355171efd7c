using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using static TriageBot.Tests.Conversation.ConversationHarness;

namespace TriageBot.Tests.Conversation;

/// <summary>Posts stay true: when an item changes, its intake confirmation and capability-note request are updated through the outbox.</summary>
public sealed class PostsStayTrueTests : IAsyncLifetime
{
    private ConversationHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await ConversationHarness.CreateAsync();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    private static string Ref(Item item) => $"{item.BacklogId}/{item.Number}";

    /// <summary>What the delivery worker does once a post went out: remember where it is, so later updates find it.</summary>
    private async Task DeliveredAsync(string messageRef, string ts)
    {
        var posted = (await _h.PendingAsync()).Where(m => m.Kind == OutboxKind.Post && m.MessageRef == messageRef).ShouldHaveSingleItem();
        await _h.Store.MessageRefs.SetAsync(messageRef, posted.Target, ts, CancellationToken.None);
    }

    private async Task<View> UpdateOfAsync(string messageRef)
    {
        var update = (await _h.PendingAsync()).Where(m => m.Kind == OutboxKind.Update && m.MessageRef == messageRef).ShouldHaveSingleItem();
        return (await _h.Core.Views.ResolveAsync(update.ToView(), CancellationToken.None)).ShouldNotBeNull();
    }

    [Fact]
    public async Task SavingTheCapabilityNote_UpdatesTheNoteRequest_ItLosesItsButtonAndSaysWhoAddedTheNote()
    {
        await _h.SetUpAsync();
        var feature = await _h.ReportAsync(Sam, "feature", "Summaries in Slack");
        var noteRequest = LiveItemPostView.Ref(LiveItemPostView.NoteRequest, Ref(feature));
        await DeliveredAsync(noteRequest, "1700000000.000200");

        var form = (await _h.Command(Eli, $"note {feature.Key}")).ShouldBeOfType<OpenFormOutcome>().Form;
        (await _h.Submit(Eli, form, new Dictionary<string, string> { [FieldIds.NoteText] = "Needs channel metadata in the index.", [FieldIds.NoteScale] = "days" }))
            .ShouldBeOfType<CloseFormOutcome>();

        var view = (await UpdateOfAsync(noteRequest)).ShouldBeOfType<CapabilityNoteRequestView>();
        view.Outcome.ShouldBe("Capability note added by Eli on 2026-11-02.");
        view.Item.Key.ShouldBe(feature.Key);
    }

    [Fact]
    public async Task ScoringAnItem_UpdatesItsIntakeConfirmation_ToItsNewStateWithoutTheScoreButton()
    {
        await _h.SetUpAsync();
        var bug = await _h.ReportAsync(Sam, "bug", "Export fails");
        var created = LiveItemPostView.Ref(LiveItemPostView.Created, Ref(bug));
        await DeliveredAsync(created, "1700000000.000300");

        await _h.VoteAsync(Priya, bug, 2, 2, 2, 2);
        var finalize = (OpenFormOutcome)await _h.Button(Priya, ButtonIds.Finalize, Ref(bug));
        (await _h.Submit(Priya, finalize.Form, new Dictionary<string, string>())).ShouldBeOfType<CloseFormOutcome>();

        var view = (await UpdateOfAsync(created)).ShouldBeOfType<ItemCreatedView>();
        view.Item.State.ShouldBe(ItemState.Ready);
        view.Reporter.ShouldBe(Sam);
        view.Actions.Select(a => a.ActionId).ShouldBe([ButtonIds.Show]);
    }

    [Fact]
    public async Task ClosingAFeatureThatStillWaitedForANote_SaysSoOnTheNoteRequest()
    {
        await _h.SetUpAsync();
        var feature = await _h.ReportAsync(Sam, "feature", "Dark mode");
        var noteRequest = LiveItemPostView.Ref(LiveItemPostView.NoteRequest, Ref(feature));
        await DeliveredAsync(noteRequest, "1700000000.000400");

        (await _h.Command(Priya, $"close {feature.Key} Out of scope for this year")).ShouldBeOfType<ReplyOutcome>();

        (await UpdateOfAsync(noteRequest)).ShouldBeOfType<CapabilityNoteRequestView>().Outcome.ShouldBe($"{feature.Key} is closed; no note is needed.");
    }
}
