using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;

namespace TriageBot.Core.Conversation;

/// <summary>Delivers outbox messages to one platform. Implemented by each channel; called by the host's delivery worker.</summary>
public interface IChannelSender
{
    Platform Platform { get; }

    /// <summary>
    /// Sends one message. For <see cref="OutboxKind.Update"/>, <paramref name="existingMessageId"/> is the
    /// platform id the original post was given. Renders <paramref name="view"/> (the message's payload, live views
    /// already resolved) in the platform's idiom.
    /// </summary>
    Task<SendResult> SendAsync(OutboxMessage message, View view, string? existingMessageId, CancellationToken ct);
}
