using TriageBot.Core.Items;

namespace TriageBot.Core.Reports;

/// <summary>The one ranking of lists and queues: weighted total, highest first (unscored last), then age, oldest first.</summary>
public static class Ranking
{
    /// <summary>Orders items best first; ties on total go to the older item, then the lower number.</summary>
    public static IComparer<Item> Comparer { get; } = Comparer<Item>.Create(Compare);

    public static IOrderedEnumerable<Item> Order(IEnumerable<Item> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return items.Order(Comparer);
    }

    private static int Compare(Item? a, Item? b)
    {
        if (ReferenceEquals(a, b))
        {
            return 0;
        }

        if (a is null)
        {
            return 1;
        }

        if (b is null)
        {
            return -1;
        }

        var byTotal = (b.Score?.Total ?? int.MinValue).CompareTo(a.Score?.Total ?? int.MinValue);
        if (byTotal != 0)
        {
            return byTotal;
        }

        var byAge = a.CreatedAt.CompareTo(b.CreatedAt);
        return byAge != 0 ? byAge : a.Number.CompareTo(b.Number);
    }
}
