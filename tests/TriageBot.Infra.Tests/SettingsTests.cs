using System.Text.Json;
using System.Text.RegularExpressions;

namespace TriageBot.Infra.Tests;

/// <summary>The parameters file, appsettings.sample.json and docs/deploy.md agree with the template and with each other.</summary>
public sealed partial class SettingsTests(CompiledTemplate template)
{
    /// <summary>Every setting the app reads, in environment-variable form.</summary>
    public static TheoryData<string> AppSettingNames =>
    [
        "PublicBaseUrl",
        "Storage__Provider",
        "Storage__ConnectionString",
        "Storage__TableServiceUri",
        "Storage__ManagedIdentityClientId",
        "Storage__TablePrefix",
        "Storage__SqlitePath",
        "MicrosoftAppType",
        "MicrosoftAppId",
        "MicrosoftAppTenantId",
        "MicrosoftAppPassword",
        "Slack__SigningSecret",
        "Slack__BotToken",
        "Slack__ClientId",
        "Slack__ClientSecret",
        "Slack__StateSecret",
        "Slack__InstallationKey",
        "Slack__PreviousInstallationKeys__0",
        "Slack__AppToken",
        "Playground__Enabled",
        "Ceremonies__Enabled",
        "Delivery__PollInterval",
        "Trackers__GitHub__AppId",
        "Trackers__GitHub__PrivateKey",
        "Trackers__GitHub__InstallationId",
        "Trackers__GitHub__Token",
        "Trackers__GitHub__ApiBaseUrl",
        "Trackers__GitHub__WebhookSecret",
        "Trackers__Jira__SiteUrl",
        "Trackers__Jira__Email",
        "Trackers__Jira__ApiToken",
        "Trackers__Jira__IssueType",
        "Trackers__Jira__WebhookSecret",
        "Trackers__PollInterval",
        "Trackers__RequestTimeout",
        "Trackers__FirstBackoff",
        "Trackers__MaxBackoff",
        "Maintenance__TrackerDeliveryRetention",
        "Legal__Operator",
        "Legal__Contact",
        "Legal__TemplateFolder",
        "Legal__Updated",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
    ];

    [Theory]
    [MemberData(nameof(AppSettingNames))]
    public void Sample_HasEverySetting(string name)
    {
        SampleSettings().ShouldContainKey(name);
    }

    [Theory]
    [MemberData(nameof(AppSettingNames))]
    public void DeployGuide_DocumentsEverySetting(string name)
    {
        File.ReadAllText(Repository.File("docs", "deploy.md")).ShouldContain($"`{name}`");
    }

    [Fact]
    public void Sample_CoversEverySettingTheTemplateGivesTheApp()
    {
        var sample = SampleSettings();
        var deployed = template.Resources("Microsoft.Web/sites/config")
            .SelectMany(c => c.GetProperty("properties").EnumerateObject().Select(p => p.Name))
            // Host and SDK variables, not TriageBot settings.
            .Where(n => n is not ("ASPNETCORE_ENVIRONMENT" or "AZURE_CLIENT_ID"))
            .ToList();

        deployed.Count.ShouldBeGreaterThan(10);
        deployed.ShouldAllBe(n => sample.ContainsKey(n));
    }

    [Fact]
    public void Sample_HoldsNoRealLookingSecret()
    {
        var values = SampleSettings().Values.ToList();

        values.ShouldNotContain(v => SlackToken().IsMatch(v));
        values.ShouldNotContain(v => v.Contains("AccountKey=", StringComparison.OrdinalIgnoreCase));
        values.ShouldNotContain(v => v.Contains("InstrumentationKey=", StringComparison.OrdinalIgnoreCase));
        SampleSettings()["Slack__SigningSecret"].ShouldStartWith("<");
    }

    [Fact]
    public void AzdParametersFile_NamesOnlyTemplateParameters_AndTakesSecretsOnlyFromTheAzdEnvironment()
    {
        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Infra, "main.parameters.json")));
        var declared = template.Root.GetProperty("parameters");
        var given = file.RootElement.GetProperty("parameters").EnumerateObject().ToList();

        given.Count.ShouldBeGreaterThan(0);
        foreach (var parameter in given)
        {
            declared.TryGetProperty(parameter.Name, out var declaration).ShouldBeTrue($"{parameter.Name} is not a parameter of main.bicep");
            parameter.Value.TryGetProperty("value", out var value).ShouldBeTrue($"{parameter.Name} needs a value");
            if (declaration.GetProperty("type").GetString() == "securestring")
            {
                // azd substitutes ${NAME} from the environment (.azure/<env>/.env or the shell); a literal would be a committed secret.
                value.GetString().ShouldNotBeNull().ShouldMatch(@"^\$\{[A-Z_]+\}$", $"{parameter.Name} is secret: only an azd environment reference may stand here");
            }
        }

        given.Single(p => p.Name == "slackSigningSecret").Value.GetProperty("value").GetString().ShouldBe("${SLACK_SIGNING_SECRET}");
        given.Single(p => p.Name == "slackBotToken").Value.GetProperty("value").GetString().ShouldBe("${SLACK_BOT_TOKEN}");
        given.Single(p => p.Name == "slackClientId").Value.GetProperty("value").GetString().ShouldBe("${SLACK_CLIENT_ID}");
        given.Single(p => p.Name == "slackClientSecret").Value.GetProperty("value").GetString().ShouldBe("${SLACK_CLIENT_SECRET}");
        given.Single(p => p.Name == "slackStateSecret").Value.GetProperty("value").GetString().ShouldBe("${SLACK_STATE_SECRET}");
        given.Single(p => p.Name == "slackInstallationKey").Value.GetProperty("value").GetString().ShouldBe("${SLACK_INSTALLATION_KEY}");
        given.Single(p => p.Name == "slackPreviousInstallationKey").Value.GetProperty("value").GetString().ShouldBe("${SLACK_PREVIOUS_INSTALLATION_KEY}");
        given.Single(p => p.Name == "slackAppToken").Value.GetProperty("value").GetString().ShouldBe("${SLACK_APP_TOKEN}");
        // Prefixed: GITHUB_TOKEN is set in every GitHub Actions job, JIRA_API_TOKEN by Jira's CLI; neither may turn a tracker on.
        foreach (var (parameter, variable) in new[]
        {
            ("githubToken", "TRIAGEBOT_GITHUB_TOKEN"), ("githubAppId", "TRIAGEBOT_GITHUB_APP_ID"), ("githubPrivateKey", "TRIAGEBOT_GITHUB_PRIVATE_KEY"),
            ("githubInstallationId", "TRIAGEBOT_GITHUB_INSTALLATION_ID"), ("githubWebhookSecret", "TRIAGEBOT_GITHUB_WEBHOOK_SECRET"),
            ("jiraSiteUrl", "TRIAGEBOT_JIRA_SITE_URL"), ("jiraEmail", "TRIAGEBOT_JIRA_EMAIL"), ("jiraApiToken", "TRIAGEBOT_JIRA_API_TOKEN"),
            ("jiraWebhookSecret", "TRIAGEBOT_JIRA_WEBHOOK_SECRET"),
        })
        {
            given.Single(p => p.Name == parameter).Value.GetProperty("value").GetString().ShouldBe($"${{{variable}}}");
        }

        given.Single(p => p.Name == "jiraIssueType").Value.GetProperty("value").GetString().ShouldBe("${TRIAGEBOT_JIRA_ISSUE_TYPE=Task}");
        given.Single(p => p.Name == "githubApiBaseUrl").Value.GetProperty("value").GetString().ShouldBe("${TRIAGEBOT_GITHUB_API_BASE_URL=https://api.github.com/}");
    }

    [Fact]
    public void EveryParameter_HasADefault_SoTheTemplateDeploysWithNoParametersAtAll()
    {
        var required = template.Root.GetProperty("parameters").EnumerateObject()
            .Where(p => !p.Value.TryGetProperty("defaultValue", out _))
            .Select(p => p.Name)
            .ToList();

        required.ShouldBeEmpty("a Teams-only deployment needs no parameter, Slack secrets included");
    }

    /// <summary>The sample flattened to environment-variable names, without the "_comment" keys.</summary>
    private static Dictionary<string, string> SampleSettings()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Repository.File("appsettings.sample.json")));
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        Flatten(sample.RootElement, "", settings);
        return settings;
    }

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, string> into)
    {
        foreach (var property in element.EnumerateObject().Where(p => !p.Name.StartsWith("_comment", StringComparison.Ordinal)))
        {
            var name = prefix.Length == 0 ? property.Name : $"{prefix}__{property.Name}";
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                Flatten(property.Value, name, into);
            }
            else if (property.Value.ValueKind == JsonValueKind.Array)
            {
                // A list setting: Name__0, Name__1, … as configuration binds it.
                foreach (var (item, i) in property.Value.EnumerateArray().Select((e, i) => (e, i)))
                {
                    into[$"{name}__{i}"] = item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText();
                }
            }
            else
            {
                into[name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            }
        }
    }

    [GeneratedRegex(@"xox[abpr]-[0-9]")]
    private static partial Regex SlackToken();
}
