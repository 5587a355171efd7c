using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;

namespace TriageBot.Core.Ports;

/// <summary>Read-change-write loops for conditional updates that may lose an ETag race to another writer.</summary>
public static class Retrying
{
    /// <summary>
    /// Reads the item, applies <paramref name="change"/> and replaces it with the ETag it was read with; when
    /// someone else wrote first, reads again and re-applies, at most <paramref name="maxAttempts"/> times.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The item does not exist.</exception>
    /// <exception cref="ConcurrencyException">Every attempt lost its race.</exception>
    public static async Task<Versioned<Item>> UpdateItemAsync(
        IItemStore store, string backlogId, int number, Func<Item, Item> change, int maxAttempts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(change);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.GetAsync(backlogId, number, ct).ConfigureAwait(false)
                ?? throw new KeyNotFoundException($"Item {number} of backlog '{backlogId}' does not exist.");
            try
            {
                return await store.ReplaceAsync(change(current.Value), current.ETag, ct).ConfigureAwait(false);
            }
            catch (ConcurrencyException) when (attempt < maxAttempts)
            {
                await BackOffAsync(attempt, ct).ConfigureAwait(false);
            }
            catch (ConcurrencyException e)
            {
                throw new ConcurrencyException(
                    $"Updating item {number} of backlog '{backlogId}' gave up after {maxAttempts} attempts: " +
                    $"another writer changed it every time ({e.Message}).");
            }
        }
    }

    /// <summary>The same loop as <see cref="UpdateItemAsync"/>, for a backlog's settings.</summary>
    /// <exception cref="KeyNotFoundException">The backlog does not exist.</exception>
    /// <exception cref="ConcurrencyException">Every attempt lost its race.</exception>
    public static async Task<Versioned<Backlog>> UpdateBacklogAsync(
        IBacklogStore store, string backlogId, Func<Backlog, Backlog> change, int maxAttempts, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(change);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        for (var attempt = 1; ; attempt++)
        {
            var current = await store.GetAsync(backlogId, ct).ConfigureAwait(false)
                ?? throw new KeyNotFoundException($"Backlog '{backlogId}' does not exist.");
            try
            {
                return await store.ReplaceAsync(change(current.Value), current.ETag, ct).ConfigureAwait(false);
            }
            catch (ConcurrencyException) when (attempt < maxAttempts)
            {
                await BackOffAsync(attempt, ct).ConfigureAwait(false);
            }
            catch (ConcurrencyException e)
            {
                throw new ConcurrencyException(
                    $"Updating backlog '{backlogId}' gave up after {maxAttempts} attempts: " +
                    $"another writer changed it every time ({e.Message}).");
            }
        }
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
