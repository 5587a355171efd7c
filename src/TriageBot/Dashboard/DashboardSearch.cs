using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;

namespace TriageBot.Dashboard;

/// <summary>What a search found: the items shown (open first, then the newest) and how many matched in all.</summary>
internal sealed record SearchResult(string Query, IReadOnlyList<Item> Items, int TotalCount);

/// <summary>
/// The dashboard's "why not mine?" search and an item's place in its queue. Streams item outlines page by page, so
/// it works the same over ten items or a hundred thousand; keeps only what it shows.
/// </summary>
internal static class DashboardSearch
{
    /// <summary>The item a query names by key ("TRI-12", "tri-12", "#12", "12"), if it names one.</summary>
    public static int? KeyNumber(string query) => CommandParser.ParseItemNumber(query.Trim());

    /// <summary>Items whose key or title holds every word of the query (case-insensitive), open ones first, then the newest.</summary>
    public static async Task<SearchResult> FindAsync(ITriageStore store, string backlogId, string query, CancellationToken ct)
    {
        var words = query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var shown = new List<Item>();
        var total = 0;
        if (words.Length == 0)
        {
            return new SearchResult(query, shown, 0);
        }

        await foreach (var item in store.Items.QueryAsync(new ItemQuery(backlogId) { Outline = true }, ct))
        {
            if (!words.All(w => item.Title.Contains(w, StringComparison.OrdinalIgnoreCase) || item.Key.Equals(w, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            total++;
            var index = shown.BinarySearch(item, OpenFirstThenNewest);
            shown.Insert(index < 0 ? ~index : index, item);
            if (shown.Count > SearchLimits.MaxResults)
            {
                shown.RemoveAt(shown.Count - 1);
            }
        }

        return new SearchResult(query, shown, total);
    }

    /// <summary>The item's 1-based place among the items in its state, ranked as every list ranks them; null outside the sprint and ready queues.</summary>
    public static async Task<QueuePosition?> PositionAsync(ITriageStore store, Item item, CancellationToken ct)
    {
        if (item.State is not (ItemState.Sprint or ItemState.Ready))
        {
            return null;
        }

        int ahead = 0, count = 0;
        await foreach (var other in store.Items.QueryAsync(new ItemQuery(item.BacklogId) { States = [item.State], Outline = true }, ct))
        {
            count++;
            if (other.Number != item.Number && ItemReading.Ranking.Compare(other, item) < 0)
            {
                ahead++;
            }
        }

        return new QueuePosition(ahead + 1, Math.Max(count, ahead + 1));
    }

    private static readonly IComparer<Item> OpenFirstThenNewest = Comparer<Item>.Create((a, b) =>
    {
        var open = ItemReading.IsOpen(b.State).CompareTo(ItemReading.IsOpen(a.State));
        return open != 0 ? open : b.Number.CompareTo(a.Number);
    });
}
