using System.Text.Json.Nodes;
using TriageBot.Core.Views;
using TriageBot.Slack.Blocks;
using TriageBot.Slack.Endpoints;
using TriageBot.Slack.Payloads;

namespace TriageBot.Slack.Tests;

/// <summary>
/// Checks every message and modal the bot renders against Slack's published Block Kit types (<c>@slack/types</c>)
/// by compiling them as typed TypeScript constants with <c>tsc --strict</c>: a wrong field name or type fails.
/// </summary>
public class BlockKitTypeCheckTests
{
    private const string Hostile = "<!channel> <@U123> & *bold* <http://evil|click> \u202Eevil";

    [Fact]
    public async Task EveryRenderedMessageAndModal_CompilesAgainstSlackTypes()
    {
        var constants = new List<string>();
        var n = 0;
        foreach (var text in new[] { Hostile, "plain" })
        {
            foreach (var (name, view) in SampleViews.All(text))
            {
                constants.Add(BlockKitTypeCheck.Message($"{name}_{n++}", BlockKitRenderer.Render(view).ToJson()));
            }

            var home = (HomeView)SampleViews.All(text, listSize: 12).Single(v => v.Name == "home").View;
            constants.Add(BlockKitTypeCheck.Home($"home_{n++}", HomeRenderer.Render(home)));
            constants.Add(BlockKitTypeCheck.Home($"homeEmpty_{n++}", HomeRenderer.Render(new HomeView(home.Viewer, home.At))));

            var form = SampleViews.Form(text);
            constants.Add(BlockKitTypeCheck.Modal($"form_{n++}", ModalRenderer.Render(form, new FormMetadata(form.FormId, form.Argument, "C1", "1.2", "1.3"))));
            constants.Add(BlockKitTypeCheck.Modal($"formNoFields_{n++}", ModalRenderer.Render(form with { Fields = [], Errors = [] }, new FormMetadata(form.FormId, null, null, null))));
        }

        var prompt = SlackEventProcessor.OpenFormPrompt(SampleViews.Form("New item"), "new bug");
        constants.Add(BlockKitTypeCheck.Message($"openFormPrompt_{n++}", BlockKitRenderer.Render(prompt).ToJson()));

        var (code, output) = await BlockKitTypeCheck.CompileAsync(constants);
        code.ShouldBe(0, "tsc found Block Kit errors:\n" + output);
    }

    [Fact]
    public async Task TheTypeCheck_CatchesAWrongFieldName()
    {
        var message = BlockKitRenderer.Render(new TextView("hello")).ToJson();
        var section = message["blocks"]!.AsArray().Select(b => b!.AsObject()).First(b => (string?)b["type"] == "section");
        section["txt"] = section["text"]!.DeepClone();
        section.Remove("text");

        var (code, output) = await BlockKitTypeCheck.CompileAsync([BlockKitTypeCheck.Message("broken", message)]);
        code.ShouldNotBe(0);
        output.ShouldContain("txt");
    }

    [Fact]
    public async Task TheTypeCheck_CatchesAWrongModalField()
    {
        var form = SampleViews.Form("x");
        var modal = ModalRenderer.Render(form, new FormMetadata(form.FormId, null, null, null));
        modal["tittle"] = modal["title"]!.DeepClone();

        var (code, output) = await BlockKitTypeCheck.CompileAsync([BlockKitTypeCheck.Modal("brokenModal", modal)]);
        code.ShouldNotBe(0);
        output.ShouldContain("tittle");
    }
}
