namespace TriageBot.Trackers;

/// <summary>The <c>Trackers</c> settings: credentials and webhook secrets (never stored in a backlog), and the sync worker's pace.</summary>
public sealed class TrackerOptions
{
    public const string Section = "Trackers";

    public GitHubOptions GitHub { get; set; } = new();

    public JiraOptions Jira { get; set; } = new();

    /// <summary>How often the sync worker reads new domain events, due pushes and webhook deliveries.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long one tracker call may take before it counts as lost (and is retried).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The first retry's delay after a transient failure; it doubles up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan FirstBackoff { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Whether a credential or secret is there to use: not empty, and not a Key Vault reference App Service could not resolve
    /// (the app then sees <c>@Microsoft.KeyVault(…)</c> literally, e.g. when the secret was never written to the vault).
    /// </summary>
    internal static bool IsSet([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? value) => !string.IsNullOrWhiteSpace(value) && !IsUnresolvedReference(value);

    internal static bool IsUnresolvedReference(string? value) => value?.TrimStart().StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>The settings that are unresolved Key Vault references: each is treated as not set, and named once in the log.</summary>
    internal IEnumerable<string> UnresolvedReferences() =>
        new (string Name, string? Value)[]
        {
            ("Trackers:GitHub:AppId", GitHub.AppId), ("Trackers:GitHub:PrivateKey", GitHub.PrivateKey), ("Trackers:GitHub:Token", GitHub.Token),
            ("Trackers:GitHub:WebhookSecret", GitHub.WebhookSecret), ("Trackers:Jira:SiteUrl", Jira.SiteUrl), ("Trackers:Jira:Email", Jira.Email),
            ("Trackers:Jira:ApiToken", Jira.ApiToken), ("Trackers:Jira:WebhookSecret", Jira.WebhookSecret),
        }.Where(s => IsUnresolvedReference(s.Value)).Select(s => s.Name);
}

public sealed class GitHubOptions
{
    /// <summary>A fine-grained personal access token with Issues read/write on the connected repositories.</summary>
    public string? Token { get; set; }

    /// <summary>A GitHub App's client id (recommended) or app id: with <see cref="PrivateKey"/> the app authenticates instead of <see cref="Token"/>.</summary>
    public string? AppId { get; set; }

    /// <summary>The app's private key, the PEM file GitHub downloads (line breaks may be written <c>\n</c>); keep it in Key Vault.</summary>
    public string? PrivateKey { get; set; }

    /// <summary>The app's installation to act as; without it each repository's installation is looked up (<c>GET /repos/{owner}/{repo}/installation</c>).</summary>
    public long? InstallationId { get; set; }

    /// <summary>The REST API's base address: <c>https://api.github.com/</c>, or a GitHub Enterprise Server host.</summary>
    public string ApiBaseUrl { get; set; } = "https://api.github.com/";

    /// <summary>The webhook's secret: deliveries are verified with it (<c>X-Hub-Signature-256</c>); without it every delivery is refused.</summary>
    public string? WebhookSecret { get; set; }
}

public sealed class JiraOptions
{
    /// <summary><c>https://your-site.atlassian.net</c>.</summary>
    public string? SiteUrl { get; set; }

    public string? Email { get; set; }

    public string? ApiToken { get; set; }

    /// <summary>The issue type TriageBot creates (<c>Task</c>, <c>Bug</c>, <c>Story</c>…), as the project names it.</summary>
    public string IssueType { get; set; } = "Task";

    /// <summary>The secret the Jira webhook is registered with; without it every delivery is refused.</summary>
    public string? WebhookSecret { get; set; }
}
