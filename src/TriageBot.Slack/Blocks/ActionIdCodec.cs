using System.Text.Json.Nodes;
using TriageBot.Core.Views;

namespace TriageBot.Slack.Blocks;

/// <summary>
/// Slack needs action ids unique within a message, but a view may repeat one (a Vote button per item).
/// Repeats get a <c>:{n}</c> suffix on the way out, stripped on the way in.
/// </summary>
public static class ActionIdCodec
{
    /// <summary>Slack-only action: re-runs a command (the value) with a fresh trigger id, e.g. to open a form asked for by @mention.</summary>
    public const string RunCommand = "slack_run_command";

    /// <summary>
    /// The block of a form shown inside a message (the inline vote of a ballot): its menus, and the button that submits
    /// them with the form id and argument as its value (<see cref="InlineFormValue"/>).
    /// </summary>
    public const string InlineFormBlock = "slack_inline_form";

    /// <summary>Slack-only action: the submit button of <see cref="InlineFormBlock"/>.</summary>
    public const string SubmitInlineForm = "slack_inline_submit";

    /// <summary>The submit button's value: the form id and its argument, on two lines.</summary>
    public static string InlineFormValue(string formId, string? argument) => formId + "\n" + argument;

    /// <summary>The form id and argument of a submit button's value; null when it is not one.</summary>
    public static (string FormId, string? Argument)? ParseInlineFormValue(string? value)
    {
        var newline = value?.IndexOf('\n') ?? -1;
        return newline > 0 ? (value![..newline], newline == value.Length - 1 ? null : value[(newline + 1)..]) : null;
    }

    /// <summary>The action id as Core knows it: anything after the last ':' is dropped when it is a number.</summary>
    public static string Strip(string actionId)
    {
        var colon = actionId.LastIndexOf(':');
        if (colon <= 0 || colon == actionId.Length - 1)
        {
            return actionId;
        }

        for (var i = colon + 1; i < actionId.Length; i++)
        {
            if (!char.IsAsciiDigit(actionId[i]))
            {
                return actionId;
            }
        }

        return actionId[..colon];
    }
}

/// <summary>Makes the buttons of one message, keeping their action ids unique.</summary>
internal sealed class ButtonFactory
{
    private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);

    public JsonObject Button(ActionButton button) => Make(button.ActionId, button.Label, button.Argument, button.Style);

    public JsonObject Make(string actionId, string label, string? value, ButtonStyle style = ButtonStyle.Default)
    {
        var count = _seen.GetValueOrDefault(actionId);
        _seen[actionId] = count + 1;
        var id = count == 0 ? actionId : $"{actionId}:{count}";
        var json = new JsonObject
        {
            ["type"] = "button",
            ["action_id"] = id.Length <= BlockLimits.ActionId ? id : id[..BlockLimits.ActionId],
            ["text"] = SlackText.Plain(label, BlockLimits.ButtonText),
        };
        if (!string.IsNullOrEmpty(value))
        {
            // An argument is an id ("backlog/42"); one longer than Slack allows is a bug upstream, so fail loudly.
            if (value.Length > BlockLimits.ButtonValue)
            {
                throw new InvalidOperationException($"Button '{actionId}' has an argument of {value.Length} characters; Slack allows {BlockLimits.ButtonValue}. Buttons must carry ids, not state.");
            }

            json["value"] = value;
        }

        if (style != ButtonStyle.Default)
        {
            json["style"] = style == ButtonStyle.Primary ? "primary" : "danger";
        }

        return json;
    }
}
