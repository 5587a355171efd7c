using TriageBot.Core.Allocation;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Streams;

namespace TriageBot.Core.Reports;

/// <summary>An item with a number of days that matters for the report (age, days in a column, days waiting).</summary>
public sealed record AgedItem(Item Item, double Days);

/// <summary>A silent timebox extension and, when it is still open, the item.</summary>
public sealed record SilentExtension(TimeboxExtension Extension, Item Item);

/// <summary>A feature (or flagged item) waiting for a capability note; <see cref="Unanswered"/> after 2 working days.</summary>
public sealed record NoteWait(Item Item, DateTimeOffset RequestedAt, bool Unanswered);

public sealed record ModelWeekly(Listed<Item> ExpiredTimeboxes, Listed<SilentExtension> SilentExtensions);

public sealed record BugWeekly(AgedItem? OldestOpen, int ReportedLast7Days, int ReportedPrevious7Days);

public sealed record FeatureWeekly(Listed<Item> InBuildWithoutMetric, Listed<AgedItem> LongInDiscovery, Listed<NoteWait> WaitingForNote);

public sealed record IncidentWeekly(int Active, int Cap, IncidentLoad Load);

/// <summary>A start beyond a WIP limit this week (SPEC §12): the history entry (actor, reason, active before, limit) and the item when still listed.</summary>
public sealed record WipOverrideLine(HistoryEntry Entry, Item? Item);

/// <summary>The weekly stream report of SPEC §6, as data. <see cref="At"/> carries the backlog zone's offset.</summary>
public sealed record WeeklyReport(
    DateTimeOffset At,
    IReadOnlyList<StreamWip> Wip,
    ModelWeekly Model,
    BugWeekly Bug,
    FeatureWeekly Feature,
    IncidentWeekly Incident)
{
    /// <summary>Starts beyond a WIP limit in the last 7 days, oldest first.</summary>
    public Listed<WipOverrideLine> WipOverrides { get; init; } = Listed<WipOverrideLine>.Empty;

    /// <summary>Items in the sprint or in progress whose rollback risk was scored 1: release them through the cautious lane.</summary>
    public Listed<Item> CautiousLane { get; init; } = Listed<Item>.Empty;
}

/// <summary>
/// Builds the weekly report in one pass: first every history entry from <see cref="HistorySince"/> to now
/// (oldest first), then every item of the backlog in any state. Keeps counts and the first
/// <c>maxLines</c> entries of each list, so it runs over any number of items.
/// </summary>
public sealed class WeeklyReportBuilder
{
    private readonly BacklogSettings _settings;
    private readonly TimeZoneInfo _zone;
    private readonly DateTimeOffset _now;
    private readonly WipCounter _wip;
    private readonly TimeboxAudit _timeboxes = new();
    private readonly IReadOnlyList<TimeWindow> _weeks;
    private readonly ActiveTimeAccumulator _activeTime;
    private readonly TopN<Item> _expired;
    private readonly TopN<SilentExtension> _silent;
    private readonly TopN<Item> _buildWithoutMetric;
    private readonly TopN<AgedItem> _discovery;
    private readonly TopN<NoteWait> _waiting;
    private readonly List<HistoryEntry> _overrides = [];
    private readonly Dictionary<int, Item> _overridden = [];
    private readonly TopN<Item> _cautious;
    private Dictionary<int, TimeboxExtension>? _silentByItem;
    private AgedItem? _oldestBug;
    private int _bugsLast7;
    private int _bugsPrevious7;

    public WeeklyReportBuilder(BacklogSettings settings, TimeZoneInfo zone, DateTimeOffset now, int maxLines = 25)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(zone);
        _settings = settings;
        _zone = zone;
        _now = now;
        _wip = new WipCounter(settings);
        _weeks = IncidentShare.Weeks(now);
        _activeTime = new ActiveTimeAccumulator(_weeks, now);
        _expired = new(maxLines, Comparer<Item>.Create((a, b) => a.Model!.Timebox!.End.CompareTo(b.Model!.Timebox!.End)));
        _silent = new(maxLines, Comparer<SilentExtension>.Create((a, b) => a.Extension.At.CompareTo(b.Extension.At)));
        _buildWithoutMetric = new(maxLines, Comparer<Item>.Create((a, b) => a.CreatedAt.CompareTo(b.CreatedAt)));
        _discovery = new(maxLines, Comparer<AgedItem>.Create((a, b) => b.Days.CompareTo(a.Days)));
        _waiting = new(maxLines, Comparer<NoteWait>.Create((a, b) => a.RequestedAt.CompareTo(b.RequestedAt)));
        _cautious = new(maxLines, ItemReading.Ranking);
        _maxLines = maxLines;
    }

    private readonly int _maxLines;

    /// <summary>Read history from here (three weeks back, for the incident lane's weekly shares and timebox changes).</summary>
    public DateTimeOffset HistorySince => _activeTime.HistorySince;

    /// <summary>
    /// Done and closed items count only as bug inflow (bugs reported in the last two weeks), so a caller streaming a large
    /// backlog may add every open item but only the done and closed bugs created from here on: the report is the same.
    /// </summary>
    public DateTimeOffset ClosedBugsSince => _now.AddDays(-14);

    public void Add(HistoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (_silentByItem is not null)
        {
            throw new InvalidOperationException("Add every history entry before the first item: timebox changes are matched to items as they arrive.");
        }

        _timeboxes.Add(entry);
        _activeTime.Add(entry);
        if (entry.Field == FieldIds.WipOverride && entry.At >= _now.AddDays(-7))
        {
            _overrides.Add(entry);
        }
    }

    public void Add(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        _silentByItem ??= _timeboxes.SilentExtensions()
            .GroupBy(x => x.ItemNumber)
            .ToDictionary(g => g.Key, g => g.Last());
        _wip.Add(item);
        _activeTime.Add(item);
        var open = FeatureChecks.IsOpen(item.State);
        if (item.State is ItemState.Sprint or ItemState.Active && item.Score?.Scores is { } scores && Rubric.RubricRules.CautiousRelease(scores))
        {
            _cautious.Add(item);
        }

        if (_overrides.Count > 0 && _overrides.Exists(e => e.ItemNumber == item.Number))
        {
            _overridden[item.Number] = item;
        }

        switch (item.Stream)
        {
            case WorkStream.Model:
                if (Timeboxes.IsExpired(item, _now))
                {
                    _expired.Add(item);
                }

                if (open && _silentByItem.TryGetValue(item.Number, out var extension))
                {
                    _silent.Add(new SilentExtension(extension, item));
                }

                break;
            case WorkStream.Bug:
                if (open && (_oldestBug is null || (item.CreatedAt, item.Number).CompareTo((_oldestBug.Item.CreatedAt, _oldestBug.Item.Number)) < 0))
                {
                    _oldestBug = new AgedItem(item, Math.Max(0, (_now - item.CreatedAt).TotalDays));
                }

                if (item.CreatedAt < _now && item.CreatedAt >= _now.AddDays(-7))
                {
                    _bugsLast7++;
                }
                else if (item.CreatedAt < _now.AddDays(-7) && item.CreatedAt >= _now.AddDays(-14))
                {
                    _bugsPrevious7++;
                }

                break;
            case WorkStream.Feature:
                if (FeatureChecks.InBuildWithoutMetric(item))
                {
                    _buildWithoutMetric.Add(item);
                }

                if (FeatureChecks.DiscoveryOverdue(item, _now))
                {
                    _discovery.Add(new AgedItem(item, FeatureChecks.DaysInDiscovery(item, _now)!.Value));
                }

                break;
            default:
                break;
        }

        if (FeatureChecks.WaitingForCapabilityNote(item))
        {
            _waiting.Add(new NoteWait(item, FeatureChecks.NoteRequestedAt(item), FeatureChecks.NoteUnanswered(item, _zone, _now)));
        }
    }

    public WeeklyReport Build()
    {
        var wip = _wip.Build();
        return new WeeklyReport(
            Ceremonies.ZoneClock.InZone(_now, _zone),
            wip,
            new ModelWeekly(Listed(_expired), Listed(_silent)),
            new BugWeekly(_oldestBug, _bugsLast7, _bugsPrevious7),
            new FeatureWeekly(Listed(_buildWithoutMetric), Listed(_discovery), Listed(_waiting)),
            new IncidentWeekly(_wip.Active(WorkStream.Incident), _settings.IncidentCap, IncidentShare.From(_activeTime, _weeks)))
        {
            WipOverrides = new([.. _overrides.Take(_maxLines).Select(e => new WipOverrideLine(e, _overridden.GetValueOrDefault(e.ItemNumber)))], _overrides.Count),
            CautiousLane = Listed(_cautious),
        };
    }

    /// <summary>Builds the report from history (from <see cref="HistorySince"/>) and every item.</summary>
    public static WeeklyReport Build(BacklogSettings settings, TimeZoneInfo zone, DateTimeOffset now, IEnumerable<HistoryEntry> history, IEnumerable<Item> items)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(items);
        var builder = new WeeklyReportBuilder(settings, zone, now);
        foreach (var entry in history)
        {
            builder.Add(entry);
        }

        foreach (var item in items)
        {
            builder.Add(item);
        }

        return builder.Build();
    }

    private static Listed<T> Listed<T>(TopN<T> top) => new(top.Sorted(), top.Count);
}
