using Microsoft.Playwright;
using TriageBot.Core.Items;
using static Microsoft.Playwright.Assertions;
using static TriageBot.Tests.Browser.PlaygroundBrowserTests;

namespace TriageBot.Tests.Browser;

/// <summary>Issue 16: in the playground's intake dialog, choosing another stream shows that stream's fields at once, keeping what was typed.</summary>
public sealed class PlaygroundStreamSwitchTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private readonly KestrelHost _host = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ChoosingModelInTheBugForm_ShowsTheModelFieldsAtOnce_KeepsWhatWasTyped_AndFilesAModelItem(bool officialRenderer)
    {
        var page = await chromium.NewPageAsync(_host.BaseAddress);
        if (!officialRenderer) await page.RouteAsync("**/adaptivecards.min.js", route => route.AbortAsync());
        await page.GotoAsync("/playground");
        await page.GetByRole(AriaRole.Button, new() { Name = "Seed demo data" }).ClickAsync();
        await Expect(page.Locator("#status")).ToContainTextAsync("Demo backlog ready");
        await ActAsAsync(page, "mei");
        await SendAsync(page, "new bug");
        var dialog = page.Locator("#form-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByLabel("Title", new() { Exact = true }).FillAsync("Refund answers come back in French");
        await dialog.GetByLabel("Description", new() { Exact = true }).FillAsync("Seen by three customers — 三人の顧客");
        await dialog.GetByLabel("Reproduction steps").FillAsync("Ask for a refund in English");
        await Expect(dialog.GetByLabel("Affected slice of inputs")).ToHaveCountAsync(0);

        // No button pressed: the change itself redraws the dialog.
        await dialog.GetByLabel("Stream", new() { Exact = true }).SelectOptionAsync("model");

        await Expect(dialog.GetByLabel("Affected slice of inputs")).ToBeVisibleAsync();
        await Expect(dialog.GetByLabel("Reproduction steps")).ToHaveCountAsync(0);
        await Expect(dialog.GetByLabel("Title", new() { Exact = true })).ToHaveValueAsync("Refund answers come back in French");
        await Expect(dialog.GetByLabel("Description", new() { Exact = true })).ToHaveValueAsync("Seen by three customers — 三人の顧客");
        await Expect(dialog.GetByLabel("Stream", new() { Exact = true })).ToHaveValueAsync("model");
        await ChromiumFixture.ScreenshotAsync(page, "playground-stream-switch-" + (officialRenderer ? "rich" : "plain"));

        // Back to bug: the steps typed before come back.
        await dialog.GetByLabel("Stream", new() { Exact = true }).SelectOptionAsync("bug");
        await Expect(dialog.GetByLabel("Reproduction steps")).ToHaveValueAsync("Ask for a refund in English");
        await dialog.GetByLabel("Stream", new() { Exact = true }).SelectOptionAsync("model");
        await dialog.GetByLabel("Affected slice of inputs").FillAsync("Refund questions");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Report" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(LastPrivate(page)).ToContainTextAsync("Reported TRI-");

        var items = new List<Item>();
        var binding = (await _host.Store.Bindings.GetAsync(Platform.Playground, TriageBot.Playground.PlaygroundChannels.Workspace, TriageBot.Playground.PlaygroundChannels.Triage, TestContext.Current.CancellationToken)).ShouldNotBeNull();
        await foreach (var item in _host.Store.Items.QueryAsync(new Core.Ports.ItemQuery(binding.BacklogId), TestContext.Current.CancellationToken)) items.Add(item);
        var filed = items.Where(i => i.Title == "Refund answers come back in French").ShouldHaveSingleItem();
        filed.Stream.ShouldBe(WorkStream.Model);
        filed.Model.ShouldNotBeNull().AffectedSlice.ShouldBe("Refund questions");
        filed.Description.ShouldBe("Seen by three customers — 三人の顧客");
    }
}
