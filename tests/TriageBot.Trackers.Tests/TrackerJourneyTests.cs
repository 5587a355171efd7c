using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Rubric;
using TriageBot.Tests.Browser;
using TriageBot.Trackers.Tests.Fakes;
using static Microsoft.Playwright.Assertions;

namespace TriageBot.Trackers.Tests;

/// <summary>
/// The tracker journey as a facilitator lives it, in Chromium on the real host's playground, against a fake GitHub that
/// requires GitHub App authentication: connect, see the connection, import, link, score into Sprint (issue created with the
/// scores and a link back), re-score (update and comment), a signed webhook closes the item, a forged and a replayed one are
/// refused, the item's dashboard page, disconnect. Screenshots go to TestResults/screenshots/trackers-*.png.
/// </summary>
public sealed partial class TrackerJourneyTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncDisposable
{
    private const string Repo = "acme/app";
    private readonly FakeGitHub github = new(Repo);

    [Fact]
    public async Task AFacilitator_ConnectsImportsLinksPlacesRescoresAndDisconnects_AndGitHubClosingTheIssueMakesTheItemDone()
    {
        using var app = new FakeGitHubApp("Iv1.triagebot", 77, TimeProvider.System);
        github.App = app;
        await using var host = new TrackerHost(github, extra: new Dictionary<string, string?>
        {
            ["Trackers:GitHub:Token"] = "",
            ["Trackers:GitHub:AppId"] = app.AppId,
            ["Trackers:GitHub:PrivateKey"] = app.PrivateKeyPem.Replace("\n", "\\n", StringComparison.Ordinal), // as one line in an app setting
            ["Trackers:GitHub:InstallationId"] = "77",
        });
        var page = await chromium.NewPageAsync(host.BaseAddress, 1280, 900);
        await page.GotoAsync("/playground");
        await page.GetByRole(AriaRole.Button, new() { Name = "Seed demo data" }).ClickAsync();
        await Expect(page.Locator("#status")).ToContainTextAsync("Demo backlog ready");

        // Connect, and `connect` shows it.
        await SayAsync(page, "connect", "is not connected to a tracker");
        await SayAsync(page, $"connect github {Repo}", "Connected. GitHub: acme/app");
        await SayAsync(page, "connect", "Items placed in Sprint get an issue there. Nobody's GitHub account is linked yet");
        await ChromiumFixture.ScreenshotAsync(page, "trackers-1-connected");

        // Import two issues; link an existing one to an item.
        github.AddIssue(Repo, "Checkout fails on Safari", "Steps: open checkout on Safari 17", "bug");
        github.AddIssue(Repo, "Checkout should remember the card");
        var existing = github.AddIssue(Repo, "Search is slow");
        await SayAsync(page, "import github checkout", "Imported 2 issues from acme/app as New items.");
        var active = await host.FirstAsync(ItemState.Active);
        await SayAsync(page, $"link {active.Key} {Repo}#{existing["number"]}", $"{active.Key} is linked to {Repo}#{existing["number"]}");
        await ChromiumFixture.ScreenshotAsync(page, "trackers-2-imported-and-linked");

        // Score an item into Sprint (the scoring form, as the playground submits it): the issue is created with its scores.
        var item = await FirstNewBugAsync(host);
        (await ScoreAndPlaceAsync(host, item, 3, "Every checkout on Safari fails")).ShouldNotContain("formErrors");
        (await host.ItemAsync(item.Number)).State.ShouldBe(ItemState.Sprint);
        var link = await TrackerHost.EventuallyAsync(async () => await host.Trackers.GetLinkAsync("demo", item.Number, TrackerKind.GitHub, CancellationToken.None) is { Value.IssueId: not null, Value.Pending: false } l ? l : null,
            "the issue created");
        var number = long.Parse(link.Value.IssueKey!.Split('#')[1], System.Globalization.CultureInfo.InvariantCulture);
        var issue = github.Issues[(Repo, number)];
        issue["title"]!.GetValue<string>().ShouldStartWith($"[{item.Key}] ");
        var body = issue["body"]!.GetValue<string>();
        body.ShouldContain($"| {RubricText.Name(Dimension.Impact)} | 3 | Every checkout on Safari fails |");
        body.ShouldContain("**Weighted total:");
        var dashboard = DashboardLink().Match(body).Value;
        dashboard.ShouldStartWith("https://triage.example/d/");
        issue["labels"]!.ToJsonString().ShouldContain("triage: sprint");

        // Re-score: the issue is updated and gets a comment saying what changed.
        await page.ReloadAsync();
        await Expect(page.Locator("#feed")).ToContainTextAsync(item.Key);
        (await host.PressAsync("priya", Core.Views.ButtonIds.ReopenScoring, scoringArg)).ShouldNotContain("Attention");
        await ScoreAndPlaceAsync(host, item, 2, "Only Safari 17 users");
        var comment = await TrackerHost.EventuallyAsync(() => Task.FromResult<string?>(github.Comments.FirstOrDefault(c => c.Number == number && c.Body.Contains("Re-scored", StringComparison.Ordinal)).Body),
            "a re-score comment");
        comment.ShouldContain("<!-- triagebot:");

        // GitHub closes the issue as completed (a signed delivery): the item is Done. A forgery and a replay change nothing.
        var closed = new
        {
            action = "closed",
            issue = new { id = issue["id"]!.GetValue<long>(), number, state_reason = "completed", title = issue["title"]!.GetValue<string>() },
            repository = new { full_name = Repo },
            sender = new { login = "octocat" },
        };
        var before = await host.ItemAsync(item.Number);
        (await host.GitHubWebhookAsync("journey-1", closed, secret: "not the secret")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await host.ItemAsync(item.Number)).HistoryCount.ShouldBe(before.HistoryCount, "a forged delivery changes nothing");
        (await host.GitHubWebhookAsync("journey-1", closed)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await TrackerHost.EventuallyAsync(async () => (await host.ItemAsync(item.Number)).State == ItemState.Done, "the item is Done");
        var done = await host.ItemAsync(item.Number);
        (await host.GitHubWebhookAsync("journey-1", closed)).StatusCode.ShouldBe(HttpStatusCode.OK, "a replay is answered and ignored");
        (await host.ItemAsync(item.Number)).HistoryCount.ShouldBe(done.HistoryCount);

        // The item's dashboard page, from the issue's link back.
        var itemPage = await chromium.NewPageAsync(host.BaseAddress, 1280, 900);
        await itemPage.GotoAsync(new Uri(dashboard).PathAndQuery);
        await Expect(itemPage.Locator("body")).ToContainTextAsync(item.Title);
        await Expect(itemPage.Locator("body")).ToContainTextAsync("Done");
        await Expect(itemPage.Locator("dl.fields")).ToContainTextAsync(link.Value.IssueUrl!); // the issue, among the item's links
        await ChromiumFixture.ScreenshotAsync(itemPage, "trackers-3-item-dashboard");

        // Disconnect: `connect` says so; the links stay.
        await SayAsync(page, "disconnect github", "is no longer connected to GitHub");
        await SayAsync(page, "connect", "is not connected to a tracker");
        await Expect(page.Locator("#feed article.msg:not([hidden])", new() { HasText = "is not connected to a tracker" })).ToHaveCountAsync(2);
        await ChromiumFixture.ScreenshotAsync(page, "trackers-4-disconnected");
        (await host.Trackers.GetLinkAsync("demo", item.Number, TrackerKind.GitHub, CancellationToken.None)).ShouldNotBeNull();
        app.Refusals.ShouldBeEmpty();
        app.Issued.Count.ShouldBe(1, "one installation token for the whole journey");
    }

    private string? scoringArg;

    private static async Task SayAsync(IPage page, string command, string answer)
    {
        await page.GetByLabel("Command").FillAsync(command);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
        await Expect(page.Locator("#feed article.msg:not([hidden])", new() { HasText = answer }).Last).ToBeVisibleAsync();
    }

    private static async Task<Item> FirstNewBugAsync(TrackerHost host)
    {
        await foreach (var i in host.Store.Items.QueryAsync(new ItemQuery("demo") { States = [ItemState.New] }, CancellationToken.None))
        {
            if (i.Stream == WorkStream.Bug && i.ImportId is null)
            {
                return i;
            }
        }

        throw new InvalidOperationException("No New bug in the demo backlog.");
    }

    private async Task<string> ScoreAndPlaceAsync(TrackerHost host, Item item, int score, string why)
    {
        var form = await host.SayAsync("priya", $"score {item.Key}");
        scoringArg = ArgPattern().Match(form).Groups[1].Value;
        var values = Enum.GetValues<Dimension>().ToDictionary(Forms.ScoreField, _ => score.ToString(System.Globalization.CultureInfo.InvariantCulture));
        values[Forms.ReasonField(Dimension.Impact)] = why;
        values[Forms.ScoreAndPlace] = Forms.PlaceNow;
        return await host.SubmitAsync("priya", FormIds.Vote, scoringArg, values);
    }

    public async ValueTask DisposeAsync() => await github.DisposeAsync();

    [GeneratedRegex("\"arg\":\"([^\"]+)\"")]
    private static partial Regex ArgPattern();

    [GeneratedRegex(@"https://triage\.example/d/[^\s)\]]+")]
    private static partial Regex DashboardLink();
}
