using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Slack.Blocks;
using TriageBot.Slack.WebApi;

namespace TriageBot.Slack.Delivery;

/// <summary>
/// Delivers outbox messages to Slack for the host's delivery worker: renders the view as Block Kit, posts at
/// the per-channel pace, and turns Slack's answers into <see cref="SendResult"/>s the worker acts on.
/// </summary>
public sealed class SlackSender(SlackApiClient api, ChannelPacer pacer) : IChannelSender
{
    public Platform Platform => Platform.Slack;

    public async Task<SendResult> SendAsync(OutboxMessage message, View view, string? existingMessageId, CancellationToken ct)
    {
        if (message.Target.Platform != Platform.Slack)
        {
            return new SendFailedPermanently($"Message {message.Id} targets {message.Target.Platform}, not Slack.", ChannelLost: false);
        }

        if (view is HomeView home)
        {
            return await PublishHomeAsync(message, home, ct).ConfigureAwait(false);
        }

        SlackMessage rendered;
        try
        {
            rendered = BlockKitRenderer.Render(view);
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException)
        {
            return new SendFailedPermanently("The view cannot be rendered for Slack: " + e.Message, ChannelLost: false);
        }

        var target = message.Target;
        // Installs to many workspaces: the calls below use the token of the workspace the message goes to.
        Installations.SlackWorkspace.Current = new Installations.SlackTenant(target.Workspace);
        try
        {
            switch (message.Kind)
            {
                case OutboxKind.Post:
                    await pacer.WaitTurnAsync(target.ChannelId, ct).ConfigureAwait(false);
                    return new SendSucceeded(await api.PostMessageAsync(target.ChannelId, rendered, target.ThreadId, ct).ConfigureAwait(false));

                case OutboxKind.Update:
                    if (string.IsNullOrEmpty(existingMessageId))
                    {
                        return new SendFailedPermanently($"Update {message.Id} has no Slack message ts to update.", ChannelLost: false);
                    }

                    await api.UpdateMessageAsync(target.ChannelId, existingMessageId, rendered, ct).ConfigureAwait(false);
                    return new SendSucceeded(existingMessageId);

                case OutboxKind.Ephemeral:
                    if (string.IsNullOrEmpty(target.UserId))
                    {
                        return new SendFailedPermanently($"Ephemeral message {message.Id} names no user.", ChannelLost: false);
                    }

                    return new SendSucceeded(await api.PostEphemeralAsync(target.ChannelId, target.UserId, rendered, target.ThreadId, ct).ConfigureAwait(false));

                case OutboxKind.Direct:
                    if (string.IsNullOrEmpty(target.UserId))
                    {
                        return new SendFailedPermanently($"Direct message {message.Id} names no user.", ChannelLost: false);
                    }

                    var dm = await api.OpenDirectMessageAsync(target.UserId, ct).ConfigureAwait(false);
                    await pacer.WaitTurnAsync(dm, ct).ConfigureAwait(false);
                    return new SendSucceeded(await api.PostMessageAsync(dm, rendered, null, ct).ConfigureAwait(false));

                default:
                    return new SendFailedPermanently($"Unknown outbox kind {message.Kind}.", ChannelLost: false);
            }
        }
        catch (SlackRateLimitedException e)
        {
            return new SendRetryLater(e.RetryAfter, e.Message);
        }
        catch (SlackTransientException e)
        {
            return new SendRetryLater(null, e.Message);
        }
        catch (SlackApiException e)
        {
            return new SendFailedPermanently(e.Message, e.ChannelLost);
        }
    }

    /// <summary>A person's App Home tab: published for them (<c>views.publish</c>), whatever the message's kind.</summary>
    private async Task<SendResult> PublishHomeAsync(OutboxMessage message, HomeView home, CancellationToken ct)
    {
        var user = message.Target.UserId ?? home.Viewer.UserId;
        try
        {
            return new SendSucceeded(await api.PublishViewAsync(user, HomeRenderer.Render(home), ct).ConfigureAwait(false));
        }
        catch (SlackRateLimitedException e)
        {
            return new SendRetryLater(e.RetryAfter, e.Message);
        }
        catch (SlackTransientException e)
        {
            return new SendRetryLater(null, e.Message);
        }
        catch (SlackApiException e)
        {
            return new SendFailedPermanently(e.Message, ChannelLost: false);
        }
    }
}
