using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Teams.Cards;
using TriageBot.Teams.Connector;

namespace TriageBot.Teams;

/// <summary>
/// Delivers outbox messages to Teams through the Bot Connector. Post: a new thread in a channel, or a reply into
/// <see cref="ConversationAddress.ThreadId"/>, or a message in a chat. Update: edits the posted activity for everyone.
/// Direct: creates the 1:1 chat, then sends. Ephemeral: Teams has none, so it goes into the thread it answers.
/// </summary>
public sealed class TeamsSender(BotConnectorClient client, IOptions<TeamsOptions> options, IBindingStore bindings) : IChannelSender
{
    public Platform Platform => Platform.Teams;

    public async Task<SendResult> SendAsync(OutboxMessage message, View view, string? existingMessageId, CancellationToken ct)
    {
        var target = message.Target;
        if (message.Kind == OutboxKind.Direct && (string.IsNullOrWhiteSpace(target.ServiceUrl) || string.IsNullOrWhiteSpace(target.Workspace)))
            target = await ReachThroughBacklogAsync(target, message.BacklogId, ct).ConfigureAwait(false);
        if (target.Platform != Platform.Teams)
            return new SendFailedPermanently($"A {target.Platform} address cannot be delivered by the Teams sender.", ChannelLost: false);
        if (string.IsNullOrWhiteSpace(target.ServiceUrl))
            return new SendFailedPermanently("The Teams address has no service URL; the bot must receive an activity from that conversation first.", ChannelLost: false);

        var activity = ActivityFor(view);
        try
        {
            return message.Kind switch
            {
                OutboxKind.Post or OutboxKind.Ephemeral => await PostAsync(target, activity, ct).ConfigureAwait(false),
                OutboxKind.Update => existingMessageId is null
                    ? new SendFailedPermanently("Nothing to update: the original message was never posted.", ChannelLost: false)
                    : await UpdateAsync(target, existingMessageId, activity, ct).ConfigureAwait(false),
                OutboxKind.Direct => await DirectAsync(target, activity, ct).ConfigureAwait(false),
                _ => new SendFailedPermanently($"Outbox kind {message.Kind} is not supported by Teams.", ChannelLost: false),
            };
        }
        catch (ConnectorException ex)
        {
            return Classify(ex);
        }
        catch (UntrustedServiceUrlException ex)
        {
            return new SendFailedPermanently(ex.Message, ChannelLost: false);
        }
        catch (HttpRequestException ex)
        {
            return new SendRetryLater(null, "The Bot Connector could not be reached: " + ex.HttpRequestError);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new SendRetryLater(null, "The Bot Connector did not answer in time.");
        }
    }

    /// <summary>How a Connector failure maps to the delivery worker's outcomes.</summary>
    public static SendResult Classify(ConnectorException ex) => ex.Status switch
    {
        403 => new SendFailedPermanently($"Teams refused the message ({ex.Code ?? "Forbidden"}): the bot was removed, blocked or disabled.", ChannelLost: true),
        404 => new SendFailedPermanently($"Teams does not know the conversation ({ex.Code ?? "NotFound"}).", ChannelLost: true),
        429 or 412 or >= 500 => new SendRetryLater(ex.RetryAfter, $"Teams answered {ex.Status}{(ex.Code is null ? "" : " " + ex.Code)}."),
        413 => new SendFailedPermanently("The message is too large for Teams (MessageSizeTooBig).", ChannelLost: false),
        _ => new SendFailedPermanently($"Teams refused the message with {ex.Status}{(ex.Code is null ? "" : " " + ex.Code)}.", ChannelLost: false),
    };

    internal static OutgoingActivity ActivityFor(View view)
    {
        var card = AdaptiveCardRenderer.Render(view, CardHost.TeamsMessage);
        return new OutgoingActivity
        {
            Summary = SummaryOf(view),
            Attachments = [new OutgoingAttachment(AdaptiveCardRenderer.ContentType, card)],
        };
    }

    private static string? SummaryOf(View view) => view switch
    {
        TextView t => CardText.Truncate(t.Title ?? t.Text, 100),
        ItemCreatedView c => CardText.Truncate($"{c.Item.Key} created: {c.Item.Title}", 100),
        BallotView b => CardText.Truncate($"Scoring {b.Item.Key}", 100),
        ReportView r => CardText.Truncate(r.Title, 100),
        _ => null,
    };

    private async Task<SendResult> PostAsync(ConversationAddress target, OutgoingActivity activity, CancellationToken ct)
    {
        var serviceUrl = target.ServiceUrl!;
        if (target.ThreadId is { } thread)
        {
            // Sending to "<channel>;messageid=<root>" lands in that thread.
            var sent = await client.SendToConversationAsync(serviceUrl, target.Workspace, ThreadConversationId(target, thread), activity, ct).ConfigureAwait(false);
            return Succeeded(sent.Id);
        }
        if (IsChannel(target))
        {
            var created = await client.CreateConversationAsync(serviceUrl, target.Workspace, target.ChannelId, new ConversationParameters
            {
                IsGroup = true,
                TenantId = target.Workspace,
                Activity = activity,
                ChannelData = new JsonObject
                {
                    ["channel"] = new JsonObject { ["id"] = target.ChannelId },
                    ["tenant"] = new JsonObject { ["id"] = target.Workspace },
                },
            }, ct).ConfigureAwait(false);
            return Succeeded(created.ActivityId ?? created.Id);
        }
        var posted = await client.SendToConversationAsync(serviceUrl, target.Workspace, target.ChannelId, activity, ct).ConfigureAwait(false);
        return Succeeded(posted.Id);
    }

    private async Task<SendResult> UpdateAsync(ConversationAddress target, string messageId, OutgoingActivity activity, CancellationToken ct)
    {
        var conversation = IsChannel(target) ? ThreadConversationId(target, target.ThreadId ?? messageId) : target.ChannelId;
        await client.UpdateActivityAsync(target.ServiceUrl!, target.Workspace, conversation, messageId, activity, ct).ConfigureAwait(false);
        return new SendSucceeded(messageId);
    }

    private async Task<SendResult> DirectAsync(ConversationAddress target, OutgoingActivity activity, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(target.UserId))
            return new SendFailedPermanently("A direct message needs the person's Teams user id.", ChannelLost: false);
        var appId = options.Value.AppId ?? "";
        var conversation = await client.CreatePersonalConversationAsync(target.ServiceUrl!, target.Workspace, "28:" + appId, target.UserId, ct).ConfigureAwait(false);
        var sent = await client.SendToConversationAsync(target.ServiceUrl!, target.Workspace, conversation, activity, ct).ConfigureAwait(false);
        return Succeeded(sent.Id);
    }

    /// <summary>
    /// Core addresses a direct message by person only (nudges to owners and engineers). Teams needs the tenant and a
    /// service URL to open the 1:1 chat: both come from the backlog's Teams channel, where the bot met the person.
    /// </summary>
    private async Task<ConversationAddress> ReachThroughBacklogAsync(ConversationAddress target, string? backlogId, CancellationToken ct)
    {
        if (backlogId is null) return target;
        ConversationAddress? fallback = null;
        await foreach (var binding in bindings.ListForBacklogAsync(backlogId, ct).ConfigureAwait(false))
        {
            var a = binding.Address;
            if (a.Platform != Platform.Teams || string.IsNullOrWhiteSpace(a.ServiceUrl) || string.IsNullOrWhiteSpace(a.Workspace)) continue;
            var reached = target with { Workspace = a.Workspace, ServiceUrl = a.ServiceUrl };
            if (binding.Active) return reached;
            fallback ??= reached;
        }
        return fallback ?? target;
    }

    private static SendResult Succeeded(string? id) =>
        // Accepted without an id: retrying would post twice, so it counts as sent (it just cannot be updated later).
        new SendSucceeded(id ?? "");

    /// <summary>A channel conversation (as opposed to a personal or group chat) is one in a team.</summary>
    private static bool IsChannel(ConversationAddress target) => target.TeamId is not null;

    private static string ThreadConversationId(ConversationAddress target, string thread) => target.ChannelId + ";messageid=" + thread;
}
