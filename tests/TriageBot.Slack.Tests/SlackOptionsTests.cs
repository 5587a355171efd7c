using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace TriageBot.Slack.Tests;

public class SlackOptionsTests
{
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
        var error = Should.Throw<OptionsValidationException>(() => Resolve(new() { ["Slack:SigningSecret"] = "s" }));
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
        var error = Should.Throw<OptionsValidationException>(() => Resolve(new() { ["Slack:SigningSecret"] = "s", ["Slack:BotToken"] = "xoxp-user" }));
        error.Message.ShouldContain("xoxb-");
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
        var options = Resolve(new() { ["Slack:SigningSecret"] = "s", ["Slack:BotToken"] = "xoxb-1", ["Slack:ApiBaseUrl"] = "http://127.0.0.1:5/api" });
        options.IsEnabled.ShouldBeTrue();
        options.ApiBaseUri.ToString().ShouldBe("http://127.0.0.1:5/api/");
    }
}
