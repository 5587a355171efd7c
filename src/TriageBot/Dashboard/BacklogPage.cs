using System.Globalization;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;
using TriageBot.Core.Streams;
using TriageBot.Core.Views;
using static TriageBot.Dashboard.PageFormat;

namespace TriageBot.Dashboard;

/// <summary>
/// The backlog's dashboard page: per stream what is in flight (and whether it holds its WIP limit) against what is
/// queued, the incident lane, the ranked queues, the icebox, what was recently finished and why, the allocation and
/// the next ceremonies. A pure function of the snapshot; no script.
/// </summary>
internal static class BacklogPage
{
    public static string Render(DashboardSnapshot s, string basePath)
    {
        var h = new Html();
        Head(h, s.Backlog.Name + " — TriageBot dashboard");
        h.Open("header").El("h1", s.Backlog.Name);
        h.Open("p", "meta").Text("Backlog dashboard · as of ").Text(Local(s.Now, s.Zone)).Text(" (").Text(s.Backlog.TimeZone).Text(") · ")
            .Link(basePath + "/export.csv", "Download CSV").Close("p");
        SearchForm(h, basePath);
        Contents(h);
        h.Close("header").Open("main");

        StreamsOverview(h, s);
        foreach (var line in s.Streams.Where(l => l.Stream != WorkStream.Incident))
        {
            StreamSection(h, s, line, basePath);
        }

        IncidentSection(h, s, basePath);
        QueueSections.Ranked(h, "sprint", "Sprint", "Scored into the next sprint, ranked by weighted total, then age.", s.Sprint, s.Now, basePath);
        QueueSections.Ranked(h, "ready", "Ready queue", "Groomed and waiting, ranked by weighted total, then age.", s.Ready, s.Now, basePath);
        QueueSections.Ranked(h, "new", "Reported, not yet placed", "Waiting for the next triage clinic (or, once scored, for a capability note), ranked by age.", s.New, s.Now, basePath);
        QueueSections.Icebox(h, s, basePath);
        QueueSections.Finished(h, s, basePath);
        PlanSections.Allocation(h, s);
        PlanSections.Ceremonies(h, s);

        h.Close("main");
        Foot(h);
        return h.ToString();
    }

    private static void Contents(Html h) =>
        h.Raw("<nav aria-label=\"Sections\" class=\"contents\"><a href=\"#streams\">Streams</a> <a href=\"#incidents\">Incident lane</a> " +
              "<a href=\"#sprint\">Sprint</a> <a href=\"#ready\">Ready queue</a> <a href=\"#new\">Not yet placed</a> <a href=\"#icebox\">Icebox</a> " +
              "<a href=\"#finished\">Done and closed</a> <a href=\"#allocation\">Allocation</a> <a href=\"#ceremonies\">Ceremonies</a></nav>");

    private static void StreamsOverview(Html h, DashboardSnapshot s)
    {
        h.Open("section", null, ("id", "streams"), ("aria-labelledby", "streams-h")).Raw("<h2 id=\"streams-h\">Streams</h2>");
        OpenTable(h, "In flight (active) versus queued (sprint and ready), and work in progress against each stream's limit.",
            "Stream", "In flight", "Queued", "Sprint", "Ready", "New", "Icebox", "WIP vs limit");
        foreach (var line in s.Streams)
        {
            h.Open("tr", line.Breached ? "breach" : null, ("data-stream", Slug(line.Stream)));
            h.Open("th", null, ("scope", "row"), ("data-label", "Stream")).Link("#" + StreamId(line.Stream), Wording.StreamHeading(line.Stream)).Close("th");
            Count(h, "In flight", "active", line.Active);
            Count(h, "Queued", "queued", line.Queued);
            Count(h, "Sprint", "sprint", line.Sprint);
            Count(h, "Ready", "ready", line.Ready);
            Count(h, "New", "new", line.New);
            Count(h, "Icebox", "icebox", line.Icebox);
            h.Open("td", null, ("data-label", "WIP vs limit"), ("data-col", "wip"));
            Wip(h, line);
            h.Close("td").Close("tr");
        }

        CloseTable(h);
        h.Close("section");
    }

    private static void StreamSection(Html h, DashboardSnapshot s, StreamLine line, string basePath)
    {
        var id = StreamId(line.Stream);
        h.Open("section", "stream", ("id", id), ("aria-labelledby", id + "-h"), ("data-stream", Slug(line.Stream)));
        h.Open("h2", null, ("id", id + "-h")).Text(Wording.StreamHeading(line.Stream)).Close("h2");
        h.Open("p", "wip", ("data-active", line.Active.ToString(CultureInfo.InvariantCulture)), ("data-limit", line.Limit.ToString(CultureInfo.InvariantCulture)));
        h.Text("Work in progress: ");
        Wip(h, line);
        h.Close("p");
        h.Open("p", "queued").Text("Queued: ").Text(line.Sprint).Text(" in the sprint, ").Text(line.Ready).Text(" ready; ")
            .Text(line.New).Text(" not yet placed; ").Text(line.Icebox).Text(" in the icebox.").Close("p");
        ActiveTable(h, s, s.ActiveIn(line.Stream).ToList(), line.Active, basePath, Wording.StreamHeading(line.Stream));
        h.Close("section");
    }

    private static void IncidentSection(Html h, DashboardSnapshot s, string basePath)
    {
        var line = s.Streams.First(l => l.Stream == WorkStream.Incident);
        var cap = line.Limit;
        h.Open("section", "stream", ("id", "incidents"), ("aria-labelledby", "incidents-h"), ("data-stream", "incident")).Raw("<h2 id=\"incidents-h\">Incident lane</h2>");
        h.Open("p", line.Active >= cap ? "wip flag" : "wip", ("data-count", line.Active.ToString(CultureInfo.InvariantCulture)))
            .Text(line.Active).Text(" of ").Text(cap).Text(" active (hard cap ").Text(cap).Text(", no override)").Close("p");
        ActiveTable(h, s, s.ActiveIn(WorkStream.Incident).ToList(), line.Active, basePath, "Incident lane");
        h.Close("section");
    }

    private static void ActiveTable(Html h, DashboardSnapshot s, IReadOnlyList<ActiveItem> items, int total, string basePath, string streamName)
    {
        if (items.Count == 0)
        {
            h.El("p", "Nothing in flight.", "empty");
            return;
        }

        OpenTable(h, $"{streamName}: in flight, longest active first.", "Item", "Title", "Owner", "Active for", "Timebox or column", "Notes");
        foreach (var a in items)
        {
            var item = a.Item;
            h.Open("tr", null, ("data-key", item.Key));
            KeyCell(h, basePath, item);
            Cell(h, "Title", item.Title, "title");
            Cell(h, "Owner", item.Owner?.DisplayName ?? "nobody yet");
            Cell(h, "Active for", Days(item.StateSince, s.Now), column: "days");
            Cell(h, "Timebox or column", Progress(item, s), column: "progress");
            h.Open("td", null, ("data-label", "Notes"), ("data-col", "notes"));
            Notes(h, item, a.OverrideReason, s.Now);
            h.Close("td").Close("tr");
        }

        CloseTable(h);
        if (total > items.Count)
        {
            h.Open("p", "more").Text("… and ").Text(total - items.Count).Text(" more in the CSV export.").Close("p");
        }
    }

    /// <summary>The cautious-lane mark first (it changes how the work ships), then a WIP override's reason, then the other flags.</summary>
    private static void Notes(Html h, Item item, string? overrideReason, DateTimeOffset now)
    {
        var parts = 0;
        void Sep()
        {
            if (parts++ > 0)
            {
                h.Text("; ");
            }
        }

        if (item.Score is { } score && RubricRules.CautiousRelease(score.Scores))
        {
            Sep();
            h.Open("strong", "lane").Text(RubricRules.CautiousReleaseLabel).Close("strong").Text(" (rollback risk scored 1)");
        }

        if (overrideReason is not null)
        {
            Sep();
            h.Open("span", "override").Text("Started over the WIP limit: ").Text(overrideReason).Close("span");
        }

        foreach (var flag in Flags(item, now).Where(f => f != RubricRules.CautiousReleaseLabel))
        {
            Sep();
            h.Text(flag);
        }

        if (item.Incident is { Touches.Count: > 0 } inc)
        {
            Sep();
            h.Text("touches ").Text(string.Join(", ", inc.Touches.Select(Wording.Stream)));
        }
    }

    /// <summary>How sized work is doing: a model item's timebox, a feature's column, a bug's severity.</summary>
    internal static string Progress(Item item, DashboardSnapshot s)
    {
        if (item.Model is { Timebox: { } tb })
        {
            if (Timeboxes.IsExpired(item, s.Now))
            {
                return $"timebox of {tb.LengthDays} days ended {Date(tb.End, s.Zone)}: re-scope";
            }

            var day = Math.Clamp(WholeDays(tb.Start, s.Now) + 1, 1, tb.LengthDays);
            return $"day {day} of a {tb.LengthDays}-day timebox, ends {Date(tb.End, s.Zone)}";
        }

        return item switch
        {
            { Stream: WorkStream.Model } => "no timebox",
            { Feature: { } f } => f.Column.ToString(),
            { Stream: WorkStream.Feature } => nameof(FeatureColumn.Discovery),
            _ when ItemReading.Severity(item) is { } sev => "severity " + sev,
            _ => "—",
        };
    }

    private static void Wip(Html h, StreamLine line)
    {
        h.Text(line.Active).Text(" / ").Text(line.Limit);
        if (line.Breached)
        {
            h.Raw(" <strong class=\"flag\">over the limit</strong>");
        }

        if (line.Overrides > 0)
        {
            h.Text(line.Overrides == 1 ? " · 1 override" : $" · {line.Overrides} overrides");
        }
    }

    private static void Count(Html h, string label, string column, int value) =>
        Cell(h, label, value.ToString(CultureInfo.InvariantCulture), column: column);

    public static string StreamId(WorkStream stream) => stream == WorkStream.Incident ? "incidents" : "stream-" + Slug(stream);
}
