using System.Globalization;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Items;
using TriageBot.Core.Views;

namespace TriageBot.Dashboard;

/// <summary>
/// What every dashboard page shares: the document head and foot, dates and relative times in words, table cells that
/// carry their column's name (so a table can stack into label/value lines on a phone), links to items.
/// </summary>
internal static class PageFormat
{
    public const string StylesheetPath = "/dashboard-assets/dashboard.css";

    public static void Head(Html h, string title)
    {
        h.Raw("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        h.Raw("<meta name=\"robots\" content=\"noindex\">").El("title", title);
        h.Raw("<link rel=\"stylesheet\" href=\"" + StylesheetPath + "\"></head><body>");
    }

    public static void Foot(Html h) =>
        h.Raw("<footer><p>Read-only view from TriageBot. Anyone with this link can see it; a facilitator can retire it with <code>dashboard rotate</code>.</p></footer></body></html>");

    /// <summary>The search box every page carries: a plain GET form, no script.</summary>
    public static void SearchForm(Html h, string basePath, string? query = null)
    {
        h.Open("form", "search", ("method", "get"), ("action", basePath + "/search"), ("role", "search"));
        h.Raw("<label for=\"q\">Why not mine? Find an item by key or title words</label><span class=\"search-row\">");
        h.Open("input", null, ("id", "q"), ("name", "q"), ("type", "search"), ("value", query ?? ""), ("maxlength", SearchLimits.MaxQueryLength.ToString(CultureInfo.InvariantCulture)),
            ("placeholder", "TRI-12 or words from the title"), ("autocomplete", "off"));
        h.Raw("<button type=\"submit\">Find</button></span></form>");
    }

    public static string ItemHref(string basePath, Item item) => basePath + "/items/" + item.Number.ToString(CultureInfo.InvariantCulture);

    public static string Slug(WorkStream s) => s.ToString().ToLowerInvariant();

    /// <summary>How long ago, in words: "today", "yesterday", "3 days ago".</summary>
    public static string Ago(DateTimeOffset since, DateTimeOffset now) => WholeDays(since, now) switch
    {
        <= 0 => "today",
        1 => "yesterday",
        var d => d.ToString(CultureInfo.InvariantCulture) + " days ago",
    };

    /// <summary>A length of time in days: "under a day", "1 day", "12 days".</summary>
    public static string Days(DateTimeOffset since, DateTimeOffset now) => WholeDays(since, now) switch
    {
        <= 0 => "under a day",
        1 => "1 day",
        var d => d.ToString(CultureInfo.InvariantCulture) + " days",
    };

    public static int WholeDays(DateTimeOffset since, DateTimeOffset now) => (int)Math.Floor((now - since).TotalDays);

    public static string Local(DateTimeOffset at, TimeZoneInfo zone) =>
        ZoneClock.InZone(at, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Date(DateTimeOffset at, TimeZoneInfo zone) =>
        ZoneClock.InZone(at, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static TimeZoneInfo ZoneOf(Core.Backlogs.Backlog backlog) =>
        IanaZone.TryFind(backlog.TimeZone, out var z, out _) ? z : TimeZoneInfo.Utc;

    /// <summary>Where the item went, or is waiting to go.</summary>
    public static string Placement(Item item) => item switch
    {
        { HeldPlacement: { } held } => Wording.HeldPlacement(held),
        { Score: { } s } => Wording.Queue(s.Placement),
        _ => "not scored",
    };

    public static IEnumerable<string> Flags(Item item, DateTimeOffset now) => Wording.FlagsOf(ItemSummaries.Of(item, now)).Select(Wording.Flag);

    /// <summary>The item's state in words; a New item that was scored but is held (no capability note yet) is not "not scored".</summary>
    public static string State(Item item) => item is { State: ItemState.New, Score: not null } ? "New, scored and held" : State(item.State);

    public static string State(ItemState state) => state switch
    {
        ItemState.New => "New, not scored yet",
        ItemState.Sprint => "Sprint",
        ItemState.Ready => "Ready queue",
        ItemState.Icebox => "Icebox",
        ItemState.Active => "Active",
        ItemState.Done => "Done",
        _ => "Closed",
    };

    /// <summary>A table with its caption and column headings; rows write cells with <see cref="Cell"/>, which repeat the column name for the phone layout.</summary>
    public static void OpenTable(Html h, string? caption, params string[] columns)
    {
        h.Raw("<table class=\"stack\">");
        if (caption is not null)
        {
            h.El("caption", caption);
        }

        h.Raw("<thead><tr>");
        foreach (var c in columns)
        {
            h.Open("th", null, ("scope", "col")).Text(c).Close("th");
        }

        h.Raw("</tr></thead><tbody>");
    }

    public static void CloseTable(Html h) => h.Raw("</tbody></table>");

    public static Html Cell(Html h, string label, string? text, string? cssClass = null, string? column = null)
    {
        h.Open("td", cssClass, ("data-label", label), ("data-col", column));
        return h.Text(text).Close("td");
    }

    /// <summary>The row's heading cell: the item's key as a link to its page.</summary>
    public static void KeyCell(Html h, string basePath, Item item, string label = "Item") =>
        h.Open("th", null, ("scope", "row"), ("data-label", label)).Link(ItemHref(basePath, item), item.Key).Close("th");

    public static void More(Html h, RankedList list)
    {
        if (list.TotalCount > list.Items.Count)
        {
            h.Open("p", "more").Text("… and ").Text(list.TotalCount - list.Items.Count).Text(" more in the CSV export.").Close("p");
        }
    }
}

/// <summary>Bounds on what the search box takes and shows.</summary>
internal static class SearchLimits
{
    public const int MaxQueryLength = 200;
    public const int MaxResults = 50;
}
