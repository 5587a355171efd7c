using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using TriageBot.Core.Items;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>Possible duplicates before filing, through the real host against the fake Slack.</summary>
public sealed class DuplicateIntakeTests
{
    [Fact]
    public async Task AReportLikeAnOpenItem_ShowsItWithALink_AndAddingToIt_KeepsTheReportersNameAndSourceLinkInItsHistory()
    {
        await using var h = await StartWithItemsAsync();
        var opened = h.Api.CallsTo("views.open").Count;
        (await h.InteractAsync(AnywhereIntakeTests.MessageAction(h, Members[1], Channel, "1712345678.000900", "The kitchen printer prints every receipt twice since Monday"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var modal = await h.OpenedModalAsync(opened + 1);

        var first = (await JsonBody(await h.SubmitAsync(Members[1], modal, new Dictionary<string, string?> { ["title"] = "Receipts printed twice by the kitchen printer" })))!;

        ((string?)first["response_action"]).ShouldBe("update");
        var shown = first["view"]!.AsObject();
        var intro = TextOf(shown["blocks"]![0]);
        intro.ShouldContain("This may already be reported");
        intro.ShouldMatch(@"<https://triage\.example\.test/[^|>]+/items/1\|TRI-1>");
        intro.ShouldNotContain("TRI-2", customMessage: "an unrelated item is not suggested");
        var options = ModalState.Input(shown, "duplicateOf")["element"]!["options"]!.AsArray().Select(o => (string)o!["value"]!).ToList();
        options.ShouldBe(["new", "1"]);

        var added = await JsonBody(await h.SubmitAsync(Members[1], shown, new Dictionary<string, string?> { ["duplicateOf"] = "1" }));
        Confirmed(added).ShouldContain("Added your report to TRI-1");
        (await ItemsAsync(h.Store)).Count.ShouldBe(3, "no new item");
        var comment = (await h.Store.History.ForItemAsync(BacklogId, 1, default).ToListAsync()).Last();
        comment.Kind.ShouldBe(HistoryKind.Commented);
        comment.Actor.UserId.ShouldBe(Members[1].Id);
        comment.To.ShouldBe("https://e2e.slack.com/archives/C0TRIAGE/p1712345678000900".Replace("C0TRIAGE", Channel, StringComparison.Ordinal));
        comment.Reason.ShouldBe("Receipts printed twice by the kitchen printer\nThe kitchen printer prints every receipt twice since Monday");
        (await h.Store.Items.GetAsync(BacklogId, 1, default))!.Value.Links.ShouldContain(comment.To!);
    }

    [Fact]
    public async Task FilingAnyway_AfterTheSuggestions_CreatesTheItem_AndAReportLikeNothingIsFiledAtOnce()
    {
        await using var h = await StartWithItemsAsync();
        var opened = h.Api.CallsTo("views.open").Count;
        (await h.CommandAsync(Members[1], "new bug")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var modal = await h.OpenedModalAsync(opened + 1);
        var first = (await JsonBody(await h.SubmitAsync(Members[1], modal, new Dictionary<string, string?> { ["title"] = "Kitchen printer prints receipts twice" })))!;
        var shown = first["view"]!.AsObject();

        Confirmed(await JsonBody(await h.SubmitAsync(Members[1], shown))).ShouldContain("Reported TRI-4");

        (await h.CommandAsync(Members[1], "new bug")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var other = await h.OpenedModalAsync(opened + 2);
        Confirmed(await JsonBody(await h.SubmitAsync(Members[1], other, new Dictionary<string, string?> { ["title"] = "Voice input stops after thirty seconds" }))).ShouldContain("Reported TRI-5");
    }

    [Fact]
    public async Task MergeByAFacilitator_ClosesTheDuplicateWithItsRationale_AndMovesReporterLinksAndComments_KeepingBothHistories()
    {
        await using var h = await StartWithItemsAsync();
        var fourth = await ReportFromMessageAsync(h, Members[1], "1712345678.001000", "Kitchen printer doubles every receipt", choice: "new");
        Confirmed(fourth).ShouldContain("Reported TRI-4");
        Confirmed(await ReportFromMessageAsync(h, Members[2], "1712345678.001100", "The kitchen printer doubles every receipt", choice: "4")).ShouldContain("Added your report to TRI-4");
        var before = await h.Store.History.ForItemAsync(BacklogId, 4, default).ToListAsync();

        var refused = TextOf(await JsonBody(await h.CommandAsync(Members[0], "merge TRI-4 into TRI-1")));
        refused.ShouldContain("merge items");
        (await h.Store.Items.GetAsync(BacklogId, 4, default))!.Value.State.ShouldBe(ItemState.New, "a member cannot merge: nothing changed");

        TextOf(await JsonBody(await h.CommandAsync(Ada, "merge TRI-4 into TRI-1"))).ShouldContain("TRI-4 is closed as a duplicate of TRI-1");

        var duplicate = (await h.Store.Items.GetAsync(BacklogId, 4, default))!.Value;
        duplicate.State.ShouldBe(ItemState.Closed);
        duplicate.ClosedRationale.ShouldBe("duplicate of TRI-1");
        var kept = await h.Store.History.ForItemAsync(BacklogId, 4, default).ToListAsync();
        kept.Take(before.Count).ShouldBe(before, "the duplicate keeps its history");
        var link4 = $"https://e2e.slack.com/archives/{Channel}/p1712345678001000";
        var link5 = $"https://e2e.slack.com/archives/{Channel}/p1712345678001100";
        var original = (await h.Store.Items.GetAsync(BacklogId, 1, default))!.Value;
        original.Links.ShouldContain(link4);
        original.Links.ShouldContain(link5);
        var history = await h.Store.History.ForItemAsync(BacklogId, 1, default).ToListAsync();
        history[0].Kind.ShouldBe(HistoryKind.Created, "the original keeps its history");
        history.ShouldContain(e => e.Field == "merged" && e.To == "TRI-4" && e.Actor.UserId == Ada.Id);
        history.ShouldContain(e => e.Field == "reporter" && e.Actor.UserId == Members[1].Id && e.Reason!.Contains(link4));
        history.ShouldContain(e => e.Field == "report" && e.Actor.UserId == Members[2].Id && e.To == link5
            && e.Reason == "The kitchen printer doubles every receipt\nThe kitchen printer doubles every receipt");
        history.Select(e => e.Sequence).ShouldBeUnique();

        TextOf(await JsonBody(await h.CommandAsync(Ada, "merge TRI-4 into TRI-1"))).ShouldContain("TRI-4 is already closed");
        var bad = TextOf(await JsonBody(await h.CommandAsync(Ada, "merge TRI-2 TRI-1")));
        bad.ShouldContain("Expected `merge TRI-31 into TRI-12`");
        bad.ShouldContain("`help` for all commands.");
    }

    /// <summary>"Report to triage" on a message, submitted; when possible duplicates are shown, <paramref name="choice"/> is picked.</summary>
    private static async Task<JsonObject?> ReportFromMessageAsync(SlackHost h, SlackPerson who, string ts, string text, string choice)
    {
        var opened = h.Api.CallsTo("views.open").Count;
        (await h.InteractAsync(AnywhereIntakeTests.MessageAction(h, who, Channel, ts, text))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var modal = await h.OpenedModalAsync(opened + 1);
        var first = (await JsonBody(await h.SubmitAsync(who, modal, new Dictionary<string, string?> { ["title"] = text })))!;
        if ((string?)first["response_action"] != "update")
        {
            return first;
        }

        return await JsonBody(await h.SubmitAsync(who, first["view"]!.AsObject(), new Dictionary<string, string?> { ["duplicateOf"] = choice }));
    }

    private static async Task<SlackHost> StartWithItemsAsync()
    {
        var h = await SlackHost.StartAsync(b =>
        {
            b.UseSetting("PublicBaseUrl", "https://triage.example.test");
            b.UseSetting("Slack:ResponseUrlPrefix", "http://127.0.0.1");
        });
        await SetUpChannelAsync(h);
        await ReportAsync(h, Members[0], "bug", "Kitchen printer prints each receipt twice", new Dictionary<string, string?> { ["description"] = "Every order receipt comes out of the kitchen printer two times." });
        await ReportAsync(h, Members[0], "bug", "Dashboard chart colours unreadable");
        await ReportAsync(h, Members[0], "feature", "Export conversations to Markdown");
        return h;
    }
}
