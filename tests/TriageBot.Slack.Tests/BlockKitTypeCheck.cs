using System.Text;
using System.Text.Json.Nodes;

namespace TriageBot.Slack.Tests;

/// <summary>
/// Compiles Block Kit payloads as typed TypeScript constants against Slack's published types (<c>@slack/types</c>)
/// with <c>tsc --strict</c>; shared by the renderer tests and the end-to-end tests (which link this file).
/// </summary>
internal static class BlockKitTypeCheck
{
    public static string Message(string name, JsonObject json) =>
        $"export const m_{name}: {{ text: string; blocks: KnownBlock[] }} = {json.ToJsonString()};";

    public static string Modal(string name, JsonObject json) =>
        $"export const v_{name}: ModalView = {json.ToJsonString()};";

    /// <summary>An App Home tab as <c>views.publish</c> takes it.</summary>
    public static string Home(string name, JsonObject json) =>
        $"export const h_{name}: HomeView = {json.ToJsonString()};";

    public static async Task<(int Code, string Output)> CompileAsync(IEnumerable<string> constants)
    {
        await RepoTools.EnsureInstalledAsync();
        var dir = Directory.CreateTempSubdirectory("blockkit-check-");
        try
        {
            var source = new StringBuilder("import type { KnownBlock, ModalView, HomeView } from '@slack/types';\n");
            foreach (var constant in constants)
            {
                source.AppendLine(constant);
            }

            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "check.ts"), source.ToString());
            var slackTypes = Path.Combine(RepoTools.ToolsDir, "node_modules", "@slack", "types");
            var tsconfig = new JsonObject
            {
                ["compilerOptions"] = new JsonObject
                {
                    ["strict"] = true,
                    ["noEmit"] = true,
                    ["target"] = "es2020",
                    ["module"] = "commonjs",
                    ["moduleResolution"] = "node",
                    ["skipLibCheck"] = true,
                    ["types"] = new JsonArray(),
                    ["baseUrl"] = ".",
                    ["paths"] = new JsonObject { ["@slack/types"] = new JsonArray(slackTypes) },
                },
                ["files"] = new JsonArray("check.ts"),
            };
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "tsconfig.json"), tsconfig.ToJsonString());
            var tsc = Path.Combine(RepoTools.ToolsDir, "node_modules", "typescript", "bin", "tsc");
            return await RepoTools.RunAsync("node", [tsc, "-p", "tsconfig.json", "--noEmit", "--strict", "--pretty", "false"], dir.FullName, TimeSpan.FromMinutes(3));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
