using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;

namespace TriageBot.Core.Allocation;

/// <summary>A recommended range of capacity share, in whole percent, inclusive.</summary>
public sealed record ShareRange(int Min, int Max)
{
    public bool Contains(double percent) => percent >= Min && percent <= Max;

    public override string ToString() => $"{Min}–{Max}%";
}

/// <summary>Planned shares and recommended ranges of SPEC §6 "Allocation".</summary>
public static class AllocationPlan
{
    /// <summary>A stream whose actual share differs from plan by more than this many percentage points is flagged.</summary>
    public const int DeviationLimitPoints = 10;

    /// <summary>The three planned streams; the incident lane is cross-stream and has no planned share.</summary>
    public static IReadOnlyList<WorkStream> PlannedStreams { get; } = [WorkStream.Model, WorkStream.Bug, WorkStream.Feature];

    /// <summary>Defaults by stage: early model 40 / bug 25 / feature 35; stable model 25 / bug 25 / feature 50.</summary>
    public static PlannedShares Defaults(ProductStage stage) => stage switch
    {
        ProductStage.Early => new PlannedShares(40, 25, 35),
        ProductStage.Stable => new PlannedShares(25, 25, 50),
        _ => throw new ArgumentOutOfRangeException(nameof(stage), stage, "Unknown product stage."),
    };

    /// <summary>The backlog's plan: its own shares when set, else its stage's defaults.</summary>
    public static PlannedShares Planned(BacklogSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Planned ?? Defaults(settings.Stage);
    }

    /// <summary>The <c>yyyy-MM</c> key of a month in <see cref="BacklogSettings.PlannedByMonth"/>.</summary>
    public static string MonthKey(DateOnly date) => date.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The plan in force in the month of <paramref name="date"/>: the latest one set for that month or before, else <see cref="Planned(BacklogSettings)"/>.</summary>
    public static PlannedShares PlannedFor(BacklogSettings settings, DateOnly date)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var key = MonthKey(date);
        var set = settings.PlannedByMonth?
            .Where(p => string.CompareOrdinal(p.Key, key) <= 0)
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .LastOrDefault();
        return set?.Value ?? Planned(settings);
    }

    /// <summary>The settings with <paramref name="planned"/> in force from the month of <paramref name="from"/> on (later months already set keep theirs).</summary>
    public static BacklogSettings WithPlanFrom(BacklogSettings settings, DateOnly from, PlannedShares planned)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var months = new Dictionary<string, PlannedShares>(settings.PlannedByMonth ?? new Dictionary<string, PlannedShares>(), StringComparer.Ordinal)
        {
            [MonthKey(from)] = planned,
        };
        return settings with { PlannedByMonth = months };
    }

    /// <summary>Warnings (never refusals) for shares outside the method's recommended ranges for the stage.</summary>
    public static IReadOnlyList<string> Warnings(PlannedShares planned, ProductStage stage)
    {
        ArgumentNullException.ThrowIfNull(planned);
        return [.. PlannedStreams
            .Where(s => !Recommended(s, stage).Contains(Share(planned, s)))
            .Select(s => $"The {s.ToString().ToLowerInvariant()} share of {Share(planned, s)}% is outside the recommended {Recommended(s, stage)} for a {stage.ToString().ToLowerInvariant()} product.")];
    }

    public static int Share(PlannedShares planned, WorkStream stream)
    {
        ArgumentNullException.ThrowIfNull(planned);
        return stream switch
        {
            WorkStream.Model => planned.Model,
            WorkStream.Bug => planned.Bug,
            WorkStream.Feature => planned.Feature,
            _ => throw new ArgumentOutOfRangeException(nameof(stream), stream, "The incident lane has no planned share."),
        };
    }

    /// <summary>Recommended ranges: model 30–50 early / 20–30 stable, bug 20–30, feature 30–50.</summary>
    public static ShareRange Recommended(WorkStream stream, ProductStage stage) => stream switch
    {
        WorkStream.Model => stage == ProductStage.Early ? new ShareRange(30, 50) : new ShareRange(20, 30),
        WorkStream.Bug => new ShareRange(20, 30),
        WorkStream.Feature => new ShareRange(30, 50),
        _ => throw new ArgumentOutOfRangeException(nameof(stream), stream, "The incident lane has no recommended share."),
    };

    /// <summary>Problems with a plan, each saying how to fix it; empty when valid.</summary>
    public static IReadOnlyList<string> Problems(PlannedShares planned)
    {
        ArgumentNullException.ThrowIfNull(planned);
        var problems = new List<string>();
        foreach (var (name, value) in new[] { ("model", planned.Model), ("bug", planned.Bug), ("feature", planned.Feature) })
        {
            if (value is < 0 or > 100)
            {
                problems.Add($"The {name} share must be between 0 and 100 percent; it is {value}.");
            }
        }

        var sum = planned.Model + planned.Bug + planned.Feature;
        if (sum != 100)
        {
            problems.Add($"Planned shares must add up to 100 percent; model {planned.Model} + bug {planned.Bug} + feature {planned.Feature} = {sum}.");
        }

        return problems;
    }
}
