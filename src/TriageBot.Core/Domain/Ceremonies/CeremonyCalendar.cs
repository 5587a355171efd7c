using System.Globalization;

namespace TriageBot.Core.Ceremonies;

/// <summary>
/// Evaluates ceremony schedules in a backlog's time zone: default schedules, occurrences in a range,
/// what fell due while the bot was down, and reminder times. Pure: every answer depends only on the arguments.
/// </summary>
public static class CeremonyCalendar
{
    /// <summary>An occurrence handled within this long after its time is on time; later it is marked late.</summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The SPEC §6 defaults, one per ceremony of the registry. The triage clinic runs every other Wednesday, in the week
    /// (Monday–Sunday) of <paramref name="anchor"/> and every second week from it.
    /// </summary>
    public static IReadOnlyDictionary<CeremonyKind, CeremonySchedule> Defaults(DateOnly anchor) =>
        CeremonyRegistry.All.ToDictionary(d => d.Kind, d => d.DefaultSchedule(anchor));

    /// <summary>
    /// The schedules in force for a backlog: its own, with any ceremony it does not set taken from the defaults
    /// anchored on the week the backlog was created (so every instance derives the same clinic weeks).
    /// </summary>
    public static IReadOnlyDictionary<CeremonyKind, CeremonySchedule> InForce(Backlogs.Backlog backlog, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(backlog);
        var defaults = Defaults(ZoneClock.LocalDate(backlog.CreatedAt, zone));
        if (backlog.Settings.Schedules is not { } own)
        {
            return defaults;
        }

        return CeremonyRegistry.All.ToDictionary(d => d.Kind, d => own.TryGetValue(d.Kind, out var s) ? s : defaults[d.Kind]);
    }

    /// <summary>The earliest instant whose occurrences of a ceremony may be posted: the backlog's creation or the ceremony's last schedule change.</summary>
    public static DateTimeOffset PostableFrom(Backlogs.Backlog backlog, CeremonyKind kind)
    {
        ArgumentNullException.ThrowIfNull(backlog);
        return backlog.Settings.ScheduleChangedAt?.TryGetValue(kind, out var changed) == true && changed > backlog.CreatedAt ? changed : backlog.CreatedAt;
    }

    /// <summary>Every problem with a schedule, each saying how to fix it; empty when it is valid.</summary>
    public static IReadOnlyList<string> Problems(CeremonySchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var problems = new List<string>();
        if (schedule.LengthMinutes is < 1 or > 24 * 60)
        {
            problems.Add($"Length must be between 1 and 1440 minutes; it is {schedule.LengthMinutes}.");
        }

        switch (schedule.Recurrence)
        {
            case WeeklyRecurrence weekly:
                if (weekly.EveryWeeks is < 1 or > 52)
                {
                    problems.Add($"'Every N weeks' must be between 1 and 52; it is {weekly.EveryWeeks}.");
                }

                break;
            case MonthlyNthWeekdayRecurrence monthly:
                if (monthly.N is not (>= 1 and <= 4 or -1))
                {
                    problems.Add($"The week of the month must be 1–4, or -1 for the last; it is {monthly.N}.");
                }

                if (monthly.Months.Any(m => m is < 1 or > 12))
                {
                    problems.Add("Months must be numbered 1 (January) to 12 (December); leave the list empty for every month.");
                }

                break;
            default:
                problems.Add($"Unknown recurrence '{schedule.Recurrence?.GetType().Name}': use a weekly or an Nth-weekday-of-the-month recurrence.");
                break;
        }

        return problems;
    }

    /// <summary>The occurrences of a schedule with <c>fromInclusive &lt;= At &lt; toExclusive</c>, in time order, with no kind.</summary>
    public static IEnumerable<Occurrence> Occurrences(CeremonySchedule s, TimeZoneInfo zone, DateTimeOffset fromInclusive, DateTimeOffset toExclusive) =>
        Occurrences(null, s, zone, fromInclusive, toExclusive);

    /// <summary>The occurrences of a ceremony with <c>fromInclusive &lt;= At &lt; toExclusive</c>, in time order. A disabled schedule has none.</summary>
    public static IEnumerable<Occurrence> Occurrences(CeremonyKind? kind, CeremonySchedule s, TimeZoneInfo zone, DateTimeOffset fromInclusive, DateTimeOffset toExclusive)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(zone);
        var problems = Problems(s);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(s));
        }

        return s.Enabled && fromInclusive < toExclusive
            ? Enumerate(kind, s.Recurrence, zone, fromInclusive, toExclusive)
            : [];
    }

    /// <summary>The occurrences of every enabled ceremony in the range, merged in time order.</summary>
    public static IReadOnlyList<Occurrence> Occurrences(IReadOnlyDictionary<CeremonyKind, CeremonySchedule> schedules, TimeZoneInfo zone, DateTimeOffset fromInclusive, DateTimeOffset toExclusive)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        return [.. schedules
            .SelectMany(p => Occurrences(p.Key, p.Value, zone, fromInclusive, toExclusive))
            .OrderBy(o => o.At)
            .ThenBy(o => o.Kind)];
    }

    /// <summary>
    /// What fell due while the bot was not looking: occurrences with <c>downSince &lt; At &lt;= now</c>.
    /// The lower bound is exclusive so that an occurrence seen by the previous check is not listed again.
    /// </summary>
    public static IEnumerable<Occurrence> Missed(CeremonyKind kind, CeremonySchedule s, TimeZoneInfo zone, DateTimeOffset downSince, DateTimeOffset now) =>
        Occurrences(kind, s, zone, downSince, now.AddTicks(1)).Where(o => o.At > downSince);

    /// <summary>
    /// Occurrences to post at <paramref name="now"/>: those with <c>now - lookBack &lt; At &lt;= now</c>,
    /// marked late when more than <paramref name="grace"/> has passed since their time. The caller claims each
    /// in the ledger, so listing one again on the next tick is harmless.
    /// </summary>
    public static IReadOnlyList<DueOccurrence> Due(IReadOnlyDictionary<CeremonyKind, CeremonySchedule> schedules, TimeZoneInfo zone, DateTimeOffset now, TimeSpan lookBack, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        ArgumentOutOfRangeException.ThrowIfLessThan(lookBack, TimeSpan.Zero);
        return [.. schedules
            .SelectMany(p => Missed(p.Key, p.Value, zone, now - lookBack, now))
            .OrderBy(o => o.At)
            .ThenBy(o => o.Kind)
            .Select(o => new DueOccurrence(o, now - o.At > grace))];
    }

    /// <summary>
    /// Reminders to post at <paramref name="now"/>: occurrences whose reminder time is in
    /// <c>(now - lookBack, now]</c> and that have not started yet (a reminder after the start is pointless).
    /// </summary>
    public static IReadOnlyList<Occurrence> DueReminders(IReadOnlyDictionary<CeremonyKind, CeremonySchedule> schedules, TimeZoneInfo zone, DateTimeOffset now, int leadMinutes, TimeSpan lookBack)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        ArgumentOutOfRangeException.ThrowIfNegative(leadMinutes);
        var lead = TimeSpan.FromMinutes(leadMinutes);
        return [.. schedules
            .SelectMany(p => Occurrences(p.Key, p.Value, zone, now - lookBack + lead, now + lead + TimeSpan.FromTicks(1)))
            .Where(o => ReminderAt(o, leadMinutes) > now - lookBack && ReminderAt(o, leadMinutes) <= now && o.At > now)
            .OrderBy(o => o.At)
            .ThenBy(o => o.Kind)];
    }

    /// <summary>
    /// When the reminder for an occurrence goes out: <paramref name="leadMinutes"/> of elapsed time before it,
    /// so a reminder across a daylight-saving change still comes exactly that long before the start.
    /// </summary>
    public static DateTimeOffset ReminderAt(Occurrence occurrence, int leadMinutes)
    {
        ArgumentNullException.ThrowIfNull(occurrence);
        ArgumentOutOfRangeException.ThrowIfNegative(leadMinutes);
        return occurrence.At.AddMinutes(-leadMinutes);
    }

    /// <summary>The stable id of an occurrence scheduled on <paramref name="date"/> at <paramref name="time"/> (local wall time).</summary>
    public static string OccurrenceId(DateOnly date, TimeOnly time) =>
        date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + "T" + time.ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Whether a schedule's recurrence falls on a local date (ignoring the time of day and whether it is enabled).</summary>
    public static bool FallsOn(Recurrence recurrence, DateOnly date) => recurrence switch
    {
        WeeklyRecurrence w => date.DayOfWeek == w.Day && PositiveModulo(WeeksBetween(w.Anchor, date), w.EveryWeeks) == 0,
        MonthlyNthWeekdayRecurrence m => date.DayOfWeek == m.Day
            && (m.Months.Count == 0 || m.Months.Contains(date.Month))
            && (m.N == -1 ? date.AddDays(7).Month != date.Month : (date.Day - 1) / 7 + 1 == m.N),
        _ => throw new ArgumentException($"Unknown recurrence '{recurrence?.GetType().Name}'.", nameof(recurrence)),
    };

    /// <summary>The Monday that starts the (Monday–Sunday) week of a date.</summary>
    public static DateOnly WeekStart(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));

    private static int WeeksBetween(DateOnly anchor, DateOnly date) =>
        (WeekStart(date).DayNumber - WeekStart(anchor).DayNumber) / 7;

    private static int PositiveModulo(int value, int modulus) => ((value % modulus) + modulus) % modulus;

    private static IEnumerable<Occurrence> Enumerate(CeremonyKind? kind, Recurrence recurrence, TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to)
    {
        // One day of slack each side covers times moved across midnight by a gap and any offset.
        var first = ZoneClock.LocalDate(from, zone).AddDays(-1);
        var last = ZoneClock.LocalDate(to, zone).AddDays(1);
        for (var date = first; date <= last; date = date.AddDays(1))
        {
            if (!FallsOn(recurrence, date))
            {
                continue;
            }

            var at = ZoneClock.Resolve(date.ToDateTime(recurrence.TimeOfDay), zone);
            if (at >= from && at < to)
            {
                yield return new Occurrence(kind, at, OccurrenceId(date, recurrence.TimeOfDay));
            }
        }
    }
}
