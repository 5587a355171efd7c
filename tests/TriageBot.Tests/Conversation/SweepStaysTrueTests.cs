using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using static TriageBot.Tests.Conversation.ConversationHarness;

namespace TriageBot.Tests.Conversation;

/// <summary>
/// The posted icebox sweep stays true (issue 17): each row has one "Decide…" (issue 19), and when a listed item is closed,
/// promoted, kept or sent to re-scoring — from the sweep or by any other command — the post is updated through the outbox:
/// the row loses its button and says what happened and who did it.
/// </summary>
public sealed class SweepStaysTrueTests : IAsyncLifetime
{
    private ConversationHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await ConversationHarness.CreateAsync();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    private static string Ref(Item item) => $"{item.BacklogId}/{item.Number}";

    /// <summary>Four bugs scored into the icebox, then seven months pass; the sweep is posted and delivered.</summary>
    private async Task<(List<Item> Items, string PostRef)> PostedSweepAsync()
    {
        await _h.SetUpAsync();
        var items = new List<Item>();
        foreach (var title in new[] { "Tooltip typo", "Legacy export format", "Old browser warning", "Keyboard shortcut clash" })
        {
            var bug = await _h.ReportAsync(Sam, "bug", title);
            await _h.VoteAsync(Priya, bug, 1, 1, 1, 1);
            var finalize = (OpenFormOutcome)await _h.Button(Priya, ButtonIds.Finalize, Ref(bug));
            (await _h.Submit(Priya, finalize.Form, new Dictionary<string, string>())).ShouldBeOfType<CloseFormOutcome>();
            (await _h.GetAsync(bug)).State.ShouldBe(ItemState.Icebox);
            items.Add(bug);
        }

        _h.Clock.Advance(TimeSpan.FromDays(7 * 31));
        (await _h.Command(Priya, "report icebox")).ShouldBeOfType<NoOutcome>(); // one post: the acknowledgement, updated into the sweep
        var pending = await _h.PendingAsync();
        var post = pending.Where(m => m.Kind == OutboxKind.Post && m.MessageRef?.StartsWith("sweep:", StringComparison.Ordinal) == true).ShouldHaveSingleItem();
        post.ToView().ShouldBeOfType<TextView>().Text.ShouldStartWith("Preparing the icebox sweep list");
        pending.Where(m => m.Kind == OutboxKind.Update && m.MessageRef == post.MessageRef).ShouldHaveSingleItem().Live.ShouldBeTrue();
        await _h.Store.MessageRefs.SetAsync(post.MessageRef!, post.Target, "1700000000.000900", CancellationToken.None);
        return (items, post.MessageRef!);
    }

    private async Task<ReportView> LatestUpdateAsync(string postRef)
    {
        var update = (await _h.PendingAsync()).Where(m => m.Kind == OutboxKind.Update && m.MessageRef == postRef).ShouldHaveSingleItem();
        update.Live.ShouldBeTrue();
        return (await _h.Core.Views.ResolveAsync(update.ToView(), CancellationToken.None)).ShouldBeOfType<ReportView>();
    }

    /// <summary>Everything queued so far went out.</summary>
    private async Task SentAsync()
    {
        foreach (var l in await _h.Store.Outbox.LeaseAsync("test", _h.Clock.GetUtcNow().AddYears(1), TimeSpan.FromMinutes(1), 500, CancellationToken.None))
        {
            await _h.Store.Outbox.UpdateAsync(l.Value with { Status = OutboxStatus.Sent, LeaseOwner = null, LeaseUntil = null }, l.ETag, CancellationToken.None);
        }
    }

    private static ReportSection Row(ReportView view, Item item) => view.Sections.Single(s => s.Heading.StartsWith(item.Key + " ", StringComparison.Ordinal));

    [Fact]
    public async Task ThePostedSweep_GivesEachRowOneDecideButton_ThatOpensTheDecisionDialog_ForAFacilitatorOnly()
    {
        var (items, postRef) = await PostedSweepAsync();
        var view = await LatestUpdateAsync(postRef);

        view.Sections.Select(s => s.Heading).ShouldBe(items.Select(i => $"{i.Key} {i.Title}"));
        view.Sections.ShouldAllBe(s => s.Actions.Count == 1 && s.Actions[0].ActionId == ButtonIds.SweepDecide && s.Actions[0].Label == "Decide…");
        var dialog = (await _h.Button(Priya, ButtonIds.SweepDecide, Ref(items[0]))).ShouldBeOfType<OpenFormOutcome>().Form;
        dialog.FormId.ShouldBe(FormIds.SweepDecision);
        dialog.Fields[0].Choices.Select(c => c.Value).ShouldBe([SweepForms.Close, SweepForms.Promote, SweepForms.Keep, SweepForms.Rescore]);
        (await _h.Button(Sam, ButtonIds.SweepDecide, Ref(items[0]))).ShouldNotBeOfType<OpenFormOutcome>(); // refused before anything is typed
    }

    [Fact]
    public async Task ClosingFromTheSweepsDialog_UpdatesThePostedSweep_TheRowSaysWhoClosedItAndWhy_WithoutAButton()
    {
        var (items, postRef) = await PostedSweepAsync();
        var dialog = ((OpenFormOutcome)await _h.Button(Priya, ButtonIds.SweepDecide, Ref(items[0]))).Form;

        await SentAsync(); // the sweep went out; what follows is the update the decision queues
        (await _h.Submit(Priya, dialog, new Dictionary<string, string> { [SweepForms.DecisionField] = SweepForms.Close, [SweepForms.TextField] = "Nobody has asked in a year." }))
            .ShouldBeOfType<CloseFormOutcome>();

        (await _h.GetAsync(items[0])).State.ShouldBe(ItemState.Closed);
        var view = await LatestUpdateAsync(postRef);
        var row = Row(view, items[0]);
        row.Actions.ShouldBeEmpty();
        row.Lines.ShouldHaveSingleItem().Text.ShouldBe("✓ Closed by Priya on Mon 7 Jun 2027: Nobody has asked in a year.");
        view.Sections.Where(s => s != row).ShouldAllBe(s => s.Actions.Count == 1);
        view.Subtitle.ShouldEndWith("· 1 of 4 decided");
    }

    [Fact]
    public async Task ARefusedDecision_KeepsWhatWasTyped_AndChangesNothing()
    {
        var (items, postRef) = await PostedSweepAsync();
        var dialog = ((OpenFormOutcome)await _h.Button(Priya, ButtonIds.SweepDecide, Ref(items[1]))).Form;
        await SentAsync();

        var refused = (await _h.Submit(Priya, dialog, new Dictionary<string, string> { [SweepForms.DecisionField] = SweepForms.Keep, [SweepForms.TextField] = "no" }))
            .ShouldBeOfType<FormErrorsOutcome>().Form;

        refused.Errors.ShouldHaveSingleItem().Field.ShouldBe(SweepForms.TextField);
        refused.Values[SweepForms.TextField].ShouldBe("no");
        refused.Values[SweepForms.DecisionField].ShouldBe(SweepForms.Keep);
        (await _h.GetAsync(items[1])).KeepReason.ShouldBeNull();
        (await _h.PendingAsync()).ShouldNotContain(m => m.Kind == OutboxKind.Update && m.MessageRef == postRef);
    }

    [Fact]
    public async Task EveryWayOfDecidingARow_ByCommandOrDialog_EndsWithEveryRowResolved()
    {
        var (items, postRef) = await PostedSweepAsync();
        await SentAsync();

        (await _h.Command(Priya, $"promote {items[0].Key}")).ShouldBeOfType<ReplyOutcome>();
        (await _h.Command(Priya, $"keep {items[1].Key} Contractual commitment to the bank")).ShouldBeOfType<ReplyOutcome>();
        (await _h.Command(Priya, $"close {items[2].Key} Superseded by the new shortcuts")).ShouldBeOfType<ReplyOutcome>();
        var dialog = ((OpenFormOutcome)await _h.Button(Priya, ButtonIds.SweepDecide, Ref(items[3]))).Form;
        (await _h.Submit(Priya, dialog, new Dictionary<string, string> { [SweepForms.DecisionField] = SweepForms.Rescore })).ShouldBeOfType<CloseFormOutcome>();

        var view = await LatestUpdateAsync(postRef); // waiting updates of one post coalesce: one is enough, it shows the state when sent
        view.Sections.ShouldAllBe(s => s.Actions.Count == 0);
        view.Sections.Select(s => s.Lines.Single().Text).ShouldBe(
        [
            "✓ Promoted to the ready queue by Priya on Mon 7 Jun 2027.",
            "✓ Kept in the icebox by Priya on Mon 7 Jun 2027: Contractual commitment to the bank",
            "✓ Closed by Priya on Mon 7 Jun 2027: Superseded by the new shortcuts",
            "✓ Sent to re-scoring by Priya on Mon 7 Jun 2027: on the next clinic agenda.",
        ]);
        view.Subtitle.ShouldEndWith("· all 4 decided");
    }

    [Fact]
    public async Task AnItemOnTheSweepReScoredInAClinic_SaysItWasReScored_AndWhereItWent()
    {
        var (items, postRef) = await PostedSweepAsync();
        (await _h.Button(Priya, ButtonIds.Rescore, Ref(items[0]))).ShouldBeOfType<ReplyOutcome>();
        await SentAsync();

        await _h.VoteAsync(Priya, await _h.GetAsync(items[0]), 3, 3, 2, 2);
        var finalize = (OpenFormOutcome)await _h.Button(Priya, ButtonIds.Finalize, Ref(items[0]));
        (await _h.Submit(Priya, finalize.Form, new Dictionary<string, string>())).ShouldBeOfType<CloseFormOutcome>();

        var row = Row(await LatestUpdateAsync(postRef), items[0]);
        row.Actions.ShouldBeEmpty();
        row.Lines.Single().Text.ShouldBe("✓ Re-scored by Priya on Mon 7 Jun 2027 (total 21): now in Sprint.");
    }

    [Fact]
    public async Task AnItemOnAnOlderAndANewerSweep_DecidedOnce_UpdatesBothPosts_TheRowSaysWhatHappenedAndWhoDidIt()
    {
        var (items, olderRef) = await PostedSweepAsync();
        await SentAsync();
        _h.Clock.Advance(TimeSpan.FromDays(2));
        (await _h.Command(Priya, "report icebox")).ShouldBeOfType<NoOutcome>();
        var newer = (await _h.PendingAsync()).Where(m => m.Kind == OutboxKind.Post && m.MessageRef?.StartsWith("sweep:", StringComparison.Ordinal) == true).ShouldHaveSingleItem();
        newer.MessageRef.ShouldNotBe(olderRef);
        await _h.Store.MessageRefs.SetAsync(newer.MessageRef!, newer.Target, "1700000000.000901", CancellationToken.None);
        await SentAsync();

        (await _h.Command(Priya, $"promote {items[1].Key}")).ShouldBeOfType<ReplyOutcome>();

        foreach (var postRef in new[] { olderRef, newer.MessageRef! })
        {
            var row = Row(await LatestUpdateAsync(postRef), items[1]);
            row.Actions.ShouldBeEmpty();
            row.Lines.ShouldHaveSingleItem().Text.ShouldStartWith("✓ Promoted to the ready queue by Priya on");
        }
    }
}
