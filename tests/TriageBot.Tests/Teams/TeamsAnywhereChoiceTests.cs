using System.Text.Json.Nodes;
using TriageBot.Core.Items;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Teams;

/// <summary>
/// The outside walk of issue 16 on Teams, through the real host with real JWTs against the fake Connector: where the
/// confirmation of a report from a 1:1 chat between two people lands, and what a person in two backlogs meets in a group
/// chat's message action and in their personal chat with the bot.
/// </summary>
public sealed class TeamsAnywhereChoiceTests(LocalOpenIdIssuer issuer) : TeamsFlow(issuer)
{
    private const string PeopleChat = "19:ada-aad_barbara-aad@unq.gbl.spaces";
    private const string GroupChat = "19:meeting-group-chat-7@thread.v2";
    private const string PersonalChat = "a:1personal-chat-ada";
    private const string SearchChannel = "19:search-channel-0002@thread.tacv2";

    [Fact]
    public async Task ReportToTriage_InA1To1ChatBetweenTwoPeople_ConfirmsAsANewPostInTheBacklogsIntakeChannel()
    {
        await SetUpAsync(People.Ada);
        var message = Activities.MessagePayload("1700000009601", People.Barbara, "<p>Checkout shows error 502</p>");
        var dialog = Cards.DialogCard(await P.PostOkAsync(InChat(A.FetchTask(People.Ada, message), PeopleChat, "personal")));

        var posted = await DeliveredAsync(async () =>
            Cards.DialogMessage(await P.PostOkAsync(InChat(A.SubmitAction(People.Ada, message, Cards.Fill(dialog, Cards.SubmitAction(dialog), new Dictionary<string, string>())), PeopleChat, "personal")))
                .ShouldBe("Reported TRI-1: Checkout shows error 502"));

        var confirmation = posted.ShouldHaveSingleItem($"posted: {string.Join(", ", posted.Select(p => p.Conversation))}");
        confirmation.Call.Path.ShouldEndWith("/v3/conversations", customMessage: "a new post (a new conversation of the channel)");
        confirmation.Call.Body!["channelData"]!["channel"]!["id"]!.GetValue<string>()
            .ShouldBe(TeamsProduct.ChannelId, "a new post in the backlog's intake channel: the bot is not in the chat the message came from");
        confirmation.Text.ShouldContain("Created TRI-1");
        confirmation.Text.ShouldContain("Ada Lovelace");
    }

    [Fact]
    public async Task ReportToTriage_InA1To1ChatBetweenTwoPeople_WhenTheBacklogTakesNoReportsInAChannel_ConfirmsInTheReportersOwnChatWithTheBot()
    {
        var welcome = (await DeliveredAsync(() => P.PostOkAsync(A.BotInstalled(People.Ada)))).ShouldHaveSingleItem();
        var setup = await OpenFormAsync(People.Ada, welcome, "setup");
        Cards.DialogMessage(await SubmitAsync(People.Ada, welcome, setup, new Dictionary<string, string> { ["name"] = "AI Assistant", ["timeZone"] = "UTC", ["roleIntake"] = "false" }))
            .ShouldContain("This channel now belongs to AI Assistant");
        var message = Activities.MessagePayload("1700000009701", People.Barbara, "<p>Checkout shows error 503</p>");
        var dialog = Cards.DialogCard(await P.PostOkAsync(InChat(A.FetchTask(People.Ada, message), PeopleChat, "personal")));

        var before = P.Calls.Count;
        var posted = await DeliveredAsync(async () =>
            Cards.DialogMessage(await P.PostOkAsync(InChat(A.SubmitAction(People.Ada, message, Cards.Fill(dialog, Cards.SubmitAction(dialog), new Dictionary<string, string>())), PeopleChat, "personal")))
                .ShouldBe("Reported TRI-1: Checkout shows error 503"));

        var created = P.Calls.Skip(before).Where(c => c.Method == "POST" && c.Path.EndsWith("/v3/conversations", StringComparison.Ordinal))
            .ShouldHaveSingleItem("the bot opens its own 1:1 chat with Ada");
        (created.Body!["isGroup"]?.GetValue<bool>() ?? false).ShouldBeFalse("a 1:1 chat, not a group");
        created.Body!["members"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()).ShouldBe([People.Ada.Id]);
        var confirmation = posted.ShouldHaveSingleItem();
        confirmation.Text.ShouldContain("Created TRI-1");
        confirmation.Conversation.ShouldNotBeNull().ShouldNotBe(PeopleChat, "nothing is posted into the two people's chat");
    }

    [Fact]
    public async Task ReportToTriage_InAGroupChat_ByAPersonInTwoBacklogs_TheDialogAsksWhichBacklog_TheStreamRedrawKeepsIt_AndFilesIntoTheOneChosen()
    {
        var assistant = await SetUpAsync(People.Ada);
        var search = await SetUpSearchAsync();
        var message = Activities.MessagePayload("1700000009801", People.Barbara, "<p>Search answers cite deleted pages</p>");

        var dialog = Cards.DialogCard(await P.PostOkAsync(InChat(A.FetchTask(People.Ada, message), GroupChat, "groupChat")));
        var choices = Cards.Inputs(dialog)["backlog"]["choices"]!.AsArray().Select(c => c!["title"]!.GetValue<string>()).ToList();
        choices.ShouldBe(["AI Assistant (TRI)", "Search (SRCH)"]);

        var unchosen = Cards.DialogCard(await P.PostOkAsync(InChat(A.SubmitAction(People.Ada, message, Cards.Fill(dialog, Cards.SubmitAction(dialog), new Dictionary<string, string>())), GroupChat, "groupChat")));
        Cards.Text(unchosen).ShouldContain("Choose one of your backlogs");

        var redraw = Cards.Actions(unchosen).Single(a => a["data"]?["refreshForm"] is not null);
        var model = Cards.DialogCard(await P.PostOkAsync(InChat(A.SubmitAction(People.Ada, message,
            Cards.Fill(unchosen, redraw, new Dictionary<string, string> { ["backlog"] = search, ["stream"] = "model" })), GroupChat, "groupChat")));
        Cards.Inputs(model)["backlog"]["value"]!.GetValue<string>().ShouldBe(search, "the backlog chosen stays chosen after the redraw");
        Cards.Inputs(model).ShouldContainKey("affectedSlice");

        Cards.DialogMessage(await P.PostOkAsync(InChat(A.SubmitAction(People.Ada, message,
            Cards.Fill(model, Cards.SubmitAction(model), new Dictionary<string, string> { ["affectedSlice"] = "Help-centre questions" })), GroupChat, "groupChat")))
            .ShouldBe("Reported SRCH-1: Search answers cite deleted pages");
        (await P.Store.Items.GetAsync(search, 1, Ct)).ShouldNotBeNull().Value.Stream.ShouldBe(WorkStream.Model);
        (await P.Store.Items.GetAsync(assistant, 1, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task InAPersonalChat_APersonInTwoBacklogs_IsAskedWhichByAButtonPerBacklog_AndTheButtonRunsTheCommandThere()
    {
        await SetUpAsync(People.Ada);
        await SetUpSearchAsync();
        var message = Activities.MessagePayload("1700000009901", People.Barbara, "<p>Receipts print twice</p>");
        var report = Cards.DialogCard(await P.PostOkAsync(A.FetchTask(People.Ada, message)));
        await DeliveredAsync(async () => Cards.DialogMessage(await P.PostOkAsync(A.SubmitAction(People.Ada, message,
            Cards.Fill(report, Cards.SubmitAction(report), new Dictionary<string, string>())))).ShouldContain("Reported TRI-1"));

        var ask = (await DeliveredAsync(async () => (await P.PostOkAsync(InChat(A.Command(People.Ada, "list"), PersonalChat, "personal"))).ShouldBeNull())).ShouldHaveSingleItem();
        ask.Conversation.ShouldBe(PersonalChat);
        ask.Text.ShouldContain("Which backlog is `list` for?");
        var buttons = Cards.Actions(ask.Card).Select(a => a["title"]!.GetValue<string>()).ToList();
        buttons.ShouldBe(["In AI Assistant", "In Search"]);

        var press = InChat(A.Execute(People.Ada, PersonalChat, ask.ActivityId, Cards.Actions(ask.Card).First()), PersonalChat, "personal");
        var answered = await DeliveredAsync(async () => (await P.PostOkAsync(press)).ShouldNotBeNull());
        var shown = answered.Select(p => p.Text).Append(Cards.Text(ask.Card)).ToList();
        string.Join("\n", answered.Select(p => p.Text)).ShouldContain("Receipts print twice", customMessage: $"the list of AI Assistant; posted: {string.Join(" | ", shown)}");
    }

    /// <summary>Ada sets up a second channel of the team as the backlog Search (SRCH); returns its id.</summary>
    private async Task<string> SetUpSearchAsync()
    {
        var command = InChannel(A.Command(People.Ada, "setup"), SearchChannel);
        var post = (await DeliveredAsync(async () => (await P.PostOkAsync(command)).ShouldBeNull())).ShouldHaveSingleItem();
        post.Conversation.ShouldNotBeNull().ShouldStartWith(SearchChannel);
        var fetch = InChannel(A.TaskFetch(People.Ada, post.ThreadConversation, post.ActivityId, Cards.DialogButton(post.Card, TriageBot.Teams.Cards.DialogButtons.OpenCommand)["data"]!.AsObject()), SearchChannel);
        var form = Cards.DialogCard(await P.PostOkAsync(fetch));
        var submit = InChannel(A.TaskSubmit(People.Ada, post.ThreadConversation,
            Cards.Fill(form, Cards.SubmitAction(form), new Dictionary<string, string> { ["name"] = "Search", ["keyPrefix"] = "SRCH", ["timeZone"] = "UTC" })), SearchChannel);
        Cards.DialogMessage(await P.PostOkAsync(submit)).ShouldContain("This channel now belongs to Search");
        return (await P.Store.Bindings.GetAsync(Core.Items.Platform.Teams, TeamsProduct.TenantId, SearchChannel, Ct)).ShouldNotBeNull().BacklogId;
    }

    /// <summary>The same activity in another channel of the team (its thread, when it was in one).</summary>
    private static JsonObject InChannel(JsonObject activity, string channel)
    {
        var id = activity["conversation"]!["id"]!.GetValue<string>();
        activity["conversation"]!["id"] = channel + (id.IndexOf(";messageid=", StringComparison.Ordinal) is var at and >= 0 ? id[at..] : "");
        activity["channelData"]!["channel"] = new JsonObject { ["id"] = channel, ["name"] = "search" };
        return activity;
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
