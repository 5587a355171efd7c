using System.IO.Compression;
using System.Text.Json.Nodes;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Teams.Tests;

public sealed class ManifestTests
{
    private const string BotAppId = "6f1f2a3b-1111-4c4c-9d9d-0123456789ab";
    private static string ManifestDir => Path.Combine(NodeTools.RepoRoot, "manifest", "teams");

    [Fact]
    public async Task BuiltPackage_HasAManifestValidAgainstTheTeams130Schema_AndBothIcons()
    {
        var output = Path.Combine(Path.GetTempPath(), "triagebot-teams-" + Guid.NewGuid().ToString("N") + ".zip");
        try
        {
            var (code, _, stderr) = await NodeTools.ExecAsync("bash", ManifestDir, [Path.Combine(ManifestDir, "build-package.sh"), output], TimeSpan.FromMinutes(1),
                new Dictionary<string, string> { ["MICROSOFT_APP_ID"] = BotAppId, ["BOT_DOMAIN"] = "triagebot.example.com" });
            code.ShouldBe(0, stderr);

            using var zip = ZipFile.OpenRead(output);
            zip.Entries.Select(e => e.FullName).Order().ShouldBe(["color.png", "manifest.json", "outline.png"]);
            var extracted = Path.Combine(Path.GetTempPath(), "triagebot-manifest-" + Guid.NewGuid().ToString("N") + ".json");
            zip.GetEntry("manifest.json")!.ExtractToFile(extracted);
            try
            {
                var report = await NodeTools.RunAsync("validate-json-schema.mjs", NodeTools.SchemaPath("MicrosoftTeams-1.30.schema.json"), extracted);
                report["errors"]!.AsArray().ShouldBeEmpty(report.ToJsonString());
                report["valid"]!.GetValue<bool>().ShouldBeTrue();

                var manifest = JsonNode.Parse(await File.ReadAllTextAsync(extracted))!;
                manifest["bots"]![0]!["botId"]!.GetValue<string>().ShouldBe(BotAppId);
                manifest["id"]!.GetValue<string>().ShouldBe(BotAppId);
                manifest.ToJsonString().ShouldNotContain("${{");
            }
            finally
            {
                File.Delete(extracted);
            }
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Fact]
    public async Task TheSchemaCheck_CatchesAnInvalidManifest()
    {
        var bad = Path.Combine(Path.GetTempPath(), "triagebot-bad-manifest-" + Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(bad, """{"manifestVersion":"1.30","version":"1.0.0","id":"not-a-guid","colour":"red"}""");
        try
        {
            var report = await NodeTools.RunAsync("validate-json-schema.mjs", NodeTools.SchemaPath("MicrosoftTeams-1.30.schema.json"), bad);

            report["valid"]!.GetValue<bool>().ShouldBeFalse();
            var errors = report["errors"]!.ToJsonString();
            errors.ShouldContain("developer");
            errors.ShouldContain("colour");
        }
        finally
        {
            File.Delete(bad);
        }
    }

    [Fact]
    public void Manifest_ListsEveryCommand_AndTheReportToTriageMessageAction()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(ManifestDir, "manifest.json")))!;

        manifest["$schema"]!.GetValue<string>().ShouldBe("https://developer.microsoft.com/json-schemas/teams/v1.30/MicrosoftTeams.schema.json");
        manifest["manifestVersion"]!.GetValue<string>().ShouldBe("1.30");
        var bot = manifest["bots"]![0]!;
        bot["scopes"]!.AsArray().Select(s => s!.GetValue<string>()).Order().ShouldBe(["groupChat", "personal", "team"]);
        var commands = bot["commandLists"]!.AsArray().SelectMany(l => l!["commands"]!.AsArray()).Select(c => c!["title"]!.GetValue<string>()).ToList();
        commands.ShouldBe(["new", "show", "score", "note", "list", "queue", "icebox", "report", "clinic", "rubric", "setup", "help"], ignoreOrder: true);
        bot["commandLists"]!.AsArray().ShouldAllBe(l => l!["commands"]!.AsArray().Count <= 12);

        var action = manifest["composeExtensions"]![0]!["commands"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "action")!;
        action["id"]!.GetValue<string>().ShouldBe("reportToTriage");
        action["type"]!.GetValue<string>().ShouldBe("action");
        action["context"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldBe(["message"]);
        action["fetchTask"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public void Manifest_DeclaresTheItemSearch_LinkUnfurlingOnTheBotsDomain_AndChannelMessagesWithoutAMention()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(ManifestDir, "manifest.json")))!;

        var extension = manifest["composeExtensions"]![0]!;
        var search = extension["commands"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "query")!;
        search["id"]!.GetValue<string>().ShouldBe("searchItems");
        search["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ShouldBe(["query"]);
        search["context"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldBe(["compose", "commandBox"]);
        var handler = extension["messageHandlers"]!.AsArray().ShouldHaveSingleItem()!;
        handler["type"]!.GetValue<string>().ShouldBe("link");
        handler["value"]!["domains"]!.AsArray().Select(d => d!.GetValue<string>()).ShouldBe(["${{BOT_DOMAIN}}"]);
        // Resource-specific consent: a team that installs the app lets it read its channels' messages without an @mention.
        var rsc = manifest["authorization"]!["permissions"]!["resourceSpecific"]!.AsArray().ShouldHaveSingleItem()!;
        rsc["name"]!.GetValue<string>().ShouldBe("ChannelMessage.Read.Group");
        rsc["type"]!.GetValue<string>().ShouldBe("Application");
        manifest["webApplicationInfo"]!["id"]!.GetValue<string>().ShouldBe("${{MICROSOFT_APP_ID}}");
    }

    [Theory]
    [InlineData("color.png", 192, false)]
    [InlineData("outline.png", 32, true)]
    public void Icons_HaveTheSizesTeamsRequires(string file, int size, bool whiteOnTransparent)
    {
        var (width, height, pixels) = Png.Read(Path.Combine(ManifestDir, file));

        width.ShouldBe(size);
        height.ShouldBe(size);
        if (whiteOnTransparent)
        {
            pixels.ShouldAllBe(p => p.A == 0 || (p.R == 255 && p.G == 255 && p.B == 255));
            pixels.ShouldContain(p => p.A == 0);
            pixels.ShouldContain(p => p.A == 255);
        }
        else
        {
            pixels.ShouldAllBe(p => p.A == 255);
        }
    }

    /// <summary>A minimal reader for the 8-bit RGBA, non-interlaced PNGs the icon script writes.</summary>
    private static class Png
    {
        public static (int Width, int Height, List<(byte R, byte G, byte B, byte A)> Pixels) Read(string path)
        {
            var bytes = File.ReadAllBytes(path);
            bytes.AsSpan(0, 8).ToArray().ShouldBe(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
            int width = 0, height = 0;
            using var idat = new MemoryStream();
            for (var at = 8; at < bytes.Length;)
            {
                var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
                var type = System.Text.Encoding.ASCII.GetString(bytes, at + 4, 4);
                var data = bytes.AsSpan(at + 8, length);
                if (type == "IHDR")
                {
                    width = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(data);
                    height = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    data[8].ShouldBe((byte)8);  // bit depth
                    data[9].ShouldBe((byte)6);  // RGBA
                    data[12].ShouldBe((byte)0); // not interlaced
                }
                if (type == "IDAT") idat.Write(data);
                at += 12 + length;
            }
            idat.Position = 0;
            using var inflated = new MemoryStream();
            using (var z = new ZLibStream(idat, CompressionMode.Decompress)) z.CopyTo(inflated);
            var raw = inflated.ToArray();
            var pixels = new List<(byte, byte, byte, byte)>();
            var stride = width * 4 + 1;
            for (var y = 0; y < height; y++)
            {
                raw[y * stride].ShouldBe((byte)0); // the script writes filter type None only
                for (var x = 0; x < width; x++)
                {
                    var p = y * stride + 1 + x * 4;
                    pixels.Add((raw[p], raw[p + 1], raw[p + 2], raw[p + 3]));
                }
            }
            return (width, height, pixels);
        }
    }
}
