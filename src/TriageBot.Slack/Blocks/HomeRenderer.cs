using System.Globalization;
using System.Text.Json.Nodes;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Views;

namespace TriageBot.Slack.Blocks;

/// <summary>
/// Renders a person's <see cref="HomeView"/> as the App Home tab (<c>views.publish</c>, a <c>home</c> view of at most
/// 100 blocks): a header, then each list that has something in it, one section per item with its first button beside it.
/// </summary>
public static class HomeRenderer
{
    /// <summary>Characters of text a home carries at most, well inside the 250 kB Slack takes for a view.</summary>
    public const int HomeTextBudget = 60_000;

    /// <summary>A title, detail or name in a home line is cut to this many characters (the item page has it whole).</summary>
    private const int FieldMax = 300;

    /// <summary>The <c>view</c> argument of <c>views.publish</c>.</summary>
    public static JsonObject Render(HomeView view) => new()
    {
        ["type"] = "home",
        ["blocks"] = Blocks(view, BlockLimits.ModalBlocks, HomeTextBudget),
    };

    /// <summary>
    /// The home's blocks: at most <paramref name="maxBlocks"/> blocks and <paramref name="textBudget"/> characters of text;
    /// what does not fit is counted in a last line (the lists are already capped at <see cref="HomeViews.MaxPerList"/>).
    /// </summary>
    public static JsonArray Blocks(HomeView view, int maxBlocks, int textBudget)
    {
        ArgumentNullException.ThrowIfNull(view);
        var blocks = new List<JsonObject> { Header("Your triage") };
        if (view.Backlogs.Count == 0)
        {
            blocks.Add(Section(SlackText.Escape("You don't belong to a triage backlog yet. Ask a facilitator to add you (`role @you member`), or run `/triage setup` in a channel to start one."), null));
            return [.. blocks];
        }

        blocks.Add(Context($"Your backlogs: {SlackText.EscapeAndTruncate(string.Join(", ", view.Backlogs), 2000)} · updated {view.At.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC"));
        var buttons = new ButtonFactory();
        List("Ballots waiting for your vote", view.Ballots, "No ballot is waiting for your vote.");
        List("Capability notes asked of you", view.NotesRequested, null);
        List("Your open items", view.MyItems, "You have no open items.");
        List("Your timeboxes ending soon", view.Timeboxes, null);
        if (view.Ceremonies.Count > 0)
        {
            blocks.Add(Header("Next ceremonies"));
            blocks.Add(Section(string.Join("\n", view.Ceremonies.Select(Ceremony)), null));
        }

        var kept = new List<JsonObject>();
        var used = 0;
        foreach (var block in blocks)
        {
            var length = MessageComposer.TextLength(block);
            if (kept.Count >= maxBlocks - 1 || used + length > textBudget - 200)
            {
                kept.Add(Context($"_{blocks.Count - kept.Count} more line(s) did not fit: `/triage list` shows everything_"));
                break;
            }

            kept.Add(block);
            used += length;
        }

        return [.. kept];

        void List(string title, IReadOnlyList<HomeEntry> entries, string? whenEmpty)
        {
            if (entries.Count == 0 && whenEmpty is null)
            {
                return;
            }

            blocks.Add(Header(title));
            if (entries.Count == 0)
            {
                blocks.Add(Context(SlackText.Escape(whenEmpty)));
                return;
            }

            foreach (var entry in entries.Take(HomeViews.MaxPerList))
            {
                var line = $"*{SlackText.EscapeAndTruncate(entry.Item.Key, 40)}* {SlackText.EscapeAndTruncate(entry.Item.Title, FieldMax)}\n"
                    + $"{SlackText.EscapeAndTruncate(entry.Detail, FieldMax)} · {SlackText.EscapeAndTruncate(entry.BacklogName, FieldMax)}";
                var link = entry.Item.Url is { } url ? " · " + SlackText.Link(url, "dashboard") : "";
                blocks.Add(Section(line + link, entry.Actions.Count > 0 ? buttons.Button(entry.Actions[0]) : null));
            }

            if (entries.Count > HomeViews.MaxPerList)
            {
                blocks.Add(Context($"_… and {entries.Count - HomeViews.MaxPerList} more_"));
            }
        }
    }

    private static string Ceremony(HomeCeremony c)
    {
        var local = TimeZoneInfo.ConvertTime(c.At, IanaZone.Find(c.TimeZone));
        return $"• {SlackText.EscapeAndTruncate(c.Name, 100)} of {SlackText.EscapeAndTruncate(c.BacklogName, FieldMax)}: {local.ToString("ddd yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} ({SlackText.EscapeAndTruncate(c.TimeZone, 64)})";
    }

    private static JsonObject Header(string text) => new() { ["type"] = "header", ["text"] = SlackText.Plain(text, BlockLimits.HeaderText) };

    private static JsonObject Section(string mrkdwn, JsonObject? accessory)
    {
        var section = new JsonObject { ["type"] = "section", ["text"] = SlackText.Mrkdwn(mrkdwn) };
        if (accessory is not null)
        {
            section["accessory"] = accessory;
        }

        return section;
    }

    private static JsonObject Context(string mrkdwn) => new() { ["type"] = "context", ["elements"] = new JsonArray(SlackText.Mrkdwn(mrkdwn)) };
}
