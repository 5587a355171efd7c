using System.Net;
using System.Text.Json.Nodes;
using TriageBot.Slack.Tests;
using TriageBot.Slack.Tests.Fakes;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>
/// The App Home tab through the real host: a signed <c>app_home_opened</c> publishes the person's home
/// (<c>views.publish</c>, recorded by the fake Slack), and what changes it (a vote) publishes it again.
/// </summary>
public sealed class AppHomeTests
{
    private static int _events;

    /// <summary>A signed-ready <c>app_home_opened</c> event of <paramref name="who"/> (also used by <see cref="HomeRefreshTests"/>).</summary>
    internal static JsonObject HomeOpened(SlackPerson who, string tab = "home") => new()
    {
        ["token"] = "deprecated-verification-token",
        ["team_id"] = Team,
        ["api_app_id"] = "A0E2E",
        ["type"] = "event_callback",
        ["event_id"] = $"EvHome{Interlocked.Increment(ref _events)}",
        ["event_time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["authorizations"] = new JsonArray(new JsonObject { ["team_id"] = Team, ["user_id"] = "UBOT", ["is_bot"] = true }),
        ["event"] = new JsonObject { ["type"] = "app_home_opened", ["user"] = who.Id, ["channel"] = "D" + who.Id, ["tab"] = tab, ["event_ts"] = "1712345000.000300" },
    };

    private static IEnumerable<SlackApiCall> PublishesFor(SlackHost h, SlackPerson who) =>
        h.Api.CallsTo("views.publish").Where(c => (string?)c.Json["user_id"] == who.Id);

    /// <summary>The text under the header <paramref name="title"/>, up to the next header ("" when the home has no such list).</summary>
    private static string ListText(JsonObject home, string title)
    {
        var blocks = home["blocks"]!.AsArray().Select(b => b!.AsObject()).ToList();
        var start = blocks.FindIndex(b => (string?)b["type"] == "header" && (string?)b["text"]!["text"] == title);
        if (start < 0)
        {
            return "";
        }

        var end = blocks.FindIndex(start + 1, b => (string?)b["type"] == "header");
        return TextOf(new JsonArray([.. blocks[(start + 1)..(end < 0 ? blocks.Count : end)].Select(b => b.DeepClone())]));
    }

    private static IEnumerable<string> ButtonIds(JsonObject home) =>
        home["blocks"]!.AsArray().Select(b => b!["accessory"]).OfType<JsonObject>().Select(a => global::TriageBot.Slack.Blocks.ActionIdCodec.Strip((string)a["action_id"]!));

    [Fact]
    public async Task OpeningTheHomeTab_PublishesWhatWaitsForThatPerson_AndAVoteRepublishesItWithoutThatBallot()
    {
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);
        await MakeEliEngineerAsync(h);
        await ReportAsync(h, Ada, "bug", "Refunds time out for large carts");
        await ReportAsync(h, Ada, "feature", "Export the backlog to CSV");
        (await h.CommandAsync(Ada, "clinic")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var ballotPost = await h.WaitForAsync("chat.postMessage", c => Mentions(c, "Scoring TRI-1"), "the TRI-1 ballot");

        (await h.EventAsync(HomeOpened(Eli))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var eliHome = (await h.WaitForAsync("views.publish", c => (string?)c.Json["user_id"] == Eli.Id, "Eli's home")).Json["view"]!.AsObject();

        ((string?)eliHome["type"]).ShouldBe("home");
        ListText(eliHome, "Ballots waiting for your vote").ShouldContain("TRI-1");
        ListText(eliHome, "Capability notes asked of you").ShouldContain("TRI-2");
        ListText(eliHome, "Capability notes asked of you").ShouldNotContain("TRI-1");
        ListText(eliHome, "Your open items").ShouldContain("You have no open items");
        ListText(eliHome, "Next ceremonies").ShouldContain("Payments");
        ButtonIds(eliHome).ShouldContain("vote");
        ButtonIds(eliHome).ShouldContain("note");

        (await h.EventAsync(HomeOpened(Ada))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var adaHome = (await h.WaitForAsync("views.publish", c => (string?)c.Json["user_id"] == Ada.Id, "Ada's home")).Json["view"]!.AsObject();
        ListText(adaHome, "Your open items").ShouldContain("TRI-1");
        ListText(adaHome, "Your open items").ShouldContain("TRI-2");
        ListText(adaHome, "Your open items").ShouldContain("you reported it");
        ListText(adaHome, "Capability notes asked of you").ShouldBe("", "a facilitator is not asked for capability notes");

        // Eli votes in the ballot: both homes are published again, Eli's without the ballot he voted in.
        var eliBefore = PublishesFor(h, Eli).Count();
        var scores = new Dictionary<string, string> { ["impact"] = "3", ["confidence"] = "2", ["rollback"] = "1", ["delay"] = "2" };
        (await h.VoteInlineAsync(Eli, Message(ballotPost), ballotPost.AnsweredTs!, scores, Str(ballotPost, "thread_ts"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var refreshed = await h.WaitForAsync("views.publish",
            c => (string?)c.Json["user_id"] == Eli.Id && PublishesFor(h, Eli).ToList().IndexOf(c) >= eliBefore, "Eli's home after his vote");
        ListText(refreshed.Json["view"]!.AsObject(), "Ballots waiting for your vote").ShouldNotContain("TRI-1");
        await h.WaitForAsync("views.publish", c => (string?)c.Json["user_id"] == Ada.Id && ListText(c.Json["view"]!.AsObject(), "Ballots waiting for your vote").Contains("TRI-1"),
            "Ada's home, refreshed too, still asking for her vote");

        var (code, output) = await BlockKitTypeCheck.CompileAsync(
            h.Api.CallsTo("views.publish").Select((c, i) => BlockKitTypeCheck.Home($"published_{i}", c.Json["view"]!.AsObject())));
        code.ShouldBe(0, "tsc found Block Kit errors in a published home:\n" + output);
    }

    [Fact]
    public async Task SomeoneInNoBacklog_GetsAHomeSayingHowToJoin_AndTheMessagesTabPublishesNothing()
    {
        await using var h = await SlackHost.StartAsync();
        var stranger = Members[3];

        (await h.EventAsync(HomeOpened(stranger, tab: "messages"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await h.EventAsync(HomeOpened(stranger))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var home = (await h.WaitForAsync("views.publish", c => (string?)c.Json["user_id"] == stranger.Id, "the stranger's home")).Json["view"]!.AsObject();
        TextOf(home["blocks"]).ShouldContain("You don't belong to a triage backlog yet");
        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the outbox to drain");
        h.Api.CallsTo("views.publish").Count.ShouldBe(1, "opening the Messages tab publishes no home");
    }
}
