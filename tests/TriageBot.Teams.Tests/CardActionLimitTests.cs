using System.Text.Json.Nodes;
using TriageBot.Core.Views;
using TriageBot.Teams.Activities;
using TriageBot.Teams.Cards;

namespace TriageBot.Teams.Tests;

/// <summary>Teams cards never carry more than 6 actions (issue 19): a sweep's rows are gathered behind one "Decide…" whose dialog picks the row.</summary>
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
    public void ASweepOf25Items_InTeams_HasNothingFillable_AndOneDecideWhoseDialogPicksAmongTheOpenRows()
    {
        var card = AdaptiveCardRenderer.Render(CardGallery.Sweep(25), CardHost.TeamsMessage);

        card["body"]!.AsArray().OfType<JsonObject>().ShouldNotContain(e => e["type"]!.GetValue<string>().StartsWith("Input.", StringComparison.Ordinal));
        var actions = Actions(card);
        actions.Select(a => a["title"]!.GetValue<string>()).ShouldBe([SweepViews.DecideLabel, "Open the dashboard"]);
        var decide = actions[0];
        decide["type"]!.GetValue<string>().ShouldBe("Action.Submit");
        decide["data"]![ActivityTranslation.MsTeamsKey]!["type"]!.GetValue<string>().ShouldBe("task/fetch");
        decide["data"]![ActivityTranslation.ActionIdKey]!.GetValue<string>().ShouldBe(RowPicker.ActionId);

        var (rows, rowActions) = RowPicker.Read(decide["data"]!.AsObject());
        var dialog = RowPicker.Dialog(rows, rowActions);
        var picker = dialog["body"]!.AsArray().OfType<JsonObject>().Single(e => e["type"]!.GetValue<string>() == "Input.ChoiceSet");
        picker["id"]!.GetValue<string>().ShouldBe(ActivityTranslation.ArgKey);
        var choices = picker["choices"]!.AsArray().Select(c => c!["value"]!.GetValue<string>()).ToList();
        choices.Count.ShouldBe(17); // 25 rows, every third decided (no button, not offered)
        choices.ShouldAllBe(v => v.StartsWith("payments/", StringComparison.Ordinal));
        choices.ShouldNotContain("payments/3");
        var pick = Actions(dialog).ShouldHaveSingleItem();
        pick["type"]!.GetValue<string>().ShouldBe("Action.Submit");
        pick["data"]![ActivityTranslation.ActionIdKey]!.GetValue<string>().ShouldBe(ButtonIds.SweepDecide);
        pick["data"]![ActivityTranslation.ArgKey].ShouldBeNull("the picked row is the argument: Teams merges the input into the data");
    }

    [Fact]
    public void AForgedRowPickerButton_IsReadWithinItsLimits_AndNeverNamesItselfOrACommand()
    {
        var data = new JsonObject
        {
            ["rows"] = new JsonArray([.. Enumerable.Range(0, 500).Select(i => (JsonNode)new JsonObject { ["t"] = new string('x', 10_000), ["v"] = $"payments/{i}" }),
                new JsonObject { ["v"] = 42 }, "not a row"]),
            ["do"] = new JsonArray([new JsonObject { ["id"] = RowPicker.ActionId }, new JsonObject { ["id"] = DialogButtons.OpenCommand, ["l"] = "x" },
                .. Enumerable.Range(0, 20).Select(i => (JsonNode)new JsonObject { ["id"] = $"a{i}", ["l"] = "Do" })]),
        };

        var (rows, actions) = RowPicker.Read(data);

        rows.Count.ShouldBe(100);
        rows.ShouldAllBe(r => r.Title.Length <= 120);
        actions.Count.ShouldBe(AdaptiveCardRenderer.MaxCardActions);
        actions.ShouldNotContain(a => a.ActionId == RowPicker.ActionId || a.ActionId == DialogButtons.OpenCommand);
    }

    [Fact]
    public void AReportWithFewRowButtons_KeepsThemUnderTheirRows()
    {
        var card = AdaptiveCardRenderer.Render(CardGallery.Sweep(4), CardHost.TeamsMessage);

        card["body"]!.AsArray().OfType<JsonObject>().ShouldNotContain(e => e["type"]!.GetValue<string>() == "Input.ChoiceSet");
        card["body"]!.AsArray().OfType<JsonObject>().Count(e => e["type"]!.GetValue<string>() == "ActionSet").ShouldBe(3);
    }
}
