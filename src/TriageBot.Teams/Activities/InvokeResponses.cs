using System.Text.Json.Nodes;
using TriageBot.Core.Views;
using TriageBot.Teams.Cards;

namespace TriageBot.Teams.Activities;

/// <summary>What the endpoint answers: an HTTP status and, for invokes, the JSON body that is the invoke's result.</summary>
public sealed record TeamsResponse(int Status, JsonNode? Body = null)
{
    public static readonly TeamsResponse Ok = new(200);
}

/// <summary>The JSON shapes of invoke responses (dialogs, Action.Execute), as pure functions.</summary>
public static class InvokeResponses
{
    public const string MessageType = "application/vnd.microsoft.activity.message";

    /// <summary><c>{ task: { type: "continue", value: { title, card } } }</c>: open or re-show a dialog.</summary>
    public static JsonObject ContinueDialog(string title, JsonObject card) => new()
    {
        ["task"] = new JsonObject
        {
            ["type"] = "continue",
            ["value"] = new JsonObject
            {
                ["title"] = CardText.Plain(title, 64),
                ["width"] = "medium",
                ["card"] = new JsonObject { ["contentType"] = AdaptiveCardRenderer.ContentType, ["content"] = card },
            },
        },
    };

    /// <summary>A form in a dialog, opened for <paramref name="openedBy"/> (a Teams user id): its submit carries that id, and a submission from anyone else is refused.</summary>
    public static JsonObject DialogForm(FormView form, string openedBy)
    {
        var card = AdaptiveCardRenderer.Render(form, CardHost.Dialog);
        foreach (var action in card["actions"] as JsonArray ?? [])
            if (action?["data"] is JsonObject data && data.ContainsKey(ActivityTranslation.FormIdKey)) data[ActivityTranslation.OpenedByKey] = openedBy;
        // The redraw button under a choice (FormCard.RedrawButton) is the same person's, too.
        foreach (var set in card["body"] as JsonArray ?? [])
            if (set?["type"]?.GetValue<string>() == "ActionSet")
                foreach (var action in set["actions"] as JsonArray ?? [])
                    if (action?["data"] is JsonObject data && data.ContainsKey(ActivityTranslation.RefreshFormKey)) data[ActivityTranslation.OpenedByKey] = openedBy;
        return ContinueDialog(form.Title, card);
    }

    /// <summary><c>{ task: { type: "message", value: text } }</c>: close the dialog and show a short text.</summary>
    public static JsonObject DialogMessage(string text) => new()
    {
        ["task"] = new JsonObject { ["type"] = "message", ["value"] = CardText.Plain(text, 500) },
    };

    /// <summary>Action.Execute answer that replaces the card for the person who clicked.</summary>
    public static JsonObject ExecuteCard(JsonObject card) => new()
    {
        ["statusCode"] = 200,
        ["type"] = AdaptiveCardRenderer.ContentType,
        ["value"] = card,
    };

    /// <summary>Action.Execute answer that shows a short message and leaves the card as it is.</summary>
    public static JsonObject ExecuteMessage(string text) => new()
    {
        ["statusCode"] = 200,
        ["type"] = MessageType,
        ["value"] = CardText.Plain(text, 500),
    };
}
