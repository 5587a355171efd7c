using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TriageBot.Slack.Installations;

/// <summary>
/// The check every inbound request passes with installs to many workspaces on: the request's workspace (verified by its
/// signature) must have an installation, or it is refused before anything reads or changes a backlog. The endpoints set
/// <see cref="SlackWorkspace.Current"/> to the request's tenant first, so the calls they make use its token.
/// </summary>
public static class InstallGate
{
    /// <summary>Null when the request may go on (single workspace, or installed); else the answer that refuses it.</summary>
    /// <param name="answerAsCommand">A slash command's answer is shown to the person: say where to install. Events and interactions get an empty 200.</param>
    public static async Task<IResult?> RefuseUninstalledAsync(HttpContext http, SlackTenant tenant, bool answerAsCommand)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(tenant);
        var options = http.RequestServices.GetRequiredService<IOptionsMonitor<SlackOptions>>().CurrentValue;
        if (!options.IsMultiWorkspace)
        {
            return null;
        }

        var installations = http.RequestServices.GetRequiredService<SlackInstallations>();
        if (await installations.FindAsync(tenant, http.RequestAborted).ConfigureAwait(false) is not null)
        {
            return null;
        }

        InstallLog.NotInstalled(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("TriageBot.Slack.Installations"), tenant.ToString());
        if (!answerAsCommand)
        {
            return Results.Ok();
        }

        var configured = http.RequestServices.GetService<IConfiguration>()?["PublicBaseUrl"];
        var baseUrl = string.IsNullOrWhiteSpace(configured) ? $"{http.Request.Scheme}://{http.Request.Host}" : configured.TrimEnd('/');
        return Results.Json(new JsonObject
        {
            ["response_type"] = "ephemeral",
            ["text"] = $"TriageBot is not installed in this workspace (or it was uninstalled), so nothing was done. Someone allowed to add apps can install it at {baseUrl}/slack/install.",
        });
    }
}
