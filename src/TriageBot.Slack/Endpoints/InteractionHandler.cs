using System.Text.Json.Nodes;
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

/// <summary>Answers block actions and modal submissions for one interactivity request; shortcuts use its helpers.</summary>
internal sealed class InteractionHandler(
    CancellationToken ct,
    TimeProvider time,
    IConversation conversation,
    SlackResponder responder,
    ILogger logger)
{
    public CancellationToken Ct => ct;

    public ConversationAddress PlaceFor(InteractionPayload payload)
    {
        string? channel = null;
        string? thread = null;
        switch (payload)
        {
            case BlockActionsPayload p when p.Container?.Type == "view" || (p.Channel is null && p.View is not null):
                var viewMeta = FormMetadata.TryParse(p.View?.PrivateMetadata);
                channel = viewMeta?.Channel;
                thread = viewMeta?.Thread;
                break;
            case BlockActionsPayload p:
                channel = p.Channel?.Id ?? p.Container?.ChannelId;
                thread = p.Message?.ThreadTs ?? p.Container?.ThreadTs;
                break;
            case ViewSubmissionPayload p:
                var meta = FormMetadata.TryParse(p.View.PrivateMetadata);
                channel = meta?.Channel;
                thread = meta?.Thread;
                break;
            case MessageActionPayload p:
                channel = p.Channel?.Id;
                thread = p.Message?.ThreadTs;
                break;
        }

        return new ConversationAddress { Platform = Platform.Slack, Workspace = payload.Workspace, ChannelId = channel ?? "", ThreadId = thread };
    }

    public Interaction InteractionFor(InteractionPayload payload, Intent intent) => new(
        new UserRef(Platform.Slack, payload.User.Id, payload.User.DisplayName),
        PlaceFor(payload),
        intent,
        time.GetUtcNow());

    public async Task<SlackAnswer> BlockActionsAsync(BlockActionsPayload p)
    {
        if (p.Actions.Count == 0 || p.Actions[0] is not { } action)
        {
            return SlackAnswer.BadRequest(logger, "block_actions without an action");
        }

        if (p.Container?.Type == "view" && p.View is { } view && action.Type is "static_select" or "radio_buttons"
            && FormMetadata.TryParse(view.PrivateMetadata) is { } formMeta && action.ActionId == action.BlockId)
        {
            // A choice that redraws its modal (dispatch_action) changed.
            return await RefreshFormAsync(p, view, formMeta).ConfigureAwait(false);
        }

        var actionId = ActionIdCodec.Strip(action.ActionId);
        var inlineForm = action.BlockId == ActionIdCodec.InlineFormBlock;
        if (inlineForm && actionId != ActionIdCodec.SubmitInlineForm)
        {
            // A menu of a form inside a message changed: nothing happens until its button is pressed.
            return SlackAnswer.Ok;
        }

        Intent intent;
        if (inlineForm)
        {
            if (ActionIdCodec.ParseInlineFormValue(action.Value) is not var (formId, argument))
            {
                return SlackAnswer.BadRequest(logger, "the inline form's button carries no form id");
            }

            intent = new FormSubmitIntent(formId, argument, ViewValues.ReadValues(p.State, ActionIdCodec.InlineFormBlock));
        }
        else
        {
            intent = actionId == ActionIdCodec.RunCommand ? new CommandIntent(action.Value ?? "") : new ButtonIntent(actionId, action.Value);
        }

        var interaction = InteractionFor(p, intent);
        var outcome = await conversation.HandleAsync(interaction, Ct).ConfigureAwait(false);
        if (inlineForm && outcome is CloseFormOutcome { Then: null or TextView { Tone: Tone.Success } })
        {
            // Done: the message itself shows it (a ballot names its new voter in the update that follows at once).
            return SlackAnswer.Ok;
        }

        // A button in the App Home tab is in a view too, but not a modal: forms open as new modals, not pushed ones.
        var inModal = p.Container?.Type == "view" && p.View?.Type != "home";
        var messageTs = p.Container?.MessageTs ?? p.Message?.Ts;
        var channel = interaction.Place.ChannelId;
        switch (outcome)
        {
            case OpenFormOutcome { Form: var form }:
                await OpenOrExplainAsync(form, p.TriggerId, new FormMetadata(form.FormId, form.Argument, channel, interaction.Place.ThreadId, inModal ? null : messageTs), inModal, interaction).ConfigureAwait(false);
                break;
            case FormErrorsOutcome { Form: var form }:
                await OpenOrExplainAsync(form, p.TriggerId, new FormMetadata(form.FormId, form.Argument, channel, interaction.Place.ThreadId, inModal ? null : messageTs), inModal, interaction).ConfigureAwait(false);
                break;
            case ReplyOutcome reply:
                await responder.ReplyAsync(interaction.Place, p.User.Id, reply.View, reply.Private, Ct).ConfigureAwait(false);
                break;
            case UpdateCardOutcome update when !inModal:
                await responder.UpdateCardAsync(p.Container?.ChannelId ?? channel, messageTs, p.Container?.IsEphemeral ?? false, p.User.Id, interaction.Place, update.View, Ct).ConfigureAwait(false);
                break;
            case UpdateCardOutcome update:
                await responder.ReplyAsync(interaction.Place, p.User.Id, update.View, isPrivate: true, Ct).ConfigureAwait(false);
                break;
            case CloseFormOutcome { Then: { } then }:
                await responder.ReplyAsync(interaction.Place, p.User.Id, then, isPrivate: true, Ct).ConfigureAwait(false);
                break;
        }

        return SlackAnswer.Ok;
    }

    /// <summary>
    /// A choice with <c>dispatch_action</c> changed in an open modal: the form is redrawn with everything typed so far and
    /// replaces the modal through <c>views.update</c>, guarded by the view's hash so an older redraw never wins over a newer one.
    /// </summary>
    private async Task<SlackAnswer> RefreshFormAsync(BlockActionsPayload p, SlackView view, FormMetadata metadata)
    {
        var viewId = view.Id ?? p.Container?.ViewId;
        if (string.IsNullOrEmpty(viewId))
        {
            return SlackAnswer.BadRequest(logger, "block_actions in a view that names no view id");
        }

        var interaction = InteractionFor(p, new FormRefreshIntent(metadata.FormId, metadata.Argument, ViewValues.ReadValues(view.State)));
        var outcome = await conversation.HandleAsync(interaction, Ct).ConfigureAwait(false);
        if (outcome is not FormErrorsOutcome { Form: var form })
        {
            if (outcome is ReplyOutcome reply)
            {
                await responder.ReplyAsync(interaction.Place, p.User.Id, reply.View, isPrivate: true, Ct).ConfigureAwait(false);
            }

            return SlackAnswer.Ok;
        }

        await responder.UpdateFormAsync(form, viewId, view.Hash, metadata with { Argument = form.Argument }, Ct).ConfigureAwait(false);
        return SlackAnswer.Ok;
    }

    public async Task<SlackAnswer> ViewSubmissionAsync(ViewSubmissionPayload p)
    {
        var metadata = FormMetadata.TryParse(p.View.PrivateMetadata)
            ?? (string.IsNullOrEmpty(p.View.CallbackId) ? null : new FormMetadata(p.View.CallbackId, null, null, null));
        if (metadata is null)
        {
            return SlackAnswer.BadRequest(logger, "view_submission of a view that is not a TriageBot form (no private_metadata or callback_id)");
        }

        var interaction = InteractionFor(p, new FormSubmitIntent(metadata.FormId, metadata.Argument, ViewValues.ReadValues(p.View.State)));
        var outcome = await conversation.HandleAsync(interaction, Ct).ConfigureAwait(false);
        switch (outcome)
        {
            case FormErrorsOutcome { Form.Errors.Count: 0 } redrawn:
                // The form redrawn (another stream's fields): it replaces the modal, keeping its place.
                return Json(new JsonObject { ["response_action"] = "update", ["view"] = ModalRenderer.Render(redrawn.Form, metadata with { Argument = redrawn.Form.Argument }) });

            case FormErrorsOutcome errors:
                return Json(ModalRenderer.Errors(errors.Form));

            case OpenFormOutcome next:
                // The next step replaces this modal; it keeps this modal's place.
                var nextMeta = metadata with { FormId = next.Form.FormId, Argument = next.Form.Argument };
                return Json(new JsonObject { ["response_action"] = "update", ["view"] = ModalRenderer.Render(next.Form, nextMeta) });

            case CloseFormOutcome { Then: { } then }:
                // The confirmation replaces the modal in the answer itself: nothing to send while Slack waits.
                return Json(new JsonObject
                {
                    ["response_action"] = "update",
                    ["view"] = ModalRenderer.Confirmation(p.View.Title?.Text ?? "TriageBot", then, metadata),
                });

            case ReplyOutcome reply:
                await responder.ReplyAsync(interaction.Place, p.User.Id, reply.View, reply.Private, Ct).ConfigureAwait(false);
                return Json(new JsonObject { ["response_action"] = "clear" });

            case UpdateCardOutcome update:
                if (!string.IsNullOrEmpty(metadata.Channel) && !string.IsNullOrEmpty(metadata.MessageTs))
                {
                    await responder.UpdateCardAsync(metadata.Channel, metadata.MessageTs, ephemeral: false, p.User.Id, interaction.Place, update.View, Ct).ConfigureAwait(false);
                }
                else
                {
                    await responder.ReplyAsync(interaction.Place, p.User.Id, update.View, isPrivate: false, Ct).ConfigureAwait(false);
                }

                return Json(new JsonObject { ["response_action"] = "clear" });

            default:
                return Json(new JsonObject { ["response_action"] = "clear" });
        }
    }

    public async Task OpenOrExplainAsync(FormView form, string? triggerId, FormMetadata metadata, bool push, Interaction interaction)
    {
        var error = await responder.OpenFormAsync(form, triggerId, metadata, push, Ct).ConfigureAwait(false);
        if (error is not null)
        {
            await responder.ReplyAsync(interaction.Place, interaction.Actor.UserId,
                new TextView($"Sorry, the form could not be opened ({error}). Please try again.", Tone.Error), isPrivate: true, Ct).ConfigureAwait(false);
        }
    }

    private static SlackAnswer Json(JsonObject body) => SlackAnswer.Json(body);
}
