using System.Text.Json;
using Microsoft.Extensions.Logging;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Teams.Cards;
using static TriageBot.Teams.Activities.ActivityTranslation;

namespace TriageBot.Teams.Activities;

/// <summary>
/// Handles one validated activity: de-duplicates it through the inbox, translates it to a Core <see cref="Interaction"/>,
/// and turns the <see cref="Outcome"/> into the HTTP answer (invokes) and outbox entries (everything posted later).
/// </summary>
public sealed class TeamsActivityProcessor(
    IConversation conversation,
    IInbox inbox,
    IOutbox outbox,
    IBindingStore bindings,
    TimeProvider time,
    ILogger<TeamsActivityProcessor> logger,
    TriageBot.Core.UseCases.ItemFinder? finder = null,
    IBacklogStore? backlogs = null)
{
    public const string AdaptiveCardAction = "adaptiveCard/action";
    public const string TaskFetch = "task/fetch";
    public const string TaskSubmit = "task/submit";
    public const string ComposeFetchTask = "composeExtension/fetchTask";
    public const string ComposeSubmitAction = "composeExtension/submitAction";

    private static readonly HashSet<string> HandledInvokes = [AdaptiveCardAction, TaskFetch, TaskSubmit, ComposeFetchTask, ComposeSubmitAction, ComposeExtensions.Query, ComposeExtensions.QueryLink];

    public async Task<TeamsResponse> ProcessAsync(TeamsActivity activity, CancellationToken ct)
    {
        var kind = activity.Type ?? "";
        var handled = kind switch
        {
            "message" or "conversationUpdate" or "installationUpdate" => true,
            "invoke" => activity.Name is not null && HandledInvokes.Contains(activity.Name),
            _ => false,
        };
        if (!handled)
        {
            Log.Ignored(logger, kind, activity.Name);
            return TeamsResponse.Ok;
        }

        var now = time.GetUtcNow();
        // Tenant + conversation + activity id: Teams activity ids repeat across conversations.
        var deliveryId = DeliveryKey(activity);
        if (deliveryId is not null && !await inbox.TryRecordAsync(Platform.Teams, deliveryId, now, ct).ConfigureAwait(false))
        {
            Log.Duplicate(logger, deliveryId);
            return kind == "invoke" ? DuplicateInvoke(activity.Name!) : TeamsResponse.Ok;
        }

        try
        {
            var response = kind switch
            {
                "message" => await MessageAsync(activity, now, ct).ConfigureAwait(false),
                "conversationUpdate" => await ConversationUpdateAsync(activity, ct).ConfigureAwait(false),
                "installationUpdate" => await InstallationUpdateAsync(activity, ct).ConfigureAwait(false),
                _ => await InvokeAsync(activity, now, ct).ConfigureAwait(false),
            };
            if (deliveryId is not null && response.Status is >= 400 and < 500)
            {
                // A refused activity changed nothing, so it leaves nothing behind, not even its delivery id.
                await inbox.ForgetAsync(Platform.Teams, deliveryId, now, CancellationToken.None).ConfigureAwait(false);
            }

            return response;
        }
        catch (Exception) when (deliveryId is not null)
        {
            // Let Teams' retry (or the person's second click) be processed instead of swallowed as a duplicate.
            await inbox.ForgetAsync(Platform.Teams, deliveryId, now, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    // ---- message ----

    private async Task<TeamsResponse> MessageAsync(TeamsActivity activity, DateTimeOffset now, CancellationToken ct)
    {
        if (activity.From?.Id is { } fromId && fromId == activity.Recipient?.Id) return TeamsResponse.Ok;
        if (Context(activity) is not ({ } actor, { } place)) return BadRequest("The message has no sender, tenant or conversation.");

        Intent intent;
        var data = activity.Value is { ValueKind: JsonValueKind.Object } v ? System.Text.Json.Nodes.JsonNode.Parse(v.GetRawText())?.AsObject() : null;
        if (StringOf(data, FormIdKey) is { } formId)
            intent = new FormSubmitIntent(formId, StringOf(data, ArgKey), FormValues(data));
        else if (StringOf(data, ActionIdKey) is { } actionId)
            intent = new ButtonIntent(actionId, StringOf(data, ArgKey));
        else
        {
            var text = CommandText(activity);
            // With resource-specific consent a channel or group chat delivers every message, not only those that @mention
            // the bot: without a mention, only a message that is a whole command is one. Ordinary chatter gets no answer.
            if (!MentionsBot(activity) && activity.Conversation?.ConversationType is "channel" or "groupChat" && !CommandParser.IsCommand(text))
            {
                Log.Ignored(logger, "message", "no mention and no command");
                return TeamsResponse.Ok;
            }
            intent = new CommandIntent(text);
        }

        var outcome = await HandleAsync(new Interaction(actor, place, intent, now), ct).ConfigureAwait(false);
        var view = outcome switch
        {
            ReplyOutcome r => r.View,
            // Nothing fillable is posted into a conversation: a form is opened by a button, privately, for whoever clicks it.
            OpenFormOutcome f => FormButton(f.Form, intent),
            FormErrorsOutcome f => FormButton(f.Form, intent),
            CloseFormOutcome c => c.Then,
            UpdateCardOutcome u => u.View,
            _ => null,
        };
        if (view is not null)
        {
            // Acknowledge first, work second: the reply is posted by the delivery worker, into the same thread.
            var isPrivate = outcome is ReplyOutcome { Private: true };
            await EnqueueAsync(activity, "reply", isPrivate ? OutboxKind.Ephemeral : OutboxKind.Post,
                isPrivate ? place with { UserId = actor.UserId } : place, view, now, ct).ConfigureAwait(false);
        }
        return TeamsResponse.Ok;
    }

    // ---- membership ----

    private async Task<TeamsResponse> ConversationUpdateAsync(TeamsActivity activity, CancellationToken ct)
    {
        var place = Place(activity);
        if (place is null) return TeamsResponse.Ok;
        if (IsBotMember(activity.MembersRemoved, activity.Recipient))
        {
            await DeactivateAsync(place, ct).ConfigureAwait(false);
            return TeamsResponse.Ok;
        }
        if (!IsBotMember(activity.MembersAdded, activity.Recipient)) return TeamsResponse.Ok;

        var binding = await RefreshBindingAsync(place, ct).ConfigureAwait(false);
        var bound = binding is { Active: true };
        // A re-add names the backlog the conversation is bound to.
        var backlogName = bound && backlogs is not null ? (await backlogs.GetAsync(binding!.BacklogId, ct).ConfigureAwait(false))?.Value.Name : null;
        var welcome = new WelcomeView(bound, backlogName)
        {
            Actions = bound ? [] : [new ActionButton(ButtonIds.Setup, "Set up", Style: ButtonStyle.Primary)],
            // Teams sends the member add from the person who added the bot.
            AddedBy = activity.From?.Name,
        };
        await EnqueueAsync(activity, "welcome", OutboxKind.Post, place with { ThreadId = null }, welcome, time.GetUtcNow(), ct).ConfigureAwait(false);
        return TeamsResponse.Ok;
    }

    private async Task<TeamsResponse> InstallationUpdateAsync(TeamsActivity activity, CancellationToken ct)
    {
        var place = Place(activity);
        if (place is null) return TeamsResponse.Ok;
        // The welcome comes with conversationUpdate; installationUpdate only keeps the stored reference right.
        if (string.Equals(activity.Action, "remove", StringComparison.OrdinalIgnoreCase)) await DeactivateAsync(place, ct).ConfigureAwait(false);
        else if (string.Equals(activity.Action, "add", StringComparison.OrdinalIgnoreCase)) await RefreshBindingAsync(place, ct).ConfigureAwait(false);
        return TeamsResponse.Ok;
    }

    /// <summary>A binding is created by <c>setup</c>; here only its conversation reference (service URL, team) is refreshed.</summary>
    private async Task<Binding?> RefreshBindingAsync(ConversationAddress place, CancellationToken ct)
    {
        var binding = await bindings.GetAsync(Platform.Teams, place.Workspace, place.ChannelId, ct).ConfigureAwait(false);
        if (binding is null) return null;
        var refreshed = binding with
        {
            Address = binding.Address with { ServiceUrl = place.ServiceUrl, TeamId = place.TeamId ?? binding.Address.TeamId },
            Active = true,
            InactiveReason = null,
        };
        if (refreshed != binding) await bindings.UpsertAsync(refreshed, ct).ConfigureAwait(false);
        return refreshed;
    }

    private async Task DeactivateAsync(ConversationAddress place, CancellationToken ct)
    {
        var binding = await bindings.GetAsync(Platform.Teams, place.Workspace, place.ChannelId, ct).ConfigureAwait(false);
        if (binding is null || !binding.Active) return;
        await bindings.UpsertAsync(binding with { Active = false, InactiveReason = "TriageBot was removed from this conversation in Teams." }, ct).ConfigureAwait(false);
        Log.BindingDeactivated(logger, place.ChannelId);
    }

    // ---- invokes ----

    private async Task<TeamsResponse> InvokeAsync(TeamsActivity activity, DateTimeOffset now, CancellationToken ct)
    {
        if (Context(activity) is not ({ } actor, { } place)) return BadRequest("The invoke has no sender, tenant or conversation.");
        switch (activity.Name)
        {
            case ComposeExtensions.Query:
                return Json(await ComposeExtensions.SearchAsync(finder, actor, activity.Value, ct).ConfigureAwait(false));
            case ComposeExtensions.QueryLink:
                return await ComposeExtensions.UnfurlAsync(finder, activity.Value, ct).ConfigureAwait(false) is { } unfurled ? Json(unfurled) : TeamsResponse.Ok;
            case AdaptiveCardAction:
            {
                var value = Read<AdaptiveCardInvokeValue>(activity.Value);
                if (value?.Action is not { } action || !string.Equals(action.Type, "Action.Execute", StringComparison.Ordinal) || string.IsNullOrEmpty(action.Verb))
                    return BadRequest("adaptiveCard/action needs value.action of type Action.Execute with a verb.");
                Intent intent = StringOf(action.Data, FormIdKey) is { } formId
                    ? new FormSubmitIntent(formId, StringOf(action.Data, ArgKey), FormValues(action.Data))
                    : new ButtonIntent(action.Verb, StringOf(action.Data, ArgKey));
                var outcome = await HandleAsync(new Interaction(actor, place, intent, now), ct).ConfigureAwait(false);
                // A vote cast from someone's own ballot: their card becomes their ballot again, with the vote they just cast.
                if (intent is FormSubmitIntent { FormId: FormIds.Vote, Argument: { } ballot } && outcome is CloseFormOutcome { Then: TextView { Tone: Tone.Success } })
                    outcome = await HandleAsync(new Interaction(actor, place, new ButtonIntent(ButtonIds.ViewBallot, ballot), now), ct).ConfigureAwait(false);
                return await ExecuteResponseAsync(activity, place, actor, outcome, now, ct).ConfigureAwait(false);
            }
            case TaskFetch:
            {
                var data = Read<TaskModuleValue>(activity.Value)?.Data;
                var actionId = StringOf(data, ActionIdKey);
                if (actionId is null) return Json(InvokeResponses.DialogMessage("This button does not open anything."));
                if (actionId == RowPicker.ActionId) return await PickRowAsync(activity, actor, place, data, now, ct).ConfigureAwait(false);
                var outcome = await HandleAsync(new Interaction(actor, place, ButtonOrCommand(actionId, StringOf(data, ArgKey)), now), ct).ConfigureAwait(false);
                return await DialogResponseAsync(activity, place, actor, outcome, fetch: true, now, ct).ConfigureAwait(false);
            }
            case TaskSubmit or ComposeSubmitAction:
            {
                var data = activity.Name == TaskSubmit ? Read<TaskModuleValue>(activity.Value)?.Data : Read<MessagingExtensionActionValue>(activity.Value)?.Data;
                if (StringOf(data, RefreshFormKey) is { } redrawn)
                {
                    // A choice that redraws the dialog changed (the intake's stream): the same dialog with that choice's fields and every value kept.
                    if (!string.Equals(StringOf(data, OpenedByKey), actor.UserId, StringComparison.Ordinal)) return Json(InvokeResponses.DialogMessage(NotYourForm));
                    var redraw = await HandleAsync(new Interaction(actor, place, new FormRefreshIntent(redrawn, StringOf(data, ArgKey), FormValues(data)), now), ct).ConfigureAwait(false);
                    return await DialogResponseAsync(activity, place, actor, redraw, fetch: true, now, ct).ConfigureAwait(false);
                }
                if (StringOf(data, FormIdKey) is not { } formId)
                {
                    // A button inside a dialog (e.g. the stream choice) continues the dialog.
                    if (activity.Name == TaskSubmit && StringOf(data, ActionIdKey) is { } buttonId)
                    {
                        var pressed = await HandleAsync(new Interaction(actor, place, ButtonOrCommand(buttonId, StringOf(data, ArgKey)), now), ct).ConfigureAwait(false);
                        return await DialogResponseAsync(activity, place, actor, pressed, fetch: true, now, ct).ConfigureAwait(false);
                    }
                    return Json(InvokeResponses.DialogMessage("This form was not recognised; open it again."));
                }
                // A dialog is opened for one person: a submission carrying someone else's form changes nothing.
                if (!string.Equals(StringOf(data, OpenedByKey), actor.UserId, StringComparison.Ordinal))
                {
                    Log.ForeignForm(logger, formId);
                    return Json(InvokeResponses.DialogMessage(NotYourForm));
                }
                var intent = new FormSubmitIntent(formId, StringOf(data, ArgKey), FormValues(data));
                var outcome = await HandleAsync(new Interaction(actor, place, intent, now), ct).ConfigureAwait(false);
                return await DialogResponseAsync(activity, place, actor, outcome, fetch: false, now, ct).ConfigureAwait(false);
            }
            default: // composeExtension/fetchTask: "Report to triage" on a message.
            {
                var value = Read<MessagingExtensionActionValue>(activity.Value);
                var payload = value?.MessagePayload;
                var text = payload?.Body?.Content is { } content
                    ? (string.Equals(payload.Body.ContentType, "html", StringComparison.OrdinalIgnoreCase) ? TeamsMarkup.MessageToText(content) : content.Trim())
                    : null;
                var source = payload is null ? null : new MessageSource(Platform.Teams, place.ChannelId, payload.Id, payload.LinkToMessage);
                var outcome = await HandleAsync(new Interaction(actor, place, new ReportMessageIntent(text, source), now), ct).ConfigureAwait(false);
                return await DialogResponseAsync(activity, place, actor, outcome, fetch: true, now, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The dialog that picks a row of a report with too many rows for buttons. Who may act is checked before it opens: the
    /// first action that opens a form is asked for the first row, and a refusal is shown instead of the picker.
    /// </summary>
    private async Task<TeamsResponse> PickRowAsync(TeamsActivity activity, UserRef actor, ConversationAddress place, System.Text.Json.Nodes.JsonObject? data, DateTimeOffset now, CancellationToken ct)
    {
        var (rows, actions) = RowPicker.Read(data);
        if (rows.Count == 0 || actions.Count == 0) return Json(InvokeResponses.DialogMessage("Nothing is left to pick here."));
        if (actions.FirstOrDefault(a => DialogButtons.OpensForm(a.ActionId)) is { } probe)
        {
            var outcome = await HandleAsync(new Interaction(actor, place, new ButtonIntent(probe.ActionId, rows[0].Value), now), ct).ConfigureAwait(false);
            if (outcome is not OpenFormOutcome) return await DialogResponseAsync(activity, place, actor, outcome, fetch: true, now, ct).ConfigureAwait(false);
        }
        return Json(InvokeResponses.ContinueDialog("TriageBot", RowPicker.Dialog(rows, actions)));
    }

    /// <summary>Action.Execute: the answer replaces the card for the person who clicked, or shows a short message.</summary>
    private async Task<TeamsResponse> ExecuteResponseAsync(TeamsActivity activity, ConversationAddress place, UserRef actor, Outcome outcome, DateTimeOffset now, CancellationToken ct)
    {
        switch (outcome)
        {
            // A card posted before forms became dialogs: the clicker's copy turns into the button that opens the form privately.
            // So is a button that opens a form only sometimes (Done on a model item still owing its evaluation gate): its
            // button here always opens the dialog, whatever the action, so the click is never answered with the same button.
            case OpenFormOutcome f: return Json(InvokeResponses.ExecuteCard(DialogButtons.Card(f.Form, ExecutedIntent(activity) as ButtonIntent)));
            // Only the clicker sees an Action.Execute answer, so a refused inline form (the ballot's picks) comes back to them alone.
            case FormErrorsOutcome f: return Json(InvokeResponses.ExecuteCard(AdaptiveCardRenderer.Render(f.Form, CardHost.Message)));
            case UpdateCardOutcome u: return Json(InvokeResponses.ExecuteCard(AdaptiveCardRenderer.Render(u.View, CardHost.TeamsMessage)));
            case CloseFormOutcome c: return Json(InvokeResponses.ExecuteCard(AdaptiveCardRenderer.Render(c.Then ?? new TextView("Saved.", Tone.Success), CardHost.TeamsMessage)));
            case ReplyOutcome { View: TextView t, Private: true }: return Json(InvokeResponses.ExecuteMessage(t.Text));
            case ReplyOutcome r:
                // The card stays as it is; the reply goes into the conversation (Teams has no private messages in channels).
                await EnqueueAsync(activity, "reply", r.Private ? OutboxKind.Ephemeral : OutboxKind.Post,
                    r.Private ? place with { UserId = actor.UserId } : place, r.View, now, ct).ConfigureAwait(false);
                return Json(InvokeResponses.ExecuteMessage("Posted in the conversation."));
            default: return Json(InvokeResponses.ExecuteMessage("Done."));
        }
    }

    /// <summary>Dialogs (task modules and the message action): continue with a card, close with a message, or just close.</summary>
    private async Task<TeamsResponse> DialogResponseAsync(TeamsActivity activity, ConversationAddress place, UserRef actor, Outcome outcome, bool fetch, DateTimeOffset now, CancellationToken ct)
    {
        switch (outcome)
        {
            case OpenFormOutcome f: return Json(InvokeResponses.DialogForm(f.Form, actor.UserId));
            case FormErrorsOutcome f: return Json(InvokeResponses.DialogForm(f.Form, actor.UserId));
            case CloseFormOutcome { Then: null }: return fetch ? Json(InvokeResponses.DialogMessage("Done.")) : TeamsResponse.Ok;
            case CloseFormOutcome { Then: TextView t }: return Json(InvokeResponses.DialogMessage(t.Text));
            case CloseFormOutcome { Then: { } then }:
                await EnqueueAsync(activity, "then", OutboxKind.Post, place, then, now, ct).ConfigureAwait(false);
                return fetch ? Json(InvokeResponses.DialogMessage("Done.")) : TeamsResponse.Ok;
            case ReplyOutcome { View: TextView { Actions.Count: 0 } t }: return Json(InvokeResponses.DialogMessage(t.Text));
            case ReplyOutcome r: return Json(InvokeResponses.ContinueDialog("TriageBot", AdaptiveCardRenderer.Render(r.View, CardHost.Dialog)));
            case UpdateCardOutcome u: return Json(InvokeResponses.ContinueDialog("TriageBot", AdaptiveCardRenderer.Render(u.View, CardHost.Dialog)));
            default: return fetch ? Json(InvokeResponses.DialogMessage("Nothing to show.")) : TeamsResponse.Ok;
        }
    }

    public const string NotYourForm = "This form was opened for someone else, so nothing was saved. Open your own from the button in the conversation.";

    /// <summary>What a conversation sees when a command or button answers with a form: one button that opens it in a dialog.</summary>
    private static View FormButton(FormView form, Intent intent) => intent switch
    {
        CommandIntent c => DialogButtons.ForCommand(form, c.Text),
        ButtonIntent b => new TextView(form.Title) { Actions = [new ActionButton(b.ActionId, "Open the form", b.Argument, ButtonStyle.Primary)] },
        _ => new TextView(form.Title + ": open it again from its button; forms open in a dialog.", Tone.Warning),
    };

    private static Intent ExecutedIntent(TeamsActivity activity) =>
        Read<AdaptiveCardInvokeValue>(activity.Value)?.Action is { Verb: { } verb } action ? new ButtonIntent(verb, StringOf(action.Data, ArgKey)) : new CommandIntent("");

    /// <summary>A dialog button: a Core button, or <see cref="DialogButtons.OpenCommand"/> carrying a typed command to run for the clicker.</summary>
    private static Intent ButtonOrCommand(string actionId, string? argument) =>
        actionId == DialogButtons.OpenCommand ? new CommandIntent(argument ?? "") : new ButtonIntent(actionId, argument);

    private static TeamsResponse DuplicateInvoke(string name) => name switch
    {
        AdaptiveCardAction => Json(InvokeResponses.ExecuteMessage("Already done.")),
        TaskSubmit or ComposeSubmitAction => Json(InvokeResponses.DialogMessage("Already done.")),
        _ => TeamsResponse.Ok,
    };

    // ---- helpers ----

    // A refused request comes back as an outcome: Core never throws a rule violation.
    private Task<Outcome> HandleAsync(Interaction interaction, CancellationToken ct) => conversation.HandleAsync(interaction, ct);

    private async Task EnqueueAsync(TeamsActivity activity, string purpose, OutboxKind kind, ConversationAddress target, View view, DateTimeOffset now, CancellationToken ct)
    {
        // A reply into a bound channel names its backlog, so a delivery that fails for good (the bot was removed) reaches the facilitators.
        var binding = await bindings.GetAsync(Platform.Teams, target.Workspace, target.ChannelId, ct).ConfigureAwait(false);
        try
        {
            await outbox.EnqueueAsync(new OutboxMessage
            {
                // Derived from the activity's inbox key, so a retried activity can never enqueue twice, and the same
                // activity id in two conversations enqueues two answers.
                Id = $"teams:{DeliveryKey(activity) ?? Guid.NewGuid().ToString("N")}:{purpose}",
                Kind = kind,
                Target = target,
                Payload = OutboxViews.Payload(view),
                Live = view is ILiveView,
                BacklogId = binding is { Active: true } ? binding.BacklogId : null,
                CreatedAt = now,
                NextAttemptAt = now,
            }, ct).ConfigureAwait(false);
        }
        catch (DuplicateKeyException)
        {
            // A retry of an activity whose first attempt queued this and then failed (its inbox entry was forgotten):
            // the message is already on its way, which is what this call wanted.
            Log.Duplicate(logger, activity.Id ?? "(no id)");
        }
    }

    private static bool MentionsBot(TeamsActivity activity) =>
        activity.Recipient?.Id is { Length: > 0 } botId
        && (activity.Entities ?? []).Any(e => string.Equals(e.Type, "mention", StringComparison.OrdinalIgnoreCase) && string.Equals(e.Mentioned?.Id, botId, StringComparison.Ordinal));

    private static (UserRef Actor, ConversationAddress Place)? Context(TeamsActivity activity) =>
        Actor(activity) is { } actor && Place(activity) is { } place ? (actor, place) : null;

    private static T? Read<T>(JsonElement? value) where T : class
    {
        if (value is not { ValueKind: JsonValueKind.Object } element) return null;
        try
        {
            return element.Deserialize<T>(TeamsJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static TeamsResponse Json(System.Text.Json.Nodes.JsonNode body) => new(200, body);

    private static TeamsResponse BadRequest(string message) => new(400, new System.Text.Json.Nodes.JsonObject
    {
        ["error"] = new System.Text.Json.Nodes.JsonObject { ["code"] = "BadRequest", ["message"] = message },
    });
}
