using TriageBot.Core.Backlogs;

namespace TriageBot.Core.Ports;

/// <summary>Read-change-write loops for conditional updates that may lose an ETag race to another writer.</summary>
public static class Retrying
{
    /// <summary>
    /// Reads a record, applies <paramref name="change"/> and replaces it with the ETag it was read with; when someone
    /// else wrote first, reads again and re-applies, at most <paramref name="maxAttempts"/> times. The change returns the
    /// next value and a result for the caller (e.g. the history entries it implies).
    /// </summary>
    /// <exception cref="KeyNotFoundException">The record does not exist.</exception>
    /// <exception cref="ConcurrencyException">Every attempt lost its race.</exception>
    public static async Task<(Versioned<T> Saved, TResult Result)> UpdateAsync<T, TResult>(
        string what,
        Func<CancellationToken, Task<Versioned<T>?>> read,
        Func<T, Task<(T Next, TResult Result)>> change,
        Func<T, string, CancellationToken, Task<Versioned<T>>> replace,
        int maxAttempts,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(replace);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        for (var attempt = 1; ; attempt++)
        {
            var current = await read(ct).ConfigureAwait(false) ?? throw new KeyNotFoundException($"{what} does not exist.");
            var (next, result) = await change(current.Value).ConfigureAwait(false);
            try
            {
                return (await replace(next, current.ETag, ct).ConfigureAwait(false), result);
            }
            catch (ConcurrencyException) when (attempt < maxAttempts)
            {
                await BackOffAsync(attempt, ct).ConfigureAwait(false);
            }
            catch (ConcurrencyException e)
            {
                throw new ConcurrencyException(
                    $"Updating {what} gave up after {maxAttempts} attempts: another writer changed it every time ({e.Message}).");
            }
        }
    }

    /// <summary>The loop of <see cref="UpdateAsync{T, TResult}"/> for a backlog's settings.</summary>
    public static async Task<Versioned<Backlog>> UpdateBacklogAsync(
        IBacklogStore store, string backlogId, Func<Backlog, Backlog> change, int maxAttempts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(change);
        var (saved, _) = await UpdateAsync($"backlog '{backlogId}'",
            c => store.GetAsync(backlogId, c),
            b => Task.FromResult((change(b), true)),
            store.ReplaceAsync, maxAttempts, ct).ConfigureAwait(false);
        return saved;
    }

    // Jitter spreads writers that collided so they do not collide again in lock step.
    private static Task BackOffAsync(int attempt, CancellationToken ct)
    {
#pragma warning disable CA5394 // Jitter is not a security decision.
        var ms = Random.Shared.Next(0, Math.Min(50, 2 * attempt) + 1);
#pragma warning restore CA5394
        return ms == 0 ? Task.CompletedTask : Task.Delay(ms, ct);
    }
}
