using System.Globalization;
using System.Text.Json.Nodes;
using TriageBot.Core.Views;

namespace TriageBot.Teams.Cards;

/// <summary>
/// A <see cref="FormView"/> as a card: every input with its label, limits and the value exactly as typed. A value is never
/// shortened, not even in the tight layout; a value longer than its field's limit comes back whole (the limit is left off
/// that input so no client cuts it) with the server's error under it.
/// </summary>
internal static class FormCard
{
    public static void Render(CardBuilder b, FormView v)
    {
        b.Heading(v.Title);
        if (!string.IsNullOrWhiteSpace(v.Intro)) b.TextWithLinks(v.Intro, v.Links, subtle: true);
        var fieldIds = v.Fields.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var orphan in v.Errors.Where(e => !fieldIds.Contains(e.Field)))
            b.Text("⚠ " + orphan.Message, color: "Attention");
        // A dialog whose choice redraws it (the intake's stream): the redraw is a submit, and a client that checked required
        // fields first would block it on a half-filled form, so required fields are checked by the server alone (on save).
        var redraws = b.Host == CardHost.Dialog && v.Fields.Any(Redraws);
        foreach (var field in v.Fields)
        {
            v.Values.TryGetValue(field.Id, out var value);
            var error = v.Errors.FirstOrDefault(e => e.Field == field.Id)?.Message;
            var input = Input(field, value, error);
            if (redraws) input.Remove("isRequired");
            b.Add(input);
            if (redraws && Redraws(field)) b.Add(RedrawButton(v));
            // Teams does not show a server's errorMessage by itself, so the refusal is rendered under the field.
            if (error is not null) b.Text("⚠ " + error, color: "Attention", spacing: "None");
            if (!string.IsNullOrWhiteSpace(field.Hint)) b.Text(field.Hint, subtle: true, spacing: "None", size: "Small");
        }
        var data = new JsonObject { ["formId"] = v.FormId };
        if (v.Argument is not null) data["arg"] = v.Argument;
        b.AddAction(b.Host == CardHost.Dialog
            ? new JsonObject { ["type"] = "Action.Submit", ["title"] = CardText.Plain(v.SubmitLabel, 40), ["data"] = data }
            : new JsonObject { ["type"] = "Action.Execute", ["title"] = CardText.Plain(v.SubmitLabel, 40), ["verb"] = AdaptiveCardRenderer.SubmitVerb, ["data"] = data });
    }

    /// <summary>Title of the button under a choice that redraws the dialog with that choice's fields.</summary>
    public const string RedrawTitle = "Show the fields for this choice";

    private static bool Redraws(FormField field) => field.RefreshesForm && field.Kind == FieldKind.Choice;

    /// <summary>
    /// Teams cards have no "on change" that reaches the bot, so a choice that redraws the form has a button right under it:
    /// it submits the dialog (<c>task/submit</c>, or <c>composeExtension/submitAction</c> from a message action) with every
    /// value typed so far, and the bot answers with the same dialog redrawn (<c>task: continue</c>), nothing saved.
    /// </summary>
    private static JsonObject RedrawButton(FormView v)
    {
        var data = new JsonObject { [Activities.ActivityTranslation.RefreshFormKey] = v.FormId };
        if (v.Argument is not null) data[Activities.ActivityTranslation.ArgKey] = v.Argument;
        return new JsonObject
        {
            ["type"] = "ActionSet",
            ["spacing"] = "None",
            ["actions"] = new JsonArray(new JsonObject { ["type"] = "Action.Submit", ["title"] = RedrawTitle, ["data"] = data }),
        };
    }

    /// <summary>Said at the top of a form whose typed text is more than one card should hold: the text stays, nothing is cut.</summary>
    public static string TooLarge(int bytes) => CardBuilder.Invariant(
        $"This form holds more text than one Teams card is meant to ({bytes / 1024} KB). Everything you typed is kept below; shorten the longest field before you save.");

    public static JsonObject Input(FormField field, string? value, string? error)
    {
        var label = CardText.Plain(field.Label, 200);
        var input = new JsonObject { ["id"] = field.Id, ["label"] = label };
        switch (field.Kind)
        {
            case FieldKind.Text or FieldKind.MultilineText:
                input["type"] = "Input.Text";
                if (field.Kind == FieldKind.MultilineText) input["isMultiline"] = true;
                // Clients count UTF-16 units; a value already longer than the limit must come back whole, so the limit is left off.
                if (field.MaxLength is { } max && (value is null || value.Length <= max)) input["maxLength"] = max;
                if (field.Placeholder is not null) input["placeholder"] = CardText.Plain(field.Placeholder, 200);
                if (value is not null) input["value"] = value;
                break;
            case FieldKind.Choice:
                input["type"] = "Input.ChoiceSet";
                input["style"] = "compact";
                input["choices"] = new JsonArray(field.Choices.Select(c => (JsonNode)new JsonObject
                {
                    ["title"] = CardText.Plain(c.Label, 200),
                    ["value"] = c.Value,
                }).ToArray());
                if (field.Placeholder is not null) input["placeholder"] = CardText.Plain(field.Placeholder, 200);
                if (value is not null && field.Choices.Any(c => c.Value == value)) input["value"] = value;
                break;
            case FieldKind.Number:
                input["type"] = "Input.Number";
                if (field.Min is { } min) input["min"] = min;
                if (field.Max is { } maxValue) input["max"] = maxValue;
                if (field.Placeholder is not null) input["placeholder"] = CardText.Plain(field.Placeholder, 200);
                // "NaN" or "Infinity" parse as doubles but have no JSON form: such a value is not shown (the server refuses it on save).
                if (value is not null && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)) input["value"] = number;
                break;
            case FieldKind.Date:
                input["type"] = "Input.Date";
                if (value is not null && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)) input["value"] = value;
                break;
            case FieldKind.Toggle:
                input["type"] = "Input.Toggle";
                input["title"] = label;
                input["valueOn"] = "true";
                input["valueOff"] = "false";
                input["value"] = string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) ? "true" : "false";
                input["wrap"] = true;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(field), field.Kind, "Unknown form field kind.");
        }
        if (field.Required) input["isRequired"] = true;
        if (error is not null) input["errorMessage"] = CardText.Plain(error, 500);
        else if (field.Required) input["errorMessage"] = label + " is required.";
        return input;
    }
}
