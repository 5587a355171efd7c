using System.Globalization;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;

namespace TriageBot.Core.Allocation;

/// <summary>Planned against actual for one planned stream. Shares are percent of model + bug + feature active days.</summary>
public sealed record StreamAllocation(WorkStream Stream, int Planned, double Days, double? Actual, ShareRange Recommended)
{
    /// <summary>Actual minus planned, in percentage points; null when nothing was active.</summary>
    public double? Deviation => Actual - Planned;

    /// <summary>Off plan by more than <see cref="AllocationPlan.DeviationLimitPoints"/> points either way.</summary>
    public bool OffPlan => Deviation is { } d && Math.Abs(d) > AllocationPlan.DeviationLimitPoints;

    public bool Underran => Deviation < -AllocationPlan.DeviationLimitPoints;

    public bool PlannedOutsideRecommended => !Recommended.Contains(Planned);
}

/// <summary>
/// The post-launch recommendation, shown for 60 days from the launch date: reserve 25–40% for the tail.
/// What is left for features is <c>100 − 25 − planned model − planned bug</c> (the minimum reserve comes out of
/// feature capacity, since model and bug work are what the tail needs); feature work above that is warned about.
/// </summary>
public sealed record PostLaunchAdvice(
    DateOnly LaunchDate,
    DateOnly Until,
    int ReserveMin,
    int ReserveMax,
    int FeatureRoom,
    double FeatureShare,
    bool FeatureShareIsActual)
{
    public bool FeatureExceedsRoom => FeatureShare > FeatureRoom;
}

/// <summary>The arithmetic of the allocation review: window, shares, deviations, the underrun question and post-launch advice.</summary>
public static class AllocationMath
{
    public const int SprintsReviewed = 4;
    public const int PostLaunchDays = 60;
    public const int TailReserveMin = 25;
    public const int TailReserveMax = 40;

    /// <summary>The last 4 sprints before now: <c>[now − 4 × sprint length, now)</c>.</summary>
    public static TimeWindow Window(BacklogSettings settings, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.SprintLengthDays < 1)
        {
            throw new ArgumentException($"Sprint length must be at least 1 day; it is {settings.SprintLengthDays}.", nameof(settings));
        }

        return new TimeWindow(now.AddDays(-SprintsReviewed * settings.SprintLengthDays), now);
    }

    /// <summary>Planned against actual for model, bug and feature, from active days per stream. The incident lane is excluded from the shares.</summary>
    public static IReadOnlyList<StreamAllocation> Streams(BacklogSettings settings, Func<WorkStream, double> activeDays)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(activeDays);
        var planned = AllocationPlan.Planned(settings);
        var days = AllocationPlan.PlannedStreams.ToDictionary(s => s, activeDays);
        var total = days.Values.Sum();
        return [.. AllocationPlan.PlannedStreams.Select(s => new StreamAllocation(
            s,
            AllocationPlan.Share(planned, s),
            days[s],
            total > 0 ? 100 * days[s] / total : null,
            AllocationPlan.Recommended(s, settings.Stage)))];
    }

    /// <summary>The question asked when model work underran its plan by more than 10 points; null otherwise.</summary>
    public static string? UnderrunQuestion(IEnumerable<StreamAllocation> streams)
    {
        ArgumentNullException.ThrowIfNull(streams);
        var model = streams.FirstOrDefault(s => s.Stream == WorkStream.Model);
        return model is { Underran: true, Actual: { } actual }
            ? string.Create(CultureInfo.InvariantCulture, $"Model work ran at {actual:0}% against a plan of {model.Planned}%: why did model work underrun?")
            : null;
    }

    /// <summary>
    /// Advice while <paramref name="today"/> is within 60 days of the launch date (launch day included); null otherwise.
    /// Feature work is the actual feature share when anything was active, else the planned one.
    /// </summary>
    public static PostLaunchAdvice? PostLaunch(BacklogSettings settings, DateOnly today, IReadOnlyList<StreamAllocation> streams)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(streams);
        if (settings.LaunchDate is not { } launch || today < launch || today >= launch.AddDays(PostLaunchDays))
        {
            return null;
        }

        var planned = AllocationPlan.Planned(settings);
        var room = Math.Max(0, 100 - TailReserveMin - planned.Model - planned.Bug);
        var feature = streams.First(s => s.Stream == WorkStream.Feature);
        return new PostLaunchAdvice(
            launch,
            launch.AddDays(PostLaunchDays),
            TailReserveMin,
            TailReserveMax,
            room,
            feature.Actual ?? feature.Planned,
            feature.Actual is not null);
    }
}
