using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TriageBot.Slack.Tests;
using TriageBot.Tests.Hostile;

namespace TriageBot.Tests.Hosting;

/// <summary>
/// Each channel is optional: the real host starts and is healthy with Teams only, Slack only or both; a channel with no
/// settings is off and says so once; a channel with settings that are present but wrong stops the start, saying how to fix it.
/// </summary>
public sealed class ChannelDeploymentTests
{
    private const string SlackSecret = "5ac3e0b1d2f4a6978869a5b4c3d2e1f0";

    /// <summary>What the Azure template gives a Teams deployment: the user-assigned identity is the bot.</summary>
    private static readonly Dictionary<string, string?> Teams = new()
    {
        ["MicrosoftAppType"] = "UserAssignedMSI",
        ["MicrosoftAppId"] = "6f1c2a9e-3b7d-4e58-9a0c-1d2e3f4a5b6c",
        ["MicrosoftAppTenantId"] = "0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f",
    };

    private static readonly Dictionary<string, string?> Slack = new()
    {
        ["Slack:SigningSecret"] = SlackSecret,
        ["Slack:BotToken"] = "xoxb-1234-5678-deployment-test",
    };

    private static Dictionary<string, string?> Settings(params Dictionary<string, string?>[] parts) =>
        parts.SelectMany(p => p).ToDictionary(kv => kv.Key, kv => kv.Value);

    private sealed record Started(TestHost Host, WebApplicationFactory<Program> Factory, HttpClient Client, LogCapture Logs) : IDisposable
    {
        public void Dispose()
        {
            Client.Dispose();
            Factory.Dispose();
            Host.Dispose();
        }

        public int Said(string text) => Logs.Entries.Count(e => e.Message.Contains(text, StringComparison.Ordinal));
    }

    private static Started Start(Dictionary<string, string?> settings)
    {
        var logs = new LogCapture();
        var host = new TestHost(settings);
        var factory = host.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        return new Started(host, factory, factory.CreateClient(), logs);
    }

    [Fact]
    public async Task TeamsOnly_StartsHealthy_SaysOnceThatSlackIsOff_AndRefusesSlackRequests()
    {
        using var s = Start(Teams);
        var ct = TestContext.Current.CancellationToken;

        (await s.Client.GetStringAsync("/health", ct)).ShouldBe("Healthy");
        s.Said("Slack is off").ShouldBe(1, string.Join("\n", s.Logs.Entries));
        s.Said("Teams channel is not configured").ShouldBe(0, string.Join("\n", s.Logs.Entries));

        using var slack = await s.Client.SendAsync(SignedUrlVerification(s.Host), ct);
        slack.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        // Teams is on: an unauthenticated activity is refused by token validation, not as "not configured".
        using var teams = await s.Client.PostAsync("/api/messages", new StringContent("{}", Encoding.UTF8, "application/json"), ct);
        teams.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task SlackOnly_StartsHealthy_SaysOnceThatTeamsIsOff_AndAnswersSignedSlackRequests()
    {
        using var s = Start(Slack);
        var ct = TestContext.Current.CancellationToken;

        (await s.Client.GetStringAsync("/health", ct)).ShouldBe("Healthy");
        s.Said("Teams channel is not configured").ShouldBe(1, string.Join("\n", s.Logs.Entries));
        s.Said("Slack is off").ShouldBe(0);

        using var slack = await s.Client.SendAsync(SignedUrlVerification(s.Host), ct);
        slack.StatusCode.ShouldBe(HttpStatusCode.OK);
        JsonDocument.Parse(await slack.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("challenge").GetString().ShouldBe("deploy-check");
        using var teams = await s.Client.PostAsync("/api/messages", new StringContent("{}", Encoding.UTF8, "application/json"), ct);
        teams.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task TeamsAndSlack_StartHealthy_WithNeitherSaidToBeOff()
    {
        using var s = Start(Settings(Teams, Slack));
        var ct = TestContext.Current.CancellationToken;

        (await s.Client.GetStringAsync("/health", ct)).ShouldBe("Healthy");
        (await s.Client.GetAsync("/alive", ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        s.Said("Slack is off").ShouldBe(0);
        s.Said("Teams channel is not configured").ShouldBe(0);
        using var slack = await s.Client.SendAsync(SignedUrlVerification(s.Host), ct);
        slack.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>The template writes a channel that is off as empty settings, not as missing ones.</summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OneChannel_WithTheOthersSettingsEmptyAsTheTemplateWritesThem_StartsHealthy_WithTheOtherOff(bool teams)
    {
        var empty = teams
            ? new Dictionary<string, string?> { ["Slack:SigningSecret"] = "", ["Slack:BotToken"] = "" }
            : new Dictionary<string, string?> { ["MicrosoftAppType"] = "", ["MicrosoftAppId"] = "", ["MicrosoftAppTenantId"] = "" };
        using var s = Start(Settings(teams ? Teams : Slack, empty));

        (await s.Client.GetStringAsync("/health", TestContext.Current.CancellationToken)).ShouldBe("Healthy");
        s.Said(teams ? "Slack is off" : "Teams channel is not configured").ShouldBe(1);
        s.Said(teams ? "Teams channel is not configured" : "Slack is off").ShouldBe(0);
    }

    [Fact]
    public async Task SlackTurnedOffWithEnabledFalse_IgnoresItsSettings_AndRefusesSignedRequests()
    {
        using var s = Start(Settings(Teams, Slack, new() { ["Slack:Enabled"] = "false" }));
        var ct = TestContext.Current.CancellationToken;

        (await s.Client.GetStringAsync("/health", ct)).ShouldBe("Healthy");
        s.Said("Slack is off").ShouldBe(1);
        using var slack = await s.Client.SendAsync(SignedUrlVerification(s.Host), ct);
        slack.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public void TheSamplesSlackPlaceholders_RefuseTheStart_SayingWhereTheRealSecretIs()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoTools.Root, "appsettings.sample.json")));
        var slack = sample.RootElement.GetProperty("Slack");

        var e = StartupValidationTests.StartupFailure(Settings(Teams, new()
        {
            ["Slack:SigningSecret"] = slack.GetProperty("SigningSecret").GetString(),
            ["Slack:BotToken"] = slack.GetProperty("BotToken").GetString(),
        }));

        e.Message.ShouldContain("Slack:SigningSecret is still a placeholder");
        e.Message.ShouldContain("https://api.slack.com/apps → your app → Basic Information → App Credentials");
        e.Message.ShouldContain("Slack:BotToken is still a placeholder");
    }

    [Theory]
    [InlineData("Slack:SigningSecret", "pending", "Slack:SigningSecret is still a placeholder")]
    [InlineData("Slack:SigningSecret", "xoxb-pasted-in-the-wrong-place", "does not look like a Slack signing secret (32 hexadecimal characters")]
    [InlineData("Slack:BotToken", "pending", "Slack:BotToken is still a placeholder")]
    [InlineData("Slack:BotToken", "xoxp-1-user-token", "Slack:BotToken must be a bot token starting with 'xoxb-'")]
    [InlineData("Slack:SigningSecret", "@Microsoft.KeyVault(SecretUri=https://kv-x.vault.azure.net/secrets/slack-signing-secret)", "Key Vault reference that App Service could not resolve")]
    [InlineData("MicrosoftAppId", "not-a-guid", "MicrosoftAppId 'not-a-guid' is not a GUID: copy the Microsoft App ID")]
    [InlineData("MicrosoftAppType", "Msi", "MicrosoftAppType 'Msi' is not known: use SingleTenant, MultiTenant or UserAssignedMSI")]
    public void BothChannels_WithOneSettingPresentButWrong_RefuseTheStart_SayingHowToFixIt(string key, string value, string message)
    {
        var settings = Settings(Teams, Slack);
        settings[key] = value;

        var e = StartupValidationTests.StartupFailure(settings);

        e.Message.ShouldContain(message);
    }

    [Fact]
    public void ASlackBotTokenWithoutItsSigningSecret_RefusesTheStart_NamingTheMissingSetting()
    {
        var e = StartupValidationTests.StartupFailure(Settings(Teams, new() { ["Slack:BotToken"] = "xoxb-1234-5678-deployment-test" }));

        e.Message.ShouldContain("Slack:SigningSecret is empty");
        e.Message.ShouldContain("Basic Information → App Credentials");
    }

    /// <summary>Slack's <c>url_verification</c> challenge, signed with <see cref="SlackSecret"/> at the host's clock.</summary>
    private static HttpRequestMessage SignedUrlVerification(TestHost host)
    {
        const string body = """{"type":"url_verification","token":"unused","challenge":"deploy-check"}""";
        var timestamp = host.Time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SlackSecret), Encoding.UTF8.GetBytes($"v0:{timestamp}:{body}")));
        var request = new HttpRequestMessage(HttpMethod.Post, "/slack/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", signature);
        return request;
    }
}
