using TriageBot.Core.Backlogs;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>
/// A command whose answer takes time answers in one post (issue 19): the acknowledgement is posted at once and updated in
/// place into the answer when it is ready (Slack <c>chat.update</c>, Teams update activity), never a second message.
/// </summary>
internal static class OnePost
{
    /// <summary>
    /// Queues <paramref name="acknowledgement"/> as a post named <paramref name="messageRef"/> and <paramref name="answer"/> (a
    /// live view, built when sent) as its update. The name is known before the post is sent, so the update waits for the post
    /// instead of being dropped, and it is queued a tick later, so a worker taking both at once sends the post first.
    /// </summary>
    public static async Task QueueAsync(UseCaseContext context, RequestContext c, ConversationAddress where, TextView acknowledgement, View answer, string messageRef)
    {
        await context.Store.MessageRefs.SetAsync(messageRef, where, "", c.Ct);
        var post = UseCaseContext.NewOutbox(c, OutboxKind.Post, where, acknowledgement, messageRef: messageRef);
        var update = UseCaseContext.NewOutbox(c, OutboxKind.Update, where, answer, messageRef: messageRef) with { CreatedAt = c.Now.AddTicks(1) };
        await context.Store.Outbox.EnqueueManyAsync([post, update], c.Ct);
        context.Notify();
    }
}
