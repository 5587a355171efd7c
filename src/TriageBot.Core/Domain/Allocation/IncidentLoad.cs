using TriageBot.Core.Items;

namespace TriageBot.Core.Allocation;

/// <summary>The incident lane's share of one week's active days.</summary>
public sealed record IncidentWeek(TimeWindow Week, double IncidentDays, double AllDays, double SharePercent, bool AboveThreshold);

/// <summary>The incident lane's weekly shares (this week first) and whether three weeks in a row were above the threshold.</summary>
public sealed record IncidentLoad(IReadOnlyList<IncidentWeek> Weeks, bool RebalanceAlert)
{
    public IncidentWeek ThisWeek => Weeks[0];
}

/// <summary>
/// Incident share of capacity per week: incident active days / all active days (every stream, incidents included)
/// in rolling 7-day windows ending at now. Three consecutive weeks above 20% raise the rebalance alert.
/// </summary>
public static class IncidentShare
{
    public const double ThresholdPercent = 20;
    public const int ConsecutiveWeeks = 3;

    /// <summary>The rolling weeks, most recent first: <c>[now-7d, now)</c>, <c>[now-14d, now-7d)</c>, …</summary>
    public static IReadOnlyList<TimeWindow> Weeks(DateTimeOffset now, int count = ConsecutiveWeeks) =>
        [.. Enumerable.Range(0, count).Select(i => new TimeWindow(now.AddDays(-7 * (i + 1)), now.AddDays(-7 * i)))];

    /// <summary>Reads the weeks from an accumulator whose windows start with <see cref="Weeks"/> (at <paramref name="firstWindow"/>).</summary>
    public static IncidentLoad From(ActiveTimeAccumulator accumulator, IReadOnlyList<TimeWindow> weeks, int firstWindow = 0)
    {
        ArgumentNullException.ThrowIfNull(accumulator);
        ArgumentNullException.ThrowIfNull(weeks);
        var result = new List<IncidentWeek>(weeks.Count);
        for (var i = 0; i < weeks.Count; i++)
        {
            var incident = accumulator.Days(firstWindow + i, WorkStream.Incident);
            var all = accumulator.TotalDays(firstWindow + i);
            var share = all > 0 ? 100 * incident / all : 0;
            result.Add(new IncidentWeek(weeks[i], incident, all, share, share > ThresholdPercent));
        }

        return new IncidentLoad(result, result.Count >= ConsecutiveWeeks && result.Take(ConsecutiveWeeks).All(w => w.AboveThreshold));
    }

    /// <summary>Computes the load from history and current items in one pass each.</summary>
    public static IncidentLoad Compute(IEnumerable<HistoryEntry> history, IEnumerable<Item> currentItems, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(currentItems);
        var weeks = Weeks(now);
        var accumulator = new ActiveTimeAccumulator(weeks, now);
        foreach (var entry in history)
        {
            accumulator.Add(entry);
        }

        foreach (var item in currentItems)
        {
            accumulator.Add(item);
        }

        return From(accumulator, weeks);
    }
}
