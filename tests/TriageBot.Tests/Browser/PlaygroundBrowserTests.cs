using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TriageBot.Core.Items;
using TriageBot.Playground;
using static Microsoft.Playwright.Assertions;

namespace TriageBot.Tests.Browser;

public sealed partial class PlaygroundBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private readonly KestrelHost _host = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task AWholeClinic_RunByOnePerson_PlacesTheItem_AndTheDashboardShowsIt()
    {
        // The README's walk (docs/playground.md, "A clinic in two minutes"), timed: the figure is written to
        // TestResults/timings/clinic-walk.txt; the docs quote it.
        var walk = System.Diagnostics.Stopwatch.StartNew();
        var page = await chromium.NewPageAsync(_host.BaseAddress);
        await page.GotoAsync("/playground");
        await Expect(page.Locator("#renderer-note")).ToBeHiddenAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Seed demo data" }).ClickAsync();
        await Expect(page.Locator("#status")).ToContainTextAsync("Demo backlog ready");

        // A member reports a feature from #triage.
        await ActAsAsync(page, "mei");
        await SendAsync(page, "new feature");
        var dialog = page.Locator("#form-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByLabel("Title").FillAsync("Summarise meeting transcripts");
        // The success metric is the facilitator's to set: a member's intake form does not offer it.
        await Expect(dialog.GetByLabel("Success metric")).ToHaveCountAsync(0);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Report" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        var confirmation = LastPrivate(page);
        await Expect(confirmation).ToContainTextAsync("Only visible to you");
        await Expect(confirmation).ToContainTextAsync("Reported TRI-");
        var key = ItemKey().Match(await confirmation.InnerTextAsync()).Value;
        key.ShouldStartWith("TRI-");
        await Expect(page.Locator("#feed")).ToContainTextAsync($"Created {key}: Summarise meeting transcripts");
        await ChromiumFixture.ScreenshotAsync(page, "playground-reported");

        // The engineer adds the capability note.
        await ActAsAsync(page, "arjun");
        await SendAsync(page, "note " + key);
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByLabel("Capability note").FillAsync("Uses the summarisation prompt we already ship; needs an evaluation set for transcripts.");
        await dialog.GetByLabel("Size").SelectOptionAsync("days");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save note" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(LastPrivate(page)).ToContainTextAsync($"Capability note saved on {key}");

        // The facilitator puts it up for a vote in #clinic.
        await ActAsAsync(page, "priya");
        await page.GetByLabel("Put an item up for a vote in #clinic").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open ballot" }).ClickAsync();
        var ballot = page.Locator("#feed article.msg:not([hidden])", new() { HasText = $"Scoring {key}" });
        await Expect(ballot).ToBeVisibleAsync();

        // Three people vote; the ballot shows who voted, never how.
        foreach (var (person, votes) in new[] { ("mei", "3322"), ("tom", "3232"), ("arjun", "2322") })
        {
            await ActAsAsync(page, person);
            await ballot.GetByRole(AriaRole.Button, new() { Name = "Vote" }).ClickAsync();
            await Expect(dialog).ToBeVisibleAsync();
            var selects = dialog.Locator("select");
            await Expect(selects).ToHaveCountAsync(4);
            for (var d = 0; d < 4; d++)
            {
                await selects.Nth(d).SelectOptionAsync(votes[d].ToString());
            }

            await dialog.GetByRole(AriaRole.Button, new() { Name = "Vote" }).ClickAsync();
            await Expect(dialog).ToBeHiddenAsync();
            await Expect(LastPrivate(page)).ToContainTextAsync($"Your vote on {key} is in");
        }

        await Expect(ballot).ToContainTextAsync("3 voted");
        await Expect(ballot).Not.ToContainTextAsync("impact 3, confidence");
        await ChromiumFixture.ScreenshotAsync(page, "playground-voted");

        // A member is not offered Reveal or Finalize (the server refuses them anyway: PlaygroundHttpTests).
        await ActAsAsync(page, "tom");
        await Expect(ballot.GetByRole(AriaRole.Button, new() { Name = "Vote" })).ToBeVisibleAsync();
        await Expect(ballot.GetByRole(AriaRole.Button, new() { Name = "Reveal" })).ToHaveCountAsync(0);
        await Expect(ballot.GetByRole(AriaRole.Button, new() { Name = "Finalize" })).ToHaveCountAsync(0);

        // The facilitator reveals and finalizes with the medians: impact 3, confidence 3, rollback 2, delay 2 → 21.
        await ActAsAsync(page, "priya");
        await ballot.GetByRole(AriaRole.Button, new() { Name = "Reveal" }).ClickAsync();
        await Expect(ballot).ToContainTextAsync("Implied total: 21");
        await ballot.GetByRole(AriaRole.Button, new() { Name = "Finalize" }).ClickAsync();
        await Expect(dialog).ToBeVisibleAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Finalize" }).ClickAsync();
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(LastPrivate(page)).ToContainTextAsync($"{key} finalized: 21 → Sprint");
        await Expect(ballot).ToContainTextAsync("Finalized: total 21 → Sprint");
        await ChromiumFixture.ScreenshotAsync(page, "playground-finalized");

        var number = CommandParserNumber(key);
        var stored = await _host.Store.Items.GetAsync(DemoSeeder.BacklogId, number, CancellationToken.None);
        stored!.Value.State.ShouldBe(ItemState.Sprint);
        stored.Value.Score!.Total.ShouldBe(21);

        // The dashboard link on the page shows the item in the sprint list.
        var dashboardLink = page.GetByRole(AriaRole.Link, new() { Name = "Open the dashboard of Answer Assistant (demo)" });
        var dashboard = await page.Context.RunAndWaitForPageAsync(() => dashboardLink.ClickAsync());
        await Expect(dashboard.Locator($"#sprint tr[data-key='{key}']")).ToContainTextAsync("Summarise meeting transcripts");
        await Expect(dashboard.Locator($"#sprint tr[data-key='{key}']")).ToContainTextAsync("21");
        await Expect(dashboard.Locator($"#ready tr[data-key='{key}']")).ToHaveCountAsync(0);
        walk.Stop();
        var timings = Path.Combine(Path.GetDirectoryName(ChromiumFixture.ScreenshotDirectory)!, "timings");
        Directory.CreateDirectory(timings);
        await File.WriteAllTextAsync(Path.Combine(timings, "clinic-walk.txt"), FormattableString.Invariant(
            $"{DateTimeOffset.UtcNow:u} open the playground → seed → report → capability note → ballot → 3 votes → reveal → finalize → dashboard: {walk.Elapsed.TotalSeconds:F1} s (scripted Chromium, screenshots included){Environment.NewLine}"));
        await ChromiumFixture.ScreenshotAsync(dashboard, "playground-dashboard");
    }

    /// <summary>The newest private message shown inline in the channel (or thread) the person is looking at.</summary>
    internal static ILocator LastPrivate(IPage page) => page.Locator(".msg.private:not([hidden])").Last;

    internal static async Task ActAsAsync(IPage page, string person)
    {
        await page.GetByLabel("Act as").SelectOptionAsync(person);
        await Expect(page.GetByLabel("Act as")).ToHaveValueAsync(person);
    }

    internal static async Task SendAsync(IPage page, string command)
    {
        await page.GetByLabel("Command").FillAsync(command);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send", Exact = true }).ClickAsync();
    }

    private static int CommandParserNumber(string key) => TriageBot.Core.Conversation.CommandParser.ParseItemNumber(key)!.Value;

    [GeneratedRegex(@"TRI-\d+")]
    private static partial Regex ItemKey();
}
