using TriageBot.Core.Items;

namespace TriageBot.Core.Allocation;

/// <summary>A half-open time range <c>[Start, End)</c>.</summary>
public sealed record TimeWindow(DateTimeOffset Start, DateTimeOffset End)
{
    public double Days => Math.Max(0, (End - Start).TotalDays);
}

/// <summary>
/// Sums the days items spent <c>Active</c>, per stream, inside a set of windows, from one pass over
/// history (<see cref="HistoryKind.StateChanged"/> entries whose <c>To</c>/<c>From</c> is the state name
/// "Active"), oldest first per item, read from <see cref="HistorySince"/> on, plus the items active now.
/// Days are fractional (elapsed time / 24 h), or, counted as <b>days of work</b> (the allocation review), whole days: each
/// stretch of activity inside a window counts every day it started, so ten minutes of work is one day and 2½ days are three.
/// Days are attributed to the stream the entry that started them names.
/// </summary>
public sealed class ActiveTimeAccumulator
{
    private readonly IReadOnlyList<TimeWindow> _windows;
    private readonly DateTimeOffset _now;
    private readonly double[,] _days;
    private readonly Dictionary<int, (DateTimeOffset Since, WorkStream Stream)> _open = [];
    private readonly List<(int Number, DateTimeOffset Since, WorkStream Stream)> _currentlyActive = [];
    private readonly bool _daysOfWork;
    private bool _built;

    public ActiveTimeAccumulator(IReadOnlyList<TimeWindow> windows, DateTimeOffset now)
        : this(windows, now, daysOfWork: false)
    {
    }

    /// <param name="daysOfWork">Count whole days of work (each started day of a stretch of activity) instead of elapsed time.</param>
    public ActiveTimeAccumulator(IReadOnlyList<TimeWindow> windows, DateTimeOffset now, bool daysOfWork)
    {
        _daysOfWork = daysOfWork;
        ArgumentNullException.ThrowIfNull(windows);
        _windows = windows;
        _now = now;
        _days = new double[windows.Count, Enum.GetValues<WorkStream>().Length];
        HistorySince = windows.Count == 0 ? now : windows.Min(w => w.Start);
    }

    /// <summary>The earliest instant whose history matters: read history from here to now.</summary>
    public DateTimeOffset HistorySince { get; }

    public void Add(HistoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        EnsureNotBuilt();
        if (entry.Kind != HistoryKind.StateChanged)
        {
            return;
        }

        var toActive = IsActive(entry.To);
        var fromActive = IsActive(entry.From);
        if (toActive && !fromActive)
        {
            _open.TryAdd(entry.ItemNumber, (entry.At, entry.Stream));
        }
        else if (fromActive && !toActive)
        {
            // No activation seen: it became active before the history we read, so it was active from the start.
            var (since, stream) = _open.Remove(entry.ItemNumber, out var open) ? open : (DateTimeOffset.MinValue, entry.Stream);
            AddInterval(since, entry.At, stream);
        }
    }

    /// <summary>Adds a current item: one active now with no activation in the history read was active since its <c>StateSince</c>.</summary>
    public void Add(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        EnsureNotBuilt();
        if (item.State == ItemState.Active)
        {
            var since = item.StateSince == default ? DateTimeOffset.MinValue : item.StateSince;
            _currentlyActive.Add((item.Number, since, item.Stream));
        }
    }

    /// <summary>Closes what is still active at now. Call once, after every history entry and item was added.</summary>
    public void Complete()
    {
        if (_built)
        {
            return;
        }

        foreach (var (number, since, stream) in _currentlyActive)
        {
            if (!_open.ContainsKey(number))
            {
                _open[number] = (since, stream);
            }
        }

        foreach (var (since, stream) in _open.Values)
        {
            AddInterval(since, _now, stream);
        }

        _open.Clear();
        _built = true;
    }

    /// <summary>Active days of a stream in a window (after <see cref="Complete"/>).</summary>
    public double Days(int window, WorkStream stream)
    {
        Complete();
        return _days[window, (int)stream];
    }

    /// <summary>Active days of all streams in a window (after <see cref="Complete"/>).</summary>
    public double TotalDays(int window) => Enum.GetValues<WorkStream>().Sum(s => Days(window, s));

    internal static bool IsActive(string? state) => string.Equals(state?.Trim(), nameof(ItemState.Active), StringComparison.OrdinalIgnoreCase);

    private void AddInterval(DateTimeOffset from, DateTimeOffset to, WorkStream stream)
    {
        var end = to < _now ? to : _now;
        for (var i = 0; i < _windows.Count; i++)
        {
            var w = _windows[i];
            var start = from > w.Start ? from : w.Start;
            var stop = end < w.End ? end : w.End;
            if (stop > start)
            {
                _days[i, (int)stream] += _daysOfWork ? StartedDays(stop - start) : (stop - start).TotalDays;
            }
        }
    }

    /// <summary>The days a stretch of activity started: any part of a day is a day of work (1 minute → 1, 24 h → 1, 24 h 1 min → 2).</summary>
    internal static int StartedDays(TimeSpan length) => length <= TimeSpan.Zero ? 0 : (int)((length.Ticks + TimeSpan.TicksPerDay - 1) / TimeSpan.TicksPerDay);

    private void EnsureNotBuilt()
    {
        if (_built)
        {
            throw new InvalidOperationException("The accumulator is complete; add every history entry and item before reading days.");
        }
    }
}
