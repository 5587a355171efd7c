using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Playground;
using static Microsoft.Playwright.Assertions;

namespace TriageBot.Tests.Browser;

public sealed class DashboardBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private readonly KestrelHost _host = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Dashboard_ShowsTheSeededBacklog_WithTheCountsInTheStore()
    {
        var dashboard = await SeedAsync();
        var expected = await CountsAsync();
        var page = await chromium.NewPageAsync(_host.BaseAddress);

        var response = await page.GotoAsync(dashboard);

        response!.Status.ShouldBe(200);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Answer Assistant (demo)");
        foreach (var stream in Enum.GetValues<WorkStream>())
        {
            var row = page.Locator($"#streams tr[data-stream='{stream.ToString().ToLowerInvariant()}']");
            var (active, queued) = expected.Streams[stream];
            await Expect(row.Locator("td[data-col='active']")).ToHaveTextAsync(active.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Expect(row.Locator("td[data-col='queued']")).ToHaveTextAsync(queued.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        // Two engineers at one bug each make the bug limit 2; the demo has three active bugs.
        await Expect(page.Locator("#streams tr[data-stream='bug']")).ToHaveClassAsync("breach");
        await Expect(page.Locator("#streams tr[data-stream='bug'] td[data-col='wip']")).ToContainTextAsync("over the limit");
        await Expect(page.Locator("#sprint tbody tr")).ToHaveCountAsync(expected.Sprint);
        await Expect(page.Locator("#ready tbody tr")).ToHaveCountAsync(expected.Ready);
        await Expect(page.Locator("#icebox tbody tr")).ToHaveCountAsync(expected.Icebox);
        await Expect(page.Locator("#incidents p.wip")).ToContainTextAsync($"{expected.Streams[WorkStream.Incident].Active} of 2 active");
        await Expect(page.Locator("#allocation svg title")).ToHaveTextAsync("Planned versus actual allocation");
        await Expect(page.Locator("#ceremonies tbody tr")).ToHaveCountAsync(4);
        await ChromiumFixture.ScreenshotAsync(page, "dashboard-desktop");

        // Readable on a phone: no horizontal scroll of the page itself.
        var phone = await chromium.NewPageAsync(_host.BaseAddress, width: 390, height: 844);
        await phone.GotoAsync(dashboard);
        (await phone.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth + 1")).ShouldBeTrue();
        await ChromiumFixture.ScreenshotAsync(phone, "dashboard-phone");

        // An item page from the sprint list.
        await page.Locator("#sprint tbody tr").First.Locator("th a").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Scores by round" })).ToBeVisibleAsync();
        await Expect(page.Locator("#scores tbody tr").First).ToContainTextAsync("Round 1:");
        await ChromiumFixture.ScreenshotAsync(page, "dashboard-item");
    }

    [Fact]
    public async Task RotatingTheToken_MakesTheOldLink404_AtOnce()
    {
        var oldLink = await SeedAsync();
        var page = await chromium.NewPageAsync(_host.BaseAddress);
        (await page.GotoAsync(oldLink))!.Status.ShouldBe(200);

        using var http = _host.Http();
        var rotate = await http.PostAsJsonAsync("/playground/api/interact", new { @as = "priya", channel = "triage", command = "dashboard rotate" });
        (await rotate.Content.ReadAsStringAsync()).ShouldContain("old");

        // Chromium shows its own error page for an empty 404, so the status is read through the page's request context.
        (await page.APIRequest.GetAsync(oldLink)).Status.ShouldBe(404);
        var backlog = (await _host.Store.Backlogs.GetAsync(DemoSeeder.BacklogId, CancellationToken.None))!.Value;
        (await page.GotoAsync("/d/" + backlog.DashboardToken))!.Status.ShouldBe(200);
        ("/d/" + backlog.DashboardToken).ShouldNotBe(oldLink);
    }

    [Fact]
    public async Task EveryActiveItem_IsListedUnderItsStream_WithOwnerDaysActiveTimeboxOrColumn_AndAnOverrideSaysWhy()
    {
        var dashboard = await SeedAsync();
        var page = await chromium.NewPageAsync(_host.BaseAddress);
        await page.GotoAsync(dashboard);
        var now = DateTimeOffset.UtcNow;
        var active = 0;
        await foreach (var item in _host.Store.Items.QueryAsync(new ItemQuery(DemoSeeder.BacklogId) { States = [ItemState.Active] }, CancellationToken.None))
        {
            active++;
            var row = page.Locator($"section[data-stream='{item.Stream.ToString().ToLowerInvariant()}'] tr[data-key='{item.Key}']");
            await Expect(row.Locator("td[data-label='Owner']")).ToHaveTextAsync(item.Owner!.DisplayName);
            var days = (int)Math.Floor((now - item.StateSince).TotalDays);
            await Expect(row.Locator("td[data-col='days']")).ToHaveTextAsync(days <= 0 ? "under a day" : days == 1 ? "1 day" : $"{days} days");
            var progress = row.Locator("td[data-col='progress']");
            if (item.Stream == WorkStream.Model)
            {
                await Expect(progress).ToContainTextAsync(new System.Text.RegularExpressions.Regex($"timebox of {item.Model!.Timebox!.LengthDays} days ended|{item.Model.Timebox.LengthDays}-day timebox"));
            }
            else if (item.Stream == WorkStream.Feature)
            {
                await Expect(progress).ToHaveTextAsync(item.Feature!.Column.ToString());
            }
        }

        active.ShouldBeGreaterThan(4);
        await Expect(page.Locator("section[data-stream] tr[data-key]").Filter(new() { Has = page.Locator("td[data-col='days']") })).ToHaveCountAsync(active);
        // The third bug was started over the limit of 2 with a facilitator's reason.
        await Expect(page.Locator("#stream-bug p.wip")).ToContainTextAsync("3 / 2 over the limit · 1 override");
        await Expect(page.Locator("#stream-bug tr", new() { HasText = "Rate-limit errors" }).Locator("td[data-col='notes']"))
            .ToContainTextAsync("Started over the WIP limit: Support gets tickets about it every day");
        // The cautious release lane is marked where an item scored rollback risk 1 (the dark-mode bug in the icebox).
        await Expect(page.Locator("#icebox tr", new() { HasText = "Dark mode contrast" }).Locator("strong.lane")).ToHaveTextAsync("Cautious release lane");
    }

    [Fact]
    public async Task RecentlyDoneAndClosedItems_AreListedNewestFirst_AClosedOneWithItsRationale()
    {
        var dashboard = await SeedAsync();
        var finished = new List<Item>();
        await foreach (var item in _host.Store.Items.QueryAsync(new ItemQuery(DemoSeeder.BacklogId) { States = [ItemState.Done, ItemState.Closed] }, CancellationToken.None))
        {
            finished.Add(item);
        }

        var page = await chromium.NewPageAsync(_host.BaseAddress);
        await page.GotoAsync(dashboard);

        var rows = page.Locator("#finished tbody tr");
        await Expect(rows).ToHaveCountAsync(finished.Count);
        var keys = await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.key)");
        keys.ShouldBe([.. finished.OrderByDescending(i => i.StateSince).Select(i => i.Key)]);
        var closed = finished.Single(i => i.State == ItemState.Closed);
        await Expect(page.Locator($"#finished tr[data-key='{closed.Key}'] td[data-col='why']")).ToHaveTextAsync(closed.ClosedRationale!);
    }

    [Fact]
    public async Task WhyNotMine_TheSearchBoxFindsAClosedItemByTitleWords_AndItsPageSaysWhy()
    {
        var dashboard = await SeedAsync();
        var page = await chromium.NewPageAsync(_host.BaseAddress);
        await page.GotoAsync(dashboard);

        await page.GetByLabel("Why not mine? Find an item by key or title words").FillAsync("attachments 10 MB");
        await page.GetByRole(AriaRole.Button, new() { Name = "Find" }).ClickAsync();
        await Expect(page.Locator("#results h2")).ToHaveTextAsync("1 item matches “attachments 10 MB”");
        await page.Locator("#results tbody tr th a").ClickAsync();

        await Expect(page.Locator("#standing .where")).ToContainTextAsync("Closed on");
        await Expect(page.Locator("#standing .where")).ToContainTextAsync("by Priya (PM), because: Fixed by the upload service team's limit change");
        await Expect(page.Locator("#standing")).ToContainTextAsync("Round 1, finalized by Priya (PM)");
        await Expect(page.Locator("#history tbody tr").Last).ToContainTextAsync("Closed");
    }

    [Fact]
    public async Task WhyNotMine_AKeyOpensTheItem_ItsPageGivesItsPlaceInTheReadyQueueAndTheGapToTheSprintThreshold()
    {
        var dashboard = await SeedAsync();
        var ready = new List<Item>();
        await foreach (var item in _host.Store.Items.QueryAsync(new ItemQuery(DemoSeeder.BacklogId) { States = [ItemState.Ready] }, CancellationToken.None))
        {
            ready.Add(item);
        }

        ready.Sort(ItemReading.Ranking);
        var second = ready[1];
        var page = await chromium.NewPageAsync(_host.BaseAddress);
        await page.GotoAsync(dashboard);

        await page.GetByLabel("Why not mine? Find an item by key or title words").FillAsync(second.Key.ToLowerInvariant());
        await page.GetByRole(AriaRole.Button, new() { Name = "Find" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync($"{second.Key}: {second.Title}");
        var gap = 19 - second.Score!.Total;
        await Expect(page.Locator("#standing .where")).ToContainTextAsync(
            $"In the ready queue, not the sprint: its total of {second.Score.Total} is {gap} {(gap == 1 ? "point" : "points")} below the sprint threshold of 19. It is number 2 of {ready.Count}");
        await Expect(page.Locator("#standing")).ToContainTextAsync("The thresholds in force: sprint 19 or more, ready queue 12–18, icebox below 12");
    }

    [Theory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task EveryPage_FitsTheScreen_KeepsChartLabelsReadable_AndPassesAaContrast(int width, int height)
    {
        var dashboard = await SeedAsync();
        var page = await chromium.NewPageAsync(_host.BaseAddress, width, height);
        var pages = new[] { ("dashboard", dashboard), ("item-closed", dashboard + "/items/17"), ("item-active", dashboard + "/items/1"), ("search", dashboard + "/search?q=bug+mobile") };
        foreach (var (name, path) in pages)
        {
            (await page.GotoAsync(path))!.Status.ShouldBe(200);
            // The stylesheet is applied (a page without it has the browser's 8 px body margin and serif text).
            (await page.EvaluateAsync<string>("getComputedStyle(document.body).marginTop")).ShouldBe("0px");
            (await PageChecks.WiderThanViewportAsync(page)).ShouldBeEmpty(name);
            (await PageChecks.ScrollsSidewaysAsync(page)).ShouldBeFalse(name);
            (await PageChecks.ContrastFailuresAsync(page)).ShouldBeEmpty(name);
            await ChromiumFixture.ScreenshotAsync(page, $"dashboard-{name}-{width}");
        }

        await page.GotoAsync(dashboard);
        (await PageChecks.SmallestChartTextAsync(page)).ShouldBeGreaterThanOrEqualTo(12.5);
        // Relative times are words people say: never "today ago".
        foreach (var (_, path) in pages)
        {
            await page.GotoAsync(path);
            (await page.Locator("body").InnerTextAsync()).ShouldNotContain("today ago");
        }
    }

    [Fact]
    public async Task EveryLinkOnTheDashboard_AndOnEveryItemPage_Answers200()
    {
        var dashboard = await SeedAsync();
        var page = await chromium.NewPageAsync(_host.BaseAddress);
        await page.GotoAsync(dashboard);
        var links = (await page.Locator("a[href]").EvaluateAllAsync<string[]>("as => as.map(a => a.href)")).Distinct().ToList();
        links.Count.ShouldBeGreaterThan(30);
        var checkedLinks = new HashSet<string>();
        foreach (var link in links.Where(l => !l.Contains('#', StringComparison.Ordinal)))
        {
            (await page.APIRequest.GetAsync(link)).Status.ShouldBe(200, link);
            checkedLinks.Add(link);
        }

        foreach (var item in links.Where(l => l.Contains("/items/", StringComparison.Ordinal)).Take(40))
        {
            await page.GotoAsync(item);
            foreach (var link in (await page.Locator("a[href]").EvaluateAllAsync<string[]>("as => as.map(a => a.href)")).Where(l => checkedLinks.Add(l.Split('#')[0])))
            {
                (await page.APIRequest.GetAsync(link)).Status.ShouldBe(200, link);
            }
        }

        // In-page links point at sections that exist.
        await page.GotoAsync(dashboard);
        foreach (var anchor in links.Where(l => l.Contains('#', StringComparison.Ordinal)).Select(l => l[(l.IndexOf('#', StringComparison.Ordinal) + 1)..]).Distinct())
        {
            (await page.Locator("#" + anchor).CountAsync()).ShouldBe(1, anchor);
        }
    }

    private async Task<string> SeedAsync()
    {
        using var http = _host.Http();
        var seeded = await (await http.PostAsJsonAsync("/playground/api/seed", new { })).Content.ReadFromJsonAsync<JsonElement>();
        return seeded.GetProperty("dashboard").GetString()!;
    }

    private sealed record Expected(Dictionary<WorkStream, (int Active, int Queued)> Streams, int Sprint, int Ready, int Icebox);

    private async Task<Expected> CountsAsync()
    {
        var streams = Enum.GetValues<WorkStream>().ToDictionary(s => s, _ => (0, 0));
        int sprint = 0, ready = 0, icebox = 0;
        await foreach (var i in _host.Store.Items.QueryAsync(new ItemQuery(DemoSeeder.BacklogId), CancellationToken.None))
        {
            var (a, q) = streams[i.Stream];
            streams[i.Stream] = (a + (i.State == ItemState.Active ? 1 : 0), q + (i.State is ItemState.Sprint or ItemState.Ready ? 1 : 0));
            sprint += i.State == ItemState.Sprint ? 1 : 0;
            ready += i.State == ItemState.Ready ? 1 : 0;
            icebox += i.State == ItemState.Icebox ? 1 : 0;
        }

        // The demo is small enough that every list shows all its items; if that changes, the assertions above must too.
        (sprint + ready + icebox).ShouldBeLessThan(TriageBot.Dashboard.DashboardSnapshot.ListLimit);
        return new Expected(streams, sprint, ready, icebox);
    }
}
