namespace TriageBot.Core.Ceremonies;

/// <summary>Working-day arithmetic (Monday–Friday in a backlog's time zone) for reminders such as unanswered capability notes.</summary>
public static class WorkingDays
{
    /// <summary>
    /// The instant <paramref name="days"/> working days after <paramref name="start"/>, at the same wall time.
    /// A start on a weekend counts from the following Monday 00:00. Friday 16:00 + 2 is Tuesday 16:00.
    /// </summary>
    public static DateTimeOffset Add(DateTimeOffset start, int days, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var local = ZoneClock.InZone(start, zone).DateTime;
        if (IsWeekend(local.DayOfWeek))
        {
            local = local.Date.AddDays(local.DayOfWeek == DayOfWeek.Saturday ? 2 : 1);
        }

        for (var added = 0; added < days;)
        {
            local = local.AddDays(1);
            if (!IsWeekend(local.DayOfWeek))
            {
                added++;
            }
        }

        return ZoneClock.Resolve(local, zone);
    }

    /// <summary>True when at least <paramref name="days"/> working days have passed since <paramref name="start"/>.</summary>
    public static bool HavePassed(DateTimeOffset start, int days, TimeZoneInfo zone, DateTimeOffset now) =>
        now >= Add(start, days, zone);

    private static bool IsWeekend(DayOfWeek day) => day is DayOfWeek.Saturday or DayOfWeek.Sunday;
}
