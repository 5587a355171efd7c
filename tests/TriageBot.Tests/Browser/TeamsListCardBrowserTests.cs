using System.Net.Http.Json;
using Microsoft.Playwright;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Playground;
using TriageBot.Teams.Cards;
using static Microsoft.Playwright.Assertions;

namespace TriageBot.Tests.Browser;

/// <summary>
/// Teams' <c>list</c> card for the demo backlog, drawn by the official Adaptive Cards renderer in Chromium (the one the
/// playground serves): grouped by stream, every fact readable, nothing cut, at a desktop width and at a phone's.
/// </summary>
public sealed class TeamsListCardBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private readonly KestrelHost _host = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Theory]
    [InlineData(1280, 900)]
    [InlineData(390, 844)]
    public async Task TheTeamsListCard_DrawnByTheOfficialRenderer_IsGroupedByStream_WithEveryItemsFactsWhole(int width, int height)
    {
        using (var http = _host.Http())
        {
            (await http.PostAsJsonAsync("/playground/api/seed", new { })).EnsureSuccessStatusCode();
        }

        var now = DateTimeOffset.UtcNow;
        var open = new List<Item>();
        await foreach (var item in _host.Store.Items.QueryAsync(new ItemQuery(DemoSeeder.BacklogId) { States = [ItemState.New, ItemState.Sprint, ItemState.Ready, ItemState.Active] }, CancellationToken.None))
        {
            open.Add(item);
        }

        open.Sort(ItemReading.Ranking);
        var view = new ItemListView("Open items", [.. open.Select(i => ItemSummaries.Of(i, now))], open.Count) { AsOf = now, DashboardUrl = "https://triage.example.com/d/demo" };
        var card = AdaptiveCardRenderer.Render(view, CardHost.TeamsMessage);

        var page = await chromium.NewPageAsync(_host.BaseAddress, width, height);
        await page.GotoAsync("/playground");
        await page.WaitForFunctionAsync("() => window.AdaptiveCards !== undefined && window.TriagePlain !== undefined");
        await page.EvaluateAsync("""
            json => {
              // Markdown as Teams reads it: the escapes of people's text are undone, nothing becomes a link.
              AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
                result.outputHtml = "<p>" + TriagePlain.escapeHtml(TriagePlain.plainText(text)) + "</p>";
                result.didProcess = true;
              };
              const ac = new AdaptiveCards.AdaptiveCard();
              ac.parse(JSON.parse(json));
              const el = ac.render();
              el.id = 'teams-card';
              el.style.maxWidth = '40rem';
              document.body.replaceChildren(el);
            }
            """, card.ToJsonString());

        var shown = page.Locator("#teams-card");
        await page.ScreenshotAsync(new() { Path = Path.Combine(ChromiumFixture.ScreenshotDirectory, $"teams-list-card-{width}.png"), FullPage = true });
        foreach (var heading in new[] { "Model quality (", "Engineering bugs (", "Feature requests (", "Incident lane (" })
        {
            await Expect(shown).ToContainTextAsync(heading);
        }

        var active = open.First(i => i.State == ItemState.Active && i.Owner is not null);
        await Expect(shown).ToContainTextAsync(ItemListCard.Facts(ItemSummaries.Of(active, now), now));
        // The picker offers every listed item (the compact choice also draws an empty placeholder option).
        (await shown.Locator("select option").EvaluateAllAsync<int>("os => os.filter(o => o.value !== '').length")).ShouldBe(open.Count);
        (await shown.Locator("button").AllTextContentsAsync()).ShouldBe(["Show", "Start", "Score", "Open the dashboard"], ignoreOrder: true);
        (await PageChecks.ScrollsSidewaysAsync(page)).ShouldBeFalse();
        var clipped = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('#teams-card .ac-textBlock')]
              .filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1).map(e => e.textContent.slice(0, 60))
            """);
        clipped.ShouldBeEmpty();
    }
}
