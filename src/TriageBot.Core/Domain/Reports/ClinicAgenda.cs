using TriageBot.Core.Items;
using TriageBot.Core.Streams;

namespace TriageBot.Core.Reports;

/// <summary>An item on the clinic agenda; <see cref="DueForRescore"/> marks a score older than 2 months.</summary>
public sealed record AgendaItem(Item Item, bool DueForRescore);

/// <summary>
/// The triage clinic agenda of SPEC §6 and §12, as data: every item still New however old (oldest first), the top
/// of the ready queue by rank, items due for re-scoring and items whose re-scoring was requested. An item
/// appears in the first section that lists it only. <see cref="Since"/> is the last clinic (or 14 days back);
/// it only marks which New items arrived since then, it never drops one.
/// </summary>
public sealed record ClinicAgenda(
    DateTimeOffset At,
    DateTimeOffset Since,
    IReadOnlyList<AgendaItem> StillNew,
    IReadOnlyList<AgendaItem> ReadyTop,
    int ReadyCount,
    Listed<AgendaItem> DueForRescore,
    IReadOnlyList<AgendaItem> RescoreRequested)
{
    /// <summary>Every agenda item once, in agenda order: the items that get a ballot.</summary>
    public IReadOnlyList<AgendaItem> Items => [.. StillNew, .. ReadyTop, .. DueForRescore.Shown, .. RescoreRequested];
}

/// <summary>
/// Builds the clinic agenda in one pass over the backlog's items. Every New item created before the clinic is on it;
/// without a previous clinic, "since the last clinic" (which only marks arrivals) means the last 14 days.
/// </summary>
public sealed class ClinicAgendaBuilder
{
    public const int DefaultReadyTop = 20;

    private readonly DateTimeOffset _now;
    private readonly DateTimeOffset _since;
    private readonly int _readyTop;
    private readonly int _maxDue;
    private readonly List<Item> _new = [];
    private readonly TopN<Item> _ready;
    private readonly TopN<Item> _due;
    private readonly List<Item> _requested = [];

    public ClinicAgendaBuilder(DateTimeOffset? lastClinic, DateTimeOffset now, int readyTop = DefaultReadyTop, int maxDue = 25)
    {
        _now = now;
        _since = lastClinic ?? now.AddDays(-14);
        _readyTop = readyTop;
        _maxDue = maxDue;
        _ready = new(readyTop, Ranking.Comparer);
        // Keep enough to still show maxDue after removing those already in the ready top.
        _due = new(maxDue + readyTop, Comparer<Item>.Create((a, b) =>
        {
            var byAge = ReportItems.LastScored(a).CompareTo(ReportItems.LastScored(b));
            return byAge != 0 ? byAge : a.Number.CompareTo(b.Number);
        }));
    }

    public void Add(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!FeatureChecks.IsOpen(item.State))
        {
            return;
        }

        // Every question still open is on the agenda, however old: an item not voted on at one clinic is on the next.
        if (item.State == ItemState.New && item.CreatedAt < _now)
        {
            _new.Add(item);
            return;
        }

        if (item.State == ItemState.Ready)
        {
            _ready.Add(item);
        }

        // A requested re-score is listed as such, not again as "due".
        if (item.RescoreRequested)
        {
            _requested.Add(item);
        }
        else if (ReportItems.DueForRescore(item, _now))
        {
            _due.Add(item);
        }
    }

    public ClinicAgenda Build()
    {
        var top = _ready.Sorted();
        var inTop = top.Select(i => i.Number).ToHashSet();
        var due = _due.Sorted().Where(i => !inTop.Contains(i.Number)).ToList();
        var dueInTop = top.Count(i => !i.RescoreRequested && ReportItems.DueForRescore(i, _now));
        return new ClinicAgenda(
            _now,
            _since,
            [.. _new.OrderBy(i => i.CreatedAt).ThenBy(i => i.Number).Select(Agenda)],
            [.. top.Select(Agenda)],
            _ready.Count,
            new Listed<AgendaItem>([.. due.Take(_maxDue).Select(Agenda)], _due.Count - dueInTop),
            [.. Ranking.Order(_requested.Where(i => !inTop.Contains(i.Number))).Select(Agenda)]);
    }

    public static ClinicAgenda Build(DateTimeOffset? lastClinic, DateTimeOffset now, IEnumerable<Item> items, int readyTop = DefaultReadyTop)
    {
        ArgumentNullException.ThrowIfNull(items);
        var builder = new ClinicAgendaBuilder(lastClinic, now, readyTop);
        foreach (var item in items)
        {
            builder.Add(item);
        }

        return builder.Build();
    }

    private AgendaItem Agenda(Item item) => new(item, ReportItems.DueForRescore(item, _now));
}
