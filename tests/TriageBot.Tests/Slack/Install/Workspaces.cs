using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.WebUtilities;
using TriageBot.Slack.Tests.Fakes;
using TriageBot.Tests.Hostile;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack.Install;

/// <summary>One deployment serving many Slack workspaces: the settings, the install as a browser does it, and requests as each workspace sends them.</summary>
public static class Workspaces
{
    public const string Other = "T0TWO";
    public const string StateSecret = "e2e-state-secret-0123456789abcdef0123";
    public static readonly string InstallationKey = Convert.ToBase64String([.. Enumerable.Range(1, 32).Select(i => (byte)i)]);

    public static readonly FakeGrant GrantA = new(Team, "xoxb-team-a-secret", BotUserId: "UBOTA");
    public static readonly FakeGrant GrantB = new(Other, "xoxb-team-b-secret", BotUserId: "UBOTB");

    /// <summary>Installs to many workspaces on: tokens come from the installations, not <c>Slack:BotToken</c>.</summary>
    public static void On(IWebHostBuilder b)
    {
        b.UseSetting("Slack:ClientId", FakeSlackOAuth.ClientId);
        b.UseSetting("Slack:ClientSecret", FakeSlackOAuth.ClientSecret);
        b.UseSetting("Slack:StateSecret", StateSecret);
        b.UseSetting("Slack:InstallationKey", InstallationKey);
    }

    /// <summary>The state in the "Add to Slack" link of an install page.</summary>
    public static string StateOf(string html)
    {
        var start = html.IndexOf("href=\"", StringComparison.Ordinal) + 6;
        var href = WebUtility.HtmlDecode(html[start..html.IndexOf('"', start)]);
        return QueryHelpers.ParseQuery(new Uri(href).Query)["state"].ToString();
    }

    /// <summary>Opens the install page in <paramref name="browser"/> and returns the state its link carries.</summary>
    public static async Task<string> StartInstallAsync(HttpClient browser)
    {
        var page = await browser.GetAsync("/slack/install");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        return StateOf(await page.Content.ReadAsStringAsync());
    }

    /// <summary>Slack sending the browser back with <paramref name="code"/> and <paramref name="state"/>.</summary>
    public static Task<HttpResponseMessage> RedirectAsync(HttpClient browser, string code, string state) =>
        browser.GetAsync($"/slack/oauth_redirect?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(state)}");

    /// <summary>The whole install: the page, the person allowing it in Slack (a code for <paramref name="grant"/>), the redirect.</summary>
    public static async Task InstallAsync(SlackHost h, FakeGrant grant)
    {
        var state = await StartInstallAsync(h.Client);
        var code = "code-" + Guid.NewGuid().ToString("N")[..8];
        h.Api.OAuth.AddCode(code, grant);
        var done = await RedirectAsync(h.Client, code, state);
        var body = await done.Content.ReadAsStringAsync();
        done.StatusCode.ShouldBe(HttpStatusCode.OK, body[(body.IndexOf("<body>", StringComparison.Ordinal) + 6)..]);
        body.ShouldContain("TriageBot is now installed");
    }

    /// <summary>A payload as <paramref name="team"/> sends it (team, user's team and view's team replaced).</summary>
    public static JsonObject As(string team, JsonObject payload)
    {
        payload["team"] = new JsonObject { ["id"] = team, ["domain"] = team.ToLowerInvariant() };
        if (payload["user"] is JsonObject user)
        {
            user["team_id"] = team;
        }

        if (payload["view"] is JsonObject view)
        {
            view["team_id"] = team;
        }

        return payload;
    }

    public static async Task<HttpResponseMessage> CommandAsync(SlackHost h, string team, SlackPerson who, string text, string channel = Channel)
    {
        var fields = SlackWire.CommandFields(who, text, channel, h.NextTrigger());
        fields[fields.FindIndex(f => f.Key == "team_id")] = new("team_id", team);
        return await h.PostSignedAsync("/slack/commands", SlackWire.Form(fields), "application/x-www-form-urlencoded");
    }

    public static Task<HttpResponseMessage> SubmitAsync(SlackHost h, string team, SlackPerson who, JsonObject modal, IDictionary<string, string?> values) =>
        h.InteractAsync(As(team, SlackWire.Submission(who, modal, values, h.NextTrigger())));

    /// <summary><c>/triage setup</c> in <paramref name="team"/>'s channel, the modal submitted with <paramref name="name"/>.</summary>
    public static async Task SetUpAsync(SlackHost h, string team, string name)
    {
        var opened = h.Api.CallsTo("views.open").Count;
        (await CommandAsync(h, team, Ada, "setup")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var modal = await h.OpenedModalAsync(opened + 1);
        var submitted = await SubmitAsync(h, team, Ada, modal, new Dictionary<string, string?> { ["name"] = name, ["timeZone"] = "Europe/Berlin" });
        Confirmed(await JsonBody(submitted)).ShouldContain("now belongs to " + name);
    }

    /// <summary><c>/triage new bug</c> in <paramref name="team"/>'s channel with <paramref name="title"/>.</summary>
    public static async Task ReportAsync(SlackHost h, string team, string title)
    {
        var opened = h.Api.CallsTo("views.open").Count;
        (await CommandAsync(h, team, Ada, "new bug")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var modal = await h.OpenedModalAsync(opened + 1);
        var submitted = await SubmitAsync(h, team, Ada, modal, new Dictionary<string, string?> { ["title"] = title });
        Confirmed(await JsonBody(submitted)).ShouldContain("Reported ");
    }

    /// <summary>An event of <paramref name="type"/> from <paramref name="team"/>, as Slack posts it.</summary>
    public static JsonObject Event(string team, JsonObject inner) => new()
    {
        ["token"] = "deprecated-verification-token",
        ["team_id"] = team,
        ["api_app_id"] = "A0E2E",
        ["type"] = "event_callback",
        ["event_id"] = "Ev" + Guid.NewGuid().ToString("N")[..10],
        ["event_time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["authorizations"] = new JsonArray(new JsonObject { ["team_id"] = team, ["user_id"] = "UBOT", ["is_bot"] = true }),
        ["is_enterprise_install"] = false,
        ["event"] = inner,
    };

    /// <summary>The calls made with <paramref name="token"/>.</summary>
    public static IEnumerable<SlackApiCall> With(this IEnumerable<SlackApiCall> calls, string token) => calls.Where(c => c.Authorization == "Bearer " + token);
}
