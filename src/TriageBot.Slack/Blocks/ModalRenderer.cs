using System.Globalization;
using System.Text.Json.Nodes;
using TriageBot.Core.Items;
using TriageBot.Core.Views;
using TriageBot.Slack.Payloads;

namespace TriageBot.Slack.Blocks;

/// <summary>
/// Renders a <see cref="FormView"/> as a Slack modal: one input block per field with <c>block_id</c> =
/// <c>action_id</c> = the field id, prefilled from <see cref="FormView.Values"/>, so a refused submission
/// comes back with everything the person typed. The form's place travels in <c>private_metadata</c>.
/// </summary>
public static class ModalRenderer
{
    /// <summary>The value a checked toggle submits.</summary>
    public const string ToggleOn = "true";

    public static JsonObject Render(FormView form, FormMetadata metadata)
    {
        var blocks = new JsonArray();
        if (!string.IsNullOrWhiteSpace(form.Intro))
        {
            blocks.Add(Section(SlackText.WithLinks(form.Intro, form.Links)));
        }

        // Slack shows an error under a field only in answer to a submission (Errors below). A form opened with errors — a
        // ballot's inline vote pressed with a dimension left out — shows them at the top instead of losing them.
        var errors = form.Errors.Select(e => ":warning: " + SlackText.Escape(e.Message)).ToList();
        if (errors.Count > 0)
        {
            blocks.Add(Section(SlackText.TruncateMrkdwn(string.Join("\n", errors), BlockLimits.SectionText)));
        }

        var room = BlockLimits.ModalBlocks - blocks.Count;
        if (form.Fields.Count > room)
        {
            throw new InvalidOperationException($"Form '{form.FormId}' has {form.Fields.Count} fields; a Slack modal holds at most {BlockLimits.ModalBlocks} blocks.");
        }

        foreach (var field in form.Fields)
        {
            blocks.Add(Input(field, form.Values.TryGetValue(field.Id, out var value) ? value : null));
        }

        var view = new JsonObject
        {
            ["type"] = "modal",
            ["callback_id"] = Limit(form.FormId, BlockLimits.CallbackId),
            ["title"] = SlackText.Plain(form.Title, BlockLimits.ModalTitle),
            ["close"] = SlackText.Plain("Cancel", BlockLimits.ModalButton),
            ["blocks"] = blocks,
            ["private_metadata"] = metadata.Serialize(),
        };

        if (form.Fields.Count > 0)
        {
            view["submit"] = SlackText.Plain(form.SubmitLabel, BlockLimits.ModalButton);
        }

        return view;
    }

    /// <summary>
    /// The view a submitted modal turns into to confirm what happened ("your vote is in"): part of the acknowledgement
    /// itself, so the person sees it at once and no message has to be sent while Slack waits.
    /// </summary>
    public static JsonObject Confirmation(string title, View then, FormMetadata metadata)
    {
        var blocks = BlockKitRenderer.Render(then).Blocks.DeepClone().AsArray();
        while (blocks.Count > BlockLimits.ModalBlocks)
        {
            blocks.RemoveAt(blocks.Count - 1);
        }

        return new JsonObject
        {
            ["type"] = "modal",
            ["callback_id"] = Limit(ConfirmationCallbackId, BlockLimits.CallbackId),
            ["title"] = SlackText.Plain(title, BlockLimits.ModalTitle),
            ["close"] = SlackText.Plain("Done", BlockLimits.ModalButton),
            ["blocks"] = blocks,
            ["private_metadata"] = metadata.Serialize(),
        };
    }

    /// <summary>The callback id of a confirmation view (it has no fields and no submit button).</summary>
    public const string ConfirmationCallbackId = "confirmation";

    /// <summary>The <c>view_submission</c> answer that keeps the modal open with an error under each refused field.</summary>
    public static JsonObject Errors(FormView form)
    {
        var errors = new JsonObject();
        var fieldIds = form.Fields.Select(f => f.Id).ToList();
        foreach (var group in form.Errors.GroupBy(e => fieldIds.Contains(e.Field) ? e.Field : fieldIds.FirstOrDefault() ?? e.Field))
        {
            errors[Limit(group.Key, BlockLimits.BlockId)] = SlackText.TruncatePlain(string.Join(" ", group.Select(e => e.Message)), 2000);
        }

        return new JsonObject { ["response_action"] = "errors", ["errors"] = errors };
    }

    private static JsonObject Section(string mrkdwn) => new() { ["type"] = "section", ["text"] = SlackText.Mrkdwn(mrkdwn) };

    private static JsonObject Input(FormField field, string? value)
    {
        var id = Limit(field.Id, BlockLimits.ActionId);
        var element = field.Kind switch
        {
            FieldKind.Text or FieldKind.MultilineText => TextInput(field, value),
            FieldKind.Choice => Select(field, value),
            FieldKind.Number => NumberInput(field, value),
            FieldKind.Date => DatePicker(field, value),
            FieldKind.Toggle => Toggle(field, value),
            _ => throw new NotSupportedException($"No Slack input for field kind {field.Kind}."),
        };
        element["action_id"] = id;

        var block = new JsonObject
        {
            ["type"] = "input",
            ["block_id"] = id,
            ["label"] = SlackText.Plain(field.Label, BlockLimits.InputLabel),
            ["optional"] = !field.Required,
            ["element"] = element,
        };
        if (field.RefreshesForm && field.Kind == FieldKind.Choice)
        {
            // Choosing sends block_actions at once, so the form can be redrawn (views.update) before it is submitted.
            block["dispatch_action"] = true;
        }

        if (!string.IsNullOrWhiteSpace(field.Hint))
        {
            block["hint"] = SlackText.Plain(field.Hint, BlockLimits.InputHint);
        }

        return block;
    }

    private static JsonObject TextInput(FormField field, string? value)
    {
        var element = new JsonObject { ["type"] = "plain_text_input", ["multiline"] = field.Kind == FieldKind.MultilineText };
        AddPlaceholder(element, field);
        if (!string.IsNullOrEmpty(value))
        {
            element["initial_value"] = value;
        }

        if (field.MinLength is > 0 and var min)
        {
            element["min_length"] = Math.Min(min, BlockLimits.MinLengthMax);
        }

        if (field.MaxLength is > 0 and var max)
        {
            element["max_length"] = max;
        }

        return element;
    }

    /// <summary>A <c>static_select</c> of the field's choices; also used for the inline vote inside a ballot message.</summary>
    internal static JsonObject Select(FormField field, string? value)
    {
        var options = new JsonArray();
        JsonObject? initial = null;
        foreach (var choice in field.Choices.Take(BlockLimits.SelectOptions))
        {
            if (choice.Value.Length > BlockLimits.OptionValue)
            {
                throw new InvalidOperationException($"Choice value '{choice.Value[..20]}…' of field '{field.Id}' is longer than Slack's {BlockLimits.OptionValue} characters.");
            }

            options.Add(Option(choice));
            if (value is not null && string.Equals(choice.Value, value, StringComparison.Ordinal))
            {
                initial = Option(choice);
            }
        }

        var element = new JsonObject { ["type"] = "static_select", ["options"] = options };
        AddPlaceholder(element, field);
        if (initial is not null)
        {
            element["initial_option"] = initial;
        }

        return element;
    }

    private static JsonObject Option(Choice choice) => new()
    {
        ["text"] = SlackText.Plain(choice.Label, BlockLimits.OptionText),
        ["value"] = choice.Value,
    };

    private static JsonObject NumberInput(FormField field, string? value)
    {
        var element = new JsonObject { ["type"] = "number_input", ["is_decimal_allowed"] = true };
        AddPlaceholder(element, field);
        // Slack refuses a non-numeric initial value; such a value cannot have come from this input anyway.
        if (!string.IsNullOrWhiteSpace(value) && decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out _))
        {
            element["initial_value"] = value.Trim();
        }

        return element;
    }

    private static JsonObject DatePicker(FormField field, string? value)
    {
        var element = new JsonObject { ["type"] = "datepicker" };
        AddPlaceholder(element, field);
        if (value is not null && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            element["initial_date"] = value;
        }

        return element;
    }

    private static JsonObject Toggle(FormField field, string? value)
    {
        var option = new JsonObject { ["text"] = SlackText.Plain(field.Placeholder ?? "Yes", BlockLimits.OptionText), ["value"] = ToggleOn };
        var element = new JsonObject { ["type"] = "checkboxes", ["options"] = new JsonArray(option) };
        if (string.Equals(value, ToggleOn, StringComparison.OrdinalIgnoreCase))
        {
            element["initial_options"] = new JsonArray(option.DeepClone());
        }

        return element;
    }

    private static void AddPlaceholder(JsonObject element, FormField field)
    {
        if (!string.IsNullOrWhiteSpace(field.Placeholder) && field.Kind != FieldKind.Toggle)
        {
            element["placeholder"] = SlackText.Plain(field.Placeholder, BlockLimits.Placeholder);
        }
    }

    private static string Limit(string id, int max) => id.Length <= max ? id : id[..max];
}
