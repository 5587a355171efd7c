using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using TriageBot.Core.Items;
using static TriageBot.Tests.Slack.AnywhereIntakeTests;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>
/// The outside walk of issue 16 on Slack for what a person in several backlogs, or in none, meets: <c>new</c> in a DM, the
/// global shortcut, the stream switch in a form that also asks for the backlog, and the "how to join" answer.
/// Signed requests against the real host and the fake Slack.
/// </summary>
public sealed class AnywhereChoiceTests
{
    [Fact]
    public async Task NewInADm_ByAPersonInTwoBacklogs_AsksWhichBacklogInTheForm_TheStreamSwitchKeepsTheChoice_AndConfirmsInThatBacklogsChannel()
    {
        await using var h = await StartAsync();
        await SetUpChannelAsync(h);
        await SetUpSecondBacklogAsync(h);
        var opened = h.Api.CallsTo("views.open").Count;

        (await h.CommandAsync(Ada, "new bug", "D0ADA")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var bug = await h.OpenedModalAsync(opened + 1);
        ModalState.Input(bug, "backlog")["element"]!["options"]!.AsArray().Select(o => (string)o!["value"]!).ShouldBe(["payments", "search"]);
        (await h.InteractAsync(StreamSwitchTests.StreamChosen(Ada, bug, new Dictionary<string, string?>
        {
            ["backlog"] = "search", ["stream"] = "model", ["title"] = "Search answers cite deleted pages",
        }, "V-dm", "hash-dm"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var model = (await h.WaitForCallsAsync("views.update", 1))[0].Json["view"]!.AsObject();
        ModalState.Initial(ModalState.Input(model, "backlog")["element"]!.AsObject()).ShouldBe("search", "the backlog chosen before the switch stays chosen");
        ModalState.Initial(ModalState.Input(model, "title")["element"]!.AsObject()).ShouldBe("Search answers cite deleted pages");
        Should.NotThrow(() => ModalState.Input(model, "affectedSlice"));

        Confirmed(await JsonBody(await h.SubmitAsync(Ada, model, new Dictionary<string, string?> { ["affectedSlice"] = "Help-centre questions" })))
            .ShouldContain("Reported SRCH-1: Search answers cite deleted pages");
        var item = (await ItemsAsync(h.Store, "search")).ShouldHaveSingleItem();
        item.Stream.ShouldBe(WorkStream.Model);
        (await ItemsAsync(h.Store)).ShouldBeEmpty("nothing went into Payments");
        var confirmation = await h.WaitForAsync("chat.postMessage", c => Mentions(c, "SRCH-1 reported"), "the SRCH-1 confirmation");
        Str(confirmation, "channel").ShouldBe("C2SEARCH", "Search's intake channel, not the DM the bot answered in");
    }

    [Fact]
    public async Task TheGlobalShortcut_ByAPersonInTwoBacklogs_OpensTheFormAskingWhichBacklog()
    {
        await using var h = await StartAsync();
        await SetUpChannelAsync(h);
        await SetUpSecondBacklogAsync(h);
        var opened = h.Api.CallsTo("views.open").Count;

        (await h.InteractAsync(GlobalShortcut(h, Ada))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var modal = await h.OpenedModalAsync(opened + 1);
        ModalState.Input(modal, "backlog")["element"]!["options"]!.AsArray().Select(o => (string)o!["text"]!["text"]!).ShouldBe(["Payments (TRI)", "Search (SRCH)"]);
        Confirmed(await JsonBody(await h.SubmitAsync(Ada, modal, new Dictionary<string, string?> { ["backlog"] = "payments", ["title"] = "Refund page times out" })))
            .ShouldContain("Reported TRI-1");
        (await ItemsAsync(h.Store)).ShouldHaveSingleItem().Title.ShouldBe("Refund page times out");
    }

    [Fact]
    public async Task AfterTheSuggestions_ChoosingTheOtherBacklog_NeverAddsTheReportToThatBacklogsItemOfTheSameNumber()
    {
        await using var h = await StartAsync();
        await SetUpChannelAsync(h);
        await SetUpSecondBacklogAsync(h);
        await ReportAsync(h, Members[0], "bug", "Kitchen printer prints each receipt twice");
        var opened = h.Api.CallsTo("views.open").Count;
        (await h.InteractAsync(GlobalShortcut(h, Ada))).StatusCode.ShouldBe(HttpStatusCode.OK);
        Confirmed(await JsonBody(await h.SubmitAsync(Ada, await h.OpenedModalAsync(opened + 1), new Dictionary<string, string?> { ["backlog"] = "search", ["title"] = "Search ranks old docs first" })))
            .ShouldContain("Reported SRCH-1");

        (await h.InteractAsync(MessageAction(h, Ada, "G0MPIM", "1712345678.000400", "The kitchen printer prints every receipt twice since Monday"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var modal = await h.OpenedModalAsync(opened + 2);
        var shown = (await JsonBody(await h.SubmitAsync(Ada, modal, new Dictionary<string, string?> { ["backlog"] = "payments" })))!["view"]!.AsObject();
        TextOf(shown["blocks"]![0]).ShouldContain("TRI-1 Kitchen printer prints each receipt twice");

        // She changes her mind about the backlog and leaves "Add my report to TRI-1" picked.
        var answer = await JsonBody(await h.SubmitAsync(Ada, shown, new Dictionary<string, string?> { ["backlog"] = "search", ["duplicateOf"] = "1" }));

        Confirmed(answer).ShouldContain("Reported SRCH-2", customMessage: "nothing in Search is like it: a new item there");
        (await h.Store.History.ForItemAsync("search", 1, default).ToListAsync()).ShouldHaveSingleItem().Kind.ShouldBe(HistoryKind.Created, "SRCH-1 got no comment");
        (await h.Store.History.ForItemAsync(BacklogId, 1, default).ToListAsync()).ShouldHaveSingleItem().Kind.ShouldBe(HistoryKind.Created, "nor did TRI-1");
    }

    [Fact]
    public async Task TheGlobalShortcut_ByAPersonInNoBacklog_ExplainsHowToJoin_InADm_AndOpensNoForm()
    {
        await using var h = await StartAsync();
        await SetUpChannelAsync(h);
        var opened = h.Api.CallsTo("views.open").Count;

        (await h.InteractAsync(GlobalShortcut(h, Members[3]))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var dm = await h.WaitForAsync("chat.postMessage", c => Mentions(c, "You don't belong to a triage backlog yet"), "the explanation");
        Str(dm, "channel").ShouldBe("D42", "a global shortcut has no response_url and no channel: the bot writes to the person");
        h.Api.CallsTo("views.open").Count.ShouldBe(opened, "no form for someone who has no backlog to report into");
    }

    [Fact]
    public async Task ThePersonInNoBacklog_IsToldWhomToAsk_TheFacilitatorsOfTheBacklogsOfThisWorkspaceOnly()
    {
        await using var h = await StartAsync();
        h.Api.DisplayNames["U1"] = "Ada Byron";
        await SetUpChannelAsync(h);
        await h.Store.Bindings.UpsertAsync(new TriageBot.Core.Backlogs.Binding
        {
            // A backlog of another Slack workspace served by the same installation: never named here.
            Address = new TriageBot.Core.Backlogs.ConversationAddress { Platform = Platform.Slack, Workspace = "T0OTHER", ChannelId = "C7" },
            BacklogId = await OtherWorkspaceBacklogAsync(h),
        }, default);

        var dmReply = TextOf(await JsonBody(await h.CommandAsync(Members[3], "list", "D0PIA")));
        dmReply.ShouldContain("You don't belong to a triage backlog yet");
        dmReply.ShouldContain("Facilitators here: Payments (Ada Byron).");
        dmReply.ShouldNotContain("Secret project");

        (await h.InteractAsync(MessageAction(h, Members[3], "C9GENERAL", "1712345678.000500", "Something broke"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var answer = (await h.WaitForCallsAsync("response-url", 1))[0].Json;
        TextOf(answer["blocks"]).ShouldContain("Facilitators here: Payments (Ada Byron).");
    }

    /// <summary>A backlog "Secret project" whose facilitator is in another Slack workspace (as a multi-workspace install has).</summary>
    private static async Task<string> OtherWorkspaceBacklogAsync(SlackHost h)
    {
        await h.Store.Backlogs.TryCreateAsync(new TriageBot.Core.Backlogs.Backlog { Id = "secret", Name = "Secret project", KeyPrefix = "SEC", CreatedAt = DateTimeOffset.UtcNow }, default);
        await h.Store.Members.UpsertAsync(new TriageBot.Core.Backlogs.Member("secret", new UserRef(Platform.Slack, "U77", "Zed"), TriageBot.Core.Backlogs.Role.Facilitator), default);
        return "secret";
    }

    private static Task<SlackHost> StartAsync() =>
        SlackHost.StartAsync(b => b.UseSetting("Slack:ResponseUrlPrefix", "http://127.0.0.1"));

    /// <summary>The global shortcut "New triage item", as Slack sends it: no channel, no response_url.</summary>
    private static JsonObject GlobalShortcut(SlackHost h, SlackPerson who) => new()
    {
        ["type"] = "shortcut", ["callback_id"] = "new_item", ["team"] = TeamJson(), ["user"] = User(who), ["trigger_id"] = h.NextTrigger(), ["api_app_id"] = "A0E2E",
    };
}
