using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Reports;
using TriageBot.Core.Streams;
using TriageBot.Scheduling;

namespace TriageBot.Dashboard;

/// <summary>One stream's line on the dashboard: what is in flight against what is queued, and WIP against its limit.</summary>
internal sealed record StreamLine(WorkStream Stream, int Active, int Sprint, int Ready, int New, int Icebox, int Limit, bool Breached)
{
    /// <summary>Active items started over the stream's limit with a facilitator's written reason.</summary>
    public int Overrides { get; init; }

    public int Queued => Sprint + Ready;
}

/// <summary>A ranked list shown on the dashboard: the first items and how many there are in all.</summary>
internal sealed record RankedList(IReadOnlyList<Item> Items, int TotalCount);

/// <summary>An item in flight; <see cref="OverrideReason"/> when it was started over the WIP limit with a written reason.</summary>
internal sealed record ActiveItem(Item Item, string? OverrideReason);

/// <summary>The next occurrence of one ceremony, in the backlog's time zone.</summary>
internal sealed record NextCeremony(CeremonyKind Kind, DateTimeOffset At);

/// <summary>Everything the dashboard page shows, read from storage in one streamed pass over the open items.</summary>
internal sealed record DashboardSnapshot(
    Backlog Backlog,
    DateTimeOffset Now,
    TimeZoneInfo Zone,
    IReadOnlyList<StreamLine> Streams,
    IReadOnlyList<ActiveItem> Active,
    RankedList Sprint,
    RankedList Ready,
    RankedList Icebox,
    RankedList New,
    RankedList Finished,
    AllocationReview Allocation,
    IReadOnlyList<NextCeremony> Ceremonies)
{
    /// <summary>How many items each list shows; the rest are counted (the CSV export has them all).</summary>
    public const int ListLimit = 50;

    /// <summary>How many recently done and closed items the page shows (the CSV export has them all).</summary>
    public const int FinishedLimit = 20;

    private static readonly ItemState[] OpenStates = [ItemState.New, ItemState.Sprint, ItemState.Ready, ItemState.Icebox, ItemState.Active];

    /// <summary>Active items of one stream (incidents included), longest active first.</summary>
    public IEnumerable<ActiveItem> ActiveIn(WorkStream stream) => Active.Where(a => a.Item.Stream == stream);

    public static async Task<DashboardSnapshot> LoadAsync(ITriageStore store, Backlog backlog, DateTimeOffset now, CancellationToken ct)
    {
        var zone = IanaZone.TryFind(backlog.TimeZone, out var z, out _) ? z : TimeZoneInfo.Utc;
        var settings = backlog.Settings;
        var allocation = new AllocationReviewBuilder(settings, zone, now);
        var counts = new int[Enum.GetValues<WorkStream>().Length, Enum.GetValues<ItemState>().Length];
        var sprint = new BoundedRanking(ListLimit, ItemReading.Ranking);
        var ready = new BoundedRanking(ListLimit, ItemReading.Ranking);
        var fresh = new BoundedRanking(ListLimit, ItemReading.Ranking);
        // The icebox is shown oldest first: age is what the sweep acts on.
        var icebox = new BoundedRanking(ListLimit, Comparer<Item>.Create((a, b) =>
            a.CreatedAt != b.CreatedAt ? a.CreatedAt.CompareTo(b.CreatedAt) : a.Number.CompareTo(b.Number)));
        var active = Enum.GetValues<WorkStream>().Select(_ => new BoundedRanking(ListLimit, LongestActiveFirst)).ToArray();

        await foreach (var item in store.Items.QueryAsync(new ItemQuery(backlog.Id) { States = OpenStates, Outline = true }, ct))
        {
            counts[(int)item.Stream, (int)item.State]++;
            switch (item.State)
            {
                case ItemState.Sprint: sprint.Add(item); break;
                case ItemState.Ready: ready.Add(item); break;
                case ItemState.Icebox: icebox.Add(item); break;
                case ItemState.New: fresh.Add(item); break;
                case ItemState.Active:
                    allocation.Add(item);
                    active[(int)item.Stream].Add(item);
                    break;
            }
        }

        await foreach (var entry in store.History.ReadAsync(backlog.Id, allocation.HistorySince, now, ct))
        {
            allocation.Add(entry);
        }

        var inFlight = new List<ActiveItem>();
        foreach (var item in active.SelectMany(a => a.Result().Items))
        {
            inFlight.Add(new ActiveItem(item, await OverrideReasonAsync(store, item, ct)));
        }

        var streams = Enum.GetValues<WorkStream>().Select(s =>
        {
            int C(ItemState st) => counts[(int)s, (int)st];
            var limit = Wip.Limit(s, settings);
            return new StreamLine(s, C(ItemState.Active), C(ItemState.Sprint), C(ItemState.Ready), C(ItemState.New), C(ItemState.Icebox),
                limit, Wip.IsBreached(C(ItemState.Active), limit))
            {
                Overrides = inFlight.Count(a => a.Item.Stream == s && a.OverrideReason is not null),
            };
        }).ToList();

        var finished = await FinishedAsync(store, backlog, ct);

        var schedules = CeremonyScheduler.Schedules(backlog, zone);
        var next = new List<NextCeremony>();
        foreach (var (kind, schedule) in schedules.OrderBy(s => s.Key))
        {
            // A quarterly ceremony is at most a little over three months away.
            var first = CeremonyCalendar.Occurrences(kind, schedule, zone, now, now.AddDays(400)).FirstOrDefault();
            if (first is not null)
            {
                next.Add(new NextCeremony(kind, ZoneClock.InZone(first.At, zone)));
            }
        }

        return new DashboardSnapshot(backlog, now, zone, streams, inFlight,
            sprint.Result(), ready.Result(), icebox.Result(), fresh.Result(), finished, allocation.Build(), [.. next.OrderBy(n => n.At)]);
    }

    private static readonly IComparer<Item> LongestActiveFirst = Comparer<Item>.Create((a, b) =>
        a.StateSince != b.StateSince ? a.StateSince.CompareTo(b.StateSince) : a.Number.CompareTo(b.Number));

    /// <summary>
    /// The reason written when the item was last started over its stream's WIP limit, if any: a facilitator's override
    /// records a <see cref="FieldIds.WipOverride"/> entry with the reason just before the move to Active.
    /// </summary>
    private static async Task<string?> OverrideReasonAsync(ITriageStore store, Item item, CancellationToken ct)
    {
        string? reason = null, pending = null;
        await foreach (var e in store.History.ForItemAsync(item.BacklogId, item.Number, ct))
        {
            if (e.Kind == HistoryKind.FieldChanged && e.Field == FieldIds.WipOverride)
            {
                pending = string.IsNullOrWhiteSpace(e.Reason) ? null : e.Reason;
            }
            else if (e.Kind == HistoryKind.StateChanged && e.To == nameof(ItemState.Active))
            {
                reason = pending;
                pending = null;
            }
        }

        return reason;
    }

    /// <summary>The most recently done or closed items, read whole so their closing rationale shows.</summary>
    private static async Task<RankedList> FinishedAsync(ITriageStore store, Backlog backlog, CancellationToken ct)
    {
        var latest = new BoundedRanking(FinishedLimit, Comparer<Item>.Create((a, b) =>
            a.StateSince != b.StateSince ? b.StateSince.CompareTo(a.StateSince) : b.Number.CompareTo(a.Number)));
        await foreach (var item in store.Items.QueryAsync(new ItemQuery(backlog.Id) { States = [ItemState.Done, ItemState.Closed], Outline = true }, ct))
        {
            latest.Add(item);
        }

        var shown = latest.Result();
        var whole = new List<Item>(shown.Items.Count);
        foreach (var outline in shown.Items)
        {
            whole.Add((await store.Items.GetAsync(backlog.Id, outline.Number, ct))?.Value ?? outline);
        }

        return new RankedList(whole, shown.TotalCount);
    }

    /// <summary>Keeps the first N items of a stream in order and counts them all, so a list never holds a whole backlog.</summary>
    private sealed class BoundedRanking(int limit, IComparer<Item> order)
    {
        private readonly List<Item> _best = [];
        private int _count;

        public void Add(Item item)
        {
            _count++;
            var index = _best.BinarySearch(item, order);
            index = index < 0 ? ~index : index;
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

        public RankedList Result() => new(_best, _count);
    }
}
