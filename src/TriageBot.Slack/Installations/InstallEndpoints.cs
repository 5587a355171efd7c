using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Slack.WebApi;

namespace TriageBot.Slack.Installations;

/// <summary>
/// <c>GET /slack/install</c> (the "Add to Slack" page) and <c>GET /slack/oauth_redirect</c> (where Slack sends the person
/// back): checks the state, exchanges the code with <c>oauth.v2.access</c> and stores the installation. Every refusal is a
/// page that says why, and stores nothing.
/// </summary>
public static class InstallEndpoints
{
    public const string Cookie = "triagebot_slack_install";

    private const string Csp = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static void MapSlackInstall(this IEndpointRouteBuilder group)
    {
        group.MapGet("/install", Install).WithName("SlackInstall");
        group.MapGet("/oauth_redirect", RedirectAsync).WithName("SlackOAuthRedirect");
    }

    private static IResult Install(HttpContext http, [FromServices] IOptionsMonitor<SlackOptions> options, [FromServices] OAuthStates states)
    {
        var o = options.CurrentValue;
        if (!o.IsEnabled || !o.IsMultiWorkspace)
        {
            return Page(http, 404, "Not available", "This TriageBot serves one Slack workspace: installs to other workspaces are off (they need Slack:ClientId, Slack:ClientSecret, Slack:StateSecret and Slack:InstallationKey).");
        }

        var (state, nonce) = states.Issue();
        http.Response.Cookies.Append(Cookie, nonce, new CookieOptions
        {
            HttpOnly = true, Secure = http.Request.IsHttps, SameSite = SameSiteMode.Lax, Path = "/slack", MaxAge = OAuthStates.Lifetime,
        });
        var query = new List<string> { "client_id=" + Uri.EscapeDataString(o.ClientId!), "scope=" + Uri.EscapeDataString(o.Scopes), "state=" + Uri.EscapeDataString(state) };
        if (o.RedirectUrl is { Length: > 0 } redirect)
        {
            query.Add("redirect_uri=" + Uri.EscapeDataString(redirect));
        }

        var url = o.AuthorizeUrl + (o.AuthorizeUrl.Contains('?', StringComparison.Ordinal) ? "&" : "?") + string.Join('&', query);
        return Page(http, 200, "Add TriageBot to Slack",
            "TriageBot runs your team's AI-product backlog from chat: intake, hidden-vote scoring in clinics, WIP limits and the weekly ceremonies. Slack will ask you to allow it to:",
            link: (url, "Add to Slack"), note: "The button works for 10 minutes, once, in this browser. Only someone allowed to add apps to the workspace can finish the install.",
            list: [.. o.Scopes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Permission)]);
    }

    /// <summary>A bot scope in plain words, with its name (an unknown scope is shown by name only).</summary>
    private static string Permission(string scope) => scope switch
    {
        "commands" => "add the /triage command (commands)",
        "chat:write" => "post and update its messages in channels it is invited to (chat:write)",
        "app_mentions:read" => "see messages that mention @TriageBot (app_mentions:read)",
        "im:history" => "read the direct messages people send it (im:history)",
        "im:write" => "start direct messages with people, e.g. to ask for a capability note (im:write)",
        "users:read" => "see people's display names (users:read)",
        "channels:read" => "see basic information about public channels (channels:read)",
        "groups:read" => "see basic information about private channels it is in (groups:read)",
        "links:read" => "see links to this TriageBot posted in messages (links:read)",
        "links:write" => "show previews of those links (links:write)",
        _ => scope,
    };

    private static async Task<IResult> RedirectAsync(
        HttpContext http, [FromServices] IOptionsMonitor<SlackOptions> options, [FromServices] OAuthStates states,
        [FromServices] SlackOAuthClient oauth, [FromServices] SlackInstallations installations, [FromServices] ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("TriageBot.Slack.Installations");
        var o = options.CurrentValue;
        if (!o.IsEnabled || !o.IsMultiWorkspace)
        {
            return Page(http, 404, "Not available", "Installs to other workspaces are off on this TriageBot.");
        }

        var q = http.Request.Query;
        // The cookie stays until it expires: a reload of this page then says the link was used, not "another browser".
        var problem = await states.ConsumeAsync(q["state"].Count == 1 ? q["state"][0] : null, http.Request.Cookies[Cookie], http.RequestAborted).ConfigureAwait(false);
        if (problem is not null)
        {
            InstallLog.InstallRefused(logger, problem);
            return Refused(http, 400, $"Nothing was installed: {problem}.");
        }

        if (q["error"].Count > 0)
        {
            var error = q["error"].ToString();
            InstallLog.InstallRefused(logger, "Slack answered " + error);
            return Refused(http, 400, error == "access_denied"
                ? "The install was cancelled in Slack, so nothing was installed."
                : $"Slack did not complete the install ({error}); nothing was installed.");
        }

        if (q["code"].Count != 1 || string.IsNullOrEmpty(q["code"][0]))
        {
            InstallLog.InstallRefused(logger, "no code");
            return Refused(http, 400, "Slack sent no code, so nothing was installed.");
        }

        try
        {
            var grant = await oauth.ExchangeCodeAsync(q["code"][0]!, http.RequestAborted).ConfigureAwait(false);
            await installations.SaveAsync(grant, http.RequestAborted).ConfigureAwait(false);
            var where = grant.Name is { } name ? $"{name} ({grant.Tenant})" : grant.Tenant.ToString();
            return Page(http, 200, "TriageBot is installed", $"TriageBot is now installed in {where}. Next, in Slack:",
                list: ["invite it to the channel where your team triages: /invite @TriageBot", "run /triage setup there to create or bind a backlog (you become its first facilitator)", "/triage help lists every command"],
                link: grant.TeamId is { } team ? ("https://app.slack.com/client/" + Uri.EscapeDataString(team), "Open Slack") : null);
        }
        catch (SlackApiException e)
        {
            InstallLog.InstallRefused(logger, e.Message);
            return Refused(http, 502, $"Slack refused the install ({e.Error}); nothing was installed.");
        }
        catch (Exception e) when (e is SlackTransientException or SlackRateLimitedException)
        {
            InstallLog.InstallRefused(logger, e.Message);
            return Refused(http, 503, "Slack could not be reached to finish the install; nothing was installed.");
        }
    }

    /// <summary>A refusal: why, and a way back to the install page.</summary>
    private static IResult Refused(HttpContext http, int status, string why) =>
        Page(http, status, "Install not completed", why, link: ("/slack/install", "Start again"),
            note: why.Contains("already used", StringComparison.Ordinal) ? "If you just installed TriageBot, you are done: opening this page again does not install it twice." : null);

    private static IResult Page(HttpContext http, int status, string title, string text, (string Url, string Label)? link = null, string? note = null, IReadOnlyList<string>? list = null)
    {
        http.Response.Headers.ContentSecurityPolicy = Csp;
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        string E(string s) => WebUtility.HtmlEncode(s);
        var button = link is { } l
            ? $"<p><a class=\"add\" href=\"{E(l.Url)}\">{E(l.Label)}</a></p>"
            : "";
        var items = list is { Count: > 0 } ? "<ul>" + string.Concat(list.Select(i => $"<li>{E(i)}</li>")) + "</ul>" : "";
        var html = $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{E(title)}} · TriageBot</title>
            <style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#1d1c1d}
            a.add{display:inline-block;background:#4a154b;color:#fff;padding:.6rem 1.2rem;border-radius:.3rem;text-decoration:none;font-weight:600}
            .note{color:#616061;font-size:.9rem}</style></head>
            <body><h1>{{E(title)}}</h1><p>{{E(text)}}</p>{{items}}{{button}}{{(note is null ? "" : $"<p class=\"note\">{E(note)}</p>")}}</body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: status);
    }
}
