using System.Text.Json.Nodes;
using TriageBot.Core.Views;
using TriageBot.Slack.Blocks;

namespace TriageBot.Slack.Tests;

/// <summary>The icebox sweep in Slack stays within Block Kit's limits: each row one block with its "Decide…" beside it (issue 19).</summary>
public sealed class SweepBlocksTests
{
    [Fact]
    public void ASweepOf25Items_IsOneBlockPerRow_WithItsDecideButtonBesideIt_AndNothingLeftOut()
    {
        var blocks = BlockKitRenderer.Render(SampleViews.Sweep("Old item", 25)).ToJson()["blocks"]!.AsArray().OfType<JsonObject>().ToList();

        blocks.Count.ShouldBeLessThanOrEqualTo(BlockLimits.MessageBlocks);
        var rows = blocks.Where(b => b["type"]!.GetValue<string>() == "section" && b["text"]!["text"]!.GetValue<string>().StartsWith("*TRI-", StringComparison.Ordinal)).ToList();
        rows.Count.ShouldBe(25);
        var buttons = rows.Where(r => r["accessory"] is not null).Select(r => r["accessory"]!).ToList();
        buttons.Count.ShouldBe(17); // every third row is decided: no button
        buttons.ShouldAllBe(b => b["type"]!.GetValue<string>() == "button" && b["text"]!["text"]!.GetValue<string>() == SweepViews.DecideLabel);
        rows.Where((_, i) => (i + 1) % 3 == 0).ShouldAllBe(r => r["accessory"] == null && r["text"]!["text"]!.GetValue<string>().Contains("Closed by Ada", StringComparison.Ordinal));
        blocks.ShouldNotContain(b => b["type"]!.GetValue<string>() == "actions");
        blocks.ShouldNotContain(b => b.ToJsonString().Contains("did not fit", StringComparison.Ordinal));
    }

    [Fact]
    public void ASweepWhoseEveryRowIsDecided_StillFitsInOneMessage_WithoutButtons()
    {
        var all = SampleViews.Sweep("Old item", 25);
        var decided = all with { Sections = [.. all.Sections.Select(s => s with { Actions = [], Lines = [new ReportLine("✓ Kept in the icebox by Ada on Mon 7 Jun 2027: still wanted", s.Lines[0].Item)] })] };

        var blocks = BlockKitRenderer.Render(decided).ToJson()["blocks"]!.AsArray().OfType<JsonObject>().ToList();

        blocks.Count.ShouldBeLessThanOrEqualTo(BlockLimits.MessageBlocks);
        blocks.Count(b => b["text"]?["text"]?.GetValue<string>().Contains("Kept in the icebox by Ada", StringComparison.Ordinal) == true).ShouldBe(25);
        blocks.ShouldNotContain(b => b["accessory"] != null || b["type"]!.GetValue<string>() == "actions");
    }
}
