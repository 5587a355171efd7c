using System.Text.Json;
using Microsoft.Extensions.Primitives;
using TriageBot.Core.Ports;

namespace TriageBot.Slack.Installations;

/// <summary>Where a request comes from or a message goes: a workspace, its organisation, and whether the app is installed org-wide.</summary>
public sealed record SlackTenant(string? TeamId, string? EnterpriseId = null, bool IsEnterpriseInstall = false)
{
    /// <summary>The key of the installation that serves it directly (the workspace's, or the organisation's for an org-wide install).</summary>
    public string Key => InstallationKeys.For(TeamId, EnterpriseId, IsEnterpriseInstall);

    public override string ToString() => IsEnterpriseInstall ? $"organisation {EnterpriseId}" : $"workspace {TeamId}";

    /// <summary>From a payload's top-level <c>team_id</c>, <c>enterprise_id</c> and <c>is_enterprise_install</c> (as an events envelope carries them).</summary>
    public static SlackTenant From(string? teamId, IReadOnlyDictionary<string, JsonElement>? extra)
    {
        string? enterprise = null;
        var org = false;
        if (extra is not null)
        {
            if (extra.TryGetValue("enterprise_id", out var e) && e.ValueKind == JsonValueKind.String)
            {
                enterprise = e.GetString();
            }

            org = extra.TryGetValue("is_enterprise_install", out var i) && i.ValueKind == JsonValueKind.True;
        }

        return new SlackTenant(string.IsNullOrEmpty(teamId) ? null : teamId, string.IsNullOrEmpty(enterprise) ? null : enterprise, org && !string.IsNullOrEmpty(enterprise));
    }

    /// <summary>From a slash command's form fields <c>enterprise_id</c> and <c>is_enterprise_install</c>.</summary>
    public static SlackTenant FromForm(string teamId, IReadOnlyDictionary<string, StringValues> form)
    {
        ArgumentNullException.ThrowIfNull(form);
        string? Get(string key) => form.TryGetValue(key, out var v) && v.Count == 1 && !string.IsNullOrEmpty(v[0]) ? v[0] : null;
        var enterprise = Get("enterprise_id");
        return new SlackTenant(teamId, enterprise, enterprise is not null && Get("is_enterprise_install") == "true");
    }
}

/// <summary>
/// The tenant whose token outbound Web API calls use, for the current flow: set by the inbound endpoints after they read the
/// verified payload, and by the sender per outbox message. It flows into awaited calls and work started from there.
/// </summary>
public static class SlackWorkspace
{
    private static readonly AsyncLocal<SlackTenant?> Holder = new();

    public static SlackTenant? Current
    {
        get => Holder.Value;
        set => Holder.Value = value;
    }
}
