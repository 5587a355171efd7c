using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using TriageBot.Core.Backlogs;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>Issue 19: a TriageBot dashboard or item link shared in Slack unfurls (link_shared → chat.unfurl); any other link does not.</summary>
public sealed class LinkUnfurlTests
{
    private const string Base = "https://triage.example.test";

    [Fact]
    public async Task AnItemLinkAndTheDashboardLink_UnfurlIntoTheItemsCardAndTheBacklogsOverview_WithoutButtons()
    {
        await using var h = await SlackHost.StartAsync(b => b.UseSetting("PublicBaseUrl", Base));
        await SetUpChannelAsync(h);
        await ReportAsync(h, Members[0], "bug", "Receipts print twice");
        var token = await TokenAsync(h);
        var item = $"{Base}/d/{token}/items/1";
        var dashboard = $"{Base}/d/{token}";

        (await h.EventAsync(LinkShared("Ev0UNFURL1", item, dashboard, "https://evil.example.com/d/" + token))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var call = await h.WaitForAsync("chat.unfurl", _ => true, "the unfurl");
        Str(call, "unfurl_id").ShouldBe("C9GENERAL.1712345999.000100.abc");
        Str(call, "source").ShouldBe("conversations_history");
        var unfurls = call.Json["unfurls"]!.AsObject();
        unfurls.Select(u => u.Key).ShouldBe([item, dashboard], ignoreOrder: true);
        TextOf(unfurls[item]!["blocks"]).ShouldContain("Receipts print twice");
        TextOf(unfurls[dashboard]!["blocks"]).ShouldContain("dashboard");
        unfurls.ShouldAllBe(u => u.Value!["blocks"]!.AsArray().All(b => (string?)b!["type"] != "actions"));
    }

    [Theory]
    [InlineData("{base}/d/not-the-token-at-all/items/1")]
    [InlineData("{base}/d/{token}/items/999")]
    [InlineData("http://triage.example.test/d/{token}/items/1")]
    [InlineData("https://triage.example.test@evil.example.com/d/{token}/items/1")]
    [InlineData("https://triage.example.test.evil.example.com/d/{token}")]
    [InlineData("{base}/d/{token}/items/1/../../../admin")]
    [InlineData("{base}/d/{token}/export.csv")]
    [InlineData("javascript:alert(1)//{base}/d/{token}")]
    public async Task ALinkThatIsNotOneOfOursOrWhoseTokenIsNotInForce_IsNotUnfurled(string shape)
    {
        await using var h = await SlackHost.StartAsync(b => b.UseSetting("PublicBaseUrl", Base));
        await SetUpChannelAsync(h);
        await ReportAsync(h, Members[0], "bug", "Receipts print twice");
        var token = await TokenAsync(h);
        var hostile = shape.Replace("{base}", Base, StringComparison.Ordinal).Replace("{token}", token, StringComparison.Ordinal);

        (await h.EventAsync(LinkShared("Ev0HOSTILE", hostile))).StatusCode.ShouldBe(HttpStatusCode.OK);
        // The events endpoint answers once the event is handled; a later real link is unfurled, the hostile one was not.
        (await h.EventAsync(LinkShared("Ev0REAL", $"{Base}/d/{token}/items/1"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var call = await h.WaitForAsync("chat.unfurl", _ => true, "the real link's unfurl");
        call.Json["unfurls"]!.AsObject().Select(u => u.Key).ShouldBe([$"{Base}/d/{token}/items/1"]);
        h.Api.CallsTo("chat.unfurl").Count.ShouldBe(1);
    }

    private static async Task<string> TokenAsync(SlackHost h) =>
        (await BacklogsAsync(h.Store)).ShouldHaveSingleItem().DashboardToken;

    private static JsonObject LinkShared(string eventId, params string[] urls) => new()
    {
        ["token"] = "deprecated-verification-token",
        ["team_id"] = Team,
        ["api_app_id"] = "A0E2E",
        ["type"] = "event_callback",
        ["event_id"] = eventId,
        ["event_time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["authorizations"] = new JsonArray(new JsonObject { ["team_id"] = Team, ["user_id"] = "UBOT", ["is_bot"] = true }),
        ["event"] = new JsonObject
        {
            ["type"] = "link_shared",
            ["user"] = Members[1].Id,
            ["channel"] = "C9GENERAL",
            ["message_ts"] = "1712345999.000100",
            ["unfurl_id"] = "C9GENERAL.1712345999.000100.abc",
            ["source"] = "conversations_history",
            ["event_ts"] = "1712345999.000100",
            ["links"] = new JsonArray([.. urls.Select(u => (JsonNode)new JsonObject { ["url"] = u, ["domain"] = "triage.example.test" })]),
        },
    };
}
