using System.Text.Json.Nodes;
using TriageBot.Core.Views;
using TriageBot.Teams.Activities;
using TriageBot.Teams.Cards;

namespace TriageBot.Teams.Tests;

/// <summary>Teams cards never carry more than 6 actions (issue 19): a sweep's rows are gathered into one picker and one "Decide…".</summary>
public sealed class CardActionLimitTests
{
    /// <summary>Every action on a card: its own and those of every ActionSet in its body, however nested.</summary>
    private static List<JsonObject> Actions(JsonNode? node) => node switch
    {
        JsonObject o => [.. (o["type"]?.GetValue<string>() is { } t && t.StartsWith("Action.", StringComparison.Ordinal) ? [o] : Array.Empty<JsonObject>()),
            .. o.Where(p => p.Key != "data").SelectMany(p => Actions(p.Value))],
        JsonArray a => [.. a.SelectMany(Actions)],
        _ => [],
    };

    [Fact]
    public void NoCardInTheGallery_CarriesMoreThanSixActions_InAMessageOrAPostedTeamsMessage()
    {
        foreach (var (name, view) in CardGallery.All())
        {
            foreach (var host in new[] { CardHost.Message, CardHost.TeamsMessage })
            {
                Actions(AdaptiveCardRenderer.Render(view, host)).Count.ShouldBeLessThanOrEqualTo(AdaptiveCardRenderer.MaxCardActions, $"{name} as {host}");
            }
        }
    }

    [Fact]
    public void ASweepOf25Items_IsOnePickerOfTheOpenRows_AndOneDecideThatOpensTheDialogForThePickedItem()
    {
        var card = AdaptiveCardRenderer.Render(CardGallery.Sweep(25), CardHost.TeamsMessage);

        var actions = Actions(card);
        actions.Select(a => a["title"]!.GetValue<string>()).ShouldBe([SweepViews.DecideLabel, "Open the dashboard"]);
        var decide = actions[0];
        decide["type"]!.GetValue<string>().ShouldBe("Action.Submit");
        decide["data"]![ActivityTranslation.MsTeamsKey]!["type"]!.GetValue<string>().ShouldBe("task/fetch");
        decide["data"]![ActivityTranslation.ActionIdKey]!.GetValue<string>().ShouldBe(ButtonIds.SweepDecide);
        decide["data"]![ActivityTranslation.ArgKey].ShouldBeNull("the picked row is the argument: Teams merges the input into the data");

        var picker = card["body"]!.AsArray().OfType<JsonObject>().Single(e => e["type"]!.GetValue<string>() == "Input.ChoiceSet");
        picker["id"]!.GetValue<string>().ShouldBe(ActivityTranslation.ArgKey);
        var choices = picker["choices"]!.AsArray().Select(c => c!["value"]!.GetValue<string>()).ToList();
        choices.Count.ShouldBe(17); // 25 rows, every third decided (no button, not offered)
        choices.ShouldAllBe(v => v.StartsWith("payments/", StringComparison.Ordinal));
        choices.ShouldNotContain("payments/3");
    }

    [Fact]
    public void AReportWithFewRowButtons_KeepsThemUnderTheirRows()
    {
        var card = AdaptiveCardRenderer.Render(CardGallery.Sweep(4), CardHost.TeamsMessage);

        card["body"]!.AsArray().OfType<JsonObject>().ShouldNotContain(e => e["type"]!.GetValue<string>() == "Input.ChoiceSet");
        card["body"]!.AsArray().OfType<JsonObject>().Count(e => e["type"]!.GetValue<string>() == "ActionSet").ShouldBe(3);
    }
}
