using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TriageBot.Slack.Tests;

public class SlackOptionsTests
{
    /// <summary>Shaped like a Slack signing secret: 32 hexadecimal characters.</summary>
    private const string Hex = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

    private static SlackOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging().AddSlack(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<SlackOptions>>().Value;
    }

    [Fact]
    public void NothingConfigured_IsValidAndOff_SoRequestsAreRefused()
    {
        var options = Resolve([]);
        options.IsEnabled.ShouldBeFalse();
        options.ApiBaseUrl.ShouldBe("https://slack.com/api/");
    }

    [Fact]
    public void SigningSecretWithoutBotToken_FailsNamingTheSettingAndHowToSetIt()
    {
        var error = Should.Throw<OptionsValidationException>(() => Resolve(new() { ["Slack:SigningSecret"] = Hex }));
        error.Message.ShouldContain("Slack__BotToken");
        error.Message.ShouldContain("OAuth & Permissions");
    }

    [Fact]
    public void EnabledWithoutSigningSecret_FailsNamingTheSetting()
    {
        var error = Should.Throw<OptionsValidationException>(() => Resolve(new() { ["Slack:Enabled"] = "true", ["Slack:BotToken"] = "xoxb-1" }));
        error.Message.ShouldContain("Slack__SigningSecret");
    }

    [Fact]
    public void ANonBotToken_IsRefused()
    {
        var error = Should.Throw<OptionsValidationException>(() => Resolve(new() { ["Slack:SigningSecret"] = Hex, ["Slack:BotToken"] = "xoxp-user" }));
        error.Message.ShouldContain("xoxb-");
    }

    [Fact]
    public void AnAppTokenWithABotToken_TurnsSocketModeOn_AndMakesTheSigningSecretOptional()
    {
        var options = Resolve(new() { ["Slack:AppToken"] = "xapp-1-A1-2-abc", ["Slack:BotToken"] = "xoxb-1" });
        options.IsEnabled.ShouldBeTrue();
        options.UsesSocketMode.ShouldBeTrue();
        options.SigningSecret.ShouldBeNull();
    }

    [Theory]
    [InlineData("xoxb-not-an-app-token", "xapp-")]
    [InlineData("<app token>", "placeholder")]
    [InlineData("@Microsoft.KeyVault(SecretUri=https://kv/secrets/slack-app-token)", "Key Vault")]
    public void AWrongAppToken_IsRefused_SayingWhereTheRightOneIs(string token, string message)
    {
        var error = Should.Throw<OptionsValidationException>(() => Resolve(new() { ["Slack:AppToken"] = token, ["Slack:BotToken"] = "xoxb-1" }));
        error.Message.ShouldContain(message);
        error.Message.ShouldNotContain(token, Case.Sensitive, "a token pasted in the wrong place is never repeated");
    }

    [Fact]
    public void WithSocketMode_ABadSigningSecretIsStillRefused_AndTheBotTokenStillNeeded()
    {
        Should.Throw<OptionsValidationException>(() => Resolve(new() { ["Slack:AppToken"] = "xapp-1", ["Slack:BotToken"] = "xoxb-1", ["Slack:SigningSecret"] = "short" }))
            .Message.ShouldContain("Slack:SigningSecret");
        Should.Throw<OptionsValidationException>(() => Resolve(new() { ["Slack:AppToken"] = "xapp-1" }))
            .Message.ShouldContain("Slack__BotToken");
    }

    [Fact]
    public void ARelativeApiBaseUrl_IsRefused()
    {
        var error = Should.Throw<OptionsValidationException>(() => Resolve(new() { ["Slack:ApiBaseUrl"] = "slack/api" }));
        error.Message.ShouldContain("Slack:ApiBaseUrl");
    }

    [Fact]
    public void SecretAndToken_TurnTheChannelOn()
    {
        var options = Resolve(new() { ["Slack:SigningSecret"] = Hex, ["Slack:BotToken"] = "xoxb-1", ["Slack:ApiBaseUrl"] = "http://127.0.0.1:5/api" });
        options.IsEnabled.ShouldBeTrue();
        options.ApiBaseUri.ToString().ShouldBe("http://127.0.0.1:5/api/");
    }

    [Theory]
    [InlineData("<slack-signing-secret>")]
    [InlineData("pending")]
    public void ThePlaceholderSigningSecret_IsRefused_SayingWhereTheRealOneIs(string placeholder)
    {
        var error = Should.Throw<OptionsValidationException>(() => Resolve(new() { ["Slack:SigningSecret"] = placeholder, ["Slack:BotToken"] = "xoxb-1" }));

        error.Message.ShouldContain("Slack:SigningSecret is still a placeholder");
        error.Message.ShouldContain("Basic Information → App Credentials");
        error.Message.ShouldContain("https://api.slack.com/apps");
    }

    [Theory]
    [InlineData("8f742231b10e8888abcd99yyyzzz85a5", "32 characters, not all hexadecimal")]
    [InlineData("0f1e2d3c4b5a69788796a5b4c3d2e1f", "31 characters")]
    [InlineData("0f1e2d3c4b5a69788796a5b4c3d2e1f0aa", "34 characters")]
    public void ASigningSecretThatIsNot32HexCharacters_IsRefused_WithoutRepeatingTheValue(string secret, string said)
    {
        var error = Should.Throw<OptionsValidationException>(() => Resolve(new() { ["Slack:SigningSecret"] = secret, ["Slack:BotToken"] = "xoxb-1" }));

        error.Message.ShouldContain("does not look like a Slack signing secret (32 hexadecimal characters");
        error.Message.ShouldContain(said);
        error.Message.ShouldNotContain(secret);
    }

    [Theory]
    [InlineData("0F1E2D3C4B5A69788796A5B4C3D2E1F0")]
    [InlineData(" 0f1e2d3c4b5a69788796a5b4c3d2e1f0 ")]
    public void ASigningSecretOf32HexCharacters_IsAccepted_InEitherCaseAndTrimmed(string secret) =>
        Resolve(new() { ["Slack:SigningSecret"] = secret, ["Slack:BotToken"] = "xoxb-1" }).IsEnabled.ShouldBeTrue();

    [Fact]
    public void AnUnresolvedKeyVaultReference_IsRefused_PointingAtThePortal()
    {
        var error = Should.Throw<OptionsValidationException>(() => Resolve(new()
        {
            ["Slack:SigningSecret"] = "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/slack-signing-secret)",
            ["Slack:BotToken"] = "xoxb-1",
        }));

        error.Message.ShouldContain("Key Vault reference that App Service could not resolve");
        error.Message.ShouldContain("Configuration → Application settings");
    }

    [Fact]
    public void ThePlaceholderBotToken_IsRefused_SayingWhereTheRealOneIs()
    {
        var error = Should.Throw<OptionsValidationException>(() => Resolve(new() { ["Slack:SigningSecret"] = Hex, ["Slack:BotToken"] = "<xoxb-slack-bot-token>" }));

        error.Message.ShouldContain("Slack:BotToken is still a placeholder");
        error.Message.ShouldContain("OAuth & Permissions");
    }

    [Fact]
    public void ABotTokenWithoutASigningSecret_TurnsTheChannelOn_AndFailsNamingTheMissingSecret()
    {
        var error = Should.Throw<OptionsValidationException>(() => Resolve(new() { ["Slack:BotToken"] = "xoxb-1" }));

        error.Message.ShouldContain("Slack:SigningSecret is empty");
    }

    [Fact]
    public void EnabledFalse_TurnsTheChannelOff_EvenWithSettings_AndSkipsTheirChecks()
    {
        var options = Resolve(new() { ["Slack:Enabled"] = "false", ["Slack:SigningSecret"] = "pending", ["Slack:BotToken"] = "pending" });

        options.IsEnabled.ShouldBeFalse();
    }
}
