using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TriageBot.Tests.Browser;

/// <summary>
/// What a stakeholder walking the dashboard in Chromium met (issue 18's outside walk): the page works with JavaScript off,
/// prints without its controls, keeps a breached row one band on a phone, and never calls a scored item "not scored".
/// </summary>
public sealed class DashboardWalkTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    /// <summary>The dashboard's policy, exactly: no script of any origin, styles and images from the app alone.</summary>
    private const string DashboardPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private readonly KestrelHost _host = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private async Task<string> SeedAsync()
    {
        using var http = _host.Http();
        var seeded = await (await http.PostAsJsonAsync("/playground/api/seed", new { })).Content.ReadFromJsonAsync<JsonElement>();
        return seeded.GetProperty("dashboard").GetString()!;
    }

    [Fact]
    public async Task WithJavaScriptOff_TheDashboardSearchAndItemPagesAllWork_UnderTheUnchangedPolicy()
    {
        var dashboard = await SeedAsync();
        var context = await chromium.Browser.NewContextAsync(new() { BaseURL = _host.BaseAddress.ToString(), JavaScriptEnabled = false, ViewportSize = new() { Width = 390, Height = 844 } });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync(dashboard);
        (await response!.HeaderValueAsync("content-security-policy")).ShouldBe(DashboardPolicy);
        await Expect(page.Locator("#stream-bug tr[data-key]")).ToHaveCountAsync(3);
        await page.GetByLabel("Why not mine? Find an item by key or title words").FillAsync("attachments");
        await page.GetByRole(AriaRole.Button, new() { Name = "Find" }).ClickAsync();
        await Expect(page.Locator("#results h2")).ToHaveTextAsync("1 item matches “attachments”");
        await page.Locator("#results tbody tr th a").ClickAsync();
        await Expect(page.Locator("#standing .where")).ToContainTextAsync("because: Fixed by the upload service team's limit change");
        (await page.Locator("script").CountAsync()).ShouldBe(0);
        (await page.APIRequest.GetAsync(page.Url)).Headers["content-security-policy"].ShouldBe(DashboardPolicy);
        await context.CloseAsync();
    }

    [Fact]
    public async Task Printed_TheDashboardDropsTheSearchAndContents_KeepsEveryList_AndMarksABreachInBoldNotColour()
    {
        var dashboard = await SeedAsync();
        var page = await chromium.NewPageAsync(_host.BaseAddress, 1280, 900);
        await page.GotoAsync(dashboard);
        var sections = await page.Locator("main h2").CountAsync();

        await page.EmulateMediaAsync(new() { Media = Media.Print });

        await Expect(page.Locator("form.search")).ToBeHiddenAsync();
        await Expect(page.Locator(".contents")).ToBeHiddenAsync();
        await Expect(page.Locator("main h2:visible")).ToHaveCountAsync(sections);
        await Expect(page.Locator("#finished tbody tr").First).ToBeVisibleAsync();
        var breach = page.Locator("#streams tr.breach td").First;
        (await breach.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor")).ShouldBe("rgba(0, 0, 0, 0)");
        (await breach.EvaluateAsync<string>("e => getComputedStyle(e).fontWeight")).ShouldBe("700");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ChromiumFixture.ScreenshotDirectory, "dashboard-print.png"), FullPage = true });
    }

    [Fact]
    public async Task OnAPhone_ABreachedRow_IsOneColouredBand_NotCellsWithWhiteGapsBetweenThem()
    {
        var dashboard = await SeedAsync();
        var page = await chromium.NewPageAsync(_host.BaseAddress, 390, 844);
        await page.GotoAsync(dashboard);

        foreach (var row in new[] { page.Locator("#streams tr.breach").First, page.Locator("#allocation tr.breach").First })
        {
            (await row.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor")).ShouldBe("rgb(253, 236, 234)");
            (await row.EvaluateAsync<string[]>("e => [...e.children].map(c => getComputedStyle(c).backgroundColor)")).ShouldAllBe(c => c == "rgba(0, 0, 0, 0)");
        }

        (await PageChecks.ContrastFailuresAsync(page)).ShouldBeEmpty();
    }

    [Fact]
    public async Task AScoredItemHeldForACapabilityNote_IsNeverCalledNotScored()
    {
        var dashboard = await SeedAsync();
        var page = await chromium.NewPageAsync(_host.BaseAddress, 1280, 900);
        await page.GotoAsync(dashboard);

        // TRI-20 was scored 16 and waits for a capability note: it is New, but it is not "not scored".
        await Expect(page.Locator("#new-h")).ToHaveTextAsync("Reported, not yet placed (5)");
        await Expect(page.Locator("#new tr[data-key='TRI-20']")).ToContainTextAsync("Ready queue, waiting for a capability note");

        await page.GotoAsync(dashboard + "/items/20");
        await Expect(page.Locator("#standing .where")).ToContainTextAsync("Scored, but held");
        var fields = await page.Locator("dl.fields").InnerTextAsync();
        fields.ShouldContain("New, scored and held");
        fields.ShouldNotContain("not scored");

        await page.GotoAsync(dashboard + "/search?q=voice+input");
        await Expect(page.Locator("#results tr[data-key='TRI-20']")).ToContainTextAsync("New, scored and held (Ready queue, waiting for a capability note)");
    }

    [Theory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task OnAnItemPage_TheTitleIsClearOfTheSearchBox(int width, int height)
    {
        var dashboard = await SeedAsync();
        var page = await chromium.NewPageAsync(_host.BaseAddress, width, height);
        await page.GotoAsync(dashboard + "/items/13");

        var find = (await page.GetByRole(AriaRole.Button, new() { Name = "Find" }).BoundingBoxAsync())!;
        var title = (await page.Locator("h1").BoundingBoxAsync())!;
        (title.Y - (find.Y + find.Height)).ShouldBeGreaterThanOrEqualTo(12);
    }
}
