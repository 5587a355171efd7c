using System.Globalization;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Items;
using TriageBot.Core.Reports;

namespace TriageBot.Core.Views;

/// <summary>One row of a posted icebox sweep: the item as it is now, and, once decided, what happened and who did it.</summary>
public sealed record SweepRow(SweepItem Entry, string? Outcome = null)
{
    public bool Decided => Outcome is not null;
}

/// <summary>
/// The icebox sweep as people see it: one section per row, an open row with one "Decide…" button (so a card never carries
/// more than one action per item, and Teams cards can gather them into one), a decided row with what happened and who did
/// it and no button. Pure: the rows' outcomes are worked out from the item and its history by <see cref="Outcome"/>.
/// </summary>
public static class SweepViews
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public const string DecideLabel = "Decide…";

    /// <summary>The sweep as posted: every row open.</summary>
    public static ReportView Posted(IceboxSweep sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        return Build(sweep.At, sweep.Cutoff, [.. sweep.Items.Shown.Select(s => new SweepRow(s))], sweep.Items.Count);
    }

    /// <summary>The sweep posted at <paramref name="at"/> (cut off at <paramref name="cutoff"/>) with its rows as they stand; <paramref name="total"/> qualified when posted.</summary>
    public static ReportView Build(DateTimeOffset at, DateTimeOffset cutoff, IReadOnlyList<SweepRow> rows, int total)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var sections = new List<ReportSection>();
        if (rows.Count == 0)
        {
            sections.Add(new("Nothing to sweep", [new($"No icebox item has been there since {Date(cutoff)} without a re-score or a reason to keep it.")]));
        }

        foreach (var row in rows)
        {
            var item = row.Entry.Item;
            var summary = ItemSummaries.Of(item, at);
            // The heading names the item (key and title); its line is not "about an item", so channels do not repeat them.
            if (row.Outcome is { } outcome)
            {
                sections.Add(new ReportSection($"{item.Key} {item.Title}", [new("✓ " + outcome)]));
                continue;
            }

            var scored = item.Score is { } score
                ? $"last scored {Date(row.Entry.LastScored)} (total {score.Total})"
                : $"never scored (reported {Date(row.Entry.LastScored)})";
            sections.Add(new ReportSection($"{item.Key} {item.Title}", [new($"In the icebox since {Date(row.Entry.IceboxSince)}, {scored}.")])
            {
                Actions = [new ActionButton(ButtonIds.SweepDecide, DecideLabel, summary.Ref, ButtonStyle.Primary)],
            });
        }

        if (total > rows.Count)
        {
            sections.Add(new("More", [new($"…and {total - rows.Count} more; they will be listed once these are swept.")]));
        }

        var decided = rows.Count(r => r.Decided);
        var subtitle = $"{Plural.Of(total, "icebox item")} older than 6 months, not re-scored since {Date(cutoff)}, with no reason to keep";
        if (rows.Count > 0 && decided == rows.Count)
        {
            subtitle += rows.Count == 1 ? " · decided" : $" · all {rows.Count} decided";
        }
        else if (decided > 0)
        {
            subtitle += $" · {decided} of {rows.Count} decided";
        }

        return new ReportView(Wording.Ceremony(CeremonyKind.IceboxSweep), sections) { Subtitle = subtitle };
    }

    /// <summary>
    /// Whether a row is still open: the item still qualifies for the sweep it was listed on and no re-score was asked for.
    /// </summary>
    public static bool Open(Item item, DateTimeOffset sweptAt)
    {
        ArgumentNullException.ThrowIfNull(item);
        return IceboxSweepBuilder.Qualifies(item, sweptAt) && !item.RescoreRequested;
    }

    /// <summary>
    /// What happened to a decided row, and who did it, from the item now and its history since the sweep (oldest first):
    /// closed with its rationale, promoted, kept with its reason, re-scored, or sent to re-scoring.
    /// </summary>
    public static string Outcome(Item item, IReadOnlyList<HistoryEntry> since)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(since);
        HistoryEntry? Last(Func<HistoryEntry, bool> match) => since.LastOrDefault(match);
        string By(HistoryEntry? e) => e is null ? "" : $" by {e.Actor.DisplayName} on {Date(e.At)}";

        switch (item.State)
        {
            case ItemState.Closed:
                return $"Closed{By(Last(e => e.Kind == HistoryKind.StateChanged && e.To == nameof(ItemState.Closed)))}: {item.ClosedRationale}";
            case ItemState.Done:
                return $"Done{By(Last(e => e.Kind == HistoryKind.StateChanged && e.To == nameof(ItemState.Done)))}.";
            case not ItemState.Icebox:
                var scored = Last(e => e.Kind == HistoryKind.Scored);
                var left = Last(e => e.Kind == HistoryKind.StateChanged && e.From == nameof(ItemState.Icebox));
                var where = item.State == ItemState.Ready ? "the ready queue" : item.State.ToString();
                return scored is not null && (left is null || scored.At >= left.At)
                    ? $"Re-scored{By(scored)}{Total(item)}: now in {where}."
                    : $"Promoted to {where}{By(left)}.";
        }

        if (!string.IsNullOrWhiteSpace(item.KeepReason))
        {
            return $"Kept in the icebox{By(Last(e => e.Kind == HistoryKind.KeepMarked))}: {item.KeepReason}";
        }

        if (item.RescoreRequested)
        {
            return $"Sent to re-scoring{By(Last(e => e.Kind == HistoryKind.FieldChanged && e.Field == FieldIds.RescoreRequested))}: on the next clinic agenda.";
        }

        return $"Re-scored{By(Last(e => e.Kind == HistoryKind.Scored))}{Total(item)}: stays in the icebox.";
    }

    private static string Total(Item item) => item.Score is { } s ? string.Create(Invariant, $" (total {s.Total})") : "";

    private static string Date(DateTimeOffset at) => at.ToString("ddd d MMM yyyy", Invariant);
}
