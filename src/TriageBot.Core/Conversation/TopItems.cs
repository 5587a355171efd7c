using TriageBot.Core.Items;

namespace TriageBot.Core.Conversation;

/// <summary>
/// Keeps the best N items of a stream of items, ranked by weighted total (highest first, unscored last) then age
/// (oldest first), and counts them all — so lists never hold a whole backlog in memory.
/// </summary>
public sealed class TopItems(int limit)
{
    private readonly List<Item> _best = [];

    public int Count { get; private set; }

    public static int Compare(Item a, Item b)
    {
        var byTotal = (b.Score?.Total ?? 0).CompareTo(a.Score?.Total ?? 0);
        if (byTotal != 0)
        {
            return byTotal;
        }

        var byAge = a.CreatedAt.CompareTo(b.CreatedAt);
        return byAge != 0 ? byAge : a.Number.CompareTo(b.Number);
    }

    public void Add(Item item)
    {
        Count++;
        var index = _best.BinarySearch(item, Comparer<Item>.Create(Compare));
        if (index < 0)
        {
            index = ~index;
        }

        if (index >= limit)
        {
            return;
        }

        _best.Insert(index, item);
        if (_best.Count > limit)
        {
            _best.RemoveAt(_best.Count - 1);
        }
    }

    public IReadOnlyList<Item> Ranked() => _best;
}
