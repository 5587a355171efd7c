using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static TriageBot.Tests.Browser.PlaygroundBrowserTests;

namespace TriageBot.Tests.Browser;

/// <summary>The playground behaves like a chat: it follows new messages, keeps private replies private and inline, shows each person only their buttons.</summary>
public sealed class PlaygroundChatTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private readonly KestrelHost _host = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private async Task<IPage> SeededPageAsync(int width = 1280, int height = 900)
    {
        var page = await chromium.NewPageAsync(_host.BaseAddress, width, height);
        await page.GotoAsync("/playground");
        await page.GetByRole(AriaRole.Button, new() { Name = "Seed demo data" }).ClickAsync();
        await Expect(page.Locator("#status")).ToContainTextAsync("Demo backlog ready");
        return page;
    }

    private const string LastMessageInView = """
        () => {
          const feed = document.getElementById('feed');
          const shown = [...feed.querySelectorAll(':scope > article.msg:not([hidden])')];
          if (shown.length < 3 || feed.scrollHeight <= feed.clientHeight) return false;
          const last = shown[shown.length - 1].getBoundingClientRect(), box = feed.getBoundingClientRect();
          return last.bottom <= box.bottom + 2 && last.bottom >= box.top;
        }
        """;

    [Fact]
    public async Task AfterClinic_TheFeedHasScrolledToTheNewestMessage()
    {
        var page = await SeededPageAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "#clinic" }).ClickAsync();
        await SendAsync(page, "clinic");

        await Expect(page.Locator("#feed article.msg:not([hidden])", new() { HasText = "Triage clinic agenda" })).ToHaveCountAsync(1);
        await page.WaitForFunctionAsync(LastMessageInView, null, new() { Timeout = 20_000 });
        (await page.EvaluateAsync<bool>("() => document.getElementById('feed').scrollTop > 0")).ShouldBeTrue();
        await ChromiumFixture.ScreenshotAsync(page, "playground-clinic-1280");
    }

    [Fact]
    public async Task APrivateReply_AppearsInlineMarkedOnlyVisibleToYou_AndNeverForAnotherPerson()
    {
        var page = await SeededPageAsync();
        await ActAsAsync(page, "mei");
        await SendAsync(page, "show TRI-1");

        var reply = LastPrivate(page);
        await Expect(reply).ToContainTextAsync("TRI-1");
        await Expect(reply.Locator(".only-you")).ToHaveTextAsync("Only visible to you");
        (await reply.EvaluateAsync<string>("n => n.parentElement.id")).ShouldBe("feed");

        await ActAsAsync(page, "tom");
        await Expect(page.Locator(".msg.private")).ToHaveCountAsync(0);
        await Expect(page.Locator("#feed")).ToContainTextAsync("show TRI-1");

        // Not hidden by the page but never sent to it: Tom's feed has no message addressed to Mei.
        using var http = _host.Http();
        var feed = await http.GetFromJsonAsync<JsonElement>("/playground/api/feed?after=0&as=tom");
        feed.GetProperty("entries").EnumerateArray().ShouldAllBe(e => e.GetProperty("to").ValueKind == JsonValueKind.Null);
        var mine = await http.GetFromJsonAsync<JsonElement>("/playground/api/feed?after=0&as=mei");
        mine.GetProperty("entries").EnumerateArray().Count(e => e.GetProperty("to").ValueKind == JsonValueKind.String).ShouldBe(1);
    }

    [Fact]
    public async Task AMember_SeesVoteButNotRevealOrFinalize_TheFacilitatorSeesBoth()
    {
        var page = await SeededPageAsync();
        await ActAsAsync(page, "priya");
        await page.GetByLabel("Put an item up for a vote in #clinic").FillAsync("TRI-6");
        await page.GetByRole(AriaRole.Button, new() { Name = "Open ballot" }).ClickAsync();
        var ballot = page.Locator("#feed article.msg:not([hidden])", new() { HasText = "Scoring TRI-6" });
        await Expect(ballot.GetByRole(AriaRole.Button, new() { Name = "Reveal" })).ToBeVisibleAsync();

        foreach (var member in new[] { "mei", "tom", "arjun" })
        {
            await ActAsAsync(page, member);
            await Expect(ballot.GetByRole(AriaRole.Button, new() { Name = "Vote" })).ToBeVisibleAsync();
            await Expect(ballot.GetByRole(AriaRole.Button, new() { Name = "Reveal" })).ToHaveCountAsync(0);
            await Expect(ballot.GetByRole(AriaRole.Button, new() { Name = "Finalize" })).ToHaveCountAsync(0);
        }
    }

    [Fact]
    public async Task TheAllocationReport_ShowsItsChartInline_WithoutAPublicBaseUrl()
    {
        _host.Settings.ContainsKey("PublicBaseUrl").ShouldBeFalse();
        var page = await SeededPageAsync();
        await ActAsAsync(page, "priya");
        await SendAsync(page, "report allocation");

        var chart = page.Locator("#feed article.msg:not([hidden]) img[alt^='Allocation chart']");
        await Expect(chart).ToHaveCountAsync(1);
        await page.WaitForFunctionAsync("() => { const i = document.querySelector(\"#feed img[alt^='Allocation chart']\"); return i && i.complete && i.naturalWidth > 100; }");
        // The view followed the report down to its end, after the chart had taken its height.
        await page.WaitForFunctionAsync("() => { const f = document.getElementById('feed'); return f.scrollHeight - f.scrollTop - f.clientHeight < 4; }");
        // The card's warnings (a stream off plan) are in colours that pass AA, not the renderer's default orange.
        await Expect(page.Locator("#feed", new() { HasText = "off plan" })).ToHaveCountAsync(1);
        (await PageChecks.ContrastFailuresAsync(page)).ShouldBeEmpty();
        await ChromiumFixture.ScreenshotAsync(page, "playground-allocation-1280");
    }

    [Fact]
    public async Task AMessageUpdatedInPlace_IntoALongerAnswer_KeepsThePersonWhoWasAtTheEndThere()
    {
        // A slow command answers in one post (issue 19): "Preparing…" first, updated in place into the answer. When the
        // page had already shown the acknowledgement, the update must not leave the person above the answer's end.
        var page = await SeededPageAsync();
        await ActAsAsync(page, "priya");
        var feed = _host.Services.GetRequiredService<TriageBot.Playground.PlaygroundFeed>();
        var acknowledgement = feed.PostCard(TriageBot.Playground.PlaygroundChannels.Triage, null, Card(["Preparing the allocation report…"]));
        await Expect(page.Locator("#feed article.msg:not([hidden])", new() { HasText = "Preparing the allocation report" })).ToHaveCountAsync(1);

        feed.Update(acknowledgement.Id, Card([.. Enumerable.Range(1, 40).Select(i => $"Answer line {i}")])).ShouldBeTrue();

        await Expect(page.Locator("#feed", new() { HasText = "Answer line 40" })).ToHaveCountAsync(1);
        await page.WaitForFunctionAsync("() => { const f = document.getElementById('feed'); return f.scrollHeight > f.clientHeight && f.scrollHeight - f.scrollTop - f.clientHeight < 4; }", null, new() { Timeout = 20_000 });
    }

    private static System.Text.Json.Nodes.JsonObject Card(IEnumerable<string> lines) => new()
    {
        ["type"] = "AdaptiveCard",
        ["version"] = "1.5",
        ["body"] = new System.Text.Json.Nodes.JsonArray([.. lines.Select(l => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject { ["type"] = "TextBlock", ["text"] = l, ["wrap"] = true })]),
    };

    [Fact]
    public async Task List_IsGroupedByStream_EachItemWithItsTotalStateAndAShowButton()
    {
        var page = await SeededPageAsync();
        await ActAsAsync(page, "mei");
        await SendAsync(page, "list");

        var card = LastPrivate(page);
        await Expect(card).ToContainTextAsync("Model quality (");
        await Expect(card).ToContainTextAsync("Engineering bugs (");
        await Expect(card).ToContainTextAsync("Feature requests (");
        await Expect(card).ToContainTextAsync("total 23 · Sprint");
        // A member is offered Show and Score, never Start.
        await Expect(card.GetByRole(AriaRole.Button, new() { Name = "Start" })).ToHaveCountAsync(0);
        await card.GetByRole(AriaRole.Button, new() { Name = "Show" }).First.ClickAsync();
        await Expect(page.Locator(".msg.private:not([hidden])")).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task WithoutTheCardRenderer_ThePlaygroundStillWorks_WithItsPlainRendering()
    {
        var page = await chromium.NewPageAsync(_host.BaseAddress);
        await page.RouteAsync("**/adaptivecards.min.js", route => route.AbortAsync());
        await page.GotoAsync("/playground");
        await page.GetByRole(AriaRole.Button, new() { Name = "Seed demo data" }).ClickAsync();
        await Expect(page.Locator("#status")).ToContainTextAsync("Demo backlog ready");
        await ActAsAsync(page, "mei");
        await SendAsync(page, "list");

        var card = LastPrivate(page);
        await Expect(card.Locator(".plain-card")).ToHaveCountAsync(1);
        await Expect(card).ToContainTextAsync("total 23 · Sprint");
        await card.GetByRole(AriaRole.Button, new() { Name = "Show" }).First.ClickAsync();
        await Expect(page.Locator(".msg.private:not([hidden]) .plain-card")).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task AtPhoneWidth_NothingScrollsSideways_AndHelpBreaksCommandsOnlyBetweenWords()
    {
        var page = await SeededPageAsync(390, 844);
        await SendAsync(page, "help");
        await Expect(LastPrivate(page)).ToContainTextAsync("TriageBot commands");

        (await PageChecks.ScrollsSidewaysAsync(page)).ShouldBeFalse();
        (await PageChecks.WiderThanViewportAsync(page)).ShouldBeEmpty();
        var splitWords = await page.EvaluateAsync<string[]>("""
            () => {
              const out = [];
              for (const cell of document.querySelectorAll('.msg.private .ac-fact-title, .msg.private dt')) {
                const text = cell.textContent;
                const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
                for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                  for (const m of n.textContent.matchAll(/\S+/g)) {
                    const r = document.createRange();
                    r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
                    const lines = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
                    if (lines.size > 1) out.push(m[0] + ' in ' + text);
                  }
                }
              }
              return out;
            }
            """);
        splitWords.ShouldBeEmpty();
        (await page.Locator(".msg.private .ac-fact-title, .msg.private dt").CountAsync()).ShouldBeGreaterThan(10);
        await ChromiumFixture.ScreenshotAsync(page, "playground-help-390");
    }

    [Fact]
    public async Task AtDesktopWidth_HelpShowsEveryCommandWhole_NoneCutOffAtTheFactColumnsEdge()
    {
        var page = await SeededPageAsync(1280, 900);
        await SendAsync(page, "help");
        await Expect(LastPrivate(page)).ToContainTextAsync("TriageBot commands");

        // The official renderer caps a fact's title at 150 px and hides what overflows: `schedule [weekly|clinic|allocation|sweep …`
        // was cut after "alloc". Every text in a fact, title or value, must fit the box it is drawn in.
        var clipped = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('.msg.private:not([hidden]) .ac-factset td, .msg.private:not([hidden]) .ac-factset td *')]
              .filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
              .map(e => e.textContent.trim().slice(0, 60) + ': ' + e.scrollWidth + ' px in ' + e.clientWidth)
            """);
        clipped.ShouldBeEmpty();
        (await page.Locator(".msg.private:not([hidden]) .ac-fact-title, .msg.private:not([hidden]) dt").CountAsync()).ShouldBeGreaterThan(10);
        await ChromiumFixture.ScreenshotAsync(page, "playground-help-1280");
    }

    [Fact]
    public async Task AtPhoneWidth_EveryButtonOfAClinicBallot_IsWhole_ARowThatDoesNotFitWraps()
    {
        var page = await SeededPageAsync(390, 844);
        await ActAsAsync(page, "priya");
        await page.GetByRole(AriaRole.Button, new() { Name = "#clinic" }).ClickAsync();
        await SendAsync(page, "clinic");
        // A re-scored item's ballot has four buttons: Vote, Reveal, Finalize, Keep scores — wider than a phone's card.
        var keep = page.Locator("#feed .msg:not([hidden]) button", new() { HasText = "Keep scores" }).First;
        await Expect(keep).ToHaveCountAsync(1);

        var cut = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('#feed .msg:not([hidden]) .card button')].filter(b => {
              const r = b.getBoundingClientRect(), box = (b.closest('.ac-actionSet') || b.parentElement).getBoundingClientRect();
              return r.width > 0 && (r.right > box.right + 1 || b.scrollWidth > b.clientWidth + 1);
            }).map(b => b.textContent)
            """);
        cut.ShouldBeEmpty();
        await keep.ScrollIntoViewIfNeededAsync();
        await ChromiumFixture.ScreenshotAsync(page, "playground-clinic-390");
    }

    [Fact]
    public async Task AThreadOpensBesideTheChannel_AndItsRepliesFollowThere()
    {
        var page = await SeededPageAsync();
        await ActAsAsync(page, "priya");
        await SendAsync(page, "rubric");
        var parent = page.Locator("#feed > article.msg:not([hidden])", new() { HasText = "rubric" }).Last;
        await parent.GetByRole(AriaRole.Button, new() { Name = "Reply in thread" }).ClickAsync();
        await Expect(page.Locator("#thread-pane")).ToBeVisibleAsync();
        await SendAsync(page, "show TRI-2");

        await Expect(page.Locator("#thread-pane .msg", new() { HasText = "show TRI-2" })).ToHaveCountAsync(1);
        var feedBox = (await page.Locator("#feed").BoundingBoxAsync())!;
        var threadBox = (await page.Locator("#thread-pane").BoundingBoxAsync())!;
        threadBox.X.ShouldBeGreaterThanOrEqualTo(feedBox.X + feedBox.Width);
        await ChromiumFixture.ScreenshotAsync(page, "playground-thread-1280");

        await page.GetByRole(AriaRole.Button, new() { Name = "Back to the channel" }).ClickAsync();
        await Expect(page.Locator("#thread-pane")).ToBeHiddenAsync();
        await Expect(parent.Locator(".replies .msg", new() { HasText = "show TRI-2" })).ToHaveCountAsync(1);
    }
}
