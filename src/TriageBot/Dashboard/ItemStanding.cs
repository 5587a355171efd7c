using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;
using TriageBot.Core.Streams;
using TriageBot.Core.Views;
using static TriageBot.Dashboard.PageFormat;

namespace TriageBot.Dashboard;

/// <summary>An item's place in its queue: 1-based rank among <see cref="Of"/> items in the same state.</summary>
internal sealed record QueuePosition(int Rank, int Of);

/// <summary>What an item page says about where the item stands, in plain sentences, and what it waits for.</summary>
internal sealed record Standing(string Where, IReadOnlyList<string> Score, IReadOnlyList<string> WaitsFor);

/// <summary>
/// Answers "why not mine?" for one item: where it stands (queue and place in it, or who works on it, or how it
/// ended), its total against the thresholds in force, the round and who finalized it, and the gates it waits for.
/// A pure function of the item, its history, the backlog's settings and its place in its queue.
/// </summary>
internal static class ItemStanding
{
    public static Standing Of(Item item, IReadOnlyList<HistoryEntry> history, BacklogSettings settings, QueuePosition? position, DateTimeOffset now, TimeZoneInfo zone)
    {
        return new Standing(Where(item, history, settings, position, now, zone), ScoreLines(item, settings, zone), Gates(item, now, zone));
    }

    private static string Where(Item item, IReadOnlyList<HistoryEntry> history, BacklogSettings settings, QueuePosition? position, DateTimeOffset now, TimeZoneInfo zone)
    {
        var place = position is { } p ? $" It is number {p.Rank} of {p.Of}, ranked by weighted total, then age." : "";
        var total = item.Score?.Total;
        switch (item.State)
        {
            case ItemState.New when item.HeldPlacement is { } held:
                return $"Scored, but held: its total of {total} places it in the {Wording.Queue(held).ToLowerInvariant()}, and it goes there once an engineer adds the capability note.";
            case ItemState.New:
                return $"Reported {Ago(item.CreatedAt, now)} and not scored yet: it is on the agenda of the next triage clinic, where the team votes on it.";
            case ItemState.Sprint:
                return $"In the sprint: its total of {total} reaches the sprint threshold of {settings.SprintThreshold}.{place}";
            case ItemState.Ready:
                var gap = total is { } t ? settings.SprintThreshold - t : 0;
                return $"In the ready queue, not the sprint: its total of {total} is {gap} {(gap == 1 ? "point" : "points")} below the sprint threshold of {settings.SprintThreshold}.{place} "
                    + "The clinic re-scores the top of the ready queue, and items start from it when the sprint has room.";
            case ItemState.Icebox:
                var keep = item.KeepReason is { Length: > 0 } k ? $" Kept in the icebox at the last sweep: {k}." : "";
                return $"In the icebox: its total of {total?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"} is below the ready threshold of {settings.ReadyThreshold}. "
                    + $"Icebox items older than 6 months come up at the quarterly icebox sweep.{keep}";
            case ItemState.Active:
                return $"In flight: {item.Owner?.DisplayName ?? "nobody"} has worked on it since {Date(item.StateSince, zone)} ({Days(item.StateSince, now)}).";
            case ItemState.Done:
                return $"Done on {Date(item.StateSince, zone)} ({Ago(item.StateSince, now)}){By(history, ItemState.Done)}.";
            default:
                var why = item.ClosedRationale is { Length: > 0 } r ? r : "no rationale was recorded";
                return $"Closed on {Date(item.StateSince, zone)} ({Ago(item.StateSince, now)}){By(history, ItemState.Closed)}, because: {why}";
        }
    }

    private static List<string> ScoreLines(Item item, BacklogSettings settings, TimeZoneInfo zone)
    {
        var thresholds = $"The thresholds in force: sprint {settings.SprintThreshold} or more, ready queue {settings.ReadyThreshold}–{settings.SprintThreshold - 1}, icebox below {settings.ReadyThreshold} (totals run from {RubricRules.MinTotal} to {RubricRules.MaxTotal}).";
        if (item.Score is not { } s)
        {
            return ["Not scored yet.", thresholds];
        }

        var lines = new List<string>
        {
            $"Weighted total {s.Total}: {Wording.Scores(s.Scores)} (weights 3, 2, 2, 1). Round {s.Round}, finalized by {s.FinalizedBy.DisplayName} on {Date(s.At, zone)}.",
            thresholds,
        };
        var today = RubricRules.Place(s.Total, settings);
        if (today != s.Placement)
        {
            lines.Add($"It was placed in the {Wording.Queue(s.Placement).ToLowerInvariant()} under the thresholds of the time; under today's it would go to the {Wording.Queue(today).ToLowerInvariant()}.");
        }

        if (RubricRules.CautiousRelease(s.Scores))
        {
            lines.Add($"{RubricRules.CautiousReleaseLabel}: rollback risk scored 1, so it is hard to reverse and ships carefully.");
        }

        return lines;
    }

    private static List<string> Gates(Item item, DateTimeOffset now, TimeZoneInfo zone)
    {
        var gates = new List<string>();
        if (!ItemReading.IsOpen(item.State))
        {
            return gates;
        }

        if (CapabilityNoteRules.NeedsCapabilityNote(item))
        {
            gates.Add("A capability note from an engineer: which model, retrieval or evaluation capability it depends on, and whether it is days or weeks of work.");
        }

        if (item.Stream == WorkStream.Feature && string.IsNullOrWhiteSpace(item.Feature?.SuccessMetric))
        {
            gates.Add("A success metric, set by a facilitator: a feature moves into Build and is done only against one.");
        }

        if (item.Stream == WorkStream.Model)
        {
            if (item.Model?.Timebox is null)
            {
                gates.Add("A timebox (model work is sized by a timebox, never by points): it cannot start without one.");
            }
            else if (Timeboxes.IsExpired(item, now))
            {
                gates.Add($"A re-scope: its timebox ended on {Date(item.Model.Timebox.End, zone)}; the owner extends it with a reason or stops.");
            }

            if (item.State == ItemState.Active && item.Model?.EvaluationGatePassed != true)
            {
                gates.Add("The evaluation gate: model work is done only after it passes its evaluation before merge.");
            }
        }

        if (ScoringRules.DueForRescore(item, now))
        {
            gates.Add("A re-score: its score is more than 2 months old, so it comes up at the next clinic.");
        }

        return gates;
    }

    private static string By(IReadOnlyList<HistoryEntry> history, ItemState state) =>
        history.LastOrDefault(e => e.Kind == HistoryKind.StateChanged && e.To == state.ToString()) is { } e ? " by " + e.Actor.DisplayName : "";
}
