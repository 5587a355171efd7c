using System.Text;
using System.Text.Json.Nodes;
using TriageBot.Core.Views;

namespace TriageBot.Slack.Blocks;

/// <summary>
/// Builds one message's blocks within Slack's limits: body blocks in order, trailing action blocks that are
/// always kept, and — when the body would exceed 50 blocks or the text budget — a note of what was left out.
/// </summary>
internal sealed class MessageComposer
{
    private readonly List<JsonObject> _body = [];
    private readonly List<JsonObject> _tail = [];

    public ButtonFactory Buttons { get; } = new();

    /// <summary>Where "more" notes point, when the view has a dashboard.</summary>
    public string? DashboardUrl { get; init; }

    public void Header(string? plain)
    {
        if (!string.IsNullOrWhiteSpace(plain))
        {
            _body.Add(new JsonObject { ["type"] = "header", ["text"] = SlackText.Plain(plain, BlockLimits.HeaderText) });
        }
    }

    /// <summary>A section of already-escaped mrkdwn.</summary>
    public void Section(string mrkdwn, JsonObject? accessory = null)
    {
        var block = new JsonObject { ["type"] = "section", ["text"] = SlackText.Mrkdwn(mrkdwn) };
        if (accessory is not null)
        {
            block["accessory"] = accessory;
        }

        _body.Add(block);
    }

    /// <summary>Label/value pairs as section fields (people's text, escaped here), ten per section.</summary>
    public void Fields(IEnumerable<LabeledValue> pairs)
    {
        foreach (var chunk in pairs.Chunk(BlockLimits.SectionFields))
        {
            var fields = new JsonArray();
            foreach (var pair in chunk)
            {
                var text = $"*{SlackText.EscapeAndTruncate(pair.Label, 150)}*\n{SlackText.Escape(pair.Value)}";
                fields.Add(SlackText.Mrkdwn(text, BlockLimits.SectionFieldText));
            }

            _body.Add(new JsonObject { ["type"] = "section", ["fields"] = fields });
        }
    }

    /// <summary>A context line of already-escaped mrkdwn parts.</summary>
    public void Context(params IEnumerable<string> mrkdwnParts)
    {
        var elements = new JsonArray();
        foreach (var part in mrkdwnParts.Where(p => !string.IsNullOrWhiteSpace(p)).Take(BlockLimits.ContextElements))
        {
            elements.Add(SlackText.Mrkdwn(part));
        }

        if (elements.Count > 0)
        {
            _body.Add(new JsonObject { ["type"] = "context", ["elements"] = elements });
        }
    }

    public void Divider() => _body.Add(new JsonObject { ["type"] = "divider" });

    /// <summary>
    /// Lines of already-escaped mrkdwn, packed into as few sections as fit, at most <paramref name="maxLines"/>
    /// of them; the rest are summarised as "… and N more" (with the dashboard link when there is one).
    /// </summary>
    public void Lines(IReadOnlyList<string> lines, int maxLines, int? totalCount = null)
    {
        // Stop early enough that the "… and N more" note itself fits in the message's text and block budgets.
        var textRoom = BlockLimits.MessageTextBudget - 1500 - _body.Sum(TextLength);
        var blockRoom = BlockLimits.MessageBlocks - 6 - _body.Count;
        var shown = new List<string>();
        var used = 0;
        var sections = 1;
        var current = 0;
        foreach (var line in lines.Take(maxLines).Select(l => SlackText.TruncateMrkdwn(l, 1000)))
        {
            var startsSection = current > 0 && current + 1 + line.Length > BlockLimits.SectionText;
            if (used + line.Length + 1 > textRoom || (startsSection && sections + 1 > blockRoom))
            {
                break;
            }

            if (startsSection)
            {
                sections++;
                current = 0;
            }

            current += line.Length + 1;
            used += line.Length + 1;
            shown.Add(line);
        }

        var more = Math.Max(totalCount ?? lines.Count, lines.Count) - shown.Count;
        if (more > 0)
        {
            shown.Add(MoreNote(more));
        }

        var sb = new StringBuilder();
        foreach (var line in shown)
        {
            if (sb.Length > 0 && sb.Length + 1 + line.Length > BlockLimits.SectionText)
            {
                Section(sb.ToString());
                sb.Clear();
            }

            if (sb.Length > 0)
            {
                sb.Append('\n');
            }

            sb.Append(line);
        }

        if (sb.Length > 0)
        {
            Section(sb.ToString());
        }
    }

    /// <summary>Buttons in the body (e.g. under a report section), 25 per actions block.</summary>
    public void Actions(IEnumerable<ActionButton> buttons) => AddActions(_body, buttons.Select(Buttons.Button));

    /// <summary>The view's own buttons: kept at the end whatever else is trimmed.</summary>
    public void TailActions(IEnumerable<ActionButton> buttons) => AddActions(_tail, buttons.Select(Buttons.Button));

    public void TailActions(IEnumerable<JsonObject> buttons) => AddActions(_tail, buttons);

    /// <summary>A block kept at the end with the view's own buttons, in the order added.</summary>
    public void TailBlock(JsonObject block) => _tail.Add(block);

    private static void AddActions(List<JsonObject> into, IEnumerable<JsonObject> buttons)
    {
        foreach (var chunk in buttons.Chunk(BlockLimits.ActionsElements))
        {
            into.Add(new JsonObject { ["type"] = "actions", ["elements"] = new JsonArray([.. chunk]) });
        }
    }

    public string MoreNote(int more) =>
        $"_… and {SlackText.Number(more)} more_" + (DashboardUrl is null ? "" : " · " + SlackText.Link(DashboardUrl, "see the dashboard"));

    public SlackMessage Build(string fallback)
    {
        var tailText = _tail.Sum(TextLength);
        var maxBody = BlockLimits.MessageBlocks - _tail.Count;
        var budget = BlockLimits.MessageTextBudget - tailText;

        var kept = new List<JsonObject>();
        var used = 0;
        var dropped = 0;
        foreach (var block in _body)
        {
            var length = TextLength(block);
            // Keep one block and 200 characters spare for the note about what was left out.
            if (dropped > 0 || kept.Count >= maxBody - 1 || used + length > budget - 200)
            {
                dropped++;
                continue;
            }

            kept.Add(block);
            used += length;
        }

        if (dropped > 0)
        {
            kept.Add(new JsonObject
            {
                ["type"] = "context",
                ["elements"] = new JsonArray(SlackText.Mrkdwn($"_{SlackText.Number(dropped)} more block(s) did not fit in one Slack message_"
                    + (DashboardUrl is null ? "" : " · " + SlackText.Link(DashboardUrl, "see the dashboard"))))
            });
        }

        var blocks = new JsonArray();
        foreach (var block in kept.Concat(_tail))
        {
            blocks.Add(block);
        }

        return new SlackMessage(SlackText.EscapeAndTruncate(fallback, BlockLimits.FallbackText), blocks);
    }

    /// <summary>Characters of text a block carries (every "text" string in it).</summary>
    internal static int TextLength(JsonNode? node) => node switch
    {
        JsonObject o => o.Sum(p => p.Key == "text" && p.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s.Length : TextLength(p.Value)),
        JsonArray a => a.Sum(TextLength),
        _ => 0,
    };
}
