using TriageBot.Core.Items;

namespace TriageBot.Core.Reports;

/// <summary>An icebox item up for the sweep: in the icebox since, and last scored at.</summary>
public sealed record SweepItem(Item Item, DateTimeOffset IceboxSince, DateTimeOffset LastScored);

/// <summary>The icebox sweep list of SPEC §6: the oldest icebox items first, and how many qualify in all.</summary>
public sealed record IceboxSweep(DateTimeOffset At, DateTimeOffset Cutoff, Listed<SweepItem> Items);

/// <summary>
/// Builds the sweep in one pass: Icebox items in the icebox for at least 6 calendar months (by <c>StateSince</c>),
/// whose last score (or creation, if never scored) is at least 6 months old, and without a keep reason.
/// </summary>
public sealed class IceboxSweepBuilder(DateTimeOffset now, int maxLines = 25)
{
    public const int Months = 6;

    private readonly DateTimeOffset _cutoff = now.AddMonths(-Months);
    private readonly TopN<SweepItem> _items = new(maxLines, Comparer<SweepItem>.Create((a, b) =>
    {
        var byAge = a.IceboxSince.CompareTo(b.IceboxSince);
        return byAge != 0 ? byAge : a.Item.Number.CompareTo(b.Item.Number);
    }));

    public static bool Qualifies(Item item, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(item);
        var cutoff = now.AddMonths(-Months);
        return item.State == ItemState.Icebox
            && string.IsNullOrWhiteSpace(item.KeepReason)
            && ReportItems.StateSince(item) <= cutoff
            && ReportItems.LastScored(item) <= cutoff;
    }

    public void Add(Item item)
    {
        if (Qualifies(item, now))
        {
            _items.Add(new SweepItem(item, ReportItems.StateSince(item), ReportItems.LastScored(item)));
        }
    }

    public IceboxSweep Build() => new(now, _cutoff, new Listed<SweepItem>(_items.Sorted(), _items.Count));

    public static IceboxSweep Build(DateTimeOffset now, IEnumerable<Item> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var builder = new IceboxSweepBuilder(now);
        foreach (var item in items)
        {
            builder.Add(item);
        }

        return builder.Build();
    }
}
