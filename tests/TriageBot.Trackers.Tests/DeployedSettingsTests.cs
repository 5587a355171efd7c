using System.Net;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Trackers.Tests.Fakes;

namespace TriageBot.Trackers.Tests;

/// <summary>
/// The real host with the <c>Trackers__…</c> app settings exactly as infra/main.bicep writes them: every setting present,
/// empty when its parameter was not given, the secrets as the values Key Vault holds.
/// </summary>
public sealed class DeployedSettingsTests : IAsyncDisposable
{
    private const string Repo = "acme/app";
    private readonly FakeGitHub github = new(Repo);

    /// <summary>The template's tracker settings when no tracker parameter is given.</summary>
    private static Dictionary<string, string?> NothingGiven() => new()
    {
        ["Trackers:GitHub:AppId"] = "",
        ["Trackers:GitHub:InstallationId"] = "",
        ["Trackers:GitHub:ApiBaseUrl"] = "https://api.github.com/",
        ["Trackers:GitHub:PrivateKey"] = "",
        ["Trackers:GitHub:Token"] = "",
        ["Trackers:GitHub:WebhookSecret"] = "",
        ["Trackers:Jira:SiteUrl"] = "",
        ["Trackers:Jira:Email"] = "",
        ["Trackers:Jira:IssueType"] = "Task",
        ["Trackers:Jira:ApiToken"] = "",
        ["Trackers:Jira:WebhookSecret"] = "",
    };

    [Fact]
    public async Task WithNoTrackerParameterGiven_TheHostStarts_ConnectSaysWhatToSet_AndEveryWebhookDeliveryIsRefused()
    {
        await using var host = new TrackerHost(github, extra: NothingGiven());
        await host.SeedAsync();

        var answer = await host.SayAsync("priya", $"connect github {Repo}");
        answer.ShouldContain("This server has no GitHub credentials", customMessage: answer);
        answer.ShouldContain("Trackers:GitHub:Token");
        (await host.SayAsync("priya", "connect jira PAY")).ShouldContain("This server has no Jira credentials");
        (await host.Trackers.ListConnectionsAsync("demo", CancellationToken.None)).ShouldBeEmpty();
        using var gitHub = await host.GitHubWebhookAsync("d-1", new { action = "closed" });
        gitHub.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        using var jira = await host.JiraWebhookAsync("j-1", new { webhookEvent = "jira:issue_updated" });
        jira.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        github.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task WithAGitHubAppsIdAndItsKeyFromKeyVault_AndNoInstallationId_TheInstallationIsLookedUp_AndAPlacedItemGetsItsIssue()
    {
        using var app = new FakeGitHubApp("Iv1.triagebot", 4242, TimeProvider.System);
        github.App = app;
        var settings = NothingGiven();
        settings["Trackers:GitHub:AppId"] = app.AppId;
        // As `azd env set TRIAGEBOT_GITHUB_PRIVATE_KEY "$(awk …)"` stores it (docs/trackers.md): one line, "\n" for the breaks.
        settings["Trackers:GitHub:PrivateKey"] = app.PrivateKeyPem.ReplaceLineEndings("\\n");
        settings["Trackers:GitHub:ApiBaseUrl"] = github.BaseUrl;
        settings["Trackers:GitHub:WebhookSecret"] = TrackerHost.WebhookSecret;
        await using var host = new TrackerHost(github, extra: settings);
        await host.SeedAsync();

        (await host.SayAsync("priya", $"connect github {Repo} ready")).ShouldContain("Connected");
        var item = await host.FirstAsync(ItemState.Icebox);
        await host.SayAsync("priya", $"promote {item.Key}");

        await TrackerHost.EventuallyAsync(async () => await host.Trackers.GetLinkAsync("demo", item.Number, TrackerKind.GitHub, CancellationToken.None) is { Value.IssueId: not null } ? true : (bool?)null,
            "the issue created as the app's installation");
        github.CallsTo("GET", $"/repos/{Repo}/installation").ShouldNotBeEmpty();
        github.Issues.Values.ShouldContain(i => i["title"]!.GetValue<string>().StartsWith($"[{item.Key}] ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithKeyVaultReferencesAppServiceCouldNotResolve_TheHostStarts_TheyCountAsNotSet_AndAreListedForTheStartLog()
    {
        var settings = NothingGiven();
        const string Unresolved = "@Microsoft.KeyVault(SecretUri=https://kv-triagebot.vault.azure.net/secrets/{0})";
        settings["Trackers:GitHub:Token"] = string.Format(System.Globalization.CultureInfo.InvariantCulture, Unresolved, "github-token");
        settings["Trackers:GitHub:WebhookSecret"] = string.Format(System.Globalization.CultureInfo.InvariantCulture, Unresolved, "github-webhook-secret");
        settings["Trackers:Jira:SiteUrl"] = "https://your-site.atlassian.net";
        settings["Trackers:Jira:Email"] = "bot@example.com";
        settings["Trackers:Jira:ApiToken"] = string.Format(System.Globalization.CultureInfo.InvariantCulture, Unresolved, "jira-api-token");
        settings["Trackers:Jira:WebhookSecret"] = string.Format(System.Globalization.CultureInfo.InvariantCulture, Unresolved, "jira-webhook-secret");
        var options = new TrackerOptions
        {
            GitHub = new GitHubOptions { Token = settings["Trackers:GitHub:Token"], WebhookSecret = settings["Trackers:GitHub:WebhookSecret"] },
            Jira = new JiraOptions { SiteUrl = settings["Trackers:Jira:SiteUrl"], Email = "bot@example.com", ApiToken = settings["Trackers:Jira:ApiToken"], WebhookSecret = settings["Trackers:Jira:WebhookSecret"] },
        };
        options.UnresolvedReferences().ShouldBe(["Trackers:GitHub:Token", "Trackers:GitHub:WebhookSecret", "Trackers:Jira:ApiToken", "Trackers:Jira:WebhookSecret"]);
        await using var host = new TrackerHost(github, extra: settings);
        await host.SeedAsync();

        // Not a literal credential sent to GitHub or Jira, nor a secret anyone could sign with: not set, and said so.
        (await host.SayAsync("priya", $"connect github {Repo}")).ShouldContain("This server has no GitHub credentials");
        (await host.SayAsync("priya", "connect jira PAY")).ShouldContain("This server has no Jira credentials");
        using var signed = await host.GitHubWebhookAsync("d-1", new { action = "closed" }, secret: settings["Trackers:GitHub:WebhookSecret"]!);
        signed.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        using var jira = await host.JiraWebhookAsync("j-1", new { webhookEvent = "jira:issue_updated" }, secret: settings["Trackers:Jira:WebhookSecret"]!);
        jira.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        github.Calls.ShouldBeEmpty();
    }

    public async ValueTask DisposeAsync() => await github.DisposeAsync();
}
