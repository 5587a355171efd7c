using System.Collections.Concurrent;

namespace TriageBot.Delivery;

/// <summary>
/// Spaces the updates of one live message (a ballot redrawn after each vote, a home) by
/// <see cref="DeliveryOptions.LiveUpdateInterval"/> on this instance: an update due sooner waits, unleased, so the votes
/// meanwhile coalesce into it, and the idle worker wakes when the first pause ends instead of at its next poll.
/// </summary>
internal sealed class LiveUpdatePacer(TimeSpan interval)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> sent = new(StringComparer.Ordinal);
    // The updates held back, and when each may go out: the idle worker wakes for the first of them.
    private readonly ConcurrentDictionary<string, DateTimeOffset> held = new(StringComparer.Ordinal);

    /// <summary>When the update of <paramref name="live"/> may go out, if not now.</summary>
    public DateTimeOffset? HoldUntil(string live, DateTimeOffset now)
    {
        if (!sent.TryGetValue(live, out var last) || now - last >= interval)
        {
            held.TryRemove(live, out _);
            return null;
        }

        var until = last + interval;
        held[live] = until;
        return until;
    }

    /// <summary>The update of <paramref name="live"/> was sent at <paramref name="at"/>.</summary>
    public void Sent(string live, DateTimeOffset at)
    {
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        sent[live] = at;
        if (sent.Count > 10_000)
        {
            // Forget messages whose pause is over so the table stays small.
            foreach (var (key, when) in sent)
            {
                if (at - when >= interval)
                {
                    sent.TryRemove(key, out _);
                }
            }
        }
    }

    /// <summary>How long the idle worker sleeps: its poll, or less when a held update's pause ends sooner.</summary>
    public TimeSpan NextWait(TimeSpan poll, DateTimeOffset now)
    {
        var wait = poll;
        foreach (var (live, until) in held)
        {
            if (until <= now)
            {
                // Due: one more look at once (it may have become due just after the worker's last look), then forgotten, so a
                // message another instance sent is not waited for again.
                held.TryRemove(live, out _);
            }

            wait = TimeSpan.FromTicks(Math.Clamp((until - now).Ticks, TimeSpan.TicksPerMillisecond, wait.Ticks));
        }

        return wait;
    }
}
