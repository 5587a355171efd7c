using System.Text.Json.Nodes;
using TriageBot.Core.Items;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Teams;

/// <summary>
/// Issue 16: choosing another stream in the Teams intake dialog shows that stream's fields at once. The stream choice has a
/// redraw button under it; pressing it submits the dialog and the bot answers with the same dialog redrawn
/// (<c>task: continue</c>), every value typed so far kept, nothing stored. From a command, a button and the message action.
/// </summary>
public sealed class TeamsStreamSwitchTests(LocalOpenIdIssuer issuer) : TeamsFlow(issuer)
{
    [Fact]
    public async Task FromACommand_ChoosingModel_RedrawsTheDialogWithTheModelFields_KeepingEverythingTyped_AndBackToBugRestoresTheSteps()
    {
        var backlogId = await SetUpAsync(People.Ada);
        var (post, bug) = await CommandFormAsync(People.Grace, "new bug");
        Cards.Inputs(bug)["title"].ContainsKey("isRequired").ShouldBeFalse("a half-filled form must reach the server to be redrawn");

        var model = await RedrawAsync(People.Grace, post, bug, new Dictionary<string, string>
        {
            ["stream"] = "model", ["title"] = "Refund answers come back in French", ["description"] = "Seen by three customers",
            ["reproSteps"] = "Ask for a refund in English",
        });

        var inputs = Cards.Inputs(model);
        inputs["stream"]["value"]!.GetValue<string>().ShouldBe("model");
        inputs["title"]["value"]!.GetValue<string>().ShouldBe("Refund answers come back in French");
        inputs["description"]["value"]!.GetValue<string>().ShouldBe("Seen by three customers");
        inputs.ShouldContainKey("affectedSlice");
        inputs.ShouldNotContainKey("reproSteps");
        (await CountItemsAsync(backlogId)).ShouldBe(0, "a redraw stores nothing");

        var back = await RedrawAsync(People.Grace, post, model, new Dictionary<string, string> { ["stream"] = "bug" });
        Cards.Inputs(back)["reproSteps"]["value"]!.GetValue<string>().ShouldBe("Ask for a refund in English");

        var again = await RedrawAsync(People.Grace, post, back, new Dictionary<string, string> { ["stream"] = "model" });
        var done = Cards.DialogMessage(await SubmitAsync(People.Grace, post, again, new Dictionary<string, string> { ["affectedSlice"] = "Refund questions" }));
        done.ShouldContain("Reported TRI-1: Refund answers come back in French");
        var item = (await P.Store.Items.GetAsync(backlogId, 1, Ct)).ShouldNotBeNull().Value;
        item.Stream.ShouldBe(WorkStream.Model);
        item.Model.ShouldNotBeNull().AffectedSlice.ShouldBe("Refund questions");
        item.Description.ShouldBe("Seen by three customers");
        await P.ShouldAllBeValidCardsAsync();
    }

    [Fact]
    public async Task FromTheStreamButtons_AFeatureFormSwitchedToIncident_ShowsTheIncidentFields_KeepingTheTitle()
    {
        await SetUpAsync(People.Ada);
        var streams = (await CommandAsync(People.Grace, "new")).ShouldHaveSingleItem();
        var feature = await OpenFormAsync(People.Grace, streams, "newItem", "feature");
        Cards.Inputs(feature).ShouldContainKey("problem");

        var incident = await RedrawAsync(People.Grace, streams, feature, new Dictionary<string, string> { ["stream"] = "incident", ["title"] = "Checkout answers time out" });

        Cards.Inputs(incident)["stream"]["value"]!.GetValue<string>().ShouldBe("incident");
        Cards.Inputs(incident)["title"]["value"]!.GetValue<string>().ShouldBe("Checkout answers time out");
        Cards.Inputs(incident).ShouldNotContainKey("problem");
    }

    [Fact]
    public async Task FromTheMessageAction_SwitchingToFeature_RedrawsThroughSubmitAction_KeepingTheMessageText_AndFilesAFeatureLinkedToTheMessage()
    {
        var backlogId = await SetUpAsync(People.Ada);
        var message = Activities.MessagePayload("1700000009301", People.Barbara, "<p>Export invoices as CSV</p><p>Finance retypes them by hand.</p>");
        var bug = Cards.DialogCard(await P.PostOkAsync(A.FetchTask(People.Grace, message)));

        var redraw = RedrawButton(bug);
        var feature = Cards.DialogCard(await P.PostOkAsync(A.SubmitAction(People.Grace, message,
            Cards.Fill(bug, redraw, new Dictionary<string, string> { ["stream"] = "feature" }))));

        Cards.Inputs(feature).ShouldContainKey("problem");
        Cards.Inputs(feature)["description"]["value"]!.GetValue<string>().ShouldContain("Finance retypes them by hand.");
        var closed = Cards.DialogMessage(await P.PostOkAsync(A.SubmitAction(People.Grace, message,
            Cards.Fill(feature, Cards.SubmitAction(feature), new Dictionary<string, string> { ["problem"] = "Finance retypes invoices" }))));
        closed.ShouldContain("Reported TRI-1: Export invoices as CSV");
        var item = (await P.Store.Items.GetAsync(backlogId, 1, Ct)).ShouldNotBeNull().Value;
        item.Stream.ShouldBe(WorkStream.Feature);
        item.Source.ShouldNotBeNull().Link.ShouldBe(message["linkToMessage"]!.GetValue<string>());
    }

    [Fact]
    public async Task SomeoneElsePressingTheRedrawOfADialogOpenedForGrace_IsRefused_AndSeesNothingOfIt()
    {
        await SetUpAsync(People.Ada);
        var (post, bug) = await CommandFormAsync(People.Grace, "new bug");

        var answer = await P.PostOkAsync(A.TaskSubmit(People.Ken, post.ThreadConversation,
            Cards.Fill(bug, RedrawButton(bug), new Dictionary<string, string> { ["stream"] = "model", ["title"] = "Grace's words" })));

        Cards.DialogMessage(answer).ShouldBe(TriageBot.Teams.Activities.TeamsActivityProcessor.NotYourForm);
        answer!.ToJsonString().ShouldNotContain("Grace's words");
    }

    /// <summary>The redraw button under the stream choice: an Action.Submit in the body carrying the form to redraw and its opener.</summary>
    private static JsonObject RedrawButton(JsonObject form)
    {
        var redraw = Cards.Actions(form).SingleOrDefault(a => a["data"]?["refreshForm"] is not null).ShouldNotBeNull($"no redraw button: {form.ToJsonString()}");
        redraw["type"]!.GetValue<string>().ShouldBe("Action.Submit");
        redraw["data"]!["openedBy"].ShouldNotBeNull();
        var body = form["body"]!.AsArray().Select(e => e!.AsObject()).ToList();
        var stream = body.FindIndex(e => e["id"]?.GetValue<string>() == "stream");
        body[stream + 1]["type"]!.GetValue<string>().ShouldBe("ActionSet", "the redraw button sits right under the stream choice");
        return redraw;
    }

    private async Task<JsonObject> RedrawAsync(TeamsPerson who, PostedCard on, JsonObject form, IReadOnlyDictionary<string, string> typed) =>
        Cards.DialogCard(await P.PostOkAsync(A.TaskSubmit(who, on.ThreadConversation, Cards.Fill(form, RedrawButton(form), typed))));

    private async Task<int> CountItemsAsync(string backlogId)
    {
        var n = 0;
        await foreach (var _ in P.Store.Items.QueryAsync(new Core.Ports.ItemQuery(backlogId), Ct)) n++;
        return n;
    }
}
