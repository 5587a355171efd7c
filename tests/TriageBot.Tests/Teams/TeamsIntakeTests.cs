using TriageBot.Core.Items;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Teams;

/// <summary>Issue 5, flow 2: reporting items from a command and from the Report to triage message action.</summary>
public sealed class TeamsIntakeTests(LocalOpenIdIssuer issuer) : TeamsFlow(issuer)
{
    private async Task<Item> SingleItemAsync(string backlogId)
    {
        var items = new List<Item>();
        await foreach (var item in P.Store.Items.QueryAsync(new Core.Ports.ItemQuery(backlogId), Ct)) items.Add(item);
        return items.ShouldHaveSingleItem();
    }

    private async Task<int> CountItemsAsync(string backlogId)
    {
        var n = 0;
        await foreach (var _ in P.Store.Items.QueryAsync(new Core.Ports.ItemQuery(backlogId), Ct)) n++;
        return n;
    }

    [Fact]
    public async Task NewBug_FromACommand_OpensADialog_RefusesAShortTitle_KeepingWhatWasTyped_ThenStoresTheItem_AndConfirmsInTheThread()
    {
        var backlogId = await SetUpAsync(People.Ada);
        var command = A.Command(People.Grace, "new bug");

        var post = (await DeliveredAsync(() => P.PostOkAsync(command))).ShouldHaveSingleItem();
        post.Conversation.ShouldBe(command["conversation"]!["id"]!.GetValue<string>());
        Cards.ShouldHaveNoInputs(post.Card);
        var form = await OpenFormAsync(People.Grace, post, TriageBot.Teams.Cards.DialogButtons.OpenCommand);
        Cards.Text(form).ShouldContain("Report to triage");
        Cards.Inputs(form)["stream"]["value"]!.GetValue<string>().ShouldBe("bug");

        var refused = Cards.DialogCard(await SubmitAsync(People.Grace, post, form, new Dictionary<string, string>
        {
            ["title"] = "ab",
            ["reproSteps"] = "1. Ask the assistant for a refund\n2. It answers in French",
        }));
        Cards.Inputs(refused)["title"]["value"]!.GetValue<string>().ShouldBe("ab");
        Cards.Inputs(refused)["reproSteps"]["value"]!.GetValue<string>().ShouldBe("1. Ask the assistant for a refund\n2. It answers in French");
        Cards.Text(refused).ShouldContain("Title must be 3–150 characters (you wrote 2).");
        (await CountItemsAsync(backlogId)).ShouldBe(0);

        var posted = await DeliveredAsync(async () =>
        {
            var done = Cards.DialogMessage(await SubmitAsync(People.Grace, post, refused, new Dictionary<string, string> { ["title"] = "Refund answers come back in French" }));
            done.ShouldContain("Reported TRI-1: Refund answers come back in French");
        });

        var item = await SingleItemAsync(backlogId);
        item.Key.ShouldBe("TRI-1");
        item.Stream.ShouldBe(WorkStream.Bug);
        item.State.ShouldBe(ItemState.New);
        item.Reporter.ShouldBe(new UserRef(Platform.Teams, People.Grace.Id, People.Grace.Name));
        item.Bug!.ReproSteps.ShouldBe("1. Ask the assistant for a refund\n2. It answers in French");
        var confirmation = posted.ShouldHaveSingleItem();
        confirmation.Conversation.ShouldBe(command["conversation"]!["id"]!.GetValue<string>());
        confirmation.Text.ShouldContain("Created TRI-1: Refund answers come back in French");
        Cards.DialogButton(confirmation.Card, "vote", $"{backlogId}/1");
        await P.ShouldAllBeValidCardsAsync();
    }

    [Fact]
    public async Task ReportToTriage_PrefillsFromTheMessage_RefusesAShortTitle_ThenStoresTheItemLinkedToTheMessage()
    {
        var backlogId = await SetUpAsync(People.Ada);
        var message = Activities.MessagePayload("1700000009001", People.Barbara,
            "<p>Answers cite the wrong policy document</p><p>Since Monday the assistant quotes the 2024 refund policy &amp; ignores the 2026 one.</p>");

        var dialog = Cards.DialogCard(await P.PostOkAsync(A.FetchTask(People.Grace, message)));
        var inputs = Cards.Inputs(dialog);
        inputs["title"]["value"]!.GetValue<string>().ShouldBe("Answers cite the wrong policy document");
        inputs["description"]["value"]!.GetValue<string>().ShouldContain("quotes the 2024 refund policy & ignores the 2026 one.");
        inputs["link"]["value"]!.GetValue<string>().ShouldBe(message["linkToMessage"]!.GetValue<string>());
        var submit = Cards.SubmitAction(dialog);
        submit["type"]!.GetValue<string>().ShouldBe("Action.Submit", "dialogs cannot use Action.Execute");

        var refused = Cards.DialogCard(await P.PostOkAsync(A.SubmitAction(People.Grace, message,
            Cards.Fill(dialog, submit, new Dictionary<string, string> { ["title"] = "ab", ["stream"] = "model" }))));
        Cards.Inputs(refused)["title"]["value"]!.GetValue<string>().ShouldBe("ab");
        Cards.Inputs(refused)["description"]["value"]!.GetValue<string>().ShouldContain("2024 refund policy");
        Cards.Text(refused).ShouldContain("Now showing the model quality fields");
        (await CountItemsAsync(backlogId)).ShouldBe(0);

        var refusedAgain = Cards.DialogCard(await P.PostOkAsync(A.SubmitAction(People.Grace, message,
            Cards.Fill(refused, Cards.SubmitAction(refused), new Dictionary<string, string> { ["affectedSlice"] = "Refund questions" }))));
        Cards.Text(refusedAgain).ShouldContain("Title must be 3–150 characters (you wrote 2).");
        Cards.Inputs(refusedAgain)["affectedSlice"]["value"]!.GetValue<string>().ShouldBe("Refund questions");

        var posted = await DeliveredAsync(async () =>
        {
            var closed = Cards.DialogMessage(await P.PostOkAsync(A.SubmitAction(People.Grace, message,
                Cards.Fill(refusedAgain, Cards.SubmitAction(refusedAgain), new Dictionary<string, string> { ["title"] = "Answers cite the 2024 refund policy" }))));
            closed.ShouldBe("Reported TRI-1: Answers cite the 2024 refund policy");
        });

        var item = await SingleItemAsync(backlogId);
        item.Stream.ShouldBe(WorkStream.Model);
        item.Model!.AffectedSlice.ShouldBe("Refund questions");
        item.Reporter.UserId.ShouldBe(People.Grace.Id);
        item.Source.ShouldNotBeNull();
        item.Source.MessageId.ShouldBe("1700000009001");
        item.Source.Link.ShouldBe(message["linkToMessage"]!.GetValue<string>());
        var confirmation = posted.ShouldHaveSingleItem();
        confirmation.Conversation.ShouldBe(Activities.Thread("1700000009001"), "the confirmation goes into the reported message's thread");
        confirmation.Text.ShouldContain("Created TRI-1");
        Cards.Actions(confirmation.Card).ShouldContain(a => a["type"]!.GetValue<string>() == "Action.OpenUrl"
            && a["url"]!.GetValue<string>() == message["linkToMessage"]!.GetValue<string>());
        await P.ShouldAllBeValidCardsAsync();
    }

    [Fact]
    public async Task ReportedFeature_AsksForACapabilityNote_WhoseButtonLetsTheEngineerWriteIt()
    {
        var backlogId = await SetUpAsync(People.Ada);
        await CommandAsync(People.Ada, "role {0} engineer", People.Eli);
        var message = Activities.MessagePayload("1700000009002", People.Ken, "Customers want answers exported to PDF");
        var dialog = Cards.DialogCard(await P.PostOkAsync(A.FetchTask(People.Ken, message)));
        var asFeature = Cards.DialogCard(await P.PostOkAsync(A.SubmitAction(People.Ken, message,
            Cards.Fill(dialog, Cards.SubmitAction(dialog), new Dictionary<string, string> { ["stream"] = "feature" }))));

        var posted = await DeliveredAsync(async () => Cards.DialogMessage(await P.PostOkAsync(A.SubmitAction(People.Ken, message,
            Cards.Fill(asFeature, Cards.SubmitAction(asFeature), new Dictionary<string, string> { ["problem"] = "Answers cannot leave Teams" })))).ShouldStartWith("Reported TRI-1"));

        posted.Count.ShouldBe(2);
        posted[0].Text.ShouldContain("Created TRI-1");
        var request = posted[1];
        request.Conversation.ShouldBe(Activities.Thread("1700000009002"));
        request.Text.ShouldContain("TRI-1 needs a capability note");
        // The engineers are mentioned by their Teams user id, which Teams resolves in the card.
        var mention = request.Card["msteams"]!["entities"]!.AsArray().ShouldHaveSingleItem()!;
        mention["mentioned"]!["id"]!.GetValue<string>().ShouldBe(People.Eli.Id);
        var item = await SingleItemAsync(backlogId);
        item.Feature!.CapabilityNote.ShouldBeNull();

        var noteForm = await OpenFormAsync(People.Eli, request, "note", $"{backlogId}/1");
        var saved = Cards.DialogMessage(await SubmitAsync(People.Eli, request, noteForm, new Dictionary<string, string>
        {
            ["noteText"] = "Needs a PDF renderer only; no model or retrieval change. A days-long feature.",
            ["noteScale"] = "days",
        }));

        saved.ShouldContain("Capability note saved on TRI-1");
        (await SingleItemAsync(backlogId)).Feature!.CapabilityNote!.Author.UserId.ShouldBe(People.Eli.Id);
        await P.ShouldAllBeValidCardsAsync();
    }

    [Fact]
    public async Task CapabilityNoteButton_FromAMember_IsRefused()
    {
        await SetUpAsync(People.Ada);
        var message = Activities.MessagePayload("1700000009003", People.Ken, "Voice input please");
        var dialog = Cards.DialogCard(await P.PostOkAsync(A.FetchTask(People.Ken, message)));
        var asFeature = Cards.DialogCard(await P.PostOkAsync(A.SubmitAction(People.Ken, message,
            Cards.Fill(dialog, Cards.SubmitAction(dialog), new Dictionary<string, string> { ["stream"] = "feature" }))));
        var posted = await DeliveredAsync(() => P.PostOkAsync(A.SubmitAction(People.Ken, message, Cards.Fill(asFeature, Cards.SubmitAction(asFeature), new Dictionary<string, string>()))));

        var refusal = Cards.DialogMessage(await OpenAsync(People.Ken, posted[1], "note"));

        refusal.ShouldContain("engineer");
    }
}
