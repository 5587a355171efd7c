using System.Collections.Concurrent;
using System.Diagnostics;

namespace TriageBot.Storage.Sqlite;

/// <summary>
/// A short-lived memory of reads, emptied by every write that could change them. A read that overlaps a write is
/// never kept: the generation it started in must still be current when it finishes.
/// </summary>
internal sealed class SqliteReadCache(TimeSpan maxAge)
{
    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly long maxAgeTicks = (long)(maxAge.TotalSeconds * Stopwatch.Frequency);
    private long generation;

    private sealed record Entry(long Generation, long Until, object? Value);

    public async Task<T> GetAsync<T>(string key, Func<Task<T>> load)
    {
        var now = Stopwatch.GetTimestamp();
        var started = Volatile.Read(ref generation);
        if (entries.TryGetValue(key, out var entry) && entry.Generation == started && entry.Until > now)
        {
            return (T)entry.Value!;
        }

        var value = await load().ConfigureAwait(false);
        if (Volatile.Read(ref generation) == started)
        {
            entries[key] = new Entry(started, now + maxAgeTicks, value);
        }

        return value;
    }

    public void Invalidate()
    {
        Interlocked.Increment(ref generation);
        entries.Clear();
    }
}
