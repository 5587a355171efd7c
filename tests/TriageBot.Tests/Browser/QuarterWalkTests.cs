using Microsoft.Playwright;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Playground;
using static Microsoft.Playwright.Assertions;
using static TriageBot.Tests.Browser.PlaygroundBrowserTests;

namespace TriageBot.Tests.Browser;

/// <summary>
/// The fortnightly routine walked in the playground (issue 17), as a facilitator and an engineer would: the clinic with the ready
/// queue re-scored in the thread and one item kept in one click, a WIP refusal and its override, the icebox sweep decided row by
/// row until the post says what happened to each, and the dashboard's cautious release lane. Each step is screenshotted.
/// </summary>
public sealed class QuarterWalkTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private readonly KestrelHost _host = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private async Task<IPage> SeededPageAsync()
    {
        var page = await chromium.NewPageAsync(_host.BaseAddress, 1280, 900);
        await page.GotoAsync("/playground");
        await page.GetByRole(AriaRole.Button, new() { Name = "Seed demo data" }).ClickAsync();
        await Expect(page.Locator("#status")).ToContainTextAsync("Demo backlog ready");
        await ActAsAsync(page, "priya");
        return page;
    }

    private ILocator Message(IPage page, string text) => page.Locator("#feed article.msg:not([hidden])", new() { HasText = text }).Last;

    private async Task<Item> ItemAsync(string title)
    {
        await foreach (var item in _host.Store.Items.QueryAsync(new ItemQuery(DemoSeeder.BacklogId), CancellationToken.None))
        {
            if (item.Title == title)
            {
                return item;
            }
        }

        throw new InvalidOperationException($"No demo item '{title}'.");
    }

    [Fact]
    public async Task TheClinic_PutsTheReadyQueueUpForANewRound_AndAFacilitatorKeepsAnItemsScoresInOneClick_TheBallotSaysSo()
    {
        var page = await SeededPageAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "#clinic" }).ClickAsync();
        await SendAsync(page, "clinic");
        var agenda = Message(page, "Triage clinic agenda");
        await Expect(agenda).ToBeVisibleAsync();
        await ChromiumFixture.ScreenshotAsync(page, "quarter-clinic-agenda");

        // The ready queue's top is up for a new round in the thread, its ballot votable like a new item's.
        var rescoring = page.Locator("#feed article.msg:not([hidden]):not(:has(article.msg))", new() { HasText = "round 2" }).First;
        await Expect(rescoring).ToContainTextAsync("Scoring TRI-");
        var key = System.Text.RegularExpressions.Regex.Match(await rescoring.InnerTextAsync(), @"Scoring (TRI-\d+)").Groups[1].Value;
        var streaming = await ItemAsync(System.Text.RegularExpressions.Regex.Match(await rescoring.InnerTextAsync(), $@"Scoring {key}: (.+)").Groups[1].Value.Trim());
        var ballot = page.Locator($"#feed article.msg[data-id='{await rescoring.GetAttributeAsync("data-id")}']");
        await Expect(ballot.GetByRole(AriaRole.Button, new() { Name = "Vote" })).ToBeVisibleAsync();
        await ballot.GetByRole(AriaRole.Button, new() { Name = "Keep scores" }).ClickAsync();
        await Expect(ballot).ToContainTextAsync("Finalized");
        await Expect(ballot.GetByRole(AriaRole.Button, new() { Name = "Vote" })).ToHaveCountAsync(0);
        await ballot.ScrollIntoViewIfNeededAsync();
        await ChromiumFixture.ScreenshotAsync(page, "quarter-clinic-kept");
        var kept = (await _host.Store.Items.GetAsync(streaming.BacklogId, streaming.Number, CancellationToken.None))!.Value;
        (kept.Score!.Round, kept.Score.Total).ShouldBe((2, streaming.Score!.Total));
    }

    [Fact]
    public async Task StartingABugAtTheLimit_IsRefusedNamingTheActiveBugsAndOwners_AndAFacilitatorsOverrideStartsIt()
    {
        var page = await SeededPageAsync();
        await SendAsync(page, "limits bug 1");
        await Expect(Message(page, "WIP limits")).ToContainTextAsync("The bug WIP limit is now 2."); // the demo team has 2 engineers
        await ChromiumFixture.ScreenshotAsync(page, "quarter-wip-limits");

        var export = await ItemAsync("Export to PDF loses code blocks");
        await ActAsAsync(page, "arjun");
        await SendAsync(page, $"start {export.Key}");
        var refusal = PlaygroundBrowserTests.LastPrivate(page);
        await Expect(refusal).ToContainTextAsync("at its WIP limit (3 active, limit 2)");
        await Expect(refusal).ToContainTextAsync("(Arjun");
        await ChromiumFixture.ScreenshotAsync(page, "quarter-wip-refused");

        await ActAsAsync(page, "priya");
        await SendAsync(page, $"start {export.Key} override The largest customer's release depends on it this week");
        await Expect(page.Locator("#feed")).ToContainTextAsync("WIP override recorded");
        await ChromiumFixture.ScreenshotAsync(page, "quarter-wip-override");
        (await _host.Store.Items.GetAsync(export.BacklogId, export.Number, CancellationToken.None))!.Value.State.ShouldBe(ItemState.Active);

        await SendAsync(page, "report weekly");
        await Expect(Message(page, "Weekly")).ToContainTextAsync("The largest customer's release depends on it this week");
        await ChromiumFixture.ScreenshotAsync(page, "quarter-wip-weekly");
    }

    [Fact]
    public async Task TheSweep_DecidedRowByRow_EndsWithEveryRowSayingWhatHappenedAndWhoDidIt_AndNoButtonLeft()
    {
        var page = await SeededPageAsync();
        var iced = new List<Item>();
        var reporter = (await ItemAsync("Typo in the onboarding tooltip")).Reporter;
        var at = DateTimeOffset.UtcNow.AddMonths(-9);
        foreach (var (n, title) in new[] { (901, "Legacy CSV dialect"), (902, "Retina icons") })
        {
            var item = new Item
            {
                BacklogId = DemoSeeder.BacklogId, Number = n, Key = $"TRI-{n}", Title = title, Stream = WorkStream.Bug, Reporter = reporter,
                CreatedAt = at, State = ItemState.Icebox, StateSince = at, UpdatedAt = at, Bug = new BugFields(),
            };
            await _host.Store.Writes.WriteAsync(new ItemWrite { Item = item }, CancellationToken.None);
            iced.Add(item);
        }

        await SendAsync(page, "report icebox");
        await Expect(Message(page, "Legacy CSV dialect")).ToContainTextAsync("Icebox sweep");
        var sweep = page.Locator($"#feed article.msg[data-id='{await Message(page, "Legacy CSV dialect").GetAttributeAsync("data-id")}']");
        await Expect(sweep.GetByRole(AriaRole.Button, new() { Name = "Decide…" })).ToHaveCountAsync(2);
        await ChromiumFixture.ScreenshotAsync(page, "quarter-sweep-posted");

        var dialog = page.Locator("#form-dialog");
        await sweep.GetByRole(AriaRole.Button, new() { Name = "Decide…" }).First.ClickAsync();
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByLabel("Decision").SelectOptionAsync("close");
        await dialog.GetByLabel("Rationale or reason").FillAsync("Nobody uses that dialect any more.");
        await ChromiumFixture.ScreenshotAsync(page, "quarter-sweep-dialog");
        await dialog.GetByRole(AriaRole.Button).Filter(new() { HasTextRegex = new("^(Decide|Save|Submit)") }).First.ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(sweep).ToContainTextAsync("Closed by Priya");

        await SendAsync(page, $"keep {iced[1].Key} Required by the public-sector contract");
        await Expect(sweep).ToContainTextAsync("Kept in the icebox by Priya");
        await Expect(sweep).ToContainTextAsync("all 2 decided");
        await Expect(sweep.GetByRole(AriaRole.Button, new() { Name = "Decide…" })).ToHaveCountAsync(0);
        await sweep.ScrollIntoViewIfNeededAsync();
        await ChromiumFixture.ScreenshotAsync(page, "quarter-sweep-decided");
    }

    [Fact]
    public async Task TheDashboard_NamesTheCautiousReleaseLane()
    {
        var page = await SeededPageAsync();
        var dashboard = await page.Context.RunAndWaitForPageAsync(() =>
            page.GetByRole(AriaRole.Link, new() { Name = "Open the dashboard of Answer Assistant (demo)" }).ClickAsync());
        await Expect(dashboard.Locator("body")).ToContainTextAsync(Core.Rubric.RubricRules.CautiousReleaseLabel);
        await ChromiumFixture.ScreenshotAsync(dashboard, "quarter-dashboard");
    }
}
