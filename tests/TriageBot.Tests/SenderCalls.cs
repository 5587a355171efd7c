using TriageBot.Core.Conversation;
using TriageBot.Core.Ports;

namespace TriageBot.Tests;

/// <summary>Sends a message as the delivery worker would for a view that needs no resolving: the view is the message's payload.</summary>
internal static class SenderCalls
{
    public static Task<SendResult> SendAsync(this IChannelSender sender, OutboxMessage message, string? existingMessageId, CancellationToken ct) =>
        sender.SendAsync(message, message.ToView(), existingMessageId, ct);
}
