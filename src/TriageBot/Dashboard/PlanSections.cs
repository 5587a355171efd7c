using System.Globalization;
using TriageBot.Core.Views;
using static TriageBot.Dashboard.PageFormat;

namespace TriageBot.Dashboard;

/// <summary>The dashboard's plan: allocation planned versus actual (chart and table) and the next ceremonies.</summary>
internal static class PlanSections
{
    public static void Allocation(Html h, DashboardSnapshot s)
    {
        var a = s.Allocation;
        h.Open("section", null, ("id", "allocation"), ("aria-labelledby", "allocation-h")).Raw("<h2 id=\"allocation-h\">Allocation: planned versus actual</h2>");
        h.Open("p").Text("Days items spent active over the last ").Text(a.Sprints).Text(" sprints (").Text(Date(a.Window.Start, s.Zone)).Text(" to ")
            .Text(Date(a.Window.End, s.Zone)).Text("), as a share of model, bug and feature work. Incident lane: ")
            .Text(a.IncidentDays.ToString("0.#", CultureInfo.InvariantCulture)).Text(" days.").Close("p");
        h.Raw("<figure class=\"chart-box\">");
        AllocationChart.Write(h, a);
        h.Raw("</figure>");
        OpenTable(h, "Planned and actual share of capacity per stream.", "Stream", "Planned", "Actual", "Active days", "Recommended");
        foreach (var r in a.Streams)
        {
            h.Open("tr", r.OffPlan ? "breach" : null, ("data-stream", Slug(r.Stream)));
            h.Open("th", null, ("scope", "row"), ("data-label", "Stream")).Text(Wording.StreamHeading(r.Stream)).Close("th");
            Cell(h, "Planned", r.Planned.ToString(CultureInfo.InvariantCulture) + "%");
            h.Open("td", null, ("data-label", "Actual")).Text(AllocationChart.Percent(r.Actual));
            if (r.OffPlan)
            {
                h.Raw(" <strong class=\"flag\">off plan</strong>");
            }

            h.Close("td");
            Cell(h, "Active days", r.Days.ToString("0.#", CultureInfo.InvariantCulture));
            Cell(h, "Recommended", r.Recommended.ToString());
            h.Close("tr");
        }

        CloseTable(h);
        if (a.UnderrunQuestion is { } q)
        {
            h.El("p", q, "flag");
        }

        h.Close("section");
    }

    public static void Ceremonies(Html h, DashboardSnapshot s)
    {
        h.Open("section", null, ("id", "ceremonies"), ("aria-labelledby", "ceremonies-h")).Raw("<h2 id=\"ceremonies-h\">Next ceremonies</h2>");
        if (s.Ceremonies.Count == 0)
        {
            h.El("p", "No ceremonies are scheduled.", "empty").Close("section");
            return;
        }

        OpenTable(h, $"In the backlog's time zone, {s.Backlog.TimeZone}.", "Ceremony", "Next");
        foreach (var c in s.Ceremonies)
        {
            h.Raw("<tr>").Open("th", null, ("scope", "row"), ("data-label", "Ceremony")).Text(Wording.Ceremony(c.Kind)).Close("th");
            h.Open("td", null, ("data-label", "Next")).Open("time", null, ("datetime", c.At.ToString("yyyy-MM-ddTHH:mmzzz", CultureInfo.InvariantCulture)))
                .Text(c.At.ToString("dddd d MMMM yyyy, HH:mm", CultureInfo.InvariantCulture)).Close("time").Close("td").Raw("</tr>");
        }

        CloseTable(h);
        h.Close("section");
    }
}
