using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Slack.Payloads;
using TriageBot.Slack.WebApi;

namespace TriageBot.Slack.Endpoints;

/// <summary>
/// The intake shortcuts: "Report to triage" on a message (from any conversation) and the global "New triage item".
/// Both open the intake form with the trigger id at once.
/// </summary>
internal sealed class ShortcutIntake(InteractionHandler handler, IConversation conversation, SlackResponder responder, SlackApiClient api, SlackOptions options, ILogger logger)
{
    public async Task<IResult> MessageShortcutAsync(MessageActionPayload p)
    {
        if (p.CallbackId != ShortcutIds.ReportToTriage)
        {
            Log.Ignored(logger, "message shortcut", p.CallbackId);
            return Results.Ok();
        }

        var channel = p.Channel?.Id ?? "";
        var messageTs = p.MessageTs ?? p.Message?.Ts;
        // The permalink has a documented shape, so it is built from the signed payload when the workspace domain is
        // there: no Web API round trip inside the trigger id's 3 s life. chat.getPermalink is the fallback.
        var link = channel.Length > 0 && messageTs is not null ? Permalink.Build(p.Team?.Domain, channel, messageTs) : null;
        if (link is null && channel.Length > 0 && messageTs is not null)
        {
            // Bounded well inside the trigger id's 3 s life; the item is still created without a link.
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(handler.Ct);
            cts.CancelAfter(options.InteractiveCallTimeout / 2);
            try
            {
                link = await api.GetPermalinkAsync(channel, messageTs, cts.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SlackApiException or SlackRateLimitedException or SlackTransientException or OperationCanceledException && !handler.Ct.IsCancellationRequested)
            {
                Log.ReplyFailed(logger, "chat.getPermalink", e.GetType().Name);
            }
        }

        var source = new MessageSource(Platform.Slack, channel, messageTs, link);
        return await ShortcutOutcomeAsync(p, new ReportMessageIntent(p.Message?.Text, source)).ConfigureAwait(false);
    }

    public async Task<IResult> GlobalShortcutAsync(GlobalShortcutPayload p)
    {
        if (p.CallbackId != ShortcutIds.NewItem)
        {
            Log.Ignored(logger, "global shortcut", p.CallbackId);
            return Results.Ok();
        }

        return await ShortcutOutcomeAsync(p, new ReportMessageIntent(null, null)).ConfigureAwait(false);
    }

    private async Task<IResult> ShortcutOutcomeAsync(InteractionPayload p, Intent intent)
    {
        var interaction = handler.InteractionFor(p, intent);
        var outcome = await conversation.HandleAsync(interaction, handler.Ct).ConfigureAwait(false);
        switch (outcome)
        {
            case OpenFormOutcome { Form: var form }:
                await handler.OpenOrExplainAsync(form, p.TriggerId, new FormMetadata(form.FormId, form.Argument, interaction.Place.ChannelId, interaction.Place.ThreadId), push: false, interaction).ConfigureAwait(false);
                break;
            case FormErrorsOutcome { Form: var form }:
                await handler.OpenOrExplainAsync(form, p.TriggerId, new FormMetadata(form.FormId, form.Argument, interaction.Place.ChannelId, interaction.Place.ThreadId), push: false, interaction).ConfigureAwait(false);
                break;
            case ReplyOutcome reply:
                await responder.ReplyAsync(interaction.Place, p.User.Id, reply.View, isPrivate: true, handler.Ct).ConfigureAwait(false);
                break;
            case UpdateCardOutcome update:
                await responder.ReplyAsync(interaction.Place, p.User.Id, update.View, isPrivate: true, handler.Ct).ConfigureAwait(false);
                break;
            case CloseFormOutcome { Then: { } then }:
                await responder.ReplyAsync(interaction.Place, p.User.Id, then, isPrivate: true, handler.Ct).ConfigureAwait(false);
                break;
        }

        return Results.Ok();
    }
}
