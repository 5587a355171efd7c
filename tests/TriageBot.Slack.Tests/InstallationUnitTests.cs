using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TriageBot.Slack.Installations;

namespace TriageBot.Slack.Tests;

/// <summary>Issue 20: sealing tokens at rest, and the settings installs to many workspaces need.</summary>
public sealed class InstallationUnitTests
{
    private static readonly byte[] Key = [.. Enumerable.Range(1, 32).Select(i => (byte)i)];
    private static readonly byte[] NewKey = [.. Enumerable.Range(101, 32).Select(i => (byte)i)];

    [Fact]
    public void A_sealed_token_opens_with_its_key_and_context_and_holds_no_clear_text()
    {
        var cipher = new TokenCipher(Key);

        var sealedText = cipher.Seal("xoxb-1-secret-token", "T:T1");

        sealedText.ShouldStartWith($"aesgcm1.{TokenCipher.KeyId(Key)}.");
        sealedText.ShouldNotContain("xoxb");
        sealedText.ShouldNotContain("secret");
        cipher.Seal("xoxb-1-secret-token", "T:T1").ShouldNotBe(sealedText, "a fresh nonce each time");
        cipher.Open(sealedText, "T:T1").ShouldBe("xoxb-1-secret-token");
    }

    [Fact]
    public void A_sealed_token_moved_to_another_installation_or_changed_by_one_character_does_not_open()
    {
        var cipher = new TokenCipher(Key);
        var sealedText = cipher.Seal("xoxb-1-secret-token", "T:T1");
        var flipped = sealedText[..^3] + (sealedText[^3] == 'A' ? 'B' : 'A') + sealedText[^2..];

        Should.Throw<CryptographicException>(() => cipher.Open(sealedText, "T:T2"));
        Should.Throw<CryptographicException>(() => cipher.Open(flipped, "T:T1"));
        Should.Throw<CryptographicException>(() => cipher.Open("xoxb-1-secret-token", "T:T1"));
    }

    [Fact]
    public void After_a_key_rotation_old_tokens_open_with_the_previous_key_new_ones_are_sealed_with_the_new_key_and_an_unknown_key_is_named()
    {
        var old = new TokenCipher(Key).Seal("xoxb-old", "T:T1");
        var rotated = new TokenCipher(NewKey, [Key]);

        rotated.Open(old, "T:T1").ShouldBe("xoxb-old");
        rotated.IsCurrent(old).ShouldBeFalse();
        rotated.IsCurrent(rotated.Seal("xoxb-new", "T:T1")).ShouldBeTrue();
        var error = Should.Throw<CryptographicException>(() => new TokenCipher(NewKey).Open(old, "T:T1"));
        error.Message.ShouldContain(TokenCipher.KeyId(Key));
        error.Message.ShouldContain("Slack:PreviousInstallationKeys");
    }

    private static SlackOptions Resolve(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddSlack(configuration).BuildServiceProvider().GetRequiredService<IOptions<SlackOptions>>().Value;
    }

    private static Dictionary<string, string?> Complete() => new()
    {
        ["Slack:SigningSecret"] = "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        ["Slack:ClientId"] = "1111.2222",
        ["Slack:ClientSecret"] = "client-secret",
        ["Slack:StateSecret"] = new string('s', 32),
        ["Slack:InstallationKey"] = Convert.ToBase64String(Key),
    };

    [Fact]
    public void With_a_client_id_no_bot_token_is_needed_but_the_secret_state_key_and_installation_key_are_checked_naming_each()
    {
        Resolve(Complete()).IsMultiWorkspace.ShouldBeTrue();

        var settings = Complete();
        settings["Slack:ClientSecret"] = "";
        settings["Slack:StateSecret"] = "short";
        settings["Slack:InstallationKey"] = Convert.ToBase64String(new byte[16]);
        var error = Should.Throw<OptionsValidationException>(() => Resolve(settings));

        error.Message.ShouldContain("Slack:ClientSecret is empty");
        error.Message.ShouldContain("Slack:StateSecret is missing or shorter than 32 characters");
        error.Message.ShouldContain("Slack:InstallationKey is not base64 of 32 bytes");
        error.Message.ShouldNotContain("BotToken");
    }

    [Fact]
    public void Without_a_client_id_none_of_the_install_settings_is_required()
    {
        var options = Resolve(new() { ["Slack:SigningSecret"] = "0f1e2d3c4b5a69788796a5b4c3d2e1f0", ["Slack:BotToken"] = "xoxb-1" });

        options.IsMultiWorkspace.ShouldBeFalse();
    }

    [Fact]
    public void The_default_scopes_are_the_bot_scopes_of_the_manifest()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoTools.Root, "manifest", "slack", "manifest.json")))!;
        var scopes = manifest["oauth_config"]!["scopes"]!["bot"]!.AsArray().Select(s => (string)s!);

        new SlackOptions().Scopes.Split(',').ShouldBe(scopes);
    }
}
