using TriageBot.Core.Items;

namespace TriageBot.Core.Reports;

/// <summary>The one ranking of lists and queues: weighted total, highest first (unscored last), then age, oldest first.</summary>
public static class Ranking
{
    /// <summary>Orders items best first; ties on total go to the older item, then the lower number (the rule lives in <see cref="ItemReading.Ranking"/>).</summary>
    public static IComparer<Item> Comparer => ItemReading.Ranking;

    public static IOrderedEnumerable<Item> Order(IEnumerable<Item> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return items.Order(Comparer);
    }
}
