using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Slack.Blocks;
using TriageBot.Slack.Payloads;
using TriageBot.Slack.WebApi;

namespace TriageBot.Slack.Endpoints;

/// <summary>
/// Carries out an outcome on Slack while the person waits: opens modals with the trigger id at once, answers
/// privately or in the channel, updates the card a button was on. Each call is bounded so the whole answer
/// stays within Slack's 3 seconds; a reply that fails transiently goes to the outbox to be retried.
/// </summary>
internal sealed class SlackResponder(
    SlackApiClient api,
    IOutbox outbox,
    TimeProvider time,
    IOptions<SlackOptions> options,
    ILogger<SlackResponder> logger,
    IMessageRefStore? messageRefs = null)
{
    /// <summary>Opens (or pushes) a modal; returns Slack's error code when it could not.</summary>
    public async Task<string?> OpenFormAsync(FormView form, string? triggerId, FormMetadata metadata, bool push, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(triggerId))
        {
            return "no trigger id";
        }

        JsonObject modal;
        try
        {
            modal = ModalRenderer.Render(form, metadata);
        }
        catch (InvalidOperationException e)
        {
            Log.ReplyFailed(logger, "views.open", e.Message);
            return "form cannot be shown in Slack";
        }

        using var bounded = Bounded(ct);
        try
        {
            _ = push
                ? await api.PushViewAsync(triggerId, modal, bounded.Token).ConfigureAwait(false)
                : await api.OpenViewAsync(triggerId, modal, bounded.Token).ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is SlackApiException or SlackRateLimitedException or SlackTransientException or OperationCanceledException)
        {
            var error = e is SlackApiException api1 ? api1.Error : e.GetType().Name;
            Log.ReplyFailed(logger, push ? "views.push" : "views.open", error);
            return error;
        }
    }

    /// <summary>
    /// Replaces an open modal (<c>views.update</c> with its hash). A <c>hash_conflict</c> means a newer update already
    /// replaced it, so this older one is dropped; other failures leave the modal as it was (what was typed stays there).
    /// </summary>
    public async Task UpdateFormAsync(FormView form, string viewId, string? hash, FormMetadata metadata, CancellationToken ct)
    {
        using var bounded = Bounded(ct);
        try
        {
            await api.UpdateViewAsync(viewId, ModalRenderer.Render(form, metadata), hash, bounded.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SlackApiException or SlackRateLimitedException or SlackTransientException or InvalidOperationException
            or OperationCanceledException && !ct.IsCancellationRequested)
        {
            Log.ReplyFailed(logger, "views.update", e is SlackApiException a ? a.Error : e.GetType().Name);
        }
    }

    /// <summary>Answers a person: ephemeral in the place when private, a post (in the thread) otherwise; a DM when there is no channel.</summary>
    public async Task ReplyAsync(ConversationAddress place, string userId, View view, bool isPrivate, CancellationToken ct)
    {
        var message = BlockKitRenderer.Render(view);
        using var bounded = Bounded(ct);
        try
        {
            if (string.IsNullOrEmpty(place.ChannelId))
            {
                var dm = await api.OpenDirectMessageAsync(userId, bounded.Token).ConfigureAwait(false);
                await api.PostMessageAsync(dm, message, null, bounded.Token).ConfigureAwait(false);
            }
            else if (isPrivate)
            {
                await api.PostEphemeralAsync(place.ChannelId, userId, message, place.ThreadId, bounded.Token).ConfigureAwait(false);
            }
            else
            {
                await api.PostMessageAsync(place.ChannelId, message, place.ThreadId, bounded.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SlackRateLimitedException or SlackTransientException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            Log.ReplyFailed(logger, "reply", "retrying through the outbox: " + e.GetType().Name);
            await EnqueueReplyAsync(place, userId, view, isPrivate, "reply", NotBefore(e), CancellationToken.None).ConfigureAwait(false);
        }
        catch (SlackApiException e)
        {
            Log.ReplyFailed(logger, "reply", e.Error);
        }
    }

    /// <summary>Replaces the message a button was on (<c>chat.update</c>), or answers privately when that message is ephemeral.</summary>
    public async Task UpdateCardAsync(string channel, string? messageTs, bool ephemeral, string userId, ConversationAddress place, View view, CancellationToken ct)
    {
        if (ephemeral || string.IsNullOrEmpty(messageTs))
        {
            // chat.update cannot edit ephemeral messages; show the new state privately instead.
            await ReplyAsync(place, userId, view, isPrivate: true, ct).ConfigureAwait(false);
            return;
        }

        using var bounded = Bounded(ct);
        try
        {
            await api.UpdateMessageAsync(channel, messageTs, BlockKitRenderer.Render(view), bounded.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SlackRateLimitedException or SlackTransientException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            Log.ReplyFailed(logger, "chat.update", "retrying through the outbox: " + e.GetType().Name);
            var where = place with { ChannelId = channel };
            var messageRef = $"slack:{channel}:{messageTs}";
            // The delivery worker finds the message to update by its logical name; without it the update is dropped as "nothing to update".
            if (messageRefs is not null)
            {
                await messageRefs.SetAsync(messageRef, where, messageTs, CancellationToken.None).ConfigureAwait(false);
            }

            var update = NewOutbox(OutboxKind.Update, where, view, messageRef);
            await outbox.EnqueueAsync(update with { NextAttemptAt = update.NextAttemptAt + NotBefore(e) }, CancellationToken.None).ConfigureAwait(false);
        }
        catch (SlackApiException e)
        {
            Log.ReplyFailed(logger, "chat.update", e.Error);
        }
    }

    /// <summary>Queues a reply for the delivery worker (used by events, which answer after the ack).</summary>
    public Task EnqueueReplyAsync(ConversationAddress place, string userId, View view, bool isPrivate, string idHint, CancellationToken ct) =>
        EnqueueReplyAsync(place, userId, view, isPrivate, idHint, TimeSpan.Zero, ct);

    private Task EnqueueReplyAsync(ConversationAddress place, string userId, View view, bool isPrivate, string idHint, TimeSpan notBefore, CancellationToken ct)
    {
        var isDm = place.ChannelId.StartsWith('D');
        var kind = string.IsNullOrEmpty(place.ChannelId) ? OutboxKind.Direct
            : isPrivate && !isDm ? OutboxKind.Ephemeral
            : OutboxKind.Post;
        var target = place with { UserId = kind is OutboxKind.Ephemeral or OutboxKind.Direct ? userId : place.UserId };
        var message = NewOutbox(kind, target, view, null, idHint);
        return outbox.EnqueueAsync(notBefore > TimeSpan.Zero ? message with { NextAttemptAt = message.NextAttemptAt + notBefore } : message, ct);
    }

    /// <summary>A call Slack rate-limited may not be retried before its Retry-After, including through the outbox.</summary>
    private static TimeSpan NotBefore(Exception e) => e is SlackRateLimitedException limited ? limited.RetryAfter : TimeSpan.Zero;

    public OutboxMessage NewOutbox(OutboxKind kind, ConversationAddress target, View view, string? messageRef, string? idHint = null)
    {
        var now = time.GetUtcNow();
        return new OutboxMessage
        {
            Id = $"slack-{idHint ?? kind.ToString().ToLowerInvariant()}-{Guid.NewGuid():N}",
            Kind = kind,
            Target = target with { Platform = Platform.Slack },
            Payload = OutboxViews.Payload(view),
            Live = view is ILiveView,
            MessageRef = messageRef,
            CreatedAt = now,
            NextAttemptAt = now,
        };
    }

    private CancellationTokenSource Bounded(CancellationToken ct)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(options.Value.InteractiveCallTimeout);
        return cts;
    }
}
