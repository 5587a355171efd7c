using System.Web;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using TriageBot.Slack.Tests.Fakes;
using static Microsoft.Playwright.Assertions;

namespace TriageBot.Tests.Browser;

/// <summary>
/// Issue 20: the Slack install as a person meets it in Chromium — the "Add to Slack" page, Slack's authorize page (played by
/// a route that answers like Slack: back to the redirect with a code, or with <c>error=access_denied</c>), the success page,
/// and each refusal (forged, expired, reused state, cancelled). Screenshots: <c>TestResults/screenshots/slack-install-*.png</c>.
/// </summary>
public sealed class SlackInstallBrowserTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private const string Team = "T0WALK";
    private FakeSlackApi _slack = null!;
    private KestrelHost _host = null!;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    public async ValueTask InitializeAsync()
    {
        _slack = await FakeSlackApi.StartAsync();
        _host = new KestrelHost("Production", new Dictionary<string, string>
        {
            ["PublicBaseUrl"] = "http://127.0.0.1",
            ["Slack:SigningSecret"] = "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
            ["Slack:ApiBaseUrl"] = _slack.BaseUrl,
            ["Slack:AuthorizeUrl"] = _slack.BaseUrl.Replace("/api/", "/oauth/v2/authorize", StringComparison.Ordinal),
            ["Slack:ClientId"] = FakeSlackOAuth.ClientId,
            ["Slack:ClientSecret"] = FakeSlackOAuth.ClientSecret,
            ["Slack:StateSecret"] = "browser-walk-state-secret-0123456789abcdef",
            ["Slack:InstallationKey"] = Convert.ToBase64String([.. Enumerable.Range(1, 32).Select(i => (byte)i)]),
        }, _clock);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _slack.DisposeAsync();
    }

    /// <summary>Slack's authorize page, as the person allowing (a code for <see cref="Team"/>) or cancelling: back to the redirect URL with the state.</summary>
    private async Task<IPage> PageWithSlackAsync(bool allow)
    {
        var page = await chromium.NewPageAsync(_host.BaseAddress, width: 800, height: 700);
        await page.RouteAsync("**/oauth/v2/authorize**", async route =>
        {
            var state = HttpUtility.ParseQueryString(new Uri(route.Request.Url).Query)["state"];
            var code = "code-" + Guid.NewGuid().ToString("N")[..8];
            _slack.OAuth.AddCode(code, new FakeGrant(Team, "xoxb-walk-token", BotUserId: "UBOTWALK"));
            var back = allow ? $"/slack/oauth_redirect?code={code}&state={Uri.EscapeDataString(state!)}" : $"/slack/oauth_redirect?error=access_denied&state={Uri.EscapeDataString(state!)}";
            await route.FulfillAsync(new() { Status = 302, Headers = new Dictionary<string, string> { ["Location"] = new Uri(_host.BaseAddress, back).ToString() } });
        });
        return page;
    }

    private static async Task ShotAsync(IPage page, string name)
    {
        await ChromiumFixture.ScreenshotAsync(page, "slack-install-" + name);
        if (Directory.Exists("/tmp/slack20-shots"))
        {
            await page.ScreenshotAsync(new() { Path = $"/tmp/slack20-shots/slack-install-{name}.png", FullPage = true });
        }
    }

    [Fact]
    public async Task A_person_adds_the_app_from_the_install_page_and_sees_what_to_do_next_and_the_workspace_is_installed()
    {
        var page = await PageWithSlackAsync(allow: true);

        var install = await page.GotoAsync("/slack/install");
        install!.Status.ShouldBe(200);
        await Expect(page).ToHaveTitleAsync("Add TriageBot to Slack · TriageBot");
        var add = page.GetByRole(AriaRole.Link, new() { Name = "Add to Slack" });
        await Expect(add).ToBeVisibleAsync();
        // Each permission in plain words, with Slack's name for it.
        await Expect(page.GetByText("post and update its messages in channels it is invited to (chat:write)")).ToBeVisibleAsync();
        await Expect(page.Locator("li")).ToHaveCountAsync(10);
        await ShotAsync(page, "page");
        (await PageChecks.ContrastFailuresAsync(page)).ShouldBeEmpty();

        await add.ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "TriageBot is installed" })).ToBeVisibleAsync();
        await Expect(page.GetByText("installed in Team T0WALK (workspace T0WALK)")).ToBeVisibleAsync();
        await Expect(page.GetByText("run /triage setup there")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Open Slack" })).ToHaveAttributeAsync("href", "https://app.slack.com/client/T0WALK");
        await ShotAsync(page, "success");
        (await PageChecks.ContrastFailuresAsync(page)).ShouldBeEmpty();
        (await PageChecks.ScrollsSidewaysAsync(page)).ShouldBeFalse();
        _slack.CallsTo("oauth.v2.access").ShouldHaveSingleItem();

        // The same redirect again (Back, reload): refused, and the installation stays as it was.
        await page.ReloadAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Install not completed" })).ToBeVisibleAsync();
        await Expect(page.GetByText("already used")).ToBeVisibleAsync();
        await Expect(page.GetByText("If you just installed TriageBot, you are done")).ToBeVisibleAsync();
        await ShotAsync(page, "reused");
        _slack.CallsTo("oauth.v2.access").ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Cancelling_in_slack_a_forged_state_and_an_expired_link_each_give_a_page_that_says_why_with_a_way_back_and_install_nothing()
    {
        var page = await PageWithSlackAsync(allow: false);
        await page.GotoAsync("/slack/install");
        await page.GetByRole(AriaRole.Link, new() { Name = "Add to Slack" }).ClickAsync();
        await Expect(page.GetByText("The install was cancelled in Slack")).ToBeVisibleAsync();
        await ShotAsync(page, "cancelled");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Start again" })).ToBeVisibleAsync();

        var forged = await page.GotoAsync("/slack/oauth_redirect?code=x&state=forged.1.AAAA");
        forged!.Status.ShouldBe(400);
        await Expect(page.GetByText("was not issued by this app")).ToBeVisibleAsync();
        await ShotAsync(page, "forged");

        var expiring = await PageWithSlackAsync(allow: true);
        await expiring.GotoAsync("/slack/install");
        _clock.Advance(TimeSpan.FromMinutes(11));
        await expiring.GetByRole(AriaRole.Link, new() { Name = "Add to Slack" }).ClickAsync();
        await Expect(expiring.GetByText("expired")).ToBeVisibleAsync();
        await ShotAsync(expiring, "expired");
        var again = expiring.GetByRole(AriaRole.Link, new() { Name = "Start again" });
        await again.ClickAsync();
        await Expect(expiring.GetByRole(AriaRole.Link, new() { Name = "Add to Slack" })).ToBeVisibleAsync();

        _slack.CallsTo("oauth.v2.access").ShouldBeEmpty();
    }
}
