using System.Text.Json;
using System.Text.Json.Nodes;
using TriageBot.Core.Views;
using TriageBot.Teams.Activities;

namespace TriageBot.Teams.Cards;

/// <summary>
/// A report whose rows' buttons would pass Teams' 6 actions per card (an icebox sweep of many items, a list of ended
/// timeboxes): the posted card lists the rows without buttons and carries one dialog button. Nothing fillable is posted:
/// the button opens a private dialog in which the person picks the row and then one of the rows' actions (the sweep's
/// "Decide…"), which continues in the same dialog with that action's form.
/// </summary>
public static class RowPicker
{
    /// <summary>The action id of the one button (a <c>task/fetch</c>); its data carries the rows and their actions.</summary>
    public const string ActionId = "teams.pickRow";

    private const string RowsKey = "rows";
    private const string DoKey = "do";
    private const int MaxRows = 100;
    private const int MaxActions = AdaptiveCardRenderer.MaxCardActions;

    /// <summary>The one button for the rows that have buttons, or null when none has.</summary>
    internal static JsonObject? Button(IReadOnlyList<ReportSection> sections)
    {
        var rows = sections.Where(s => s.Actions.Count > 0 && s.Actions[0].Argument is not null).Take(MaxRows).ToList();
        if (rows.Count == 0) return null;
        var actions = rows.SelectMany(s => s.Actions).DistinctBy(a => (a.ActionId, a.Label)).Take(MaxActions).ToList();
        // One kind of action (the sweep's Decide…) keeps its label; several (Extend…, Close…, Done) ask for the item first.
        var label = actions.Count == 1 ? actions[0].Label : "Choose an item…";
        var button = DialogButtons.Fetch(CardText.Plain(label, 40), ActionId, null);
        button["style"] = "positive";
        var data = button["data"]!.AsObject();
        data[RowsKey] = new JsonArray([.. rows.Select(s => (JsonNode)new JsonObject
        {
            ["t"] = CardText.Plain(s.Heading, 120),
            ["v"] = s.Actions[0].Argument,
        })]);
        data[DoKey] = new JsonArray([.. actions.Select(a => (JsonNode)new JsonObject { ["id"] = a.ActionId, ["l"] = CardText.Plain(a.Label, 40) })]);
        return button;
    }

    /// <summary>The rows and actions a <see cref="Button"/> carried (at most 100 rows, 6 actions; anything malformed is skipped).</summary>
    public static (IReadOnlyList<(string Title, string Value)> Rows, IReadOnlyList<ActionButton> Actions) Read(JsonObject? data)
    {
        var rows = new List<(string, string)>();
        var actions = new List<ActionButton>();
        if (data?[RowsKey] is JsonArray r)
            foreach (var row in r)
                if (rows.Count < MaxRows && Str(row, "v") is { Length: > 0 and <= 200 } value)
                    rows.Add((CardText.Plain(Str(row, "t") ?? value, 120), value));
        if (data?[DoKey] is JsonArray a)
            foreach (var action in a)
                if (actions.Count < MaxActions && Str(action, "id") is { Length: > 0 and <= 64 } id && id != ActionId && id != DialogButtons.OpenCommand)
                    actions.Add(new ActionButton(id, CardText.Plain(Str(action, "l") ?? id, 40)));
        return (rows, actions);
    }

    /// <summary>The dialog: the rows as one choice (sent as the chosen action's argument) and one button per action.</summary>
    public static JsonObject Dialog(IReadOnlyList<(string Title, string Value)> rows, IReadOnlyList<ActionButton> actions)
    {
        var b = new CardBuilder(CardHost.Dialog, CardLimits.Normal);
        b.Text("Pick the item, then what to do with it.");
        b.Add(new JsonObject
        {
            ["type"] = "Input.ChoiceSet",
            ["id"] = ActivityTranslation.ArgKey,
            ["label"] = "Item",
            ["style"] = "compact",
            ["isRequired"] = true,
            ["errorMessage"] = "Pick an item first.",
            ["value"] = rows[0].Value,
            ["choices"] = new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject { ["title"] = r.Title, ["value"] = r.Value })]),
        });
        foreach (var action in actions) b.AddAction(b.Button(action));
        return b.Build();
    }

    private static string? Str(JsonNode? e, string name) =>
        e is JsonObject o && o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
