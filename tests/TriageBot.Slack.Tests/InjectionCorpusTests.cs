using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TriageBot.Core.Views;
using TriageBot.Slack.Blocks;
using TriageBot.Slack.Payloads;

namespace TriageBot.Slack.Tests;

/// <summary>
/// Hostile text in every place people's text can go, in every view: the rendered mrkdwn never contains a mention,
/// special command or link the bot did not put there itself, and nothing exceeds a Block Kit limit.
/// </summary>
public partial class InjectionCorpusTests
{
    public static TheoryData<string> Corpus => new(
        "<!channel>",
        "<!here>",
        "<!everyone>",
        "<!channel|channel>",
        "<!subteam^S123|team>",
        "<!date^1392734382^{date}|fallback>",
        "<@U123>",
        "<@W999|boss>",
        "<#C123|general>",
        "<http://evil.example|click>",
        "<https://evil.example>",
        "<mailto:a@b.c|mail>",
        "*bold* _it_ ~strike~ `code` ```block```",
        "&lt;!channel&gt;",
        "&amp;lt;@U123&amp;gt;",
        "&",
        "<",
        ">",
        "<<!here>>",
        "<\u200B!channel>",
        "\u200B<!channel>\u200B",
        "<!\u200Bchannel>",
        "\u202Eerutangis\u202C <!here>",
        "\u2066isolated\u2069 <@U1>",
        "line1\n<!channel>\nline3",
        "\0\u0001\u0007control",
        "👩‍👩‍👧‍👦😀" + string.Concat(Enumerable.Repeat("😀", 100)),
        new string('x', 10_000),
        string.Concat(Enumerable.Repeat("<!channel>", 1000)),
        string.Concat(Enumerable.Repeat("&", 5000)),
        "@channel @here @everyone");

    private static readonly string[] AllowedTokenPrefixes = ["<https://triage.example.com/", "<https://example.slack.com/"];

    [Theory]
    [MemberData(nameof(Corpus))]
    public void HostileText_InEveryMessage_NeverBecomesAMentionCommandOrLink(string hostile)
    {
        foreach (var (name, view) in SampleViews.All(hostile, listSize: 30))
        {
            var message = BlockKitRenderer.Render(view);
            var violations = new List<string>();
            CheckTokens(message.Text, violations, $"{name}.text");
            foreach (var mrkdwn in MrkdwnTexts(message.Blocks))
            {
                CheckTokens(mrkdwn, violations, name);
            }

            CheckMessageLimits(message, violations, name);
            violations.ShouldBeEmpty();
        }
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void HostileText_InAModal_NeverBecomesAMentionCommandOrLink_AndFitsSlackLimits(string hostile)
    {
        var form = SampleViews.Form(hostile);
        var modal = ModalRenderer.Render(form, new FormMetadata(form.FormId, form.Argument, "C1", null));
        var violations = new List<string>();
        foreach (var mrkdwn in MrkdwnTexts(modal))
        {
            CheckTokens(mrkdwn, violations, "modal");
        }

        ((string)modal["title"]!["text"]!).Length.ShouldBeLessThanOrEqualTo(BlockLimits.ModalTitle);
        ((string)modal["submit"]!["text"]!).Length.ShouldBeLessThanOrEqualTo(BlockLimits.ModalButton);
        ((string)modal["private_metadata"]!).Length.ShouldBeLessThanOrEqualTo(BlockLimits.PrivateMetadata);
        modal["blocks"]!.AsArray().Count.ShouldBeLessThanOrEqualTo(BlockLimits.ModalBlocks);
        CheckBlocks(modal["blocks"]!.AsArray(), violations, "modal");
        violations.ShouldBeEmpty();

        // The person's text comes back into the input untouched: plain_text needs no escaping.
        var title = modal["blocks"]!.AsArray().Single(b => (string?)b!["block_id"] == "title")!;
        ((string)title["element"]!["initial_value"]!).ShouldBe(hostile);
    }

    /// <summary>Every &lt;…&gt; token must be one the bot made: a link to our own hosts, or a mention of a real Slack user id.</summary>
    private static void CheckTokens(string mrkdwn, List<string> violations, string where)
    {
        foreach (Match token in Token().Matches(mrkdwn))
        {
            var value = token.Value;
            var allowed = AllowedTokenPrefixes.Any(p => value.StartsWith(p, StringComparison.Ordinal))
                || value is "<@U0ADA001>";
            if (!allowed)
            {
                violations.Add($"{where}: unexpected token {value[..Math.Min(60, value.Length)]}");
            }
        }

        if (mrkdwn.Contains('\u202E', StringComparison.Ordinal))
        {
            violations.Add($"{where}: a right-to-left override survived");
        }
    }

    private static void CheckMessageLimits(SlackMessage message, List<string> violations, string where)
    {
        if (message.Blocks.Count > BlockLimits.MessageBlocks)
        {
            violations.Add($"{where}: {message.Blocks.Count} blocks");
        }

        if (message.Text.Length > BlockLimits.FallbackText)
        {
            violations.Add($"{where}: fallback text {message.Text.Length} chars");
        }

        if (MessageComposer.TextLength(message.Blocks) > BlockLimits.MessageTextBudget)
        {
            violations.Add($"{where}: {MessageComposer.TextLength(message.Blocks)} chars of block text");
        }

        CheckBlocks(message.Blocks, violations, where);
    }

    private static void CheckBlocks(JsonArray blocks, List<string> violations, string where)
    {
        void Max(JsonNode? node, int max, string what)
        {
            var text = node is JsonValue v ? v.GetValue<string>() : null;
            if (text is not null && (text.Length > max || text.Length == 0))
            {
                violations.Add($"{where}: {what} has {text.Length} chars (1–{max})");
            }
        }

        foreach (var block in blocks.Select(b => b!.AsObject()))
        {
            switch ((string?)block["type"])
            {
                case "header":
                    Max(block["text"]!["text"], BlockLimits.HeaderText, "header");
                    break;
                case "section":
                    Max(block["text"]?["text"], BlockLimits.SectionText, "section text");
                    if (block["fields"] is JsonArray fields)
                    {
                        if (fields.Count > BlockLimits.SectionFields)
                        {
                            violations.Add($"{where}: {fields.Count} section fields");
                        }

                        foreach (var field in fields)
                        {
                            Max(field!["text"], BlockLimits.SectionFieldText, "section field");
                        }
                    }

                    break;
                case "context":
                    if (block["elements"]!.AsArray().Count > BlockLimits.ContextElements)
                    {
                        violations.Add($"{where}: too many context elements");
                    }

                    foreach (var element in block["elements"]!.AsArray())
                    {
                        Max(element!["text"], BlockLimits.SectionText, "context text");
                    }

                    break;
                case "actions":
                    var elements = block["elements"]!.AsArray();
                    if (elements.Count > BlockLimits.ActionsElements)
                    {
                        violations.Add($"{where}: {elements.Count} buttons in one actions block");
                    }

                    foreach (var element in elements)
                    {
                        Max(element!["action_id"], BlockLimits.ActionId, "action_id");
                        if ((string?)element["type"] == "static_select")
                        {
                            // A menu of a form inside the message (a ballot's inline vote).
                            Max(element["placeholder"]?["text"], BlockLimits.Placeholder, "placeholder");
                            foreach (var option in element["options"]!.AsArray())
                            {
                                Max(option!["text"]!["text"], BlockLimits.OptionText, "option text");
                                Max(option["value"], BlockLimits.OptionValue, "option value");
                            }
                        }
                        else
                        {
                            Max(element["text"]!["text"], BlockLimits.ButtonText, "button text");
                        }
                    }

                    break;
                case "input":
                    Max(block["label"]!["text"], BlockLimits.InputLabel, "input label");
                    Max(block["hint"]?["text"], BlockLimits.InputHint, "input hint");
                    Max(block["element"]!["placeholder"]?["text"], BlockLimits.Placeholder, "placeholder");
                    foreach (var option in block["element"]!["options"]?.AsArray() ?? [])
                    {
                        Max(option!["text"]!["text"], BlockLimits.OptionText, "option text");
                        Max(option["value"], BlockLimits.OptionValue, "option value");
                    }

                    break;
            }
        }
    }

    private static IEnumerable<string> MrkdwnTexts(JsonNode? node) => node switch
    {
        JsonObject o when (string?)o["type"] == "mrkdwn" => [(string)o["text"]!],
        JsonObject o => o.SelectMany(p => MrkdwnTexts(p.Value)),
        JsonArray a => a.SelectMany(MrkdwnTexts),
        _ => [],
    };

    [GeneratedRegex("<[^>]*>?")]
    private static partial Regex Token();
}
