using TriageBot.Core.Items;

namespace TriageBot.Core.Ports;

/// <summary>The result of one delivery attempt.</summary>
public abstract record SendResult;

/// <summary>Delivered; the platform's id of the message (Slack ts, Teams activity id).</summary>
public sealed record SendSucceeded(string PlatformMessageId) : SendResult;

/// <summary>Try again later: throttled (429 with Retry-After) or a transient failure.</summary>
public sealed record SendRetryLater(TimeSpan? After, string Reason) : SendResult;

/// <summary>Will never succeed (bot removed from the channel, blocked, bad request): record and tell the facilitators.</summary>
public sealed record SendFailedPermanently(string Reason, bool ChannelLost) : SendResult;

/// <summary>Wakes the delivery worker when something was queued, so replies don't wait for the next poll.</summary>
public interface IOutboxSignal
{
    void Notify();
}
