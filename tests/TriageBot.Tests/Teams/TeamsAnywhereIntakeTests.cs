using System.Text.Json.Nodes;
using TriageBot.Core.Items;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Teams;

/// <summary>
/// Teams parity for reporting from anywhere: the "Report to triage" message action in a group chat and a 1:1 chat (places
/// bound to no backlog) and commands in a personal chat, with the backlog found from the person's memberships.
/// </summary>
public sealed class TeamsAnywhereIntakeTests(LocalOpenIdIssuer issuer) : TeamsFlow(issuer)
{
    private const string GroupChat = "19:meeting-group-chat-7@thread.v2";
    private const string PersonalChat = "a:1personal-chat-ada";

    [Fact]
    public async Task ReportToTriage_InAGroupChat_ByAMember_OpensTheDialogWithTheMessageAsPlainText_AndFilesIntoTheirBacklog()
    {
        var backlogId = await SetUpAsync(People.Ada);
        var message = Activities.MessagePayload("1700000009101", People.Barbara,
            "<p>Refunds fail for <at>Grace Hopper</at>, see <a href=\"https://status.example.com/4\">the status page</a> &amp; <a href=\"https://logs.example.com/x\">https://logs.example.com/x</a></p>");

        var dialog = Cards.DialogCard(await P.PostOkAsync(InChat(A.FetchTask(People.Ada, message), GroupChat, "groupChat")));

        var description = Cards.Inputs(dialog)["description"]["value"]!.GetValue<string>();
        description.ShouldBe("Refunds fail for @Grace Hopper, see the status page (https://status.example.com/4) & https://logs.example.com/x");
        Cards.Inputs(dialog).ShouldNotContainKey("backlog", "one backlog: nothing to choose");
        var submit = Cards.SubmitAction(dialog);
        var closed = Cards.DialogMessage(await P.PostOkAsync(InChat(A.SubmitAction(People.Ada, message,
            Cards.Fill(dialog, submit, new Dictionary<string, string> { ["title"] = "Refunds fail for some customers" })), GroupChat, "groupChat")));

        closed.ShouldBe("Reported TRI-1: Refunds fail for some customers");
        var item = (await P.Store.Items.GetAsync(backlogId, 1, Ct))!.Value;
        item.Source.ShouldNotBeNull().Link.ShouldBe(message["linkToMessage"]!.GetValue<string>());
        item.Reporter.UserId.ShouldBe(People.Ada.Id);
    }

    [Fact]
    public async Task ReportToTriage_InA1To1Chat_ByAPersonInNoBacklog_ExplainsHowToJoin_AndFilesNothing()
    {
        var backlogId = await SetUpAsync(People.Ada);
        var message = Activities.MessagePayload("1700000009201", People.Barbara, "<p>Something broke</p>");

        var answer = Cards.DialogMessage(await P.PostOkAsync(InChat(A.FetchTask(People.Ken, message), PersonalChat, "personal")));

        answer.ShouldContain("You don't belong to a triage backlog yet");
        (await P.Store.Items.GetAsync(backlogId, 1, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task InAPersonalChat_AMembersCommandsUseTheirBacklog()
    {
        var backlogId = await SetUpAsync(People.Ada);
        var posted = await DeliveredAsync(async () => (await P.PostOkAsync(InChat(A.Command(People.Ada, "dashboard rotate"), PersonalChat, "personal"))).ShouldBeNull());

        var reply = posted.ShouldHaveSingleItem();
        reply.Conversation.ShouldBe(PersonalChat);
        reply.Text.ShouldContain("rotated", customMessage: "a facilitator's command ran in her backlog");
        reply.Text.ShouldNotContain("isn't set up");
        var ken = await DeliveredAsync(async () => (await P.PostOkAsync(InChat(A.Command(People.Ken, "list"), PersonalChat, "personal"))).ShouldBeNull());
        ken.ShouldHaveSingleItem().Text.ShouldContain("You don't belong to a triage backlog yet");
        backlogId.ShouldNotBeNullOrEmpty();
        var help = await DeliveredAsync(async () => (await P.PostOkAsync(InChat(A.Command(People.Ada, "extend TRI-9"), PersonalChat, "personal"))).ShouldBeNull());
        help.ShouldHaveSingleItem().Text.ShouldContain("`help` for all commands.");
    }

    /// <summary>The same activity, from a group chat or a personal chat instead of the team's channel.</summary>
    private static JsonObject InChat(JsonObject activity, string conversationId, string conversationType)
    {
        activity["conversation"]!["id"] = conversationId;
        activity["conversation"]!["conversationType"] = conversationType;
        activity["conversation"]!["isGroup"] = conversationType != "personal";
        var channelData = activity["channelData"]!.AsObject();
        channelData.Remove("team");
        channelData.Remove("channel");
        return activity;
    }
}
