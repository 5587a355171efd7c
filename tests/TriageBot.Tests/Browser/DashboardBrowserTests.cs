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

        // Two engineers make the bug limit 2; the demo has three active bugs.
        await Expect(page.Locator("#streams tr[data-stream='bug']")).ToHaveClassAsync("breach");
        await Expect(page.Locator("#streams tr[data-stream='bug'] td[data-col='wip']")).ToContainTextAsync("over the limit");
        await Expect(page.Locator("#sprint tbody tr")).ToHaveCountAsync(expected.Sprint);
        await Expect(page.Locator("#ready tbody tr")).ToHaveCountAsync(expected.Ready);
        await Expect(page.Locator("#icebox tbody tr")).ToHaveCountAsync(expected.Icebox);
        await Expect(page.Locator("#incidents p")).ToContainTextAsync($"{expected.Streams[WorkStream.Incident].Active} of 2 active");
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
