using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using TriageBot.Core.Items;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>
/// Reporting from any conversation: a channel the bot is not in, a group DM, a DM, the global shortcut; the backlog comes
/// from the person's memberships; answers reach the person privately where the bot cannot post.
/// </summary>
public sealed class AnywhereIntakeTests
{
    [Fact]
    public async Task ReportToTriage_InAChannelTheBotIsNotIn_OpensTheForm_FilesIntoTheReportersBacklog_AndConfirmsInItsIntakeChannel()
    {
        await using var h = await StartAsync();
        await SetUpChannelAsync(h);
        await ReportAsync(h, Members[0], "bug", "Receipts print twice"); // Mia reports once in #triage: she is now a member.

        (await h.InteractAsync(MessageAction(h, Members[0], "C9GENERAL", "1712345678.000300", "Refunds fail for <@U9> and <https://status.example.com/4|the status page>"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var modal = await h.OpenedModalAsync(3);
        ModalState.Initial(ModalState.Input(modal, "link")["element"]!.AsObject()).ShouldBe("https://e2e.slack.com/archives/C9GENERAL/p1712345678000300");
        Should.Throw<InvalidOperationException>(() => ModalState.Input(modal, "backlog"), "one backlog: nothing to choose");
        Confirmed(await JsonBody(await h.SubmitAsync(Members[0], modal))).ShouldContain("Reported TRI-2");
        var item = await Eventually.Async(async () => (await ItemsAsync(h.Store)).FirstOrDefault(i => i.Number == 2), "TRI-2");
        item.Source.ShouldNotBeNull().ChannelId.ShouldBe("C9GENERAL");
        var confirmation = await h.WaitForAsync("chat.postMessage", c => Mentions(c, "TRI-2 reported"), "the TRI-2 confirmation");
        Str(confirmation, "channel").ShouldBe(Channel, "the bot posts in the backlog's intake channel, not where it is not a member");
        h.Api.CallsTo("chat.postEphemeral").ShouldBeEmpty();
    }

    [Fact]
    public async Task ReportToTriage_InAGroupDm_ByAPersonInTwoBacklogs_AsksWhichBacklog_AndFilesIntoTheOneChosen()
    {
        await using var h = await StartAsync();
        await SetUpChannelAsync(h);
        await SetUpSecondBacklogAsync(h);

        (await h.InteractAsync(MessageAction(h, Ada, "G0MPIM", "1712345678.000400", "Search ranks old docs first"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var modal = await h.OpenedModalAsync(3);
        var backlog = ModalState.Input(modal, "backlog");
        backlog["element"]!["options"]!.AsArray().Select(o => (string)o!["value"]!).ShouldBe(["payments", "search"]);
        var unchosen = await JsonBody(await h.SubmitAsync(Ada, modal));
        unchosen!["response_action"]!.ToString().ShouldBe("errors");
        unchosen["errors"]!["backlog"]!.ToString().ShouldContain("Choose one of your backlogs");

        Confirmed(await JsonBody(await h.SubmitAsync(Ada, modal, new Dictionary<string, string?> { ["backlog"] = "search" }))).ShouldContain("Reported SRCH-1");
        (await ItemsAsync(h.Store, "search")).ShouldHaveSingleItem().Title.ShouldBe("Search ranks old docs first");
        (await ItemsAsync(h.Store)).ShouldBeEmpty();
    }

    [Fact]
    public async Task ReportToTriage_ByAPersonInNoBacklog_ExplainsHowToJoin_ThroughTheResponseUrl_AndOpensNoForm()
    {
        await using var h = await StartAsync();
        await SetUpChannelAsync(h);

        (await h.InteractAsync(MessageAction(h, Members[3], "C9GENERAL", "1712345678.000500", "Something broke"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var answer = (await h.WaitForCallsAsync("response-url", 1))[0].Json;
        ((string?)answer["response_type"]).ShouldBe("ephemeral");
        TextOf(answer["blocks"]).ShouldContain("You don't belong to a triage backlog yet");
        h.Api.CallsTo("views.open").Count.ShouldBe(1, "only the setup modal");
        h.Api.CallsTo("chat.postEphemeral").ShouldBeEmpty("an ephemeral message fails with not_in_channel where the bot is not a member");
    }

    [Fact]
    public async Task InADm_CommandsWorkForAMember_OneBacklogDirectly_SeveralByAButtonPerBacklog_OrByTheItemKeysPrefix()
    {
        await using var h = await StartAsync();
        await SetUpChannelAsync(h);
        await SetUpSecondBacklogAsync(h);
        await ReportAsync(h, Members[0], "bug", "Receipts print twice");

        // Mia belongs to one backlog: her command just works.
        TextOf(await JsonBody(await h.CommandAsync(Members[0], "list", "D0MIA"))).ShouldContain("Receipts print twice");

        // Ada belongs to two: she is asked which, by a button per backlog.
        var ask = (await JsonBody(await h.CommandAsync(Ada, "list", "D0ADA")))!;
        TextOf(ask).ShouldContain("Which backlog is `list` for?");
        var buttons = Buttons(ask).ToList();
        buttons.Select(b => (string)b["text"]!["text"]!).ShouldBe(["In Payments", "In Search"]);
        (await h.PressAsync(Ada, ask, "1712345678.000600", "inBacklog", channel: "D0ADA")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var listed = await h.WaitForAsync("chat.postEphemeral", c => Mentions(c, "Receipts print twice"), "the Payments list");
        Str(listed, "channel").ShouldBe("D0ADA");

        // An item key names its backlog.
        TextOf(await JsonBody(await h.CommandAsync(Ada, "show TRI-1", "D0ADA"))).ShouldContain("Receipts print twice");
    }

    [Fact]
    public async Task TheGlobalShortcut_OpensTheIntakeForm_ForAMember_AndConfirmsInADmWhenTheBacklogHasNoIntakeChannel()
    {
        await using var h = await StartAsync();
        // A backlog whose only channel takes no reports: the confirmation can only reach Ada directly.
        (await h.CommandAsync(Ada, "setup")).StatusCode.ShouldBe(HttpStatusCode.OK);
        Confirmed(await JsonBody(await h.SubmitAsync(Ada, await h.OpenedModalAsync(1), new Dictionary<string, string?> { ["name"] = "Payments", ["roleIntake"] = "false" })))
            .ShouldContain("now belongs to Payments");

        (await h.InteractAsync(new JsonObject
        {
            ["type"] = "shortcut", ["callback_id"] = "new_item", ["team"] = TeamJson(), ["user"] = User(Ada), ["trigger_id"] = h.NextTrigger(), ["api_app_id"] = "A0E2E",
        })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var modal = await h.OpenedModalAsync(2);
        ((string?)modal["callback_id"]).ShouldBe("intake");
        Confirmed(await JsonBody(await h.SubmitAsync(Ada, modal, new Dictionary<string, string?> { ["title"] = "Dark mode for the dashboard", ["stream"] = "bug" })))
            .ShouldContain("Reported TRI-1");
        await h.WaitForCallsAsync("conversations.open", 1);
        var dm = await h.WaitForAsync("chat.postMessage", c => Mentions(c, "TRI-1 reported"), "the confirmation in a DM");
        Str(dm, "channel").ShouldBe("D42");
    }

    private static Task<SlackHost> StartAsync() =>
        SlackHost.StartAsync(b => b.UseSetting("Slack:ResponseUrlPrefix", "http://127.0.0.1"));

    /// <summary>Ada binds a second channel to a new backlog, Search (SRCH).</summary>
    internal static async Task SetUpSecondBacklogAsync(SlackHost h)
    {
        var opened = h.Api.CallsTo("views.open").Count;
        (await h.CommandAsync(Ada, "setup", "C2SEARCH")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var modal = await h.OpenedModalAsync(opened + 1);
        Confirmed(await JsonBody(await h.SubmitAsync(Ada, modal, new Dictionary<string, string?> { ["name"] = "Search", ["keyPrefix"] = "SRCH", ["timeZone"] = "UTC" })))
            .ShouldContain("now belongs to Search");
    }

    /// <summary>"Report to triage" on a message in <paramref name="channel"/>, with a response URL on the fake Slack.</summary>
    public static JsonObject MessageAction(SlackHost h, SlackPerson who, string channel, string messageTs, string text, string? threadTs = null)
    {
        var message = new JsonObject { ["type"] = "message", ["ts"] = messageTs, ["user"] = "U9", ["text"] = text };
        if (threadTs is not null)
        {
            message["thread_ts"] = threadTs;
        }

        return new JsonObject
        {
            ["type"] = "message_action",
            ["callback_id"] = "report_to_triage",
            ["team"] = TeamJson(),
            ["user"] = User(who),
            ["channel"] = new JsonObject { ["id"] = channel, ["name"] = "somewhere" },
            ["message_ts"] = messageTs,
            ["message"] = message,
            ["trigger_id"] = h.NextTrigger(),
            ["response_url"] = h.Api.BaseUrl + "response-url",
            ["api_app_id"] = "A0E2E",
        };
    }
}
