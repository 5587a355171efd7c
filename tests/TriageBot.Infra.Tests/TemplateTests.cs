using System.Text.Json;
using System.Text.RegularExpressions;

namespace TriageBot.Infra.Tests;

/// <summary>What the compiled ARM template deploys: the security and wiring decisions of docs/deploy.md.</summary>
public sealed partial class TemplateTests(CompiledTemplate template)
{
    private const string TableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";

    [Fact]
    public void WebApp_IsHttpsOnlyAlwaysOnAndHealthChecked()
    {
        var site = template.Single("Microsoft.Web/sites").GetProperty("properties");
        var config = site.GetProperty("siteConfig");

        site.GetProperty("httpsOnly").GetBoolean().ShouldBeTrue();
        config.GetProperty("alwaysOn").GetBoolean().ShouldBeTrue();
        config.GetProperty("healthCheckPath").GetString().ShouldBe("/health");
    }

    [Fact]
    public void WebApp_RunsDotNet10OnLinux_WithTls12AndNoFtp()
    {
        var config = template.Single("Microsoft.Web/sites").GetProperty("properties").GetProperty("siteConfig");

        config.GetProperty("linuxFxVersion").GetString().ShouldBe("DOTNETCORE|10.0");
        config.GetProperty("minTlsVersion").GetString().ShouldBe("1.2");
        config.GetProperty("ftpsState").GetString().ShouldBe("Disabled");
    }

    [Fact]
    public void WebApp_AllowsNoBasicAuthPublishing_NeitherFtpNorScm()
    {
        var policies = template.Resources("Microsoft.Web/sites/basicPublishingCredentialsPolicies");

        policies.Select(p => p.GetProperty("name").GetString()).ShouldBe(
            ["[format('{0}/{1}', parameters('appName'), 'ftp')]", "[format('{0}/{1}', parameters('appName'), 'scm')]"], ignoreOrder: true);
        foreach (var policy in policies)
        {
            policy.GetProperty("properties").GetProperty("allow").GetBoolean().ShouldBeFalse();
            policy.TryGetProperty("condition", out _).ShouldBeFalse("basic auth stays off in every deployment");
        }
    }

    [Fact]
    public void WebApp_IsTaggedForAzdDeploy_AsTheServiceInAzureYaml()
    {
        template.Single("Microsoft.Web/sites").GetProperty("tags").GetString()
            .ShouldBe("[union(parameters('tags'), createObject('azd-service-name', 'triagebot'))]");
    }

    [Theory]
    [InlineData("Microsoft.Web/sites", "AppServiceHTTPLogs,AppServiceConsoleLogs,AppServiceAppLogs,AppServicePlatformLogs,AppServiceAuditLogs,AppServiceIPSecAuditLogs", "AllMetrics")]
    [InlineData("Microsoft.KeyVault/vaults", "AuditEvent", "AllMetrics")]
    [InlineData("Microsoft.Storage/storageAccounts/tableServices", "StorageRead,StorageWrite,StorageDelete", "Transaction")]
    [InlineData("Microsoft.Storage/storageAccounts", "", "Transaction")]
    public void DiagnosticSettings_SendLogsAndMetrics_ToTheLogAnalyticsWorkspace(string scopeType, string logCategories, string metricCategory)
    {
        var matches = template.AllResources()
            .Where(r => r.Resource.GetProperty("type").GetString() == "Microsoft.Insights/diagnosticSettings")
            .Where(r => r.Resource.GetProperty("scope").GetString()!.StartsWith($"[resourceId('{scopeType}',", StringComparison.Ordinal))
            .Select(r => r.Resource.GetProperty("properties"))
            .ToList();

        var settings = matches.ShouldHaveSingleItem($"one diagnostic setting on {scopeType}");
        settings.GetProperty("workspaceId").GetString().ShouldBe("[parameters('logAnalyticsWorkspaceId')]");
        var logs = settings.TryGetProperty("logs", out var l) ? l : default;
        var categories = logs.ValueKind == JsonValueKind.Array
            ? logs.EnumerateArray().Select(e => e.GetProperty("category").GetString()).ToList()
            : [];
        // A Bicep loop compiles to a copy whose input indexes a literal array: createArray('A', 'B')[copyIndex('logs')].
        if (logs.ValueKind != JsonValueKind.Array && settings.TryGetProperty("copy", out var copy))
        {
            var expression = copy.EnumerateArray().Single().GetProperty("input").GetProperty("category").GetString()!;
            categories = [.. Quoted().Matches(expression).Select(m => m.Groups[1].Value).Where(c => c != "logs")];
        }

        categories.ShouldBe(logCategories.Length == 0 ? [] : logCategories.Split(','), ignoreOrder: true, $"log categories on {scopeType}");
        settings.GetProperty("metrics").EnumerateArray().Single().GetProperty("category").GetString().ShouldBe(metricCategory);
    }

    [Fact]
    public void EveryModuleWithDiagnostics_GetsTheMonitoringModulesWorkspace()
    {
        foreach (var module in new[] { "appservice", "storage", "keyvault" })
        {
            ModuleParameter(module, "logAnalyticsWorkspaceId").ShouldContain("'monitoring'");
            ModuleParameter(module, "logAnalyticsWorkspaceId").ShouldContain("outputs.workspaceId.value");
        }
    }

    [Fact]
    public void Plan_IsLinux_AndItsInstanceCountIsAParameter()
    {
        var plan = template.Single("Microsoft.Web/serverfarms");

        plan.GetProperty("properties").GetProperty("reserved").GetBoolean().ShouldBeTrue();
        plan.GetProperty("sku").GetProperty("capacity").GetString().ShouldBe("[parameters('instanceCount')]");
        template.Root.GetProperty("parameters").GetProperty("instanceCount").GetProperty("type").GetString().ShouldBe("int");
    }

    [Fact]
    public void WebApp_RunsAsTheUserAssignedIdentity_AndResolvesKeyVaultReferencesWithIt()
    {
        var site = template.Single("Microsoft.Web/sites");
        var identity = site.GetProperty("identity");

        identity.GetProperty("type").GetString().ShouldBe("UserAssigned");
        var assigned = identity.GetProperty("userAssignedIdentities").EnumerateObject().Single().Name;
        assigned.ShouldContain("parameters('identityId')");
        site.GetProperty("properties").GetProperty("keyVaultReferenceIdentity").GetString().ShouldBe("[parameters('identityId')]");
        ModuleParameter("appservice", "identityId").ShouldContain("'identity'");
    }

    [Fact]
    public void StorageAccount_AllowsNoSharedKeysNoPublicBlobsAndOnlyTls12()
    {
        var account = template.Single("Microsoft.Storage/storageAccounts");
        var properties = account.GetProperty("properties");

        account.GetProperty("kind").GetString().ShouldBe("StorageV2");
        properties.GetProperty("allowSharedKeyAccess").GetBoolean().ShouldBeFalse();
        properties.GetProperty("allowBlobPublicAccess").GetBoolean().ShouldBeFalse();
        properties.GetProperty("minimumTlsVersion").GetString().ShouldBe("TLS1_2");
        properties.GetProperty("supportsHttpsTrafficOnly").GetBoolean().ShouldBeTrue();
        template.Resources("Microsoft.Storage/storageAccounts/tableServices").Count.ShouldBe(1);
    }

    [Fact]
    public void AppIdentity_IsGrantedTableDataContributor_OnTheStorageAccount()
    {
        var assignment = RoleAssignment("Microsoft.Storage/storageAccounts", TableDataContributor, conditional: false);

        assignment.GetProperty("scope").GetString()!.ShouldContain("Microsoft.Storage/storageAccounts");
        assignment.GetProperty("properties").GetProperty("principalType").GetString().ShouldBe("ServicePrincipal");
        assignment.GetProperty("properties").GetProperty("principalId").GetString().ShouldBe("[parameters('appPrincipalId')]");
        ModuleParameter("storage", "appPrincipalId").ShouldContain("'identity'");
    }

    [Fact]
    public void AppIdentity_IsGrantedKeyVaultSecretsUser_OnAnRbacModeVault()
    {
        var vault = template.Single("Microsoft.KeyVault/vaults").GetProperty("properties");
        var assignment = RoleAssignment("Microsoft.KeyVault/vaults", KeyVaultSecretsUser, conditional: false);

        vault.GetProperty("enableRbacAuthorization").GetBoolean().ShouldBeTrue();
        assignment.GetProperty("properties").GetProperty("principalId").GetString().ShouldBe("[parameters('appPrincipalId')]");
        ModuleParameter("keyvault", "appPrincipalId").ShouldContain("'identity'");
    }

    /// <summary>Every secret parameter and the Key Vault secret it is written to: exactly these, nothing else.</summary>
    private static readonly Dictionary<string, string> SecretParameters = new()
    {
        ["slackSigningSecret"] = "slack-signing-secret",
        ["slackBotToken"] = "slack-bot-token",
        ["slackClientSecret"] = "slack-client-secret",
        ["slackStateSecret"] = "slack-state-secret",
        ["slackInstallationKey"] = "slack-installation-key",
        ["slackPreviousInstallationKey"] = "slack-previous-installation-key",
        ["slackAppToken"] = "slack-app-token",
        ["githubToken"] = "github-token",
        ["githubPrivateKey"] = "github-private-key",
        ["githubWebhookSecret"] = "github-webhook-secret",
        ["jiraApiToken"] = "jira-api-token",
        ["jiraWebhookSecret"] = "jira-webhook-secret",
    };

    [Fact]
    public void SlackAndTrackerSecrets_AreOptionalSecureParameters_WrittenToKeyVaultOnlyWhenGiven()
    {
        var parameters = template.Root.GetProperty("parameters");
        foreach (var name in SecretParameters.Keys)
        {
            parameters.GetProperty(name).GetProperty("type").GetString().ShouldBe("securestring");
            // The only default a secure parameter may have: nothing (the linter's secure-parameter-default rule agrees).
            parameters.GetProperty(name).GetProperty("defaultValue").GetString().ShouldBe("", $"{name} must be optional, with an empty default");
        }

        parameters.EnumerateObject().Where(p => p.Value.GetProperty("type").GetString() == "securestring").Select(p => p.Name)
            .ShouldBe(SecretParameters.Keys, ignoreOrder: true);
        var secrets = template.Resources("Microsoft.KeyVault/vaults/secrets");
        secrets.Count.ShouldBe(SecretParameters.Count);
        secrets.Select(s => s.GetProperty("properties").GetProperty("value").GetString())
            .ShouldBe(SecretParameters.Keys.Select(k => $"[parameters('{k}')]"), ignoreOrder: true);
        foreach (var (parameter, secretName) in SecretParameters)
        {
            secrets.ShouldContain(s => s.GetProperty("name").GetString()!.Contains($"'{secretName}'", StringComparison.Ordinal)
                && s.GetProperty("properties").GetProperty("value").GetString() == $"[parameters('{parameter}')]", $"{parameter} → {secretName}");
        }
        // A deployment without the values never overwrites a secret rotated in the vault.
        secrets.Select(s => s.GetProperty("condition").GetString())
            .ShouldBe(SecretParameters.Keys.Select(k => $"[not(empty(parameters('{k}')))]"), ignoreOrder: true);
    }

    [Fact]
    public void Slack_IsOnWhenASecretIsGivenOrKeptOn_AndOffOtherwise()
    {
        template.Root.GetProperty("variables").GetProperty("slackEnabled").GetString()
            .ShouldBe("[or(or(parameters('keepSlackEnabled'), not(empty(parameters('slackSigningSecret')))), not(empty(parameters('slackBotToken'))))]");
        template.Root.GetProperty("parameters").GetProperty("keepSlackEnabled").GetProperty("defaultValue").GetBoolean().ShouldBeFalse();
        ModuleParameter("appservice", "slackEnabled").ShouldBe("\"[variables('slackEnabled')]\"");
        template.Root.GetProperty("outputs").GetProperty("slackEnabled").GetProperty("value").GetString().ShouldBe("[if(variables('slackEnabled'), 'true', 'false')]");
    }

    [Fact]
    public void AppSettings_ConfigureAzureTablesTeamsMsiAndProduction()
    {
        var settings = AppSettings();

        settings["ASPNETCORE_ENVIRONMENT"].ShouldBe("Production");
        settings["Playground__Enabled"].ShouldBe("false");
        settings["Storage__Provider"].ShouldBe("AzureTables");
        settings["Storage__TableServiceUri"].ShouldBe("[parameters('tableServiceUri')]");
        settings["Storage__ManagedIdentityClientId"].ShouldBe("[parameters('identityClientId')]");
        // Empty in a Slack-only deployment (enableTeams=false): the app then starts with Teams off.
        settings["MicrosoftAppType"].ShouldBe("[if(parameters('teamsEnabled'), 'UserAssignedMSI', '')]");
        settings["MicrosoftAppId"].ShouldBe("[if(parameters('teamsEnabled'), parameters('identityClientId'), '')]");
        settings["MicrosoftAppTenantId"].ShouldBe("[if(parameters('teamsEnabled'), parameters('identityTenantId'), '')]");
        ModuleParameter("appservice", "teamsEnabled").ShouldBe("\"[parameters('enableTeams')]\"");
        settings["PublicBaseUrl"].ShouldContain("defaultHostName");
        settings["APPLICATIONINSIGHTS_CONNECTION_STRING"].ShouldBe("[parameters('appInsightsConnectionString')]");
        settings.ShouldContainKey("Storage__TablePrefix");
        settings.ShouldContainKey("Ceremonies__Enabled");
        settings.ShouldContainKey("Delivery__PollInterval");
        settings.ShouldNotContainKey("MicrosoftAppPassword");
        ModuleParameter("appservice", "tableServiceUri").ShouldContain("'storage'");
        ModuleParameter("appservice", "appInsightsConnectionString").ShouldContain("'monitoring'");
    }

    [Fact]
    public void AppSettings_ReadSlackSecretsThroughKeyVaultReferences_OnlyWhenSlackIsOn()
    {
        var settings = AppSettings();

        // Empty when Slack is off: the app then starts with Slack off instead of failing on a reference to a missing secret.
        settings["Slack__SigningSecret"].ShouldBe("[if(parameters('slackEnabled'), format('@Microsoft.KeyVault(SecretUri={0})', parameters('slackSigningRefUri')), '')]");
        settings["Slack__BotToken"].ShouldBe("[if(parameters('slackEnabled'), format('@Microsoft.KeyVault(SecretUri={0})', parameters('slackBotTokenRefUri')), '')]");
        ModuleParameter("appservice", "slackSigningRefUri").ShouldContain("'keyvault'");
        ModuleParameter("appservice", "slackBotTokenRefUri").ShouldContain("'keyvault'");
    }

    [Fact]
    public void AppSettings_ForInstallsToManyWorkspaces_ReadTheClientSecretStateSecretAndInstallationKeysFromKeyVault_OnlyWithAClientId()
    {
        var settings = AppSettings();

        settings["Slack__ClientId"].ShouldBe("[parameters('slackClientId')]");
        settings["Slack__ClientSecret"].ShouldBe("[if(empty(parameters('slackClientId')), '', format('@Microsoft.KeyVault(SecretUri={0})', parameters('slackClientRefUri')))]");
        settings["Slack__StateSecret"].ShouldBe("[if(empty(parameters('slackClientId')), '', format('@Microsoft.KeyVault(SecretUri={0})', parameters('slackStateRefUri')))]");
        settings["Slack__InstallationKey"].ShouldBe("[if(empty(parameters('slackClientId')), '', format('@Microsoft.KeyVault(SecretUri={0})', parameters('slackInstallationKeyRefUri')))]");
        // Optional secrets: referenced only when the vault holds them, else the app would see an unresolved reference.
        settings["Slack__PreviousInstallationKeys__0"].ShouldBe("[if(empty(parameters('slackPreviousInstallationKeyRefUri')), '', format('@Microsoft.KeyVault(SecretUri={0})', parameters('slackPreviousInstallationKeyRefUri')))]");
        settings["Slack__AppToken"].ShouldBe("[if(empty(parameters('slackAppTokenRefUri')), '', format('@Microsoft.KeyVault(SecretUri={0})', parameters('slackAppTokenRefUri')))]");
        foreach (var name in new[] { "slackClientRefUri", "slackStateRefUri", "slackInstallationKeyRefUri" })
        {
            ModuleParameter("appservice", name).ShouldContain("'keyvault'");
        }

        // Given only when the vault holds them (Bicep compiles the condition around the whole parameter).
        var parameters = template.Resources("Microsoft.Resources/deployments").Single(d => d.GetProperty("name").GetString() == "appservice").GetProperty("properties").GetProperty("parameters");
        parameters.GetProperty("slackPreviousInstallationKeyRefUri").GetString().ShouldNotBeNull().ShouldStartWith("[if(variables('slackPreviousKey'), createObject('value', reference(resourceId('Microsoft.Resources/deployments', 'keyvault')");
        parameters.GetProperty("slackClientId").GetString().ShouldBe("[if(variables('slackMultiWorkspace'), createObject('value', parameters('slackClientId')), createObject('value', ''))]");
        parameters.GetProperty("slackAppTokenRefUri").GetString().ShouldNotBeNull().ShouldStartWith("[if(variables('slackSocketMode'), createObject('value', reference(resourceId('Microsoft.Resources/deployments', 'keyvault')");

        template.Root.GetProperty("variables").GetProperty("slackMultiWorkspace").GetString().ShouldBe("[and(variables('slackEnabled'), not(empty(parameters('slackClientId'))))]");
        template.Root.GetProperty("variables").GetProperty("slackPreviousKey").GetString()
            .ShouldBe("[and(variables('slackMultiWorkspace'), or(parameters('keepSlackPreviousInstallationKey'), not(empty(parameters('slackPreviousInstallationKey')))))]");
        template.Root.GetProperty("variables").GetProperty("slackSocketMode").GetString()
            .ShouldBe("[and(variables('slackEnabled'), or(parameters('keepSlackSocketMode'), not(empty(parameters('slackAppToken')))))]");
    }

    [Fact]
    public void AppSettings_ForTheTrackers_ReadTheirSecretsFromKeyVault_OnlyWhenTheVaultHoldsThem()
    {
        var settings = AppSettings();

        settings["Trackers__GitHub__AppId"].ShouldBe("[parameters('githubAppId')]");
        settings["Trackers__GitHub__InstallationId"].ShouldBe("[parameters('githubInstallationId')]");
        settings["Trackers__GitHub__ApiBaseUrl"].ShouldBe("[parameters('githubApiBaseUrl')]");
        settings["Trackers__Jira__SiteUrl"].ShouldBe("[parameters('jiraSiteUrl')]");
        settings["Trackers__Jira__Email"].ShouldBe("[parameters('jiraEmail')]");
        settings["Trackers__Jira__IssueType"].ShouldBe("[parameters('jiraIssueType')]");
        foreach (var (setting, uri) in new[]
        {
            ("Trackers__GitHub__PrivateKey", "githubPrivateKeyRefUri"), ("Trackers__GitHub__Token", "githubTokenRefUri"),
            ("Trackers__GitHub__WebhookSecret", "githubWebhookRefUri"), ("Trackers__Jira__ApiToken", "jiraApiTokenRefUri"),
            ("Trackers__Jira__WebhookSecret", "jiraWebhookRefUri"),
        })
        {
            // Empty unless main.bicep passes the URI: an unresolved reference would reach the app as a literal credential.
            settings[setting].ShouldBe($"[if(empty(parameters('{uri}')), '', format('@Microsoft.KeyVault(SecretUri={{0}})', parameters('{uri}')))]");
        }

        var parameters = template.Resources("Microsoft.Resources/deployments").Single(d => d.GetProperty("name").GetString() == "appservice").GetProperty("properties").GetProperty("parameters");
        foreach (var (uri, condition) in new[]
        {
            ("githubPrivateKeyRefUri", "githubApp"), ("githubTokenRefUri", "githubTokenAuth"), ("githubWebhookRefUri", "githubEnabled"),
            ("jiraApiTokenRefUri", "jiraEnabled"), ("jiraWebhookRefUri", "jiraEnabled"),
        })
        {
            parameters.GetProperty(uri).GetString().ShouldNotBeNull().ShouldStartWith($"[if(variables('{condition}'), createObject('value', reference(resourceId('Microsoft.Resources/deployments', 'keyvault')");
        }

        parameters.GetProperty("githubAppId").GetString().ShouldBe("[if(variables('githubApp'), createObject('value', parameters('githubAppId')), createObject('value', ''))]");
        var variables = template.Root.GetProperty("variables");
        variables.GetProperty("githubApp").GetString().ShouldBe("[not(empty(parameters('githubAppId')))]");
        variables.GetProperty("githubTokenAuth").GetString().ShouldBe("[or(parameters('keepGitHubToken'), not(empty(parameters('githubToken'))))]");
        variables.GetProperty("githubEnabled").GetString().ShouldBe("[or(variables('githubApp'), variables('githubTokenAuth'))]");
        variables.GetProperty("jiraEnabled").GetString().ShouldBe("[not(empty(parameters('jiraSiteUrl')))]");
        var declared = template.Root.GetProperty("parameters");
        declared.GetProperty("keepGitHubToken").GetProperty("defaultValue").GetBoolean().ShouldBeFalse();
        // The same defaults as TrackerOptions: an empty setting would replace them (and an empty base address cannot be used).
        declared.GetProperty("githubApiBaseUrl").GetProperty("defaultValue").GetString().ShouldBe("https://api.github.com/");
        declared.GetProperty("jiraIssueType").GetProperty("defaultValue").GetString().ShouldBe("Task");
        var outputs = template.Root.GetProperty("outputs");
        outputs.GetProperty("githubEnabled").GetProperty("value").GetString().ShouldBe("[if(variables('githubEnabled'), 'true', 'false')]");
        outputs.GetProperty("jiraEnabled").GetProperty("value").GetString().ShouldBe("[if(variables('jiraEnabled'), 'true', 'false')]");
    }

    [Fact]
    public void NoAppSettingAndNoValueAnywhere_CarriesAStorageKeyOrConnectionString()
    {
        AppSettings().Values.ShouldAllBe(v => !v.Contains("AccountKey=", StringComparison.OrdinalIgnoreCase));

        var strings = template.AllStrings().ToList();
        strings.ShouldNotContain(s => s.Contains("AccountKey=", StringComparison.OrdinalIgnoreCase));
        strings.ShouldNotContain(s => s.Contains("listKeys(", StringComparison.OrdinalIgnoreCase));
        strings.ShouldNotContain(s => s.Contains("Storage__ConnectionString", StringComparison.Ordinal));
    }

    [Fact]
    public void Bot_IsAnAzureBotWithTheUserAssignedIdentity_AndATeamsChannel_UnlessTeamsIsOff()
    {
        var bot = template.Single("Microsoft.BotService/botServices");
        var properties = bot.GetProperty("properties");

        bot.GetProperty("kind").GetString().ShouldBe("azurebot");
        bot.GetProperty("sku").GetProperty("name").GetString().ShouldBe("[parameters('skuName')]");
        properties.GetProperty("msaAppType").GetString().ShouldBe("UserAssignedMSI");
        properties.GetProperty("msaAppId").GetString().ShouldBe("[parameters('identityClientId')]");
        properties.GetProperty("msaAppTenantId").GetString().ShouldBe("[parameters('identityTenantId')]");
        properties.GetProperty("msaAppMSIResourceId").GetString().ShouldBe("[parameters('identityId')]");
        ModuleParameter("bot", "endpoint").ShouldContain("/api/messages");

        template.Resources("Microsoft.Resources/deployments").Single(d => d.GetProperty("name").GetString() == "bot")
            .GetProperty("condition").GetString().ShouldBe("[parameters('enableTeams')]");
        template.Root.GetProperty("parameters").GetProperty("enableTeams").GetProperty("defaultValue").GetBoolean().ShouldBeTrue();

        var channel = template.Single("Microsoft.BotService/botServices/channels").GetProperty("properties");
        channel.GetProperty("channelName").GetString().ShouldBe("MsTeamsChannel");
        channel.GetProperty("properties").GetProperty("isEnabled").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public void BotSku_IsLimitedToF0AndS1()
    {
        var botSku = template.Root.GetProperty("parameters").GetProperty("botSku");

        botSku.GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()).ShouldBe(["F0", "S1"]);
    }

    [Fact]
    public void ApplicationInsights_IsWorkspaceBased()
    {
        var insights = template.Single("Microsoft.Insights/components").GetProperty("properties");

        insights.GetProperty("WorkspaceResourceId").GetString()!.ShouldContain("Microsoft.OperationalInsights/workspaces");
        template.Resources("Microsoft.OperationalInsights/workspaces").Count.ShouldBe(1);
    }

    [Fact]
    public void Outputs_NameTheAppUrlBotEndpointIdentityAndTableEndpoint()
    {
        var outputs = template.Root.GetProperty("outputs").EnumerateObject().Select(o => o.Name).ToList();

        outputs.ShouldContain("appUrl");
        outputs.ShouldContain("botMessagingEndpoint");
        outputs.ShouldContain("identityClientId");
        outputs.ShouldContain("storageTableEndpoint");
        template.Root.GetProperty("outputs").EnumerateObject()
            .ShouldAllBe(o => o.Value.GetProperty("type").GetString() == "string");
    }

    /// <summary>The web app settings as written in the compiled template (literals or ARM expressions).</summary>
    private Dictionary<string, string> AppSettings()
    {
        var config = template.Resources("Microsoft.Web/sites/config")
            .Single(c => c.GetProperty("name").GetString()!.Contains("'appsettings'", StringComparison.Ordinal));
        return config.GetProperty("properties").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText());
    }

    /// <summary>The one role assignment granting <paramref name="roleId"/> on a resource of <paramref name="scopeType"/>.</summary>
    private JsonElement RoleAssignment(string scopeType, string roleId, bool conditional)
    {
        var matches = template.AllResources()
            .Where(r => r.Resource.GetProperty("type").GetString() == "Microsoft.Authorization/roleAssignments")
            .Where(r => r.Resource.GetProperty("scope").GetString()!.Contains(scopeType, StringComparison.Ordinal))
            .Where(r => Inline(r.Resource.GetProperty("properties").GetProperty("roleDefinitionId").GetString()!, r.Template).Contains(roleId, StringComparison.Ordinal))
            .Where(r => r.Resource.TryGetProperty("condition", out _) == conditional)
            .Select(r => r.Resource)
            .ToList();
        matches.Count.ShouldBe(1, $"expected one {(conditional ? "conditional" : "unconditional")} assignment of role {roleId} on {scopeType}");
        return matches[0];
    }

    /// <summary>The expression main.bicep passes to a module parameter.</summary>
    private string ModuleParameter(string module, string parameter) =>
        template.Resources("Microsoft.Resources/deployments")
            .Single(d => d.GetProperty("name").GetString() == module)
            .GetProperty("properties").GetProperty("parameters").GetProperty(parameter).GetProperty("value").GetRawText();

    private static string Inline(string expression, JsonElement declaringTemplate) =>
        VariableReference().Replace(expression, m =>
            declaringTemplate.TryGetProperty("variables", out var variables)
            && variables.TryGetProperty(m.Groups["name"].Value, out var value)
            && value.ValueKind == JsonValueKind.String
                ? $"'{value.GetString()}'"
                : m.Value);

    [GeneratedRegex(@"'(\w+)'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"variables\('(?<name>[^']+)'\)")]
    private static partial Regex VariableReference();
}
