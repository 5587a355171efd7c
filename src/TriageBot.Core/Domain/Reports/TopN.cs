namespace TriageBot.Core.Reports;

/// <summary>Keeps the best <c>N</c> of a stream of values by a comparer (best first) and counts all of them, in O(N) memory.</summary>
internal sealed class TopN<T>(int capacity, IComparer<T> comparer)
{
    // The heap's root is the worst kept value, so a better newcomer replaces it.
    private readonly PriorityQueue<T, T> _heap = new(Comparer<T>.Create((a, b) => comparer.Compare(b, a)));

    public int Count { get; private set; }

    public void Add(T value)
    {
        Count++;
        if (capacity <= 0)
        {
            return;
        }

        if (_heap.Count < capacity)
        {
            _heap.Enqueue(value, value);
        }
        else if (comparer.Compare(value, _heap.Peek()) < 0)
        {
            _heap.EnqueueDequeue(value, value);
        }
    }

    /// <summary>The kept values, best first.</summary>
    public IReadOnlyList<T> Sorted() => [.. _heap.UnorderedItems.Select(x => x.Element).Order(comparer)];
}
