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
        [FromServices] SlackDispatcher dispatcher,
        [FromServices] ILoggerFactory loggers)
    {
        var logger = SlackLoggers.Interactivity(loggers);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["SlackEndpoint"] = "interactivity" });

        var (body, refusal) = await SlackRequest.ReadVerifiedAsync(http, options.Value.MaxPayloadBodyBytes, options.Value, time, logger, SlackRequest.Form).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        if (body!.TryReadSingleField("payload"u8) is not { } payload || payload.AsSpan().Trim(" \t\r\n\v\f"u8).IsEmpty)
        {
            return SlackRequest.BadRequest(logger, "interactivity requests carry exactly one form field 'payload' with JSON");
        }

        return (await dispatcher.InteractionAsync(payload, http.RequestAborted).ConfigureAwait(false)).ToResult();
    }

    /// <summary>One interaction payload (JSON), verified by its transport: the answer (a modal's <c>response_action</c> is its body).</summary>
    public static async Task<SlackAnswer> DispatchAsync(
        byte[] payloadJson, SlackOptions options, TimeProvider time, IConversation conversation, SlackResponder responder, SlackApiClient api,
        ResponseUrlClient responseUrls, SlackUserNames names, IServiceProvider services, ILogger logger, CancellationToken ct)
    {
        InteractionPayload? payload;
        string type;
        try
        {
            // Parsed once: the readability check, the type and the typed payload all come from this document.
            using var doc = JsonDocument.Parse(payloadJson, new JsonDocumentOptions { MaxDepth = 64 });
            if (!TriageBot.Core.JsonText.IsReadable(doc.RootElement))
            {
                return SlackAnswer.BadRequest(logger, "'payload' is not readable JSON (a lone surrogate or nesting deeper than 64)");
            }

            type = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
                ? t.GetString()!
                : "";
            payload = doc.RootElement.Deserialize<InteractionPayload>(SlackJson.Options);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: text the reader cannot decode, such as an escaped lone surrogate ("\uD800").
            return SlackAnswer.BadRequest(logger, "'payload' is not valid JSON of an interaction");
        }

        if (payload is null || string.IsNullOrEmpty(payload.User.Id))
        {
            return SlackAnswer.BadRequest(logger, "the interaction names no user");
        }

        using var teamScope = logger.BeginScope(new Dictionary<string, object> { ["SlackTeam"] = payload.Workspace, ["SlackInteraction"] = type });
        // Installs to many workspaces: calls made for this interaction use its workspace's token; an uninstalled workspace is refused.
        Installations.SlackWorkspace.Current = new Installations.SlackTenant(payload.Workspace, payload.Enterprise?.Id, payload.IsEnterpriseInstall && !string.IsNullOrEmpty(payload.Enterprise?.Id));
        if (await Installations.InstallGate.RefuseUninstalledAsync(services, Installations.SlackWorkspace.Current, answerAsCommand: false, ct).ConfigureAwait(false) is { } notInstalled)
        {
            return notInstalled;
        }

        var handler = new InteractionHandler(ct, time, conversation, responder, logger);
        var shortcuts = new ShortcutIntake(handler, conversation, responder, api, responseUrls, names, options, logger);
        try
        {
            return payload switch
            {
                BlockActionsPayload p => await handler.BlockActionsAsync(p).ConfigureAwait(false),
                ViewSubmissionPayload p => await handler.ViewSubmissionAsync(p).ConfigureAwait(false),
                ViewClosedPayload => SlackAnswer.Ok,
                MessageActionPayload p => await shortcuts.MessageShortcutAsync(p).ConfigureAwait(false),
                GlobalShortcutPayload p => await shortcuts.GlobalShortcutAsync(p).ConfigureAwait(false),
                _ => SlackAnswer.BadRequest(logger, $"unsupported interactivity payload type '{type}'"),
            };
        }
        catch (StoreUnavailableException)
        {
            // Not an empty 200: that would close a submitted modal and lose what the person typed.
            return SlackAnswer.StoreUnavailable(logger, type);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.InteractionFailed(logger, e, type);
            // Slack shows its own error for a non-200; an empty 200 plus a private note is kinder.
            await responder.ReplyAsync(handler.PlaceFor(payload), payload.User.Id,
                new TextView("Sorry, that did not work: something went wrong on our side. Please try again in a moment.", Tone.Error),
                isPrivate: true, ct).ConfigureAwait(false);
            return SlackAnswer.Ok;
        }
    }
}
