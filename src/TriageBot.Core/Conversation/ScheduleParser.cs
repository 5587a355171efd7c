using System.Globalization;
using TriageBot.Core.Ceremonies;

namespace TriageBot.Core.Conversation;

/// <summary>A change to a backlog's ceremony schedules asked for with <c>schedule …</c>.</summary>
public abstract record ScheduleChange;

/// <summary>Move a ceremony to a new recurrence, optionally with a new length; also turns it on.</summary>
public sealed record SetCeremonyRecurrence(CeremonyKind Kind, RecurrenceSpec When, int? LengthMinutes = null) : ScheduleChange;

/// <summary>Turn a ceremony off (nothing is posted) or back on.</summary>
public sealed record SetCeremonyEnabled(CeremonyKind Kind, bool Enabled) : ScheduleChange;

/// <summary>How many minutes before each ceremony its reminder goes out.</summary>
public sealed record SetReminderLead(int Minutes) : ScheduleChange;

/// <summary>A recurrence as typed: a weekly one gets its anchor (the first week) from the handler, which knows today's date.</summary>
public abstract record RecurrenceSpec(TimeOnly TimeOfDay);

/// <summary><c>wed 14:00 every 2 weeks</c>.</summary>
public sealed record WeeklySpec(DayOfWeek Day, TimeOnly TimeOfDay, int EveryWeeks) : RecurrenceSpec(TimeOfDay);

/// <summary><c>first tue jan,apr,jul,oct 15:00</c>; no months means every month.</summary>
public sealed record MonthlySpec(int N, DayOfWeek Day, TimeOnly TimeOfDay, IReadOnlyList<int> Months) : RecurrenceSpec(TimeOfDay);

/// <summary>
/// The grammar of <c>schedule</c>: <c>schedule</c> alone shows the schedules; <c>schedule &lt;ceremony&gt; &lt;day&gt; &lt;HH:mm&gt;
/// [every &lt;n&gt; weeks] [for &lt;minutes&gt;]</c>, <c>schedule &lt;ceremony&gt; first|second|third|fourth|last &lt;day&gt; [jan,apr,…]
/// &lt;HH:mm&gt; [for &lt;minutes&gt;]</c>, <c>schedule &lt;ceremony&gt; off|on</c> and <c>schedule lead &lt;minutes&gt;</c> change them.
/// </summary>
public static class ScheduleParser
{
    public const string Usage =
        "`schedule` to see the schedules; `schedule weekly mon 09:30`, `schedule clinic wed 14:00 every 2 weeks`, " +
        "`schedule allocation first mon 11:00`, `schedule sweep first tue jan,apr,jul,oct 15:00`, `schedule clinic off`, " +
        "`schedule lead 30` to change them (add `for 45` to change a ceremony's length in minutes).";

    private const string Ceremonies = "weekly, clinic, allocation or sweep";

    private static readonly string[] MonthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    /// <summary>The change asked for (null = show the schedules), or a message saying what was expected.</summary>
    public static (ScheduleChange? Change, string? Error) Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var words = args.Select(a => a.ToLowerInvariant()).ToList();
        if (words.Count == 0)
        {
            return (null, null);
        }

        if (words[0] == "lead")
        {
            return words.Count == 2 && int.TryParse(words[1].TrimEnd('m'), NumberStyles.None, CultureInfo.InvariantCulture, out var lead) && lead <= 1440
                ? (new SetReminderLead(lead), null)
                : (null, "Expected `schedule lead <minutes>` with a whole number of minutes from 0 to 1440, e.g. `schedule lead 30`.");
        }

        if (!TryCeremony(words[0], out var kind))
        {
            return (null, $"\"{Truncate(args[0])}\" is not a ceremony: use {Ceremonies}. {Usage}");
        }

        var rest = words.Skip(1).ToList();
        switch (rest)
        {
            case []:
                return (null, $"Say when: {Usage}");
            case ["off" or "disable" or "stop"]:
                return (new SetCeremonyEnabled(kind, false), null);
            case ["on" or "enable" or "start"]:
                return (new SetCeremonyEnabled(kind, true), null);
        }

        var (length, lengthError) = TakeLength(rest);
        if (lengthError is not null)
        {
            return (null, lengthError);
        }

        if (TryOrdinal(rest[0], out var n))
        {
            return ParseMonthly(kind, n, rest.Skip(1).ToList(), length);
        }

        if (TryDay(rest[0], out var day))
        {
            return ParseWeekly(kind, day, rest.Skip(1).ToList(), length);
        }

        return (null, $"\"{Truncate(rest[0])}\" is neither a weekday (mon … sun) nor a week of the month (first, second, third, fourth, last). {Usage}");
    }

    private static (ScheduleChange?, string?) ParseWeekly(CeremonyKind kind, DayOfWeek day, List<string> rest, int? length)
    {
        if (rest.Count == 0 || !TryTime(rest[0], out var time))
        {
            return (null, $"Expected a time of day such as 14:00 after the weekday (24-hour clock, in the backlog's time zone). {Usage}");
        }

        var every = 1;
        var tail = rest.Skip(1).ToList();
        switch (tail)
        {
            case []:
                break;
            case ["every", "other", "week"] or ["biweekly"] or ["fortnightly"]:
                every = 2;
                break;
            case ["every", "week"] or ["weekly"]:
                break;
            case ["every", var count, "week" or "weeks"] when int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c is >= 1 and <= 52:
                every = c;
                break;
            default:
                return (null, $"Expected `every <n> weeks` (1–52) after the time, or nothing for every week. {Usage}");
        }

        return (new SetCeremonyRecurrence(kind, new WeeklySpec(day, time, every), length), null);
    }

    private static (ScheduleChange?, string?) ParseMonthly(CeremonyKind kind, int n, List<string> rest, int? length)
    {
        if (rest.Count == 0 || !TryDay(rest[0], out var day))
        {
            return (null, $"Expected a weekday (mon … sun) after the week of the month, e.g. `first mon`. {Usage}");
        }

        var tail = rest.Skip(1).ToList();
        IReadOnlyList<int> months = [];
        if (tail.Count == 2)
        {
            if (!TryMonths(tail[0], out var parsed))
            {
                return (null, $"\"{Truncate(tail[0])}\" is not a list of months: write them like jan,apr,jul,oct. {Usage}");
            }

            months = parsed;
            tail = tail.Skip(1).ToList();
        }

        return tail.Count == 1 && TryTime(tail[0], out var time)
            ? (new SetCeremonyRecurrence(kind, new MonthlySpec(n, day, time, months), length), null)
            : (null, $"Expected a time of day such as 11:00 at the end (24-hour clock, in the backlog's time zone). {Usage}");
    }

    /// <summary>Removes a trailing <c>for 45</c> / <c>for 45m</c> / <c>for 45 min</c> and returns the minutes.</summary>
    private static (int? Length, string? Error) TakeLength(List<string> rest)
    {
        var at = rest.IndexOf("for");
        if (at < 0)
        {
            return (null, null);
        }

        var tail = rest.Skip(at + 1).ToList();
        var text = tail switch
        {
            [var x] => x,
            [var x, "m" or "min" or "mins" or "minutes"] => x,
            _ => null,
        };
        var digits = text?.TrimEnd('m', 'i', 'n', 's');
        if (digits is null || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) || minutes is < 1 or > 1440)
        {
            return (null, $"Expected `for <minutes>` (1–1440) at the end to set the ceremony's length, e.g. `for 45`. {Usage}");
        }

        rest.RemoveRange(at, rest.Count - at);
        return (minutes, null);
    }

    internal static bool TryCeremony(string word, out CeremonyKind kind)
    {
        kind = word switch
        {
            "weekly" or "review" or "weekly-review" or "stream-review" => CeremonyKind.WeeklyStreamReview,
            "clinic" or "triage" or "triage-clinic" => CeremonyKind.TriageClinic,
            "allocation" or "alloc" or "allocation-review" => CeremonyKind.AllocationReview,
            "sweep" or "icebox" or "icebox-sweep" => CeremonyKind.IceboxSweep,
            _ => (CeremonyKind)(-1),
        };
        return Enum.IsDefined(kind);
    }

    private static bool TryDay(string word, out DayOfWeek day)
    {
        var w = word.TrimEnd('s', '.');
        foreach (var candidate in Enum.GetValues<DayOfWeek>())
        {
            var name = candidate.ToString().ToLowerInvariant();
            if (w.Length >= 3 && name.StartsWith(w, StringComparison.Ordinal))
            {
                day = candidate;
                return true;
            }
        }

        day = default;
        return false;
    }

    private static bool TryOrdinal(string word, out int n)
    {
        n = word switch
        {
            "first" or "1st" => 1,
            "second" or "2nd" => 2,
            "third" or "3rd" => 3,
            "fourth" or "4th" => 4,
            "last" => -1,
            _ => 0,
        };
        return n != 0;
    }

    private static bool TryTime(string word, out TimeOnly time) =>
        TimeOnly.TryParseExact(word, ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    private static bool TryMonths(string word, out IReadOnlyList<int> months)
    {
        var result = new SortedSet<int>();
        foreach (var part in word.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var index = Array.FindIndex(MonthNames, m => part.Length >= 3 && part.StartsWith(m, StringComparison.Ordinal)
                && CultureInfo.InvariantCulture.DateTimeFormat.MonthNames[Array.IndexOf(MonthNames, m)].ToLowerInvariant().StartsWith(part, StringComparison.Ordinal));
            if (index < 0)
            {
                months = [];
                return false;
            }

            result.Add(index + 1);
        }

        months = [.. result];
        return result.Count > 0;
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
