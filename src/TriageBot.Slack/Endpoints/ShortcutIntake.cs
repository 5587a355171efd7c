using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Views;
using TriageBot.Slack.Blocks;
using TriageBot.Slack.Payloads;
using TriageBot.Slack.WebApi;

namespace TriageBot.Slack.Endpoints;

/// <summary>
/// The intake shortcuts: "Report to triage" on a message in any conversation (a channel the bot is not in, a DM, a group
/// DM, a thread) and the global "New triage item". Both open the intake form with the trigger id at once; the backlog
/// comes from the person's memberships where the place is bound to none. Answers go where the bot can reach the person
/// privately: the shortcut's <c>response_url</c>, else a DM.
/// </summary>
internal sealed class ShortcutIntake(
    InteractionHandler handler, IConversation conversation, SlackResponder responder, SlackApiClient api, ResponseUrlClient responseUrls,
    SlackUserNames names, SlackOptions options, ILogger logger)
{
    public async Task<SlackAnswer> MessageShortcutAsync(MessageActionPayload p)
    {
        if (p.CallbackId != ShortcutIds.ReportToTriage)
        {
            Log.Ignored(logger, "message shortcut", p.CallbackId);
            return SlackAnswer.Ok;
        }

        var channel = p.Channel?.Id ?? "";
        var messageTs = p.MessageTs ?? p.Message?.Ts;
        // Names of the people the message mentions, and the permalink when the payload cannot give it, are looked up
        // together, each bounded well inside the trigger id's 3 s life: the form opens without them rather than not at all.
        var budget = options.InteractiveCallTimeout / 2;
        var namesTask = names.LookUpAsync(api, SlackMarkup.MentionedUsers(p.Message?.Text), budget, handler.Ct);
        // The permalink has a documented shape, so it is built from the signed payload when the workspace domain is
        // there: no Web API round trip. chat.getPermalink is the fallback (it works in conversations the bot is not in).
        var link = channel.Length > 0 && messageTs is not null ? Permalink.Build(p.Team?.Domain, channel, messageTs, p.Message?.ThreadTs) : null;
        if (link is null && channel.Length > 0 && messageTs is not null)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(handler.Ct);
            cts.CancelAfter(budget);
            try
            {
                link = await api.GetPermalinkAsync(channel, messageTs, cts.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SlackApiException or SlackRateLimitedException or SlackTransientException or OperationCanceledException && !handler.Ct.IsCancellationRequested)
            {
                Log.ReplyFailed(logger, "chat.getPermalink", e.GetType().Name);
            }
        }

        var text = SlackMarkup.ToPlainText(p.Message?.Text, await namesTask.ConfigureAwait(false));
        var source = new MessageSource(Platform.Slack, channel, messageTs, link);
        return await ShortcutOutcomeAsync(p, new ReportMessageIntent(text, source), p.ResponseUrl).ConfigureAwait(false);
    }

    public async Task<SlackAnswer> GlobalShortcutAsync(GlobalShortcutPayload p)
    {
        if (p.CallbackId != ShortcutIds.NewItem)
        {
            Log.Ignored(logger, "global shortcut", p.CallbackId);
            return SlackAnswer.Ok;
        }

        return await ShortcutOutcomeAsync(p, new ReportMessageIntent(null, null), responseUrl: null).ConfigureAwait(false);
    }

    private async Task<SlackAnswer> ShortcutOutcomeAsync(InteractionPayload p, Intent intent, string? responseUrl)
    {
        var interaction = handler.InteractionFor(p, intent);
        var outcome = await conversation.HandleAsync(interaction, handler.Ct).ConfigureAwait(false);
        switch (outcome)
        {
            case OpenFormOutcome { Form: var form }:
                await OpenAsync(form, p.TriggerId, interaction, responseUrl).ConfigureAwait(false);
                break;
            case FormErrorsOutcome { Form: var form }:
                await OpenAsync(form, p.TriggerId, interaction, responseUrl).ConfigureAwait(false);
                break;
            case ReplyOutcome reply:
                await AnswerPrivatelyAsync(interaction, reply.View, responseUrl).ConfigureAwait(false);
                break;
            case UpdateCardOutcome update:
                await AnswerPrivatelyAsync(interaction, update.View, responseUrl).ConfigureAwait(false);
                break;
            case CloseFormOutcome { Then: { } then }:
                await AnswerPrivatelyAsync(interaction, then, responseUrl).ConfigureAwait(false);
                break;
        }

        return SlackAnswer.Ok;
    }

    private async Task OpenAsync(FormView form, string? triggerId, Interaction interaction, string? responseUrl)
    {
        var metadata = new FormMetadata(form.FormId, form.Argument, interaction.Place.ChannelId, interaction.Place.ThreadId);
        var error = await responder.OpenFormAsync(form, triggerId, metadata, push: false, handler.Ct).ConfigureAwait(false);
        if (error is not null)
        {
            await AnswerPrivatelyAsync(interaction, new TextView($"Sorry, the form could not be opened ({error}). Please try again.", Tone.Error), responseUrl).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A private answer: through the shortcut's <c>response_url</c> (it works where the bot is not a member, where an
    /// ephemeral message fails with <c>not_in_channel</c>), else an ephemeral message, or a DM when there is no channel.
    /// </summary>
    private async Task AnswerPrivatelyAsync(Interaction interaction, View view, string? responseUrl)
    {
        if (await responseUrls.RespondAsync(responseUrl, BlockKitRenderer.Render(view), handler.Ct).ConfigureAwait(false))
        {
            return;
        }

        await responder.ReplyAsync(interaction.Place, interaction.Actor.UserId, view, isPrivate: true, handler.Ct).ConfigureAwait(false);
    }
}
