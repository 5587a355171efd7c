using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Teams;

/// <summary>
/// Issue 19: the search message extension finds items by key or title in the person's own backlogs and inserts a
/// read-only item card; a pasted dashboard or item link unfurls (composeExtension/queryLink); anything else does not.
/// </summary>
public sealed class TeamsSearchAndUnfurlTests(LocalOpenIdIssuer issuer) : TeamsFlow(issuer)
{
    private const string Base = "https://triage.example.test";

    protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("PublicBaseUrl", Base);

    [Fact]
    public async Task Search_ByKeyOrTitleWords_FindsItemsOfThePersonsBacklog_AsReadOnlyCards_AndNothingForSomeoneInNoBacklog()
    {
        await SetUpAsync(People.Ada);
        await ReportAsync(People.Grace, "Refund answers come back in French");
        await ReportAsync(People.Grace, "Checkout times out");
        await ReportAsync(People.Grace, "Refund button hidden on mobile");

        var byKey = Attachments(await SearchAsync(People.Grace, "TRI-2"));
        var one = byKey.ShouldHaveSingleItem();
        Cards.Text(one["content"]!.AsObject()).ShouldContain("Checkout times out");
        one["preview"]!["content"]!["title"]!.GetValue<string>().ShouldBe("TRI-2 · Checkout times out");
        Cards.Actions(one["content"]!.AsObject()).ShouldAllBe(a => a["type"]!.GetValue<string>() == "Action.OpenUrl", "an inserted card has no bot buttons");
        Cards.Actions(one["content"]!.AsObject()).ShouldContain(a => a["url"]!.GetValue<string>().StartsWith(Base + "/d/", StringComparison.Ordinal));

        var byWords = Attachments(await SearchAsync(People.Grace, "refund"));
        byWords.Select(a => a["preview"]!["content"]!["title"]!.GetValue<string>()).ShouldBe(["TRI-3 · Refund button hidden on mobile", "TRI-1 · Refund answers come back in French"], ignoreOrder: true);
        Attachments(await SearchAsync(People.Grace, "refund mobile")).ShouldHaveSingleItem();

        Attachments(await SearchAsync(People.Ken, "TRI-2")).ShouldBeEmpty("Ken belongs to no backlog: he sees none of its items");
        Attachments(await SearchAsync(People.Ken, "refund")).ShouldBeEmpty();
        (await SearchAsync(People.Grace, new string('x', 500)))!["composeExtension"]!["type"]!.GetValue<string>().ShouldBe("message");
    }

    [Fact]
    public async Task AnItemLinkAndTheDashboardLink_Unfurl_WithCardsTeamsCanUnfurl_AndForeignOrStaleLinksDoNot()
    {
        var backlogId = await SetUpAsync(People.Ada);
        await ReportAsync(People.Grace, "Refund answers come back in French");
        var token = (await P.Store.Backlogs.GetAsync(backlogId, Ct)).ShouldNotBeNull().Value.DashboardToken;

        var item = Attachments(await UnfurlAsync($"{Base}/d/{token}/items/1")).ShouldHaveSingleItem();
        item["content"]!["version"]!.GetValue<string>().ShouldBe("1.3");
        Cards.Text(item["content"]!.AsObject()).ShouldContain("Refund answers come back in French");
        var dashboard = Attachments(await UnfurlAsync($"{Base}/d/{token}")).ShouldHaveSingleItem();
        Cards.Text(dashboard["content"]!.AsObject()).ShouldContain("AI Assistant: dashboard");

        foreach (var hostile in new[]
        {
            $"{Base}/d/{token}/items/2", $"{Base}/d/wrongtoken123456/items/1", $"https://evil.example.com/d/{token}/items/1",
            $"https://triage.example.test@evil.example.com/d/{token}", $"http://triage.example.test/d/{token}", "not a url", "",
        })
            (await UnfurlAsync(hostile)).ShouldBeNull($"'{hostile}' unfurled");

        // A rotated token no longer unfurls.
        (await CommandAsync(People.Ada, "dashboard rotate")).ShouldNotBeEmpty();
        (await UnfurlAsync($"{Base}/d/{token}/items/1")).ShouldBeNull("the old token is retired");
        await P.ShouldAllBeValidCardsAsync();
    }

    [Fact]
    public async Task InAChannel_AMessageWithoutAMention_IsAnsweredOnlyWhenItIsACommand_NeverForChatter()
    {
        await SetUpAsync(People.Ada);

        foreach (var chatter in new[] { "new release is out tomorrow", "hello everyone", "can someone list the blockers?", "show me the logs please", "" })
            (await DeliveredAsync(async () => (await P.PostOkAsync(Unmentioned(People.Grace, chatter))).ShouldBeNull())).ShouldBeEmpty($"'{chatter}' was answered");

        var listed = await DeliveredAsync(async () => (await P.PostOkAsync(Unmentioned(People.Ada, "rubric"))).ShouldBeNull());
        listed.ShouldHaveSingleItem().Text.ShouldContain("Rubric");
        // With a mention, a bad command still gets its one-line answer.
        (await CommandAsync(People.Grace, "show me the logs please")).ShouldHaveSingleItem();
    }

    private async Task ReportAsync(TeamsPerson who, string title)
    {
        var (post, form) = await CommandFormAsync(who, "new bug");
        Cards.DialogMessage(await SubmitAsync(who, post, form, new Dictionary<string, string> { ["title"] = title })).ShouldContain("Reported TRI-");
        await P.DrainAsync();
    }

    private Task<JsonNode?> SearchAsync(TeamsPerson who, string query)
    {
        var a = A.Base("invoke", who, TeamsProduct.ChannelId);
        a["name"] = "composeExtension/query";
        a["value"] = new JsonObject
        {
            ["commandId"] = "searchItems",
            ["parameters"] = new JsonArray(new JsonObject { ["name"] = "query", ["value"] = query }),
            ["queryOptions"] = new JsonObject { ["skip"] = 0, ["count"] = 25 },
        };
        return P.PostOkAsync(a);
    }

    private Task<JsonNode?> UnfurlAsync(string url)
    {
        var a = A.Base("invoke", People.Ken, "19:some-other-chat@thread.v2");
        a["conversation"]!["conversationType"] = "groupChat";
        a["channelData"]!.AsObject().Remove("team");
        a["channelData"]!.AsObject().Remove("channel");
        a["name"] = "composeExtension/queryLink";
        a["value"] = new JsonObject { ["url"] = url };
        return P.PostOkAsync(a);
    }

    private static IReadOnlyList<JsonObject> Attachments(JsonNode? answer)
    {
        answer.ShouldNotBeNull();
        var result = answer["composeExtension"]!;
        result["type"]!.GetValue<string>().ShouldBe("result", answer.ToJsonString());
        return [.. result["attachments"]!.AsArray().Select(a => a!.AsObject())];
    }

    /// <summary>A new channel post that does not @mention the bot (delivered because the team granted resource-specific consent).</summary>
    private JsonObject Unmentioned(TeamsPerson from, string text)
    {
        var id = P.NewId();
        var a = A.Base("message", from, Activities.Thread(id), id);
        a["text"] = text;
        a["textFormat"] = "plain";
        return a;
    }
}
