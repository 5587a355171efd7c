using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;

namespace TriageBot.Playground;

/// <summary>
/// The playground's channel sender: the delivery worker hands it outbox messages like it hands Teams or Slack theirs,
/// and it renders them with the same Adaptive Card renderer Teams uses, into the in-memory feed the page polls.
/// </summary>
public sealed class PlaygroundSender(PlaygroundFeed feed) : IChannelSender
{
    public Platform Platform => Platform.Playground;

    public Task<SendResult> SendAsync(OutboxMessage message, View view, string? existingMessageId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var card = PlaygroundCards.Render(view, feed.Now, message.BacklogId);
        if (message.Kind == OutboxKind.Update)
        {
            return Task.FromResult<SendResult>(existingMessageId is not null && feed.Update(existingMessageId, card)
                ? new SendSucceeded(existingMessageId)
                : new SendFailedPermanently($"The playground has no message {existingMessageId} to update (the feed is reset when the app restarts).", ChannelLost: false));
        }

        var target = message.Target;
        var channel = target.ChannelId.Length > 0 ? target.ChannelId : PlaygroundChannels.Triage;
        var entry = feed.PostCard(channel, target.ThreadId, card, to: target.UserId);
        return Task.FromResult<SendResult>(new SendSucceeded(entry.Id));
    }
}
