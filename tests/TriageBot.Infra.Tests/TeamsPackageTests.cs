using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using NJsonSchema;
using YamlDotNet.RepresentationModel;

namespace TriageBot.Infra.Tests;

/// <summary>
/// The Teams app package that build-package.sh makes is valid against the Teams manifest schema it names (v1.30), links to
/// the app's /privacy and /terms, and manifest/teams/ follows the Microsoft 365 Agents Toolkit layout (m365agents.yml, env/).
/// </summary>
public sealed partial class TeamsPackageTests
{
    private const string BotId = "6f1c2a9e-3b7d-4e58-9a0c-1d2e3f4a5b6c";
    private const string Host = "app-triagebot-abc123.azurewebsites.net";

    private static string Teams(params string[] parts) => Repository.File(["manifest", "teams", .. parts]);

    private static async Task<JsonSchema> SchemaAsync() =>
        await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "Schemas", "MicrosoftTeams-1.30.schema.json"));

    /// <summary>Runs build-package.sh as the README says and returns the manifest and file names inside the zip.</summary>
    private static (string Manifest, List<string> Entries, Dictionary<string, (int Width, int Height)> Icons) BuildPackage()
    {
        var folder = Directory.CreateTempSubdirectory("triagebot-teams-");
        try
        {
            var zipPath = Path.Combine(folder.FullName, "triagebot-teams.zip");
            var run = AzdTests.Run(Teams("build-package.sh"), [zipPath], Repository.Root, new() { ["MICROSOFT_APP_ID"] = BotId, ["BOT_DOMAIN"] = Host });
            run.ExitCode.ShouldBe(0, run.Output);

            using var zip = ZipFile.OpenRead(zipPath);
            using var reader = new StreamReader(zip.GetEntry("manifest.json")!.Open());
            var icons = new Dictionary<string, (int, int)>();
            foreach (var icon in new[] { "color.png", "outline.png" })
            {
                using var png = zip.GetEntry(icon)!.Open();
                var header = new byte[24];
                png.ReadExactly(header);
                // PNG: 8-byte signature, then the IHDR chunk whose data starts with big-endian width and height.
                icons[icon] = ((header[16] << 24) | (header[17] << 16) | (header[18] << 8) | header[19], (header[20] << 24) | (header[21] << 16) | (header[22] << 8) | header[23]);
            }

            return (reader.ReadToEnd(), [.. zip.Entries.Select(e => e.FullName)], icons);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Package_BuiltByTheScript_IsValidAgainstTheTeamsSchema()
    {
        var (manifest, entries, _) = BuildPackage();
        var schema = await SchemaAsync();

        schema.Validate(manifest).Select(e => $"{e.Path}: {e.Kind}").ShouldBeEmpty();
        // NJsonSchema does not check "const"; the schema pins manifestVersion to its own version.
        using var json = JsonDocument.Parse(manifest);
        json.RootElement.GetProperty("manifestVersion").GetString().ShouldBe("1.30");
        json.RootElement.GetProperty("$schema").GetString().ShouldBe("https://developer.microsoft.com/json-schemas/teams/v1.30/MicrosoftTeams.schema.json");
        entries.ShouldBe(["manifest.json", "color.png", "outline.png"], ignoreOrder: true);
    }

    [Fact]
    public async Task Schema_RefusesAManifestWithAMistake_SoTheValidationAboveCanFail()
    {
        var (manifest, _, _) = BuildPackage();
        var schema = await SchemaAsync();
        var broken = manifest.Replace("\"privacyUrl\"", "\"privacyURL\"", StringComparison.Ordinal);

        schema.Validate(broken).ShouldNotBeEmpty();
    }

    [Fact]
    public void Package_LinksToTheAppsPrivacyAndTermsPages_AndNamesTheBotAndItsDomain()
    {
        var (manifest, _, icons) = BuildPackage();
        using var json = JsonDocument.Parse(manifest);
        var root = json.RootElement;

        root.GetProperty("developer").GetProperty("privacyUrl").GetString().ShouldBe($"https://{Host}/privacy");
        root.GetProperty("developer").GetProperty("termsOfUseUrl").GetString().ShouldBe($"https://{Host}/terms");
        root.GetProperty("bots")[0].GetProperty("botId").GetString().ShouldBe(BotId);
        root.GetProperty("validDomains").EnumerateArray().Select(d => d.GetString()).ShouldBe([Host]);
        manifest.ShouldNotContain("${{");
        icons["color.png"].ShouldBe((192, 192));
        icons["outline.png"].ShouldBe((32, 32));
    }

    [Theory]
    [InlineData("not-a-guid", Host, "MICROSOFT_APP_ID must be a GUID")]
    [InlineData(BotId, "https://" + Host, "BOT_DOMAIN must be a bare host name")]
    public void Script_RefusesAWrongValue_SayingWhich(string appId, string domain, string message)
    {
        var run = AzdTests.Run(Teams("build-package.sh"), [Path.Combine(Path.GetTempPath(), "never-written.zip")], Repository.Root, new() { ["MICROSOFT_APP_ID"] = appId, ["BOT_DOMAIN"] = domain });

        run.ExitCode.ShouldNotBe(0);
        run.Output.ShouldContain(message);
    }

    [Fact]
    public void AgentsToolkitProject_PackagesThisManifest_WithTheEnvironmentFolder()
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Teams("m365agents.yml")))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents.Single().RootNode;
        ((YamlScalarNode)root["version"]).Value.ShouldBe("v1.9");
        File.ReadLines(Teams("m365agents.yml")).First().ShouldContain("m365-agents-toolkits/v1.9/yaml.schema.json");
        ((YamlScalarNode)root["environmentFolderPath"]).Value.ShouldBe("./env");
        File.Exists(Teams("env", ".env.dev")).ShouldBeTrue();

        var actions = new[] { "provision", "publish" }
            .SelectMany(stage => ((YamlSequenceNode)root[stage]).Children.Cast<YamlMappingNode>())
            .ToList();
        var uses = actions.Select(a => ((YamlScalarNode)a["uses"]).Value).ToList();
        uses.ShouldContain("teamsApp/create");
        uses.ShouldContain("teamsApp/validateManifest");
        uses.ShouldContain("teamsApp/zipAppPackage");
        uses.ShouldContain("teamsApp/validateAppPackage");
        uses.ShouldContain("teamsApp/publishAppPackage");
        foreach (var action in actions.Where(a => a.Children.ContainsKey(new YamlScalarNode("with"))))
        {
            var with = (YamlMappingNode)action["with"];
            if (with.Children.TryGetValue(new YamlScalarNode("manifestPath"), out var path))
            {
                Path.GetFullPath(Path.Combine(Teams(), ((YamlScalarNode)path).Value!)).ShouldBe(Teams("manifest.json"));
            }
        }
    }

    [Fact]
    public void EveryPlaceholderInTheManifest_IsSetByTheToolkitEnvironment_OrWrittenByTeamsAppCreate()
    {
        var placeholders = Placeholder().Matches(File.ReadAllText(Teams("manifest.json"))).Select(m => m.Groups["name"].Value).Distinct().ToList();
        var environment = File.ReadAllLines(Teams("env", ".env.dev"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l[..l.IndexOf('=', StringComparison.Ordinal)])
            .ToHashSet();
        var script = File.ReadAllText(Teams("build-package.sh"));

        placeholders.ShouldBe(["TEAMS_APP_ID", "BOT_DOMAIN", "MICROSOFT_APP_ID"], ignoreOrder: true);
        placeholders.ShouldAllBe(p => environment.Contains(p));
        placeholders.ShouldAllBe(p => script.Contains("${{" + p + "}}", StringComparison.Ordinal));
        File.ReadAllText(Teams("m365agents.yml")).ShouldContain("teamsAppId: TEAMS_APP_ID");
    }

    [GeneratedRegex(@"\$\{\{(?<name>[A-Z_]+)\}\}")]
    private static partial Regex Placeholder();
}
