using System.Globalization;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;
using TriageBot.Core.Views;
using static TriageBot.Dashboard.PageFormat;

namespace TriageBot.Dashboard;

/// <summary>
/// One item's page: where it stands and why (first, in plain words), its fields, its scores per round and its whole
/// history. Every piece of people's text is encoded by <see cref="Html"/>.
/// </summary>
internal static class ItemPage
{
    /// <summary>One item: its fields, its scores per round (from history) and its whole history.</summary>
    public static string Render(Backlog backlog, Item item, IReadOnlyList<HistoryEntry> history, QueuePosition? position, DateTimeOffset now, string basePath)
    {
        var zone = ZoneOf(backlog);
        var h = new Html();
        Head(h, $"{item.Key}: {item.Title} — {backlog.Name}");
        h.Open("header").Open("p", "meta").Link(basePath, "← " + backlog.Name + " dashboard").Close("p");
        SearchForm(h, basePath);
        h.Open("h1").Text(item.Key).Text(": ").Text(item.Title).Close("h1").Close("header").Open("main");
        StandingSection(h, ItemStanding.Of(item, history, backlog.Settings, position, now, zone));

        h.Raw("<section aria-labelledby=\"fields-h\"><h2 id=\"fields-h\">Fields</h2><dl class=\"fields\">");
        foreach (var (label, value) in Fields(item, now, zone))
        {
            h.El("dt", label).El("dd", value);
        }

        h.Raw("</dl>");
        if (item.Description.Length > 0)
        {
            h.Raw("<h3>Description</h3>").El("p", item.Description, "prewrap");
        }

        h.Raw("</section>");

        h.Raw("<section id=\"scores\" aria-labelledby=\"scores-h\"><h2 id=\"scores-h\">Scores by round</h2>");
        var scored = history.Where(e => e.Kind == HistoryKind.Scored).ToList();
        if (scored.Count == 0)
        {
            h.El("p", "Not scored yet.", "empty");
        }
        else
        {
            OpenTable(h, "Every finalized scoring round, oldest first.", "When", "Finalized by", "Total", "Scores and placement");
            foreach (var e in scored)
            {
                h.Raw("<tr>").Open("th", null, ("scope", "row"), ("data-label", "When")).Text(Local(e.At, zone)).Close("th");
                Cell(h, "Finalized by", e.Actor.DisplayName);
                Cell(h, "Total", e.To);
                Cell(h, "Scores and placement", e.Reason).Raw("</tr>");
            }

            CloseTable(h);
        }

        if (item.Score is { } s)
        {
            h.Open("h3").Text("Latest score (round ").Text(s.Round).Text(")").Close("h3");
            OpenTable(h, null, "Dimension", "Weight", "Score", "Justification");
            foreach (var d in RubricRules.Dimensions)
            {
                h.Raw("<tr>").Open("th", null, ("scope", "row"), ("data-label", "Dimension")).Text(Wording.Dimension(d)).Close("th");
                Cell(h, "Weight", RubricRules.Weight(d).ToString(CultureInfo.InvariantCulture));
                Cell(h, "Score", s.Scores[d].ToString(CultureInfo.InvariantCulture));
                Cell(h, "Justification", s.Justifications.GetValueOrDefault(d) ?? "", "prewrap").Raw("</tr>");
            }

            CloseTable(h);
            h.Open("p").Text("Weighted total ").Text(s.Total).Text(" → ").Text(Wording.Queue(s.Placement)).Text(".").Close("p");
        }

        h.Raw("</section>");

        h.Raw("<section id=\"history\" aria-labelledby=\"history-h\"><h2 id=\"history-h\">History</h2>");
        OpenTable(h, "Every change, oldest first.", "When", "Who", "What", "Change", "Why");
        foreach (var e in history)
        {
            h.Raw("<tr>").Open("th", null, ("scope", "row"), ("data-label", "When")).Text(Local(e.At, zone)).Close("th");
            Cell(h, "Who", e.Actor.DisplayName);
            Cell(h, "What", HistoryKindName(e.Kind) + (e.Field is { } f ? $" ({f})" : ""));
            Cell(h, "Change", e.From is null && e.To is null ? "" : $"{e.From ?? "—"} → {e.To ?? "—"}");
            Cell(h, "Why", e.Reason ?? "", "prewrap").Raw("</tr>");
        }

        CloseTable(h);
        h.Raw("</section></main>");
        Foot(h);
        return h.ToString();
    }

    private static IEnumerable<(string, string)> Fields(Item item, DateTimeOffset now, TimeZoneInfo zone)
    {
        yield return ("Stream", Wording.Stream(item.Stream));
        yield return ("State", State(item) + (item.Feature is { } f && item.State is ItemState.Ready or ItemState.Sprint or ItemState.Active ? $" · {f.Column}" : ""));
        yield return ("In this state since", Local(item.StateSince, zone));
        yield return ("Placement", Placement(item));
        yield return ("Reported by", item.Reporter.DisplayName);
        yield return ("Reported", Local(item.CreatedAt, zone) + " (" + Ago(item.CreatedAt, now) + ")");
        yield return ("Owner", item.Owner?.DisplayName ?? "nobody yet");
        var flags = Flags(item, now).ToList();
        if (flags.Count > 0) yield return ("Flags", string.Join(", ", flags));
        if (item.Model is { } m)
        {
            yield return ("Suspected lever", m.Lever.ToString());
            if (m.AffectedSlice.Length > 0) yield return ("Affected slice", m.AffectedSlice);
            if (m.Timebox is { } tb) yield return ("Timebox", $"{tb.LengthDays} days, {Date(tb.Start, zone)} → {Date(tb.End, zone)}");
            yield return ("Evaluation gate", m.EvaluationGatePassed ? "passed" : "not passed yet");
            if (m.QualityFlag.Length > 0) yield return ("Quality flag", m.QualityFlag);
        }

        if (item.Bug is { } b)
        {
            yield return ("Frequency", b.Frequency.ToString());
            if (b.AffectedWauPercent is { } pct) yield return ("Affected weekly active users", pct.ToString("0.#", CultureInfo.InvariantCulture) + "%");
            if (ItemReading.Severity(item) is { } sev) yield return ("Severity", sev.ToString());
            if (b.ReproSteps.Length > 0) yield return ("Reproduction steps", b.ReproSteps);
            if (b.Expected.Length > 0) yield return ("Expected", b.Expected);
            if (b.Actual.Length > 0) yield return ("Actual", b.Actual);
        }

        if (item.Feature is { } feature)
        {
            yield return ("Column", feature.Column.ToString());
            if (feature.Problem.Length > 0) yield return ("Problem", feature.Problem);
            if (feature.RequestedBy.Length > 0) yield return ("Requested by", feature.RequestedBy);
            yield return ("Success metric", feature.SuccessMetric.Length > 0 ? feature.SuccessMetric : "not set");
        }

        if (CapabilityNoteRules.CapabilityNoteOf(item) is { } note)
        {
            yield return ("Capability note", $"{note.Text} ({(note.Scale == CapabilityScale.DaysFeature ? "a days-long feature" : "a weeks-long capability project")}, by {note.Author.DisplayName})");
        }

        if (item.Incident is { } inc) yield return ("Touches", string.Join(", ", inc.Touches.Select(Wording.Stream)));
        if (item.ImpactEvidence.Length > 0) yield return ("Evidence of user impact", item.ImpactEvidence);
        if (item.ClosedRationale is { } why) yield return ("Closed because", why);
        if (item.Links.Count > 0) yield return ("Links", string.Join(" ", item.Links));
    }

    private static void StandingSection(Html h, Standing standing)
    {
        h.Raw("<section id=\"standing\" aria-labelledby=\"standing-h\"><h2 id=\"standing-h\">Where it stands, and why</h2>");
        h.El("p", standing.Where, "where");
        foreach (var line in standing.Score)
        {
            h.El("p", line, "score-line");
        }

        if (standing.WaitsFor.Count > 0)
        {
            h.Raw("<h3>Waiting for</h3><ul class=\"gates\">");
            foreach (var gate in standing.WaitsFor)
            {
                h.El("li", gate);
            }

            h.Raw("</ul>");
        }

        h.Raw("</section>");
    }

    private static string HistoryKindName(HistoryKind kind) => kind switch
    {
        HistoryKind.StateChanged => "State changed",
        HistoryKind.PlacementHeld => "Placement held",
        HistoryKind.OwnerChanged => "Owner changed",
        HistoryKind.FieldChanged => "Field changed",
        HistoryKind.ColumnChanged => "Column changed",
        HistoryKind.CapabilityNoteAdded => "Capability note added",
        HistoryKind.TimeboxSet => "Timebox set",
        HistoryKind.VotingRoundOpened => "Voting round opened",
        HistoryKind.KeepMarked => "Kept in the icebox",
        _ => kind.ToString(),
    };

}
