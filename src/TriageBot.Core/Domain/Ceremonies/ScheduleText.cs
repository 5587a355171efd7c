using System.Globalization;

namespace TriageBot.Core.Ceremonies;

/// <summary>Says a ceremony schedule in words: "Every other Wednesday at 14:00, 60 minutes".</summary>
public static class ScheduleText
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Describe(CeremonySchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (!schedule.Enabled)
        {
            return "Off (nothing is posted). Turn it back on with `schedule <ceremony> on`.";
        }

        return $"{Describe(schedule.Recurrence)}, {schedule.LengthMinutes} minutes";
    }

    public static string Describe(Recurrence recurrence)
    {
        ArgumentNullException.ThrowIfNull(recurrence);
        var time = recurrence.TimeOfDay.ToString("HH:mm", Invariant);
        return recurrence switch
        {
            WeeklyRecurrence { EveryWeeks: 1 } w => $"Every {w.Day} at {time}",
            WeeklyRecurrence { EveryWeeks: 2 } w => $"Every other {w.Day} at {time} (weeks of {w.Anchor.ToString("d MMM yyyy", Invariant)}, then every 2 weeks)",
            WeeklyRecurrence w => $"Every {w.EveryWeeks} weeks on {w.Day} at {time} (weeks of {w.Anchor.ToString("d MMM yyyy", Invariant)}, then every {w.EveryWeeks} weeks)",
            MonthlyNthWeekdayRecurrence m => $"{Ordinal(m.N)} {m.Day} of {Months(m.Months)} at {time}",
            _ => recurrence.ToString(),
        };
    }

    private static string Ordinal(int n) => n switch
    {
        1 => "First",
        2 => "Second",
        3 => "Third",
        4 => "Fourth",
        -1 => "Last",
        _ => n.ToString(Invariant),
    };

    private static string Months(IReadOnlyList<int> months) =>
        months.Count == 0 ? "every month" : string.Join(", ", months.Select(m => Invariant.DateTimeFormat.GetAbbreviatedMonthName(m)));
}
