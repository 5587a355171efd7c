using System.Globalization;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;
using TriageBot.Core.Views;
using static TriageBot.Dashboard.PageFormat;

namespace TriageBot.Dashboard;

/// <summary>The dashboard's lists: the ranked sprint and ready queues, items not yet scored, the icebox, and what was recently finished and why.</summary>
internal static class QueueSections
{
    public static void Ranked(Html h, string id, string title, string caption, RankedList list, DateTimeOffset now, string basePath)
    {
        Open(h, id, title, list);
        if (list.Items.Count == 0)
        {
            h.El("p", Wording.NothingHere, "empty").Close("section");
            return;
        }

        OpenTable(h, caption, ["Rank", "Item", "Title", "Stream", .. RubricRules.Dimensions.Select(Wording.DimensionShort), "Total", "Placement", "Age", "Flags"]);
        var rank = 0;
        foreach (var item in list.Items)
        {
            rank++;
            var score = item.Score;
            h.Open("tr", null, ("data-key", item.Key));
            Cell(h, "Rank", rank.ToString(CultureInfo.InvariantCulture), "num");
            KeyCell(h, basePath, item);
            Cell(h, "Title", item.Title, "title");
            Cell(h, "Stream", Wording.Stream(item.Stream));
            foreach (var d in RubricRules.Dimensions)
            {
                Cell(h, Wording.Dimension(d), score is null ? "–" : score.Scores[d].ToString(CultureInfo.InvariantCulture), "num");
            }

            Cell(h, "Total", score?.Total.ToString(CultureInfo.InvariantCulture) ?? "unscored", "num", "total");
            Cell(h, "Placement", Placement(item));
            Cell(h, "Age", Days(item.CreatedAt, now));
            FlagsCell(h, item, now);
            h.Close("tr");
        }

        CloseTable(h);
        More(h, list);
        h.Close("section");
    }

    public static void Icebox(Html h, DashboardSnapshot s, string basePath)
    {
        var list = s.Icebox;
        Open(h, "icebox", "Icebox", list);
        if (list.Items.Count == 0)
        {
            h.El("p", Wording.NothingHere, "empty").Close("section");
            return;
        }

        OpenTable(h, "Oldest first. Items older than 6 months come up at the quarterly icebox sweep.", "Item", "Title", "Stream", "Total", "Age", "Last scored", "Flags");
        foreach (var item in list.Items)
        {
            h.Open("tr", null, ("data-key", item.Key));
            KeyCell(h, basePath, item);
            Cell(h, "Title", item.Title, "title");
            Cell(h, "Stream", Wording.Stream(item.Stream));
            Cell(h, "Total", item.Score?.Total.ToString(CultureInfo.InvariantCulture) ?? "unscored", "num", "total");
            Cell(h, "Age", Days(item.CreatedAt, s.Now));
            Cell(h, "Last scored", item.Score is { } sc ? Date(sc.At, s.Zone) : "never");
            FlagsCell(h, item, s.Now);
            h.Close("tr");
        }

        CloseTable(h);
        More(h, list);
        h.Close("section");
    }

    /// <summary>The most recent done and closed items, with who finished them and the rationale given for a close.</summary>
    public static void Finished(Html h, DashboardSnapshot s, string basePath)
    {
        var list = s.Finished;
        h.Open("section", null, ("id", "finished"), ("aria-labelledby", "finished-h"), ("data-count", list.TotalCount.ToString(CultureInfo.InvariantCulture)));
        h.Raw("<h2 id=\"finished-h\">Recently done and closed</h2>");
        if (list.Items.Count == 0)
        {
            h.El("p", "Nothing has been finished or closed yet.", "empty").Close("section");
            return;
        }

        OpenTable(h, $"The {list.Items.Count} most recent of {list.TotalCount}, newest first; a closed item says why it was closed.",
            "Item", "Title", "Stream", "Outcome", "When", "Why");
        foreach (var item in list.Items)
        {
            h.Open("tr", null, ("data-key", item.Key), ("data-state", item.State.ToString().ToLowerInvariant()));
            KeyCell(h, basePath, item);
            Cell(h, "Title", item.Title, "title");
            Cell(h, "Stream", Wording.Stream(item.Stream));
            Cell(h, "Outcome", item.State == ItemState.Done ? "Done" : "Closed");
            Cell(h, "When", Date(item.StateSince, s.Zone) + " (" + Ago(item.StateSince, s.Now) + ")");
            Cell(h, "Why", Why(item), "prewrap", "why");
            h.Close("tr");
        }

        CloseTable(h);
        if (list.TotalCount > list.Items.Count)
        {
            h.Open("p", "more").Text("… and ").Text(list.TotalCount - list.Items.Count).Text(" earlier ones in the CSV export; search finds any of them.").Close("p");
        }

        h.Close("section");
    }

    private static string Why(Item item) => item switch
    {
        { State: ItemState.Closed, ClosedRationale: { Length: > 0 } why } => why,
        { State: ItemState.Closed } => "no rationale recorded",
        { Model.EvaluationGatePassed: true } => "finished; evaluation gate passed",
        { Score: { } sc } => $"finished; scored {sc.Total} ({Wording.Queue(sc.Placement)})",
        _ => "finished",
    };

    private static void Open(Html h, string id, string title, RankedList list)
    {
        h.Open("section", null, ("id", id), ("aria-labelledby", id + "-h"), ("data-count", list.TotalCount.ToString(CultureInfo.InvariantCulture)));
        h.Open("h2", null, ("id", id + "-h")).Text(title).Text(" (").Text(list.TotalCount).Text(")").Close("h2");
    }

    private static void FlagsCell(Html h, Item item, DateTimeOffset now)
    {
        var flags = Flags(item, now).ToList();
        h.Open("td", null, ("data-label", "Flags"), ("data-col", "flags"));
        for (var i = 0; i < flags.Count; i++)
        {
            if (i > 0)
            {
                h.Text(", ");
            }

            if (flags[i] == RubricRules.CautiousReleaseLabel)
            {
                h.Open("strong", "lane").Text(flags[i]).Close("strong");
            }
            else
            {
                h.Text(flags[i]);
            }
        }

        h.Close("td");
    }
}
