using System.Text.Json.Nodes;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Teams;

/// <summary>
/// Issue 16's last two journeys on Teams, through the real host with real JWTs against the fake Connector: the
/// "Report to triage" message action on a reply inside a channel thread, and on a message in a 1:1 chat between two people.
/// </summary>
public sealed class TeamsThreadAndChatIntakeTests(LocalOpenIdIssuer issuer) : TeamsFlow(issuer)
{
    [Fact]
    public async Task ReportToTriage_OnAReplyInAChannelThread_LinksToTheReply_AndConfirmsInThatThread()
    {
        var backlogId = await SetUpAsync(People.Ada);
        const string root = "1700000009400", replyId = "1700000009410";
        var reply = Activities.MessagePayload(replyId, People.Barbara, "<p>The export button greys out after one click</p>");
        reply["replyToId"] = root;
        reply["linkToMessage"] = $"https://teams.microsoft.com/l/message/{Uri.EscapeDataString(TeamsProduct.ChannelId)}/{replyId}?parentMessageId={root}";

        var dialog = Cards.DialogCard(await P.PostOkAsync(InThread(A.FetchTask(People.Grace, reply), root)));
        Cards.Inputs(dialog)["link"]["value"]!.GetValue<string>().ShouldBe(reply["linkToMessage"]!.GetValue<string>());

        var posted = await DeliveredAsync(async () =>
            Cards.DialogMessage(await P.PostOkAsync(InThread(A.SubmitAction(People.Grace, reply, Cards.Fill(dialog, Cards.SubmitAction(dialog), new Dictionary<string, string>())), root)))
                .ShouldBe("Reported TRI-1: The export button greys out after one click"));

        var item = (await P.Store.Items.GetAsync(backlogId, 1, Ct)).ShouldNotBeNull().Value;
        item.Source.ShouldNotBeNull().MessageId.ShouldBe(replyId);
        item.Source.Link.ShouldBe(reply["linkToMessage"]!.GetValue<string>());
        var confirmation = posted.ShouldHaveSingleItem();
        confirmation.Text.ShouldContain("Created TRI-1");
        confirmation.Conversation.ShouldBe(Activities.Thread(root), "the confirmation goes into the thread the reply is in");
    }

    [Fact]
    public async Task ReportToTriage_InA1To1ChatBetweenTwoPeople_FilesIntoTheReportersBacklog_AndPostsNothingIntoTheirChat()
    {
        var backlogId = await SetUpAsync(People.Ada);
        const string chat = "19:ada-aad_barbara-aad@unq.gbl.spaces";
        var message = Activities.MessagePayload("1700000009501", People.Barbara,
            "<p>Checkout shows <a href=\"https://pay.example.com/err\">error 502</a> for <at>Grace Hopper</at></p>");
        message["linkToMessage"] = $"https://teams.microsoft.com/l/message/{Uri.EscapeDataString(chat)}/1700000009501";

        var dialog = Cards.DialogCard(await P.PostOkAsync(InChat(A.FetchTask(People.Ada, message), chat)));
        Cards.Inputs(dialog)["description"]["value"]!.GetValue<string>().ShouldBe("Checkout shows error 502 (https://pay.example.com/err) for @Grace Hopper");

        var posted = await DeliveredAsync(async () =>
            Cards.DialogMessage(await P.PostOkAsync(InChat(A.SubmitAction(People.Ada, message,
                Cards.Fill(dialog, Cards.SubmitAction(dialog), new Dictionary<string, string> { ["title"] = "Checkout shows error 502" })), chat)))
                .ShouldBe("Reported TRI-1: Checkout shows error 502"));

        var item = (await P.Store.Items.GetAsync(backlogId, 1, Ct)).ShouldNotBeNull().Value;
        item.Reporter.UserId.ShouldBe(People.Ada.Id);
        item.Source.ShouldNotBeNull().Link.ShouldBe(message["linkToMessage"]!.GetValue<string>());
        posted.ShouldAllBe(p => p.Conversation == null || !p.Conversation.Contains("unq.gbl.spaces"), "the bot is not in their chat: nothing is posted there");
        P.Calls.ShouldAllBe(c => !c.Path.Contains(Uri.EscapeDataString(chat)) && !c.Path.Contains(chat));
    }

    /// <summary>The activity as sent from a reply in a channel thread: the conversation is the thread of its root message.</summary>
    private static JsonObject InThread(JsonObject activity, string root)
    {
        activity["conversation"]!["id"] = Activities.Thread(root);
        return activity;
    }

    /// <summary>The activity as sent from a 1:1 chat between two people (the bot is not a member).</summary>
    private static JsonObject InChat(JsonObject activity, string chat)
    {
        activity["conversation"]!["id"] = chat;
        activity["conversation"]!["conversationType"] = "personal";
        activity["conversation"]!["isGroup"] = false;
        var channelData = activity["channelData"]!.AsObject();
        channelData.Remove("team");
        channelData.Remove("channel");
        return activity;
    }
}
