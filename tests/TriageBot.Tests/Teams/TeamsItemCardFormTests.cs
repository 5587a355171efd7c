using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Teams.Activities;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Teams;

/// <summary>
/// Issue 19, the buttons of a posted item card that lead to a form, through the real host: each opens a private dialog for the
/// person who clicked, and a submit by anyone else changes nothing — including Done on a model item still owing its
/// evaluation gate, a button that opens a form only sometimes.
/// </summary>
public sealed class TeamsItemCardFormTests(LocalOpenIdIssuer issuer) : TeamsFlow(issuer)
{
    private async Task<Item> ActiveModelItemAsync(string backlogId, int number)
    {
        var at = P.Time.GetUtcNow().AddDays(-2);
        var backlog = (await P.Store.Backlogs.GetAsync(backlogId, Ct))!.Value;
        var item = new Item
        {
            BacklogId = backlogId, Number = number, Key = $"{backlog.KeyPrefix}-{number}", Title = "Answers drift on long threads", Stream = WorkStream.Model,
            Reporter = new UserRef(Platform.Teams, People.Eli.Id, People.Eli.Name), Owner = new UserRef(Platform.Teams, People.Eli.Id, People.Eli.Name),
            CreatedAt = at, State = ItemState.Active, StateSince = at, UpdatedAt = at,
            Model = new ModelFields { Timebox = new Timebox(5, at, at.AddDays(5)) },
        };
        await P.Store.Writes.WriteAsync(new ItemWrite { Item = item }, Ct);
        return item;
    }

    [Fact]
    public async Task DoneOnAModelItemOwingItsGate_OpensTheGateFormInADialog_NotTheSameButtonAgain_AndOnlyTheOpenerCanSubmitIt()
    {
        var backlogId = await SetUpAsync(People.Ada);
        var item = await ActiveModelItemAsync(backlogId, 700);
        var card = (await CommandAsync(People.Ada, $"show {item.Key}")).ShouldHaveSingleItem();
        Cards.ShouldHaveNoInputs(card.Card);

        // Done is a one-click action for most items; here it needs the gate, so the clicker's card becomes a dialog button.
        var answered = card with { Card = Cards.ExecutedCard(await ClickAsync(People.Ada, card, "done")) };
        Cards.ShouldHaveNoInputs(answered.Card);
        var form = await OpenFormAsync(People.Ada, answered, "done", $"{backlogId}/700");
        Cards.Inputs(form).ShouldContainKey(FieldIds.EvaluationGatePassed);

        // Eli replays Ada's dialog: refused, the item stays active.
        var adas = Cards.Fill(form, Cards.SubmitAction(form), new Dictionary<string, string> { [FieldIds.EvaluationGatePassed] = "passed" });
        Cards.DialogMessage(await P.PostOkAsync(A.TaskSubmit(People.Eli, answered.ThreadConversation, adas))).ShouldBe(TeamsActivityProcessor.NotYourForm);
        (await P.Store.Items.GetAsync(backlogId, 700, Ct))!.Value.State.ShouldBe(ItemState.Active);

        Cards.DialogMessage(await SubmitAsync(People.Ada, answered, form, new Dictionary<string, string> { [FieldIds.EvaluationGatePassed] = "passed" }))
            .ShouldContain("Done");
        var done = (await P.Store.Items.GetAsync(backlogId, 700, Ct))!.Value;
        done.State.ShouldBe(ItemState.Done);
        done.Model!.EvaluationGatePassed.ShouldBeTrue();
        await P.ShouldAllBeValidCardsAsync();
    }

    [Fact]
    public async Task CloseFromTheItemCard_OpensAPrivateDialog_ASubmitBySomeoneElseChangesNothing_AndTheOpenersRefusalKeepsTheirText()
    {
        var backlogId = await SetUpAsync(People.Ada);
        await CommandAsync(People.Ada, "role {0} facilitator", People.Barbara);
        var item = await ActiveModelItemAsync(backlogId, 700);
        var card = (await CommandAsync(People.Grace, $"show {item.Key}")).ShouldHaveSingleItem();

        var form = await OpenFormAsync(People.Ada, card, "close", $"{backlogId}/700");
        var text = new string('Ж', 1500) + new string('字', 1000) + string.Concat(Enumerable.Repeat("🙂", 500));
        var adas = Cards.Fill(form, Cards.SubmitAction(form), new Dictionary<string, string> { ["rationale"] = text });
        // Barbara, a facilitator too, replays Ada's dialog: refused all the same.
        Cards.DialogMessage(await P.PostOkAsync(A.TaskSubmit(People.Barbara, card.ThreadConversation, adas))).ShouldBe(TeamsActivityProcessor.NotYourForm);
        (await P.Store.Items.GetAsync(backlogId, 700, Ct))!.Value.State.ShouldBe(ItemState.Active);
        // A member clicking the same button is refused before any dialog opens.
        Cards.DialogMessage(await OpenAsync(People.Grace, card, "close", $"{backlogId}/700")).ShouldContain("facilitator");

        // Ada's own 3,000-character rationale (Cyrillic, CJK, emoji): over the limit once a space is added, refused, and kept exactly.
        var refused = Cards.DialogCard(await SubmitAsync(People.Ada, card, form, new Dictionary<string, string> { ["rationale"] = text + " x" }));
        Cards.Inputs(refused)["rationale"]["value"]!.GetValue<string>().ShouldBe(text + " x");
        (await P.Store.Items.GetAsync(backlogId, 700, Ct))!.Value.State.ShouldBe(ItemState.Active);

        Cards.DialogMessage(await SubmitAsync(People.Ada, card, refused, new Dictionary<string, string> { ["rationale"] = text })).ShouldContain("closed");
        var closed = (await P.Store.Items.GetAsync(backlogId, 700, Ct))!.Value;
        closed.State.ShouldBe(ItemState.Closed);
        closed.ClosedRationale.ShouldBe(text);
        await P.ShouldAllBeValidCardsAsync();
    }
}
