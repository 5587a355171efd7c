using System.Globalization;
using System.Text;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Rubric;
using TriageBot.Core.Views;

namespace TriageBot.Trackers.Sync;

/// <summary>What TriageBot writes into a tracker issue: the body at creation, labels and state on every push, and a comment per change.</summary>
internal static class IssueText
{
    public static IssueDraft Draft(Item item, string? itemUrl, string? assignee) => new(
        $"[{item.Key}] {item.Title}",
        Body(item, itemUrl),
        Labels(item),
        Open: item.State is not (ItemState.Done or ItemState.Closed),
        Completed: item.State == ItemState.Done,
        assignee);

    public static IReadOnlyList<string> Labels(Item item) =>
        ["triagebot", $"stream: {item.Stream.ToString().ToLowerInvariant()}", $"triage: {item.State.ToString().ToLowerInvariant()}"];

    public static string Body(Item item, string? itemUrl)
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"**{item.Key}** · {Wording.Stream(item.Stream)} · {item.State}");
        if (itemUrl is not null)
        {
            b.Append(CultureInfo.InvariantCulture, $" · [open in TriageBot]({itemUrl})");
        }

        b.AppendLine().AppendLine();
        if (item.Description.Length > 0)
        {
            b.AppendLine(item.Description).AppendLine();
        }

        if (item.Score is { } score)
        {
            b.AppendLine("| dimension | score | why |").AppendLine("|---|---|---|");
            foreach (var d in Enum.GetValues<Dimension>())
            {
                b.AppendLine(CultureInfo.InvariantCulture, $"| {Wording.Dimension(d)} | {score.Scores[d]} | {Cell(score.Justifications.GetValueOrDefault(d) ?? "")} |");
            }

            b.AppendLine().AppendLine(CultureInfo.InvariantCulture,
                $"**Weighted total: {score.Total}** (round {score.Round}, finalized by {score.FinalizedBy.DisplayName} on {score.At.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)})").AppendLine();
        }

        if ((item.Feature?.CapabilityNote ?? item.DependencyNote) is { } note)
        {
            b.AppendLine(CultureInfo.InvariantCulture, $"**Capability note** ({(note.Scale == CapabilityScale.DaysFeature ? "days of work" : "weeks of capability work")}, {note.Author.DisplayName}): {note.Text}").AppendLine();
        }

        b.Append("<sub>Synced by TriageBot: closing, reopening and assigning this issue are read back; edits to this text are not.</sub>");
        return b.ToString();
    }

    /// <summary>The comment for a push after the first: what changed since the last one, or null when nothing the tracker shows did.</summary>
    public static string? ChangeComment(Item item, TrackerSnapshot? before, string? itemUrl)
    {
        var now = TrackerSnapshot.Of(item);
        if (before is null || before == now)
        {
            return null;
        }

        var lines = new List<string>();
        if (before.State != now.State)
        {
            lines.Add($"State: {before.State} → {now.State}{(item.State == ItemState.Closed && item.ClosedRationale is { } r ? $" ({r})" : "")}");
        }

        if (before.Total != now.Total || before.Round != now.Round)
        {
            lines.Add(item.Score is { } s
                ? $"Re-scored: weighted total {(before.Total is { } t ? t.ToString(CultureInfo.InvariantCulture) : "none")} → {s.Total} (round {s.Round}): " +
                  string.Join(", ", Enum.GetValues<Dimension>().Select(d => $"{Wording.Dimension(d)} {s.Scores[d]}"))
                : "The score was cleared.");
        }

        if (before.OwnerKey != now.OwnerKey)
        {
            lines.Add($"Owner: {item.Owner?.DisplayName ?? "nobody"}");
        }

        if (before.Title != now.Title)
        {
            lines.Add($"Title in TriageBot: {item.Title}");
        }

        if (!before.HasNote && now.HasNote && (item.Feature?.CapabilityNote ?? item.DependencyNote) is { } note)
        {
            lines.Add($"Capability note by {note.Author.DisplayName}: {note.Text}");
        }

        if (lines.Count == 0)
        {
            return null;
        }

        var link = itemUrl is null ? "" : $"\n\n[{item.Key} in TriageBot]({itemUrl})";
        return $"**TriageBot** — {item.Key}:\n\n" + string.Join("\n", lines.Select(l => "- " + l)) + link;
    }

    private static string Cell(string text) => text.ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>Names one change comment (<c>TRI-42/3fa2c1d07b</c>): the item, what was last pushed and what is pushed now.</summary>
    public static string CommentMarker(string itemKey, TrackerSnapshot? from, TrackerSnapshot to) =>
        $"{itemKey}/{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{itemKey}|{from}|{to}")))[..10]}";
}
