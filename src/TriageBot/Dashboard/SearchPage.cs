using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Views;
using static TriageBot.Dashboard.PageFormat;

namespace TriageBot.Dashboard;

/// <summary>The search results page: every item, open or closed, whose key or title matches, each linking to the page that says where it stands and why.</summary>
internal static class SearchPage
{
    public static string Render(Backlog backlog, SearchResult result, DateTimeOffset now, string basePath)
    {
        var h = new Html();
        Head(h, $"Search: {result.Query} — {backlog.Name}");
        h.Open("header").Open("p", "meta").Link(basePath, "← " + backlog.Name + " dashboard").Close("p");
        h.El("h1", "Why not mine?");
        SearchForm(h, basePath, result.Query);
        h.Close("header").Open("main");
        h.Open("section", null, ("id", "results"), ("aria-labelledby", "results-h"), ("data-count", result.TotalCount.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        h.Raw("<h2 id=\"results-h\">");
        if (result.Query.Trim().Length == 0)
        {
            h.Text("Type a key such as TRI-12 or words from the title.").Raw("</h2></section></main>");
            Foot(h);
            return h.ToString();
        }

        h.Text(result.TotalCount switch
        {
            0 => "No item matches “" + result.Query + "”",
            1 => "1 item matches “" + result.Query + "”",
            var n => n + " items match “" + result.Query + "”",
        }).Raw("</h2>");
        if (result.Items.Count == 0)
        {
            h.El("p", "Nothing open or closed has these words in its title. Try fewer words, or the key from the confirmation you got when you reported it.", "empty");
        }
        else
        {
            OpenTable(h, "Open items first, then the newest; each page says where the item stands and why.", "Item", "Title", "Stream", "Where it is", "Total", "Reported");
            foreach (var item in result.Items)
            {
                h.Open("tr", null, ("data-key", item.Key));
                KeyCell(h, basePath, item);
                Cell(h, "Title", item.Title, "title");
                Cell(h, "Stream", Wording.Stream(item.Stream));
                Cell(h, "Where it is", State(item) + (item.HeldPlacement is { } held ? $" ({Wording.HeldPlacement(held)})" : ""));
                Cell(h, "Total", item.Score?.Total.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unscored", "num");
                Cell(h, "Reported", Ago(item.CreatedAt, now));
                h.Close("tr");
            }

            CloseTable(h);
            if (result.TotalCount > result.Items.Count)
            {
                h.Open("p", "more").Text("Showing ").Text(result.Items.Count).Text(" of ").Text(result.TotalCount).Text(": add words to narrow it down.").Close("p");
            }
        }

        h.Raw("</section></main>");
        Foot(h);
        return h.ToString();
    }
}
