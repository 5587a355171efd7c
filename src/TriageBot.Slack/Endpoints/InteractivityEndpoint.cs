using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
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
/// <c>POST /slack/interactivity</c>: buttons, modal submissions and shortcuts. The form field <c>payload</c>
/// holds JSON; the actor, workspace and place come only from that signed payload, never from other form fields.
/// </summary>
internal static class InteractivityEndpoint
{
    public static async Task<IResult> HandleAsync(
        HttpContext http,
        [FromServices] IOptions<SlackOptions> options,
        [FromServices] TimeProvider time,
        [FromServices] IConversation conversation,
        [FromServices] SlackResponder responder,
        [FromServices] SlackApiClient api,
        [FromServices] ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("TriageBot.Slack.Interactivity");
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["SlackEndpoint"] = "interactivity" });

        var (body, refusal) = await SlackRequest.ReadVerifiedAsync(http, options.Value.MaxPayloadBodyBytes, options.Value, time, logger, SlackRequest.Form).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        var form = body!.TryReadForm();
        if (form is null || !form.TryGetValue("payload", out var payloadValues) || payloadValues.Count != 1 || string.IsNullOrWhiteSpace(payloadValues[0]))
        {
            return SlackRequest.BadRequest(logger, "interactivity requests carry exactly one form field 'payload' with JSON");
        }

        InteractionPayload? payload;
        string type;
        try
        {
            // Parsed once: the readability check, the type and the typed payload all come from this document.
            using var doc = JsonDocument.Parse(System.Text.Encoding.UTF8.GetBytes(payloadValues[0]!), new JsonDocumentOptions { MaxDepth = 64 });
            if (!TriageBot.Core.JsonText.IsReadable(doc.RootElement))
            {
                return SlackRequest.BadRequest(logger, "'payload' is not readable JSON (a lone surrogate or nesting deeper than 64)");
            }

            type = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
                ? t.GetString()!
                : "";
            payload = doc.RootElement.Deserialize<InteractionPayload>(SlackJson.Options);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: text the reader cannot decode, such as an escaped lone surrogate ("\uD800").
            return SlackRequest.BadRequest(logger, "'payload' is not valid JSON of an interaction");
        }

        if (payload is null || string.IsNullOrEmpty(payload.User.Id))
        {
            return SlackRequest.BadRequest(logger, "the interaction names no user");
        }

        using var teamScope = logger.BeginScope(new Dictionary<string, object> { ["SlackTeam"] = payload.Workspace, ["SlackInteraction"] = type });
        var handler = new Handler(http, time, conversation, responder, api, options.Value, logger);
        try
        {
            return payload switch
            {
                BlockActionsPayload p => await handler.BlockActionsAsync(p).ConfigureAwait(false),
                ViewSubmissionPayload p => await handler.ViewSubmissionAsync(p).ConfigureAwait(false),
                ViewClosedPayload => Results.Ok(),
                MessageActionPayload p => await handler.MessageShortcutAsync(p).ConfigureAwait(false),
                GlobalShortcutPayload p => await handler.GlobalShortcutAsync(p).ConfigureAwait(false),
                _ => SlackRequest.BadRequest(logger, $"unsupported interactivity payload type '{type}'"),
            };
        }
        catch (StoreUnavailableException)
        {
            // Not an empty 200: that would close a submitted modal and lose what the person typed.
            return SlackRequest.StoreUnavailable(logger, type);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.InteractionFailed(logger, e, type);
            // Slack shows its own error for a non-200; an empty 200 plus a private note is kinder.
            await responder.ReplyAsync(handler.PlaceFor(payload), payload.User.Id,
                new TextView("Sorry, that did not work: something went wrong on our side. Please try again in a moment.", Tone.Error),
                isPrivate: true, http.RequestAborted).ConfigureAwait(false);
            return Results.Ok();
        }
    }

    /// <summary>The field values of a submitted modal, by field id (= block id).</summary>
    internal static Dictionary<string, string> ReadValues(ViewState? state)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (state is null)
        {
            return values;
        }

        foreach (var (blockId, actions) in state.Values)
        {
            foreach (var (_, element) in actions)
            {
                values[blockId] = ElementValue(element);
            }
        }

        return values;
    }

    /// <summary>The values of a form shown inside a message: one block, its fields by action id (= field id).</summary>
    internal static Dictionary<string, string> ReadValues(ViewState? state, string blockId)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (state?.Values.GetValueOrDefault(blockId) is { } actions)
        {
            foreach (var (actionId, element) in actions)
            {
                values[actionId] = ElementValue(element);
            }
        }

        return values;
    }

    private static string ElementValue(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return "";
        }

        static string? Str(JsonElement e, string name) =>
            e.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;

        var type = Str(element, "type");
        switch (type)
        {
            case "static_select" or "radio_buttons" or "external_select":
                return element.TryGetProperty("selected_option", out var option) && option.ValueKind == JsonValueKind.Object
                    ? Str(option, "value") ?? ""
                    : "";
            case "datepicker":
                return Str(element, "selected_date") ?? "";
            case "checkboxes" or "multi_static_select":
                var selected = element.TryGetProperty("selected_options", out var options) && options.ValueKind == JsonValueKind.Array
                    ? options.EnumerateArray().Select(o => o.ValueKind == JsonValueKind.Object ? Str(o, "value") : null).OfType<string>().ToList()
                    : [];
                // A single-option checkbox is a toggle: it submits "true" or "false".
                if (type == "checkboxes" && (selected.Count == 0 || selected is [ModalRenderer.ToggleOn]))
                {
                    return selected.Count == 0 ? "false" : ModalRenderer.ToggleOn;
                }

                return string.Join(",", selected);
            default:
                return Str(element, "value") ?? "";
        }
    }

    private sealed class Handler(
        HttpContext http,
        [FromServices] TimeProvider time,
        [FromServices] IConversation conversation,
        [FromServices] SlackResponder responder,
        [FromServices] SlackApiClient api,
        SlackOptions options,
        ILogger logger)
    {
        private CancellationToken Ct => http.RequestAborted;

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

        private Interaction InteractionFor(InteractionPayload payload, Intent intent) => new(
            new UserRef(Platform.Slack, payload.User.Id, payload.User.DisplayName),
            PlaceFor(payload),
            intent,
            time.GetUtcNow());

        public async Task<IResult> BlockActionsAsync(BlockActionsPayload p)
        {
            if (p.Actions.Count == 0 || p.Actions[0] is not { } action)
            {
                return SlackRequest.BadRequest(logger, "block_actions without an action");
            }

            var actionId = ActionIdCodec.Strip(action.ActionId);
            var inlineForm = action.BlockId == ActionIdCodec.InlineFormBlock;
            if (inlineForm && actionId != ActionIdCodec.SubmitInlineForm)
            {
                // A menu of a form inside a message changed: nothing happens until its button is pressed.
                return Results.Ok();
            }

            Intent intent;
            if (inlineForm)
            {
                if (ActionIdCodec.ParseInlineFormValue(action.Value) is not var (formId, argument))
                {
                    return SlackRequest.BadRequest(logger, "the inline form's button carries no form id");
                }

                intent = new FormSubmitIntent(formId, argument, ReadValues(p.State, ActionIdCodec.InlineFormBlock));
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
                return Results.Ok();
            }

            var inModal = p.Container?.Type == "view";
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

            return Results.Ok();
        }

        public async Task<IResult> ViewSubmissionAsync(ViewSubmissionPayload p)
        {
            var metadata = FormMetadata.TryParse(p.View.PrivateMetadata)
                ?? (string.IsNullOrEmpty(p.View.CallbackId) ? null : new FormMetadata(p.View.CallbackId, null, null, null));
            if (metadata is null)
            {
                return SlackRequest.BadRequest(logger, "view_submission of a view that is not a TriageBot form (no private_metadata or callback_id)");
            }

            var interaction = InteractionFor(p, new FormSubmitIntent(metadata.FormId, metadata.Argument, ReadValues(p.View.State)));
            var outcome = await conversation.HandleAsync(interaction, Ct).ConfigureAwait(false);
            switch (outcome)
            {
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
                using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
                cts.CancelAfter(options.InteractiveCallTimeout / 2);
                try
                {
                    link = await api.GetPermalinkAsync(channel, messageTs, cts.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is SlackApiException or SlackRateLimitedException or SlackTransientException or OperationCanceledException && !Ct.IsCancellationRequested)
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
            var interaction = InteractionFor(p, intent);
            var outcome = await conversation.HandleAsync(interaction, Ct).ConfigureAwait(false);
            switch (outcome)
            {
                case OpenFormOutcome { Form: var form }:
                    await OpenOrExplainAsync(form, p.TriggerId, new FormMetadata(form.FormId, form.Argument, interaction.Place.ChannelId, interaction.Place.ThreadId), push: false, interaction).ConfigureAwait(false);
                    break;
                case FormErrorsOutcome { Form: var form }:
                    await OpenOrExplainAsync(form, p.TriggerId, new FormMetadata(form.FormId, form.Argument, interaction.Place.ChannelId, interaction.Place.ThreadId), push: false, interaction).ConfigureAwait(false);
                    break;
                case ReplyOutcome reply:
                    await responder.ReplyAsync(interaction.Place, p.User.Id, reply.View, isPrivate: true, Ct).ConfigureAwait(false);
                    break;
                case UpdateCardOutcome update:
                    await responder.ReplyAsync(interaction.Place, p.User.Id, update.View, isPrivate: true, Ct).ConfigureAwait(false);
                    break;
                case CloseFormOutcome { Then: { } then }:
                    await responder.ReplyAsync(interaction.Place, p.User.Id, then, isPrivate: true, Ct).ConfigureAwait(false);
                    break;
            }

            return Results.Ok();
        }

        private async Task OpenOrExplainAsync(FormView form, string? triggerId, FormMetadata metadata, bool push, Interaction interaction)
        {
            var error = await responder.OpenFormAsync(form, triggerId, metadata, push, Ct).ConfigureAwait(false);
            if (error is not null)
            {
                await responder.ReplyAsync(interaction.Place, interaction.Actor.UserId,
                    new TextView($"Sorry, the form could not be opened ({error}). Please try again.", Tone.Error), isPrivate: true, Ct).ConfigureAwait(false);
            }
        }

        private static IResult Json(JsonObject body) => Results.Content(body.ToJsonString(), "application/json; charset=utf-8");
    }
}
