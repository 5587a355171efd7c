using System.Net;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Core.Ports;
using TriageBot.Slack.Tests.Fakes;
using static TriageBot.Tests.Slack.Install.Workspaces;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack.Install;

/// <summary>Issue 20: the OAuth v2 install (<c>/slack/install</c>, <c>/slack/oauth_redirect</c>) through the real host; every refusal stores nothing.</summary>
public sealed class InstallFlowTests
{
    private static Task<Versioned<Installation>?> StoredAsync(SlackHost h, string team = Team) =>
        h.Services.GetRequiredService<IInstallationStore>().GetAsync("T:" + team, default);

    [Fact]
    public async Task The_install_page_links_to_slacks_authorize_page_with_the_client_id_the_manifest_scopes_and_a_signed_state_under_a_strict_policy()
    {
        await using var h = await SlackHost.StartAsync(On);

        var page = await h.Client.GetAsync("/slack/install");
        var html = await page.Content.ReadAsStringAsync();

        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        page.Headers.GetValues("Content-Security-Policy").Single().ShouldStartWith("default-src 'none'");
        page.Headers.CacheControl!.NoStore.ShouldBeTrue();
        html.ShouldContain("Add to Slack");
        html.ShouldContain("href=\"https://slack.com/oauth/v2/authorize?client_id=1111.2222&amp;scope=commands%2Cchat%3Awrite%2Capp_mentions%3Aread%2Cim%3Ahistory%2Cim%3Awrite%2Cusers%3Aread%2Cchannels%3Aread%2Cgroups%3Aread%2Clinks%3Aread%2Clinks%3Awrite&amp;state=");
        StateOf(html).Split('.').Length.ShouldBe(3);
        page.Headers.GetValues("Set-Cookie").Single().ShouldContain("httponly", Case.Insensitive);
    }

    [Fact]
    public async Task The_redirect_exchanges_the_code_with_the_client_credentials_form_encoded_and_stores_the_installation()
    {
        await using var h = await SlackHost.StartAsync(On);

        await InstallAsync(h, GrantA);

        var call = h.Api.CallsTo("oauth.v2.access").ShouldHaveSingleItem();
        call.ContentType.ShouldStartWith("application/x-www-form-urlencoded");
        call.Form["client_id"].ShouldBe(FakeSlackOAuth.ClientId);
        call.Form["client_secret"].ShouldBe(FakeSlackOAuth.ClientSecret);
        call.Authorization.ShouldBeNullOrEmpty();
        var stored = (await StoredAsync(h)).ShouldNotBeNull().Value;
        stored.TeamId.ShouldBe(Team);
        stored.IsEnterpriseInstall.ShouldBeFalse();
        stored.Scopes.ShouldBe("commands,chat:write");
        stored.SealedRefreshToken.ShouldBeNull();
        stored.TokenExpiresAt.ShouldBeNull();
    }

    [Fact]
    public async Task A_forged_state_is_refused_with_a_page_saying_why_and_nothing_is_stored_nor_asked_of_slack()
    {
        await using var h = await SlackHost.StartAsync(On);
        var state = await StartInstallAsync(h.Client);
        var parts = state.Split('.');
        h.Api.OAuth.AddCode("code-1", GrantA);

        var forgedMac = await RedirectAsync(h.Client, "code-1", $"{parts[0]}.{parts[1]}.{new string('A', parts[2].Length)}");
        var longerLife = await RedirectAsync(h.Client, "code-1", $"{parts[0]}.{long.Parse(parts[1]) + 3600}.{parts[2]}");
        var none = await h.Client.GetAsync("/slack/oauth_redirect?code=code-1");

        foreach (var refused in new[] { forgedMac, longerLife, none })
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await refused.Content.ReadAsStringAsync()).ShouldContain("Nothing was installed: the install link&#39;s state was not issued by this app");
        }

        h.Api.CallsTo("oauth.v2.access").ShouldBeEmpty();
        (await StoredAsync(h)).ShouldBeNull();
    }

    [Fact]
    public async Task An_expired_state_is_refused_after_ten_minutes_and_nothing_is_stored()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await SlackHost.StartAsync(b => { On(b); b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(time)); });
        var state = await StartInstallAsync(h.Client);
        h.Api.OAuth.AddCode("code-1", GrantA);

        time.Advance(TimeSpan.FromMinutes(10));
        var refused = await RedirectAsync(h.Client, "code-1", state);

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("the install link expired");
        h.Api.CallsTo("oauth.v2.access").ShouldBeEmpty();
        (await StoredAsync(h)).ShouldBeNull();
    }

    [Fact]
    public async Task A_state_used_once_is_refused_the_second_time_also_by_another_instance_and_the_installation_stays_as_it_was()
    {
        var folder = Directory.CreateTempSubdirectory("triagebot-state-").FullName;
        await using var api = await FakeSlackApi.StartAsync();
        void Shared(Microsoft.AspNetCore.Hosting.IWebHostBuilder b)
        {
            On(b);
            b.UseSetting("Storage:SqlitePath", Path.Combine(folder, "shared.db"));
        }

        await using var one = await SlackHost.StartAsync(Shared, api);
        await using var two = await SlackHost.StartAsync(Shared, api);
        var state = await StartInstallAsync(one.Client);
        api.OAuth.AddCode("code-1", GrantA);
        api.OAuth.AddCode("code-2", GrantA with { AccessToken = "xoxb-attacker" });
        (await RedirectAsync(one.Client, "code-1", state)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var first = (await StoredAsync(one)).ShouldNotBeNull();

        // The same browser's cookie and state, replayed on the other instance.
        var replay = new HttpRequestMessage(HttpMethod.Get, $"/slack/oauth_redirect?code=code-2&state={Uri.EscapeDataString(state)}");
        replay.Headers.Add("Cookie", $"triagebot_slack_install={state.Split('.')[0]}");
        var refused = await two.Client.SendAsync(replay);

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("this install link was already used");
        api.CallsTo("oauth.v2.access").Count.ShouldBe(1);
        (await StoredAsync(two)).ShouldNotBeNull().ETag.ShouldBe(first.ETag);
    }

    [Fact]
    public async Task A_state_from_another_browser_is_refused_so_nobody_can_install_into_a_workspace_through_someone_elses_link()
    {
        await using var h = await SlackHost.StartAsync(On);
        var state = await StartInstallAsync(h.Client);
        h.Api.OAuth.AddCode("code-1", GrantA);
        using var otherBrowser = h.NewClient();

        var refused = await RedirectAsync(otherBrowser, "code-1", state);

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("started in another browser");
        (await StoredAsync(h)).ShouldBeNull();
    }

    [Fact]
    public async Task A_cancelled_install_access_denied_stores_nothing_and_says_it_was_cancelled()
    {
        await using var h = await SlackHost.StartAsync(On);
        var state = await StartInstallAsync(h.Client);

        var cancelled = await h.Client.GetAsync($"/slack/oauth_redirect?error=access_denied&state={Uri.EscapeDataString(state)}");

        cancelled.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await cancelled.Content.ReadAsStringAsync()).ShouldContain("The install was cancelled in Slack");
        h.Api.CallsTo("oauth.v2.access").ShouldBeEmpty();
        (await StoredAsync(h)).ShouldBeNull();
    }

    [Fact]
    public async Task A_code_slack_refuses_gives_a_page_with_slacks_error_and_stores_nothing()
    {
        await using var h = await SlackHost.StartAsync(On);
        var state = await StartInstallAsync(h.Client);

        var refused = await RedirectAsync(h.Client, "code-nobody-issued", state);

        refused.StatusCode.ShouldBe(HttpStatusCode.BadGateway);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("Slack refused the install (invalid_code); nothing was installed");
        h.Api.CallsTo("oauth.v2.access").ShouldHaveSingleItem();
        (await StoredAsync(h)).ShouldBeNull();
    }

    [Fact]
    public async Task With_one_workspace_configured_the_install_pages_say_installs_are_off_and_the_bot_token_is_used_as_before()
    {
        await using var h = await SlackHost.StartAsync();

        var page = await h.Client.GetAsync("/slack/install");
        var redirect = await h.Client.GetAsync("/slack/oauth_redirect?code=x&state=y");

        page.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await page.Content.ReadAsStringAsync()).ShouldContain("installs to other workspaces are off");
        redirect.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        await SlackFlows.SetUpChannelAsync(h);
        h.Api.CallsTo("views.open").ShouldAllBe(c => c.Authorization == "Bearer xoxb-e2e-test-token");
    }
}
