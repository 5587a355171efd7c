using System.Text;
using System.Text.Json.Nodes;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Views;
using TriageBot.Teams.Activities;
using TriageBot.Teams.Cards;

namespace TriageBot.Teams.Tests;

/// <summary>Issue 19: a card's size is counted on the text as sent, and a form never cuts what was typed.</summary>
public sealed class CardSizeTests
{
    private static string Repeat(string alphabet, int runes)
    {
        var source = alphabet.EnumerateRunes().ToArray();
        var sb = new StringBuilder();
        for (var i = 0; i < runes; i++) sb.Append(source[i % source.Length].ToString());
        return sb.ToString();
    }

    private static FormView LongForm(int fields, string text) => new(FormIds.Intake, "Report", "Report",
        [.. Enumerable.Range(0, fields).Select(i => new FormField($"f{i}", $"Field {i}", FieldKind.MultilineText) { MaxLength = 3000 })])
    {
        Values = Enumerable.Range(0, fields).ToDictionary(i => $"f{i}", _ => text),
    };

    private static Dictionary<string, string> Values(JsonObject card) =>
        card["body"]!.AsArray().Where(e => e!["type"]?.GetValue<string>() == "Input.Text")
            .ToDictionary(e => e!["id"]!.GetValue<string>(), e => e!["value"]!.GetValue<string>());

    [Fact]
    public void CardSize_IsCountedOnTheTextAsSent_NotOnItsUnicodeEscapes()
    {
        var cyrillic = Repeat("Привет", 3000);
        var card = AdaptiveCardRenderer.Render(LongForm(1, cyrillic), CardHost.Dialog);

        var size = AdaptiveCardRenderer.SizeOf(card);

        size.ShouldBeGreaterThanOrEqualTo(6000, "3,000 Cyrillic characters are 6,000 bytes");
        size.ShouldBeLessThan(9000, "not 12 bytes a character, as \\uXXXX escapes in UTF-16 would count");
        TeamsJson.Wire(card).ShouldContain(cyrillic);
    }

    [Theory]
    [InlineData("Ответ обрывается ")]
    [InlineData("回答が途中で切れる问题")]
    [InlineData("😀🚀🧪📉🔥🤖")]
    public void Form_WithSix3000CharacterFields_KeepsEveryValueWhole_InTheNormalLayout(string alphabet)
    {
        var text = Repeat(alphabet, 3000);
        var form = LongForm(6, text) with { Errors = [new FieldError("f0", "Title must be 3–150 characters (you wrote 2).")] };

        var card = AdaptiveCardRenderer.Render(form, CardHost.Dialog);

        Values(card).Values.ShouldAllBe(v => v == text);
        AdaptiveCardRenderer.SizeOf(card).ShouldBeLessThanOrEqualTo(AdaptiveCardRenderer.MaxCardBytes);
        card.ToJsonString().ShouldNotContain("too large");
        card.ToJsonString().ShouldNotContain("more text than one Teams card");
    }

    [Fact]
    public void Form_WhoseTypedTextCannotFitOneCard_KeepsEveryValue_AndSaysSo_InsteadOfCutting()
    {
        var text = Repeat("😀🚀🧪📉", 6000);
        var form = LongForm(6, text);

        var card = AdaptiveCardRenderer.Render(form, CardHost.Dialog);

        Values(card).Values.ShouldAllBe(v => v == text);
        Values(card).Count.ShouldBe(6);
        card["body"]!.AsArray().Select(e => e!["text"]?.GetValue<string>()).ShouldContain(t => t != null && t.Contains("more text than one Teams card", StringComparison.Ordinal));
        card["body"]!.AsArray().Where(e => e!["type"]?.GetValue<string>() == "Input.Text").ShouldAllBe(e => e!["maxLength"] == null, "the values are over the limit and must not be cut by a client");
    }

    [Fact]
    public void Value_LongerThanItsField_LeavesTheLimitOff_SoNoClientCutsIt()
    {
        var over = Repeat("x", 3001);
        var card = AdaptiveCardRenderer.Render(LongForm(1, over), CardHost.Dialog);

        var input = card["body"]!.AsArray().Single(e => e!["id"]?.GetValue<string>() == "f0")!;

        input["value"]!.GetValue<string>().ShouldBe(over);
        input["maxLength"].ShouldBeNull();
        AdaptiveCardRenderer.Render(LongForm(1, "short"), CardHost.Dialog)["body"]!.AsArray()
            .Single(e => e!["id"]?.GetValue<string>() == "f0")!["maxLength"]!.GetValue<int>().ShouldBe(3000);
    }

    [Theory]
    [InlineData("😀🚀 and text")]
    [InlineData("\\uD83D\\uDE00 typed as text")]
    [InlineData("a\\😀b")]
    public void WireJson_WritesEmojiAsCharacters_AndKeepsTypedBackslashesAsTheyWere(string typed)
    {
        var node = new JsonObject { ["text"] = typed };

        var wire = TeamsJson.Wire(node);

        JsonNode.Parse(wire)!["text"]!.GetValue<string>().ShouldBe(typed);
        if (typed.Contains("😀", StringComparison.Ordinal)) wire.ShouldContain("😀");
    }
}
