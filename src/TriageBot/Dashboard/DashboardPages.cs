using System.Globalization;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;
using TriageBot.Core.Views;

namespace TriageBot.Dashboard;

/// <summary>
/// Renders the dashboard's pages as HTML. Pure functions of the data they are given; every piece of people's text is
/// encoded by <see cref="Html"/>. Works without JavaScript; semantic headings, tables with scoped headers, <c>lang</c>.
/// </summary>
internal static class DashboardPages
{
    public const string StylesheetPath = "/dashboard-assets/dashboard.css";

    public static string Backlog(DashboardSnapshot s, string basePath)
    {
        var h = new Html();
        Head(h, s.Backlog.Name + " — TriageBot dashboard");
        h.Open("header").El("h1", s.Backlog.Name);
        h.Open("p", "meta").Text("Backlog dashboard · as of ").Text(Local(s.Now, s.Zone)).Text(" (").Text(s.Backlog.TimeZone).Text(") · ")
            .Link(basePath + "/export.csv", "Download CSV").Close("p");
        h.Close("header").Open("main");

        StreamsSection(h, s);
        IncidentSection(h, s, basePath);
        ListSection(h, "sprint", "Sprint", "Items scored into the next sprint, ranked by weighted total, then age.", s.Sprint, s.Now, basePath);
        ListSection(h, "ready", "Ready queue", "Groomed and waiting, ranked by weighted total, then age.", s.Ready, s.Now, basePath);
        ListSection(h, "new", "Reported, not yet scored", "Waiting for the next triage clinic.", s.New, s.Now, basePath);
        IceboxSection(h, s, basePath);
        AllocationSection(h, s);
        CeremoniesSection(h, s);

        h.Close("main");
        Foot(h);
        return h.ToString();
    }

    private static void StreamsSection(Html h, DashboardSnapshot s)
    {
        h.Open("section", null, ("id", "streams"), ("aria-labelledby", "streams-h")).Raw("<h2 id=\"streams-h\">Streams</h2>");
        h.Raw("<div class=\"scroll\"><table><caption>In flight (active) versus queued (sprint and ready), and work in progress against each stream's limit.</caption>");
        h.Raw("<thead><tr><th scope=\"col\">Stream</th><th scope=\"col\">In flight</th><th scope=\"col\">Queued</th><th scope=\"col\">Sprint</th><th scope=\"col\">Ready</th><th scope=\"col\">New</th><th scope=\"col\">Icebox</th><th scope=\"col\">WIP vs limit</th></tr></thead><tbody>");
        foreach (var line in s.Streams)
        {
            h.Open("tr", line.Breached ? "breach" : null, ("data-stream", Slug(line.Stream)));
            h.Open("th", null, ("scope", "row")).Text(Wording.StreamHeading(line.Stream)).Close("th");
            Cell(h, "active", line.Active);
            Cell(h, "queued", line.Queued);
            Cell(h, "sprint", line.Sprint);
            Cell(h, "ready", line.Ready);
            Cell(h, "new", line.New);
            Cell(h, "icebox", line.Icebox);
            h.Open("td", null, ("data-col", "wip"));
            h.Text(line.Active).Text(" / ").Text(line.Limit);
            if (line.Breached)
            {
                h.Raw(" <strong class=\"flag\">over the limit</strong>");
            }

            h.Close("td").Close("tr");
        }

        h.Raw("</tbody></table></div></section>");
    }

    private static void IncidentSection(Html h, DashboardSnapshot s, string basePath)
    {
        var cap = s.Backlog.Settings.IncidentCap;
        h.Open("section", null, ("id", "incidents"), ("aria-labelledby", "incidents-h")).Raw("<h2 id=\"incidents-h\">Incident lane</h2>");
        h.Open("p", s.ActiveIncidents.Count >= cap ? "flag" : null, ("data-count", s.ActiveIncidents.Count.ToString(CultureInfo.InvariantCulture)))
            .Text(s.ActiveIncidents.Count).Text(" of ").Text(cap).Text(" active (hard cap ").Text(cap).Text(")").Close("p");
        if (s.ActiveIncidents.Count > 0)
        {
            h.Open("ul");
            foreach (var i in s.ActiveIncidents)
            {
                h.Open("li").Link(ItemHref(basePath, i), i.Key).Text(" ").Text(i.Title).Text(" — active ").Text(Age(i.StateSince, s.Now));
                if (i.Incident is { Touches.Count: > 0 } inc)
                {
                    h.Text(", touches ").Text(string.Join(", ", inc.Touches.Select(Wording.Stream)));
                }

                h.Close("li");
            }

            h.Close("ul");
        }

        h.Close("section");
    }

    private static void ListSection(Html h, string id, string title, string caption, RankedList list, DateTimeOffset now, string basePath)
    {
        h.Open("section", null, ("id", id), ("aria-labelledby", id + "-h"), ("data-count", list.TotalCount.ToString(CultureInfo.InvariantCulture)));
        h.Open("h2", null, ("id", id + "-h")).Text(title).Text(" (").Text(list.TotalCount).Text(")").Close("h2");
        if (list.Items.Count == 0)
        {
            h.El("p", Wording.NothingHere, "empty").Close("section");
            return;
        }

        h.Raw("<div class=\"scroll\"><table>").El("caption", caption);
        h.Raw("<thead><tr><th scope=\"col\">Rank</th><th scope=\"col\">Item</th><th scope=\"col\">Title</th><th scope=\"col\">Stream</th>" +
              string.Concat(RubricRules.Dimensions.Select(d => $"<th scope=\"col\"><abbr title=\"{Wording.Dimension(d)}\">{DimensionAbbreviation(d)}</abbr></th>")) +
              "<th scope=\"col\">Total</th><th scope=\"col\">Placement</th><th scope=\"col\">Age</th><th scope=\"col\">Flags</th></tr></thead><tbody>");
        var rank = 0;
        foreach (var item in list.Items)
        {
            rank++;
            var score = item.Score;
            h.Open("tr", null, ("data-key", item.Key));
            h.El("td", rank.ToString(CultureInfo.InvariantCulture));
            h.Open("th", null, ("scope", "row")).Link(ItemHref(basePath, item), item.Key).Close("th");
            h.El("td", item.Title, "title");
            h.El("td", Wording.Stream(item.Stream));
            foreach (var d in RubricRules.Dimensions)
            {
                h.El("td", score is null ? "–" : score.Scores[d].ToString(CultureInfo.InvariantCulture));
            }

            h.El("td", score?.Total.ToString(CultureInfo.InvariantCulture) ?? "unscored");
            h.El("td", Placement(item));
            h.El("td", Age(item.CreatedAt, now));
            h.El("td", string.Join(", ", Flags(item, now)));
            h.Close("tr");
        }

        h.Raw("</tbody></table></div>");
        More(h, list);
        h.Close("section");
    }

    private static void IceboxSection(Html h, DashboardSnapshot s, string basePath)
    {
        var list = s.Icebox;
        h.Open("section", null, ("id", "icebox"), ("aria-labelledby", "icebox-h"), ("data-count", list.TotalCount.ToString(CultureInfo.InvariantCulture)));
        h.Open("h2", null, ("id", "icebox-h")).Text("Icebox (").Text(list.TotalCount).Text(")").Close("h2");
        if (list.Items.Count == 0)
        {
            h.El("p", Wording.NothingHere, "empty").Close("section");
            return;
        }

        h.Raw("<div class=\"scroll\"><table><caption>Oldest first. Items older than 6 months come up at the quarterly icebox sweep.</caption>");
        h.Raw("<thead><tr><th scope=\"col\">Item</th><th scope=\"col\">Title</th><th scope=\"col\">Stream</th><th scope=\"col\">Total</th><th scope=\"col\">Age</th><th scope=\"col\">Last scored</th><th scope=\"col\">Flags</th></tr></thead><tbody>");
        foreach (var item in list.Items)
        {
            h.Open("tr", null, ("data-key", item.Key));
            h.Open("th", null, ("scope", "row")).Link(ItemHref(basePath, item), item.Key).Close("th");
            h.El("td", item.Title, "title");
            h.El("td", Wording.Stream(item.Stream));
            h.El("td", item.Score?.Total.ToString(CultureInfo.InvariantCulture) ?? "unscored");
            h.El("td", Age(item.CreatedAt, s.Now));
            h.El("td", item.Score is { } sc ? Date(sc.At, s.Zone) : "never");
            h.El("td", string.Join(", ", Flags(item, s.Now)));
            h.Close("tr");
        }

        h.Raw("</tbody></table></div>");
        More(h, list);
        h.Close("section");
    }

    private static void AllocationSection(Html h, DashboardSnapshot s)
    {
        var a = s.Allocation;
        h.Open("section", null, ("id", "allocation"), ("aria-labelledby", "allocation-h")).Raw("<h2 id=\"allocation-h\">Allocation: planned versus actual</h2>");
        h.Open("p").Text("Days items spent active over the last ").Text(a.Sprints).Text(" sprints (").Text(Date(a.Window.Start, s.Zone)).Text(" to ")
            .Text(Date(a.Window.End, s.Zone)).Text("), as a share of model, bug and feature work. Incident lane: ")
            .Text(a.IncidentDays.ToString("0.#", CultureInfo.InvariantCulture)).Text(" days.").Close("p");
        h.Raw("<figure>");
        AllocationChart.Write(h, a);
        h.Raw("</figure>");
        h.Raw("<div class=\"scroll\"><table><caption>Planned and actual share of capacity per stream.</caption><thead><tr><th scope=\"col\">Stream</th><th scope=\"col\">Planned</th><th scope=\"col\">Actual</th><th scope=\"col\">Active days</th><th scope=\"col\">Recommended</th></tr></thead><tbody>");
        foreach (var r in a.Streams)
        {
            h.Open("tr", r.OffPlan ? "breach" : null, ("data-stream", Slug(r.Stream)));
            h.Open("th", null, ("scope", "row")).Text(Wording.StreamHeading(r.Stream)).Close("th");
            h.El("td", r.Planned.ToString(CultureInfo.InvariantCulture) + "%");
            h.Open("td").Text(AllocationChart.Percent(r.Actual));
            if (r.OffPlan)
            {
                h.Raw(" <strong class=\"flag\">off plan</strong>");
            }

            h.Close("td");
            h.El("td", r.Days.ToString("0.#", CultureInfo.InvariantCulture));
            h.El("td", r.Recommended.ToString());
            h.Close("tr");
        }

        h.Raw("</tbody></table></div>");
        if (a.UnderrunQuestion is { } q)
        {
            h.El("p", q, "flag");
        }

        h.Close("section");
    }

    private static void CeremoniesSection(Html h, DashboardSnapshot s)
    {
        h.Open("section", null, ("id", "ceremonies"), ("aria-labelledby", "ceremonies-h")).Raw("<h2 id=\"ceremonies-h\">Next ceremonies</h2>");
        if (s.Ceremonies.Count == 0)
        {
            h.El("p", "No ceremonies are scheduled.", "empty").Close("section");
            return;
        }

        h.Raw("<div class=\"scroll\"><table>").Open("caption").Text("In the backlog's time zone, ").Text(s.Backlog.TimeZone).Text(".").Close("caption");
        h.Raw("<thead><tr><th scope=\"col\">Ceremony</th><th scope=\"col\">Next</th></tr></thead><tbody>");
        foreach (var c in s.Ceremonies)
        {
            h.Raw("<tr>").Open("th", null, ("scope", "row")).Text(Wording.Ceremony(c.Kind)).Close("th");
            h.Open("td").Open("time", null, ("datetime", c.At.ToString("yyyy-MM-ddTHH:mmzzz", CultureInfo.InvariantCulture)))
                .Text(c.At.ToString("dddd d MMMM yyyy, HH:mm", CultureInfo.InvariantCulture)).Close("time").Close("td").Raw("</tr>");
        }

        h.Raw("</tbody></table></div></section>");
    }

    /// <summary>One item: its fields, its scores per round (from history) and its whole history.</summary>
    public static string Item(Backlog backlog, Item item, IReadOnlyList<HistoryEntry> history, DateTimeOffset now, string basePath)
    {
        var zone = IanaZone.TryFind(backlog.TimeZone, out var z, out _) ? z : TimeZoneInfo.Utc;
        var h = new Html();
        Head(h, $"{item.Key}: {item.Title} — {backlog.Name}");
        h.Open("header").Open("p", "meta").Link(basePath, "← " + backlog.Name + " dashboard").Close("p");
        h.Open("h1").Text(item.Key).Text(": ").Text(item.Title).Close("h1").Close("header").Open("main");

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
            h.Raw("<div class=\"scroll\"><table><caption>Every finalized scoring round, oldest first.</caption><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Finalized by</th><th scope=\"col\">Total</th><th scope=\"col\">Scores and placement</th></tr></thead><tbody>");
            foreach (var e in scored)
            {
                h.Raw("<tr>").Open("th", null, ("scope", "row")).Text(Local(e.At, zone)).Close("th");
                h.El("td", e.Actor.DisplayName).El("td", e.To).El("td", e.Reason).Raw("</tr>");
            }

            h.Raw("</tbody></table></div>");
        }

        if (item.Score is { } s)
        {
            h.Open("h3").Text("Latest score (round ").Text(s.Round).Text(")").Close("h3");
            h.Raw("<div class=\"scroll\"><table><thead><tr><th scope=\"col\">Dimension</th><th scope=\"col\">Weight</th><th scope=\"col\">Score</th><th scope=\"col\">Justification</th></tr></thead><tbody>");
            foreach (var d in RubricRules.Dimensions)
            {
                h.Raw("<tr>").Open("th", null, ("scope", "row")).Text(Wording.Dimension(d)).Close("th");
                h.El("td", RubricRules.Weight(d).ToString(CultureInfo.InvariantCulture)).El("td", s.Scores[d].ToString(CultureInfo.InvariantCulture))
                    .El("td", s.Justifications.GetValueOrDefault(d) ?? "").Raw("</tr>");
            }

            h.Raw("</tbody></table></div>");
            h.Open("p").Text("Weighted total ").Text(s.Total).Text(" → ").Text(Wording.Queue(s.Placement)).Text(".").Close("p");
        }

        h.Raw("</section>");

        h.Raw("<section id=\"history\" aria-labelledby=\"history-h\"><h2 id=\"history-h\">History</h2><div class=\"scroll\"><table><caption>Every change, oldest first.</caption><thead><tr><th scope=\"col\">When</th><th scope=\"col\">Who</th><th scope=\"col\">What</th><th scope=\"col\">Change</th><th scope=\"col\">Why</th></tr></thead><tbody>");
        foreach (var e in history)
        {
            h.Raw("<tr>").Open("th", null, ("scope", "row")).Text(Local(e.At, zone)).Close("th");
            h.El("td", e.Actor.DisplayName).El("td", HistoryKindName(e.Kind) + (e.Field is { } f ? $" ({f})" : ""));
            h.El("td", e.From is null && e.To is null ? "" : $"{e.From ?? "—"} → {e.To ?? "—"}").El("td", e.Reason ?? "").Raw("</tr>");
        }

        h.Raw("</tbody></table></div></section></main>");
        Foot(h);
        return h.ToString();
    }

    private static IEnumerable<(string, string)> Fields(Item item, DateTimeOffset now, TimeZoneInfo zone)
    {
        yield return ("Stream", Wording.Stream(item.Stream));
        yield return ("State", item.State.ToString() + (item.Feature is { } f && item.State is ItemState.Ready or ItemState.Sprint or ItemState.Active ? $" · {f.Column}" : ""));
        yield return ("In this state since", Local(item.StateSince, zone));
        yield return ("Placement", Placement(item));
        yield return ("Reported by", item.Reporter.DisplayName);
        yield return ("Reported", Local(item.CreatedAt, zone) + " (" + Age(item.CreatedAt, now) + " ago)");
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
    }

    /// <summary>Where the item went, or is waiting to go.</summary>
    public static string Placement(Item item) => item switch
    {
        { HeldPlacement: { } held } => Wording.HeldPlacement(held),
        { Score: { } s } => Wording.Queue(s.Placement),
        _ => "not scored",
    };

    public static IEnumerable<string> Flags(Item item, DateTimeOffset now) => Wording.FlagsOf(ItemSummaries.Of(item, now)).Select(Wording.Flag);

    private static string DimensionAbbreviation(Dimension d) => d switch
    {
        Dimension.Impact => "Imp",
        Dimension.Confidence => "Conf",
        Dimension.Rollback => "Roll",
        _ => "Delay",
    };

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

    public static string Slug(WorkStream s) => s.ToString().ToLowerInvariant();

    private static string ItemHref(string basePath, Item item) => basePath + "/items/" + item.Number.ToString(CultureInfo.InvariantCulture);

    private static string Age(DateTimeOffset since, DateTimeOffset now)
    {
        var days = (int)Math.Floor((now - since).TotalDays);
        return days <= 0 ? "today" : days == 1 ? "1 day" : days.ToString(CultureInfo.InvariantCulture) + " days";
    }

    private static string Local(DateTimeOffset at, TimeZoneInfo zone) =>
        ZoneClock.InZone(at, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Date(DateTimeOffset at, TimeZoneInfo zone) =>
        ZoneClock.InZone(at, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static void Cell(Html h, string column, int value) =>
        h.Open("td", null, ("data-col", column)).Text(value).Close("td");

    private static void More(Html h, RankedList list)
    {
        if (list.TotalCount > list.Items.Count)
        {
            h.Open("p", "more").Text("… and ").Text(list.TotalCount - list.Items.Count).Text(" more in the CSV export.").Close("p");
        }
    }

    private static void Head(Html h, string title)
    {
        h.Raw("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        h.Raw("<meta name=\"robots\" content=\"noindex\">").El("title", title);
        h.Raw("<link rel=\"stylesheet\" href=\"" + StylesheetPath + "\"></head><body>");
    }

    private static void Foot(Html h) =>
        h.Raw("<footer><p>Read-only view from TriageBot. Anyone with this link can see it; a facilitator can retire it with <code>dashboard rotate</code>.</p></footer></body></html>");
}
