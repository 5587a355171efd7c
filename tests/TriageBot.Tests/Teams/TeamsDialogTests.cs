using System.Text.Json.Nodes;
using TriageBot.Core.Items;
using TriageBot.Core.Backlogs;
using TriageBot.Teams.Activities;
using TriageBot.Teams.Cards;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Teams;

/// <summary>Issue 19: every form is a private dialog; the actor is the person the dialog was opened for, who submitted it.</summary>
public sealed class TeamsDialogTests(LocalOpenIdIssuer issuer) : TeamsFlow(issuer)
{
    private async Task<int> CountItemsAsync(string backlogId)
    {
        var n = 0;
        await foreach (var _ in P.Store.Items.QueryAsync(new Core.Ports.ItemQuery(backlogId), Ct)) n++;
        return n;
    }

    [Fact]
    public async Task SecondPerson_SubmittingTheFacilitatorsSetupForm_IsRefused_AndTheChannelStaysBound()
    {
        var backlogId = await SetUpAsync(People.Ada);
        var (post, adasForm) = await CommandFormAsync(People.Ada, "setup");
        var adasData = Cards.Fill(adasForm, Cards.SubmitAction(adasForm), new Dictionary<string, string> { ["backlog"] = "new", ["name"] = "Taken over", ["timeZone"] = "UTC" });
        adasData["openedBy"]!.GetValue<string>().ShouldBe(People.Ada.Id);

        // Grace replays Ada's dialog data as is, and with the opener removed or set to herself: refused every time.
        var asIs = Cards.DialogMessage(await P.PostOkAsync(A.TaskSubmit(People.Grace, post.ThreadConversation, adasData)));
        var stripped = adasData.DeepClone().AsObject();
        stripped.Remove("openedBy");
        var withoutOpener = Cards.DialogMessage(await P.PostOkAsync(A.TaskSubmit(People.Grace, post.ThreadConversation, stripped)));
        // Opening the form herself: her own role decides, and a member may not change a bound channel's setup.
        var ownDialog = Cards.DialogMessage(await OpenAsync(People.Grace, post, DialogButtons.OpenCommand));

        asIs.ShouldBe(TeamsActivityProcessor.NotYourForm);
        withoutOpener.ShouldBe(TeamsActivityProcessor.NotYourForm);
        ownDialog.ShouldContain("facilitator");
        (await P.Store.Bindings.GetAsync(Platform.Teams, TeamsProduct.TenantId, TeamsProduct.ChannelId, Ct))!.BacklogId.ShouldBe(backlogId);
        var backlogs = 0;
        await foreach (var _ in P.Store.Backlogs.ListAsync(Ct)) backlogs++;
        backlogs.ShouldBe(1);
    }

    [Fact]
    public async Task SecondPerson_SubmittingAnotherMembersIntakeForm_IsRefused_AndClickingTheButtonGivesThemTheirOwnForm()
    {
        var backlogId = await SetUpAsync(People.Ada);
        var (post, gracesForm) = await CommandFormAsync(People.Grace, "new bug");
        var gracesData = Cards.Fill(gracesForm, Cards.SubmitAction(gracesForm), new Dictionary<string, string> { ["title"] = "Grace's report, submitted by Ken" });

        Cards.DialogMessage(await P.PostOkAsync(A.TaskSubmit(People.Ken, post.ThreadConversation, gracesData))).ShouldBe(TeamsActivityProcessor.NotYourForm);
        (await CountItemsAsync(backlogId)).ShouldBe(0);

        var kensForm = await OpenFormAsync(People.Ken, post, DialogButtons.OpenCommand);
        Cards.SubmitAction(kensForm)["data"]!["openedBy"]!.GetValue<string>().ShouldBe(People.Ken.Id);
        await DeliveredAsync(async () => Cards.DialogMessage(await SubmitAsync(People.Ken, post, kensForm, new Dictionary<string, string> { ["title"] = "Ken's own report" }))
            .ShouldContain("Reported TRI-1"));
        Cards.DialogMessage(await SubmitAsync(People.Grace, post, gracesForm, new Dictionary<string, string> { ["title"] = "Grace's own report" }))
            .ShouldContain("Reported TRI-2");

        (await P.Store.Items.GetAsync(backlogId, 1, Ct))!.Value.Reporter.UserId.ShouldBe(People.Ken.Id);
        (await P.Store.Items.GetAsync(backlogId, 2, Ct))!.Value.Reporter.UserId.ShouldBe(People.Grace.Id);
    }

    [Fact]
    public async Task EveryFormOpeningCommandAndButton_PostsNothingFillable_AndOpensItsFormInADialog()
    {
        var backlogId = await SetUpAsync(People.Ada);
        await CommandAsync(People.Ada, "role {0} engineer", People.Eli);

        // "new" asks for the stream with four buttons, each opening the intake form in a dialog.
        var streams = (await CommandAsync(People.Grace, "new")).ShouldHaveSingleItem();
        var featureForm = await OpenFormAsync(People.Grace, streams, "newItem", "feature");
        Cards.Inputs(featureForm)["stream"]["value"]!.GetValue<string>().ShouldBe("feature");
        var posted = await DeliveredAsync(async () => Cards.DialogMessage(await SubmitAsync(People.Grace, streams, featureForm,
            new Dictionary<string, string> { ["title"] = "Export answers to PDF" })).ShouldContain("Reported TRI-1"));

        // The capability note, from its command and from the request's button.
        var (_, noteForm) = await CommandFormAsync(People.Eli, "note TRI-1");
        Cards.Text(noteForm).ShouldContain("Capability note");
        var request = posted.Single(p => p.Text.Contains("needs a capability note", StringComparison.Ordinal));
        Cards.Text(await OpenFormAsync(People.Eli, request, "note", $"{backlogId}/1")).ShouldContain("Capability note");

        // Scoring, from the command and from the ballot.
        var (_, voteForm) = await CommandFormAsync(People.Eli, "score TRI-1");
        Cards.Inputs(voteForm).ShouldContainKey("impact");
        var ballot = (await CommandAsync(People.Ada, "clinic")).Single(p => p.Text.Contains("Scoring TRI-1", StringComparison.Ordinal));
        Cards.Inputs(await OpenFormAsync(People.Eli, ballot, "vote")).ShouldContainKey("impact");

        foreach (var call in P.Calls)
            foreach (var card in Cards.InActivity(call.Body))
            {
                Cards.ShouldHaveNoInputs(card);
                foreach (var action in Cards.Actions(card).Where(a => a["verb"] is not null))
                    DialogButtons.OpensForm(action["verb"]!.GetValue<string>()).ShouldBeFalse($"'{action["verb"]}' opens a form but is not a dialog button");
            }
        await P.ShouldAllBeValidCardsAsync();
    }

    [Fact]
    public async Task AOneCharacterCapabilityNote_IsRefusedInTheDialog_WithItsTextKept_AndTheFeatureKeepsWaiting()
    {
        var backlogId = await SetUpAsync(People.Ada);
        await CommandAsync(People.Ada, "role {0} engineer", People.Eli);
        var streams = (await CommandAsync(People.Grace, "new")).ShouldHaveSingleItem();
        var featureForm = await OpenFormAsync(People.Grace, streams, "newItem", "feature");
        await DeliveredAsync(async () => Cards.DialogMessage(await SubmitAsync(People.Grace, streams, featureForm,
            new Dictionary<string, string> { ["title"] = "Export answers to PDF" })).ShouldContain("Reported TRI-1"));

        var (post, noteForm) = await CommandFormAsync(People.Eli, "note TRI-1");
        var refused = Cards.DialogCard(await SubmitAsync(People.Eli, post, noteForm, new Dictionary<string, string> { ["noteText"] = ".", ["noteScale"] = "days" }));

        Cards.Text(refused).ShouldContain(Core.Items.NoteSentence.Message);
        Cards.Inputs(refused)["noteText"]["value"]!.GetValue<string>().ShouldBe(".");
        var item = (await P.Store.Items.GetAsync(backlogId, 1, Ct))!.Value;
        item.Feature!.CapabilityNote.ShouldBeNull();
        await P.ShouldAllBeValidCardsAsync();
    }
}
