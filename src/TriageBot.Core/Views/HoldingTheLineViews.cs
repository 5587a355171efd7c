using System.Globalization;
using TriageBot.Core.Items;
using TriageBot.Core.Reports;
using TriageBot.Core.Rubric;

namespace TriageBot.Core.Views;

/// <summary>The report sections that show the line being held (SPEC §12): WIP overrides and the cautious release lane.</summary>
internal static class HoldingTheLineViews
{
    public const string OverridesHeading = "WIP overrides this week";

    /// <summary>Each start beyond a WIP limit: who, which item, the count and the limit, and the written reason.</summary>
    public static ReportSection Overrides(Listed<WipOverrideLine> overrides, DateTimeOffset now)
    {
        var lines = overrides.Shown.Select(o => new ReportLine(
            $"{o.Item?.Key ?? "#" + o.Entry.ItemNumber.ToString(CultureInfo.InvariantCulture)}{(o.Item is { } i ? " " + i.Title : "")}: started by {o.Entry.Actor.DisplayName} on " +
            $"{o.Entry.At.ToString("ddd d MMM", CultureInfo.InvariantCulture)} {Beyond(o.Entry)}. Reason: {o.Entry.Reason}",
            o.Item is { } item ? ItemSummaries.Of(item, now) : null, Problem: true)).ToList();
        if (lines.Count == 0)
        {
            lines.Add(new("No start beyond a WIP limit this week."));
        }
        else if (overrides.More > 0)
        {
            lines.Add(new($"…and {overrides.More} more."));
        }

        return new(OverridesHeading, lines);
    }

    /// <summary>
    /// "with 3 bug items already active (limit 2)"; an entry that did not record the count or the limit (written by an import
    /// or an older version) says only what it knows, never "(limit )".
    /// </summary>
    private static string Beyond(HistoryEntry e)
    {
        var stream = ItemValidation.StreamName(e.Stream);
        var active = string.IsNullOrWhiteSpace(e.From) ? $"with {stream} items already at the WIP limit" : $"with {e.From} {stream} items already active";
        return string.IsNullOrWhiteSpace(e.To) ? active : $"{active} (limit {e.To})";
    }

    /// <summary>Items in the sprint or in progress with rollback risk 1, named as the cautious release lane.</summary>
    public static ReportSection CautiousLane(IReadOnlyList<Item> items, int more, DateTimeOffset now, string where)
    {
        var lines = items.Select(i => new ReportLine(
            $"{i.Key} {i.Title} ({i.State.ToString().ToLowerInvariant()}): rollback risk scored 1, so it is hard to reverse; release it carefully (staged rollout, a way back ready).",
            ItemSummaries.Of(i, now))).ToList();
        if (lines.Count == 0)
        {
            lines.Add(new($"No item {where} is in the cautious release lane."));
        }
        else if (more > 0)
        {
            lines.Add(new($"…and {more} more."));
        }

        return new(RubricRules.CautiousReleaseLabel, lines);
    }
}
