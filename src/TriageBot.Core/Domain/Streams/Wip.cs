using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;

namespace TriageBot.Core.Streams;

/// <summary>Work in progress of one stream against its limit. <see cref="Breached"/> when more items are active than the limit allows.</summary>
public sealed record StreamWip(WorkStream Stream, int Active, int Limit, bool Breached);

/// <summary>WIP limits per stream and the count of active items against them.</summary>
public static class Wip
{
    /// <summary>
    /// The stream's WIP limit from the settings: model and feature limits as set, else one per engineer; bug =
    /// engineers × bugs per engineer; incident = the incident cap.
    /// </summary>
    public static int Limit(WorkStream stream, BacklogSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return stream switch
        {
            WorkStream.Model => settings.WipLimitModel ?? Math.Max(1, settings.Engineers),
            WorkStream.Bug => settings.Engineers * settings.BugWipPerEngineer,
            WorkStream.Feature => settings.WipLimitFeature ?? Math.Max(1, settings.Engineers),
            WorkStream.Incident => settings.IncidentCap,
            _ => throw new ArgumentOutOfRangeException(nameof(stream), stream, "Unknown stream."),
        };
    }

    /// <summary>
    /// A limit is breached only when exceeded: at the limit the stream is full, not in breach
    /// (the incident cap of 2 allows 2 active incidents).
    /// </summary>
    public static bool IsBreached(int active, int limit) => active > limit;

    /// <summary>WIP of all four streams, in stream order, from one pass over the items.</summary>
    public static IReadOnlyList<StreamWip> Compute(IEnumerable<Item> items, BacklogSettings settings)
    {
        ArgumentNullException.ThrowIfNull(items);
        var counter = new WipCounter(settings);
        foreach (var item in items)
        {
            counter.Add(item);
        }

        return counter.Build();
    }
}

/// <summary>Counts active items per stream in one pass, for streams of any size.</summary>
public sealed class WipCounter(BacklogSettings settings)
{
    private readonly int[] _active = new int[Enum.GetValues<WorkStream>().Length];

    public void Add(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.State == ItemState.Active)
        {
            _active[(int)item.Stream]++;
        }
    }

    public int Active(WorkStream stream) => _active[(int)stream];

    public IReadOnlyList<StreamWip> Build() =>
        [.. Enum.GetValues<WorkStream>().Select(s =>
        {
            var limit = Wip.Limit(s, settings);
            return new StreamWip(s, _active[(int)s], limit, Wip.IsBreached(_active[(int)s], limit));
        })];
}
