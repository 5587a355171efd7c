using System.Text.Json.Nodes;
using TriageBot.Slack.Endpoints;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TriageBot.Slack.Installations;

/// <summary>
/// The check every inbound request passes with installs to many workspaces on: the request's workspace (verified by its
/// signature or its Socket Mode connection) must have an installation, or it is refused before anything reads or changes a backlog. The dispatcher's handlers set
/// <see cref="SlackWorkspace.Current"/> to the request's tenant first, so the calls they make use its token.
/// </summary>
internal static class InstallGate
{
    /// <summary>Null when the request may go on (single workspace, or installed); else the answer that refuses it.</summary>
    /// <param name="answerAsCommand">A slash command's answer is shown to the person: say where to install. Events and interactions get an empty 200.</param>
    public static async Task<SlackAnswer?> RefuseUninstalledAsync(IServiceProvider services, SlackTenant tenant, bool answerAsCommand, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(tenant);
        var options = services.GetRequiredService<IOptionsMonitor<SlackOptions>>().CurrentValue;
        if (!options.IsMultiWorkspace)
        {
            return null;
        }

        var installations = services.GetRequiredService<SlackInstallations>();
        if (await installations.FindAsync(tenant, ct).ConfigureAwait(false) is not null)
        {
            return null;
        }

        InstallLog.NotInstalled(services.GetRequiredService<ILoggerFactory>().CreateLogger("TriageBot.Slack.Installations"), tenant.ToString());
        if (!answerAsCommand)
        {
            return SlackAnswer.Ok;
        }

        var configured = services.GetService<IConfiguration>()?["PublicBaseUrl"];
        var where = string.IsNullOrWhiteSpace(configured) ? "this app's /slack/install page" : configured.TrimEnd('/') + "/slack/install";
        return SlackAnswer.Json(new JsonObject
        {
            ["response_type"] = "ephemeral",
            ["text"] = $"TriageBot is not installed in this workspace (or it was uninstalled), so nothing was done. Someone allowed to add apps can install it at {where}.",
        });
    }
}
