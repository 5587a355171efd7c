using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using TriageBot.Core.Items;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Teams;

/// <summary>
/// Possible duplicates on Teams, through the real host with real JWTs against the fake Connector: the message action's dialog
/// lists similar open items, each a clickable link (Markdown <c>[TRI-1](url)</c>, the only link a card's TextBlock makes),
/// and adding the report to one keeps the reporter's name and the message's deep link in its history.
/// </summary>
public sealed class TeamsDuplicateIntakeTests(LocalOpenIdIssuer issuer) : TeamsFlow(issuer)
{
    private const string Base = "https://triage.example.test";

    protected override void Configure(IWebHostBuilder builder) => builder.UseSetting("PublicBaseUrl", Base);

    [Fact]
    public async Task AReportLikeAnOpenItem_ShowsItAsALinkInTheDialog_AndAddingToIt_KeepsTheReportersNameAndDeepLinkInItsHistory()
    {
        var backlogId = await SetUpAsync(People.Ada);
        var first = Activities.MessagePayload("1700000010001", People.Barbara, "<p>Kitchen printer prints each receipt twice</p>");
        await ReportAsync(People.Grace, first, new Dictionary<string, string> { ["description"] = "Every order receipt comes out of the kitchen printer two times." });
        var second = Activities.MessagePayload("1700000010002", People.Barbara, "<p>The kitchen printer prints every receipt twice since Monday</p>");
        var dialog = Cards.DialogCard(await P.PostOkAsync(A.FetchTask(People.Ken, second)));

        var shown = Cards.DialogCard(await P.PostOkAsync(A.SubmitAction(People.Ken, second, Cards.Fill(dialog, Cards.SubmitAction(dialog), new Dictionary<string, string>()))));

        var intro = shown["body"]!.AsArray().Select(e => e!["text"]?.GetValue<string>()).First(t => t?.Contains("may already be reported", StringComparison.Ordinal) == true)!;
        intro.ShouldMatch(@"\[TRI-1\]\(https://triage\.example\.test/[^)\s\\]+/items/1\)", "the suggestion is a Markdown link a Teams card makes clickable");
        Cards.Inputs(shown)["duplicateOf"]["choices"]!.AsArray().Select(c => c!["value"]!.GetValue<string>()).ShouldBe(["new", "1"]);

        Cards.DialogMessage(await P.PostOkAsync(A.SubmitAction(People.Ken, second, Cards.Fill(shown, Cards.SubmitAction(shown), new Dictionary<string, string> { ["duplicateOf"] = "1" }))))
            .ShouldBe("Added your report to TRI-1: Kitchen printer prints each receipt twice");
        (await P.Store.Items.GetAsync(backlogId, 2, Ct)).ShouldBeNull("no new item");
        var comment = (await P.Store.History.ForItemAsync(backlogId, 1, Ct).ToListAsync(Ct)).Last();
        comment.Kind.ShouldBe(HistoryKind.Commented);
        comment.Actor.DisplayName.ShouldBe(People.Ken.Name);
        comment.To.ShouldBe(second["linkToMessage"]!.GetValue<string>());
        await P.ShouldAllBeValidCardsAsync();
    }

    [Fact]
    public async Task TheDashboardCommand_GivesALinkOrButtonThatOpensTheDashboard()
    {
        await SetUpAsync(People.Ada);

        var posted = (await CommandAsync(People.Ada, "dashboard")).ShouldHaveSingleItem();

        var opens = Cards.Actions(posted.Card).Where(a => a["type"]?.GetValue<string>() == "Action.OpenUrl").Select(a => a["url"]!.GetValue<string>());
        var linked = System.Text.RegularExpressions.Regex.Matches(posted.Card.ToJsonString(), @"\]\((https://triage\.example\.test/[^)]+)\)").Select(m => m.Groups[1].Value);
        opens.Concat(linked).ShouldContain(u => u.StartsWith(Base + "/", StringComparison.Ordinal), $"nothing opens the dashboard: {posted.Card.ToJsonString()}");
    }

    private async Task ReportAsync(TeamsPerson who, JsonObject message, IReadOnlyDictionary<string, string> typed)
    {
        var dialog = Cards.DialogCard(await P.PostOkAsync(A.FetchTask(who, message)));
        await DeliveredAsync(async () => Cards.DialogMessage(await P.PostOkAsync(A.SubmitAction(who, message, Cards.Fill(dialog, Cards.SubmitAction(dialog), typed))))
            .ShouldStartWith("Reported TRI-"));
    }
}
