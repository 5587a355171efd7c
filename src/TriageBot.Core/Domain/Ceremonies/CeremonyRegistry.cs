using TriageBot.Core.Backlogs;

namespace TriageBot.Core.Ceremonies;

/// <summary>What a ceremony posts when it occurs; the use cases build it once per occurrence and fan it out.</summary>
public enum CeremonyReport
{
    /// <summary>The weekly stream review (SPEC §6).</summary>
    WeeklyReview,
    /// <summary>The clinic's agenda, with a ballot per agenda item in its thread, and its closing summary.</summary>
    ClinicAgenda,
    /// <summary>Planned vs actual allocation, with its chart.</summary>
    AllocationReview,
    /// <summary>Icebox items older than 6 months, with close / re-score / promote buttons.</summary>
    IceboxSweep,
}

/// <summary>One ceremony, defined once: what it is called, the words that name it in commands, when it recurs by default,
/// which channels take it, and what it posts.</summary>
/// <param name="DefaultSchedule">The SPEC §6 default, given the anchor week of fortnightly schedules (the backlog's creation).</param>
public sealed record CeremonyDefinition(
    CeremonyKind Kind,
    string Name,
    IReadOnlyList<string> Aliases,
    Func<DateOnly, CeremonySchedule> DefaultSchedule,
    ChannelRoles ChannelRole,
    CeremonyReport Report);

/// <summary>
/// The four ceremonies of SPEC §6, one entry each. Adding a ceremony is adding a <see cref="CeremonyKind"/> and its entry
/// here (and its report's builder); a kind without an entry is refused when the host starts (<see cref="EnsureComplete"/>)
/// and by <see cref="Of"/>, never posted as something else.
/// </summary>
public static class CeremonyRegistry
{
    public static IReadOnlyList<CeremonyDefinition> All { get; } =
    [
        new(CeremonyKind.WeeklyStreamReview, "Weekly stream review", ["weekly", "review", "weekly-review", "stream-review"],
            anchor => new(new WeeklyRecurrence(DayOfWeek.Monday, new TimeOnly(10, 0), 1, anchor), 30),
            ChannelRoles.Reports, CeremonyReport.WeeklyReview),
        new(CeremonyKind.TriageClinic, "Triage clinic", ["clinic", "triage", "triage-clinic"],
            anchor => new(new WeeklyRecurrence(DayOfWeek.Wednesday, new TimeOnly(14, 0), 2, anchor), 60),
            ChannelRoles.Clinic, CeremonyReport.ClinicAgenda),
        new(CeremonyKind.AllocationReview, "Stream allocation review", ["allocation", "alloc", "allocation-review"],
            _ => new(new MonthlyNthWeekdayRecurrence(1, DayOfWeek.Monday, new TimeOnly(11, 0), []), 45),
            ChannelRoles.Reports, CeremonyReport.AllocationReview),
        new(CeremonyKind.IceboxSweep, "Icebox sweep", ["sweep", "icebox", "icebox-sweep"],
            _ => new(new MonthlyNthWeekdayRecurrence(1, DayOfWeek.Tuesday, new TimeOnly(15, 0), [1, 4, 7, 10]), 90),
            ChannelRoles.Reports, CeremonyReport.IceboxSweep),
    ];

    private static readonly Dictionary<CeremonyKind, CeremonyDefinition> ByKind = All.GroupBy(d => d.Kind).ToDictionary(g => g.Key, g => g.First());

    /// <summary>The definition of a ceremony; an <see cref="ArgumentOutOfRangeException"/> for a kind without one (no fallback).</summary>
    public static CeremonyDefinition Of(CeremonyKind kind) =>
        ByKind.TryGetValue(kind, out var definition)
            ? definition
            : throw new ArgumentOutOfRangeException(nameof(kind), kind, $"No ceremony is defined for kind '{kind}': add its entry to {nameof(CeremonyRegistry)}.{nameof(All)}.");

    /// <summary>The ceremony a word names (its kind's name or one of its aliases, any case), or null.</summary>
    public static CeremonyDefinition? Find(string? word)
    {
        var w = word?.Trim();
        return string.IsNullOrEmpty(w)
            ? null
            : All.FirstOrDefault(d => d.Aliases.Contains(w, StringComparer.OrdinalIgnoreCase) || string.Equals(d.Kind.ToString(), w, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Every problem with a set of definitions, each naming what to fix; empty when every kind has one valid entry.</summary>
    public static IReadOnlyList<string> Problems(IReadOnlyList<CeremonyDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var problems = new List<string>();
        foreach (var kind in Enum.GetValues<CeremonyKind>())
        {
            var count = definitions.Count(d => d.Kind == kind);
            if (count != 1)
            {
                problems.Add(count == 0 ? $"Ceremony kind '{kind}' has no definition." : $"Ceremony kind '{kind}' is defined {count} times.");
            }
        }

        foreach (var d in definitions)
        {
            if (!Enum.IsDefined(d.Kind))
            {
                problems.Add($"A definition names the unknown ceremony kind '{(int)d.Kind}'.");
            }

            if (string.IsNullOrWhiteSpace(d.Name) || d.Aliases.Count == 0)
            {
                problems.Add($"Ceremony '{d.Kind}' needs a name and at least one alias.");
            }

            if (d.ChannelRole is not (ChannelRoles.Clinic or ChannelRoles.Reports or ChannelRoles.Intake))
            {
                problems.Add($"Ceremony '{d.Kind}' must be posted to one channel role (clinic, reports or intake).");
            }

            if (!Enum.IsDefined(d.Report))
            {
                problems.Add($"Ceremony '{d.Kind}' posts an unknown report '{(int)d.Report}'.");
            }

            problems.AddRange(CeremonyCalendar.Problems(d.DefaultSchedule(new DateOnly(2026, 1, 5))).Select(p => $"Ceremony '{d.Kind}' default schedule: {p}"));
        }

        problems.AddRange(definitions.SelectMany(d => d.Aliases.Select(a => (a, d.Kind)))
            .GroupBy(x => x.a, StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Select(x => x.Kind).Distinct().Count() > 1)
            .Select(g => $"The alias '{g.Key}' names more than one ceremony ({string.Join(", ", g.Select(x => x.Kind).Distinct())})."));
        problems.AddRange(definitions.GroupBy(d => d.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1)
            .Select(g => $"The name '{g.Key}' is used by more than one ceremony."));
        return problems;
    }

    /// <summary>Called when the host starts: an <see cref="InvalidOperationException"/> listing every problem, so a kind without a definition never runs.</summary>
    public static void EnsureComplete() => EnsureComplete(All);

    public static void EnsureComplete(IReadOnlyList<CeremonyDefinition> definitions)
    {
        var problems = Problems(definitions);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The ceremony registry is incomplete: " + string.Join(" ", problems));
        }
    }
}
