using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace TriageBot.Slack.WebApi;

/// <summary>
/// Spaces posts to the same channel (Slack allows about one message per second per channel). Each caller
/// reserves the next free slot and waits for it on the injected clock. Interactive answers do not use it.
/// </summary>
public sealed class ChannelPacer(TimeProvider time, IOptions<SlackOptions> options)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _nextSlot = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Waits until this channel may be posted to, and takes the slot.</summary>
    public Task WaitTurnAsync(string channelId, CancellationToken ct)
    {
        var interval = options.Value.ChannelPostInterval;
        var now = time.GetUtcNow();
        DateTimeOffset slot;
        lock (_gate)
        {
            slot = _nextSlot.TryGetValue(channelId, out var next) && next > now ? next : now;
            _nextSlot[channelId] = slot + interval;
            if (_nextSlot.Count > 10_000)
            {
                // Forget channels whose slot has passed so the table stays small.
                foreach (var (key, value) in _nextSlot)
                {
                    if (value <= now)
                    {
                        _nextSlot.TryRemove(key, out _);
                    }
                }
            }
        }

        var wait = slot - now;
        return wait <= TimeSpan.Zero ? Task.CompletedTask : Task.Delay(wait, time, ct);
    }
}
