using System.Text.Json;
using TriageBot.Slack.Blocks;
using TriageBot.Slack.Payloads;

namespace TriageBot.Slack.Endpoints;

/// <summary>Reads what a person entered in a modal or a message's menus, by field id.</summary>
internal static class ViewValues
{
    /// <summary>The field values of a submitted modal, by field id (= block id).</summary>
    public static Dictionary<string, string> ReadValues(ViewState? state)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (state is null)
        {
            return values;
        }

        foreach (var (blockId, actions) in state.Values)
        {
            foreach (var (_, element) in actions)
            {
                values[blockId] = ElementValue(element);
            }
        }

        return values;
    }

    /// <summary>The values of a form shown inside a message: one block, its fields by action id (= field id).</summary>
    public static Dictionary<string, string> ReadValues(ViewState? state, string blockId)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (state?.Values.GetValueOrDefault(blockId) is { } actions)
        {
            foreach (var (actionId, element) in actions)
            {
                values[actionId] = ElementValue(element);
            }
        }

        return values;
    }

    private static string ElementValue(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return "";
        }

        static string? Str(JsonElement e, string name) =>
            e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

        var type = Str(element, "type");
        switch (type)
        {
            case "static_select" or "radio_buttons" or "external_select":
                return element.TryGetProperty("selected_option", out var option) && option.ValueKind == JsonValueKind.Object
                    ? Str(option, "value") ?? ""
                    : "";
            case "datepicker":
                return Str(element, "selected_date") ?? "";
            case "checkboxes" or "multi_static_select":
                var selected = element.TryGetProperty("selected_options", out var options) && options.ValueKind == JsonValueKind.Array
                    ? options.EnumerateArray().Select(o => o.ValueKind == JsonValueKind.Object ? Str(o, "value") : null).OfType<string>().ToList()
                    : [];
                // A single-option checkbox is a toggle: it submits "true" or "false".
                if (type == "checkboxes" && (selected.Count == 0 || selected is [ModalRenderer.ToggleOn]))
                {
                    return selected.Count == 0 ? "false" : ModalRenderer.ToggleOn;
                }

                return string.Join(",", selected);
            default:
                return Str(element, "value") ?? "";
        }
    }
}
