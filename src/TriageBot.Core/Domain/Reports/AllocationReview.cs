using TriageBot.Core.Allocation;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Items;

namespace TriageBot.Core.Reports;

/// <summary>
/// The stream allocation review of SPEC §6, as data: planned against actual over the last 4 sprints. Incident
/// days are reported beside the shares, not in them: the plan has no incident share, and counting them would
/// make every stream look under plan after an incident.
/// </summary>
public sealed record AllocationReview(
    DateTimeOffset At,
    TimeWindow Window,
    int Sprints,
    int SprintLengthDays,
    ProductStage Stage,
    IReadOnlyList<StreamAllocation> Streams,
    double IncidentDays,
    double? IncidentSharePercent,
    string? UnderrunQuestion,
    PostLaunchAdvice? PostLaunch)
{
    public double PlannedStreamDays => Streams.Sum(s => s.Days);

    /// <summary>The first day of next month in the backlog's zone, and the plan in force then (the review publishes it).</summary>
    public DateOnly? NextMonth { get; init; }

    public PlannedShares? NextMonthPlan { get; init; }

    /// <summary>Active items whose rollback risk was scored 1 (the cautious release lane), ranked.</summary>
    public IReadOnlyList<Item> CautiousLane { get; init; } = [];

    public IEnumerable<StreamAllocation> OffPlan => Streams.Where(s => s.OffPlan);
}

/// <summary>
/// Builds the allocation review from history read from <see cref="HistorySince"/> (oldest first) and the items
/// active now, in one pass each, in any order between the two.
/// </summary>
public sealed class AllocationReviewBuilder
{
    private readonly BacklogSettings _settings;
    private readonly TimeZoneInfo _zone;
    private readonly DateTimeOffset _now;
    private readonly TimeWindow _window;
    private readonly ActiveTimeAccumulator _activeTime;
    private readonly TopN<Item> _cautious = new(25, ItemReading.Ranking);

    public AllocationReviewBuilder(BacklogSettings settings, TimeZoneInfo zone, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(zone);
        _settings = settings;
        _zone = zone;
        _now = now;
        _window = AllocationMath.Window(settings, now);
        _activeTime = new ActiveTimeAccumulator([_window], now, daysOfWork: true); // shares from days of work, never minutes
    }

    public DateTimeOffset HistorySince => _activeTime.HistorySince;

    public void Add(HistoryEntry entry) => _activeTime.Add(entry);

    public void Add(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        _activeTime.Add(item);
        if (item.State == ItemState.Active && item.Score?.Scores is { } scores && Rubric.RubricRules.CautiousRelease(scores))
        {
            _cautious.Add(item);
        }
    }

    public AllocationReview Build()
    {
        var today = ZoneClock.LocalDate(_now, _zone);
        var nextMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(1);
        var inForce = _settings with { Planned = AllocationPlan.PlannedFor(_settings, today) };
        var streams = AllocationMath.Streams(inForce, s => _activeTime.Days(0, s));
        var incident = _activeTime.Days(0, WorkStream.Incident);
        var all = _activeTime.TotalDays(0);
        return new AllocationReview(
            ZoneClock.InZone(_now, _zone),
            _window,
            AllocationMath.SprintsReviewed,
            _settings.SprintLengthDays,
            _settings.Stage,
            streams,
            incident,
            all > 0 ? 100 * incident / all : null,
            AllocationMath.UnderrunQuestion(streams),
            AllocationMath.PostLaunch(inForce, today, streams))
        {
            NextMonth = nextMonth,
            NextMonthPlan = AllocationPlan.PlannedFor(_settings, nextMonth),
            CautiousLane = _cautious.Sorted(),
        };
    }

    public static AllocationReview Build(BacklogSettings settings, TimeZoneInfo zone, DateTimeOffset now, IEnumerable<HistoryEntry> history, IEnumerable<Item> activeItems)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(activeItems);
        var builder = new AllocationReviewBuilder(settings, zone, now);
        foreach (var entry in history)
        {
            builder.Add(entry);
        }

        foreach (var item in activeItems)
        {
            builder.Add(item);
        }

        return builder.Build();
    }
}
