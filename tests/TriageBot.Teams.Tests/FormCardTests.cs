using System.Text.Json.Nodes;
using TriageBot.Core.Conversation;
using TriageBot.Core.Views;
using TriageBot.Teams.Cards;

namespace TriageBot.Teams.Tests;

public sealed class FormCardTests
{
    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void ANumberFieldHoldingANonFiniteValue_RendersWithoutAValue_AndTheCardStillSerialises(string typed)
    {
        var form = new FormView(FormIds.Intake, "Report", "Report", CardGallery.Fields()) { Values = new Dictionary<string, string> { ["wau"] = typed, ["title"] = "Kept" } };

        foreach (var host in new[] { CardHost.Message, CardHost.Dialog })
        {
            var card = AdaptiveCardRenderer.Render(form, host);
            var json = card.ToJsonString();
            var wau = card["body"]!.AsArray().Single(e => e!["id"]?.GetValue<string>() == "wau")!.AsObject();
            wau.ContainsKey("value").ShouldBeFalse(json);
            json.ShouldContain("\"Kept\"");
        }
    }

    [Fact]
    public void InADialog_AChoiceThatRedrawsTheForm_HasARedrawButtonRightUnderIt_AndNoFieldIsCheckedByTheClient()
    {
        var form = new FormView(FormIds.Intake, "Report", "Report", CardGallery.Fields()) { Argument = "ctx-1" };

        var body = AdaptiveCardRenderer.Render(form, CardHost.Dialog)["body"]!.AsArray().Select(e => e!.AsObject()).ToList();

        var stream = body.FindIndex(e => e["id"]?.GetValue<string>() == "stream");
        var redraw = body[stream + 1]["actions"]!.AsArray().ShouldHaveSingleItem()!.AsObject();
        redraw["type"]!.GetValue<string>().ShouldBe("Action.Submit");
        redraw["data"]!["refreshForm"]!.GetValue<string>().ShouldBe(FormIds.Intake);
        redraw["data"]!["arg"]!.GetValue<string>().ShouldBe("ctx-1");
        body.Where(e => e["type"]!.GetValue<string>().StartsWith("Input.", StringComparison.Ordinal)).ShouldAllBe(e => !e.ContainsKey("isRequired"));
        // In a message (no redraw there), required fields stay marked.
        var message = AdaptiveCardRenderer.Render(form)["body"]!.AsArray();
        message.Single(e => e!["id"]?.GetValue<string>() == "title")!["isRequired"]!.GetValue<bool>().ShouldBeTrue();
        message.ShouldAllBe(e => e!["type"]!.GetValue<string>() != "ActionSet");
    }
}
