using System.Text.Json.Nodes;
using TriageBot.Core.Views;

namespace TriageBot.Slack.Blocks;

/// <summary>Reports as Slack messages: ceremony posts, on-demand reports, the icebox sweep, reminders and nudges.</summary>
internal static class ReportBlocks
{
    /// <summary>A section with one button and at most this many lines is laid out as one block with the button beside it.</summary>
    private const int RowLines = 3;

    public static SlackMessage Render(ReportView v)
    {
        var c = new MessageComposer { DashboardUrl = v.DashboardUrl };
        c.Header(v.Late ? v.Title + Wording.LateSuffix : v.Title);
        var context = new List<string>();
        if (v.Subtitle is not null)
        {
            context.Add(SlackText.Escape(v.Subtitle));
        }

        if (v.Late)
        {
            context.Add(":hourglass: " + Wording.PostedLate);
        }

        c.Context(context);
        // A report of rows with one button each (the icebox sweep's "Decide…", the nudges), or of more sections than a heading
        // block and a text block each would fit (a sweep whose every row is decided): every short section is one block, its
        // button beside its text, so 25 rows stay within Slack's 50 blocks.
        var rows = v.Sections.All(s => s.Actions.Count <= 1)
            && (v.Sections.Any(s => s.Actions.Count == 1) || 2 * v.Sections.Count + 6 > BlockLimits.MessageBlocks);
        foreach (var section in v.Sections)
        {
            if (rows && section.Lines.Count <= RowLines)
            {
                var row = string.Join("\n", [$"*{SlackText.Escape(section.Heading)}*", .. section.Lines.Select(ReportLineText)]);
                c.Section(SlackText.TruncateMrkdwn(row, BlockLimits.SectionText), section.Actions.Count == 1 ? c.Buttons.Button(section.Actions[0]) : null);
                continue;
            }

            c.Section($"*{SlackText.Escape(section.Heading)}*");
            var lines = section.Lines.Select(ReportLineText).ToList();
            if (lines.Count > 0)
            {
                c.Lines(lines, 20);
            }

            c.Actions(section.Actions);
        }

        var links = new List<string>();
        if (v.ChartUrl is not null)
        {
            links.Add(SlackText.Link(v.ChartUrl, "View the chart"));
        }

        if (v.DashboardUrl is not null)
        {
            links.Add(SlackText.Link(v.DashboardUrl, "Open the dashboard"));
        }

        c.Context(links);
        c.TailActions(v.Actions);
        return c.Build(v.Title);
    }

    private static string ReportLineText(ReportLine line)
    {
        var prefix = line.Problem ? ":warning: " : "• ";
        var text = SlackText.Escape(line.Text);
        if (line.Item is not { } item)
        {
            return prefix + text;
        }

        // Core's lines about an item start with its key: link that key rather than repeat key and title before the text.
        return line.Text.StartsWith(item.Key + " ", StringComparison.Ordinal)
            ? $"{prefix}*{BlockKitRenderer.KeyLink(item)}* {SlackText.Escape(line.Text[(item.Key.Length + 1)..])}"
            : $"{prefix}*{BlockKitRenderer.KeyLink(item)}* {SlackText.Escape(item.Title)} — {text}";
    }
}
