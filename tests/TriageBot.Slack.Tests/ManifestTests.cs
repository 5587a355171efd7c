using System.Text.Json.Nodes;
using NJsonSchema;

namespace TriageBot.Slack.Tests;

/// <summary>The Slack app manifest is valid against Slack's published manifest schema (local copies, no network).</summary>
public class ManifestTests
{
    private static readonly string SchemaDir = Path.Combine(AppContext.BaseDirectory, "Schemas");
    private static string ManifestPath => Path.Combine(RepoTools.Root, "manifest", "slack", "manifest.json");

    private static Task<JsonSchema> V2SchemaAsync() => JsonSchema.FromFileAsync(Path.Combine(SchemaDir, "slack-app-manifest.schema.2.0.0.json"));

    private static JsonObject Manifest() => JsonNode.Parse(File.ReadAllText(ManifestPath))!.AsObject();

    /// <summary>The variant for Socket Mode (a laptop, no public URL): <c>socket_mode_enabled</c> and no request URLs.</summary>
    private static string SocketModeManifestPath => Path.Combine(RepoTools.Root, "manifest", "slack", "manifest.socket-mode.json");

    [Fact]
    public async Task SocketModeManifest_IsValidAgainstSlacksVersion2Schema_AndTheDispatcherSchemaWithAjv()
    {
        (await V2SchemaAsync()).Validate(await File.ReadAllTextAsync(SocketModeManifestPath)).Select(e => e.ToString()).ShouldBeEmpty();
        var (code, output) = await ValidateWithAjvAsync(SocketModeManifestPath);
        code.ShouldBe(0, output);
    }

    [Fact]
    public void SocketModeManifest_IsTheHttpManifestWithSocketModeOn_AndNoRequestUrls()
    {
        var expected = Manifest();
        foreach (var command in expected["features"]!["slash_commands"]!.AsArray())
        {
            command!.AsObject().Remove("url");
        }

        expected["settings"]!["event_subscriptions"]!.AsObject().Remove("request_url");
        expected["settings"]!["interactivity"]!.AsObject().Remove("request_url");
        expected["settings"]!["socket_mode_enabled"] = true;
        // Without a public host there is nothing to redirect an install to and no link of this app to unfurl.
        expected["features"]!.AsObject().Remove("unfurl_domains");
        expected["oauth_config"]!.AsObject().Remove("redirect_urls");
        var socketMode = JsonNode.Parse(File.ReadAllText(SocketModeManifestPath))!.AsObject();

        JsonNode.DeepEquals(socketMode, expected).ShouldBeTrue(
            $"manifest.socket-mode.json must be manifest.json without request URLs, redirect URLs and unfurl domains, and with socket_mode_enabled: true; expected:\n{expected}");
        File.ReadAllText(SocketModeManifestPath).ShouldNotContain("YOUR-HOST");
    }

    [Fact]
    public async Task Manifest_IsValidAgainstSlacksVersion2Schema()
    {
        (await V2SchemaAsync()).Validate(Manifest().ToJsonString()).Select(e => e.ToString()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Manifest_IsValidAgainstSlacksDispatcherSchema_WithAjv()
    {
        // NJsonSchema ignores "const", which the dispatcher's oneOf needs to tell v1 from v2; ajv implements draft-07 fully.
        var (code, output) = await ValidateWithAjvAsync(ManifestPath);
        code.ShouldBe(0, output);
    }

    [Fact]
    public async Task AjvCheck_CatchesAManifestOfTheWrongVersionShape()
    {
        var broken = Manifest();
        broken["features"]!["shortcuts"]![0]!["type"] = "sideways";
        var file = Path.Combine(Path.GetTempPath(), $"manifest-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, broken.ToJsonString());
        try
        {
            var (code, output) = await ValidateWithAjvAsync(file);
            code.ShouldNotBe(0);
            output.ShouldContain("type");
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<(int Code, string Output)> ValidateWithAjvAsync(string manifest)
    {
        await RepoTools.EnsureInstalledAsync();
        return await RepoTools.RunAsync("node", [Path.Combine(SchemaDir, "validate-manifest.js"), RepoTools.ToolsDir, SchemaDir, manifest], SchemaDir, TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task SchemaCheck_CatchesAnInvalidManifest()
    {
        var broken = Manifest();
        broken["features"]!["slash_commands"]![0]!.AsObject().Remove("description");
        broken["settings"]!["interactivity"]!["is_enbled"] = true;

        var errors = (await V2SchemaAsync()).Validate(broken.ToJsonString());

        errors.ShouldNotBeEmpty();
        string.Join("\n", errors.Select(e => e.ToString())).ShouldContain("description");
    }

    [Fact]
    public void Manifest_DeclaresWhatTheBotNeeds_AndOnlyMinimalScopes()
    {
        var manifest = Manifest();
        ((string)manifest["display_information"]!["name"]!).ShouldBe("TriageBot");
        var command = manifest["features"]!["slash_commands"]!.AsArray().ShouldHaveSingleItem()!;
        ((string)command["command"]!).ShouldBe("/triage");
        ((string)command["url"]!).ShouldEndWith("/slack/commands");
        ((string)manifest["settings"]!["interactivity"]!["request_url"]!).ShouldEndWith("/slack/interactivity");
        ((string)manifest["settings"]!["event_subscriptions"]!["request_url"]!).ShouldEndWith("/slack/events");
        manifest["settings"]!["event_subscriptions"]!["bot_events"]!.AsArray().Select(e => (string)e!)
            .ShouldBe(["app_mention", "message.im", "member_joined_channel", "app_home_opened", "link_shared"], ignoreOrder: true);
        manifest["features"]!["app_home"]!["home_tab_enabled"]!.GetValue<bool>().ShouldBeTrue("the App Home tab shows each person what waits for them");
        manifest["features"]!["shortcuts"]!.AsArray().Select(s => ((string)s!["type"]!, (string)s["callback_id"]!, (string)s["name"]!))
            .ShouldBe([("message", "report_to_triage", "Report to triage"), ("global", "new_item", "New triage item")], ignoreOrder: true);
        manifest["oauth_config"]!["scopes"]!["bot"]!.AsArray().Select(s => (string)s!).ShouldBe(
            ["commands", "chat:write", "app_mentions:read", "im:history", "im:write", "users:read", "channels:read", "groups:read", "links:read", "links:write"], ignoreOrder: true);
        // Dashboard and item links on the app's own host unfurl (link_shared → chat.unfurl).
        manifest["features"]!["unfurl_domains"]!.AsArray().Select(d => (string)d!).ShouldBe(["your-host"]);
    }
}
