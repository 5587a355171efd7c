using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Slack.Payloads;

namespace TriageBot.Slack.Endpoints;

/// <summary>
/// <c>POST /slack/events</c>: the Events API. Verifies, answers <c>url_verification</c>, records each <c>event_id</c> in
/// the inbox and handles the event (<see cref="SlackEventProcessor"/>) before it acknowledges, within a budget inside
/// Slack's 3 s. Nothing is acknowledged that was not handled: an event that failed is forgotten by the inbox and answered
/// 503, so Slack's retry is handled; one still running at the budget is answered 503 too, and its retries are answered by
/// how it ends (handled: 200; still running: 503; failed and forgotten: handled again).
/// </summary>
internal static class EventsEndpoint
{
    public static async Task<IResult> HandleAsync(
        HttpContext http,
        [FromServices] IOptions<SlackOptions> options,
        [FromServices] TimeProvider time,
        [FromServices] SlackDispatcher dispatcher,
        [FromServices] ILoggerFactory loggers)
    {
        var logger = SlackLoggers.Events(loggers);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["SlackEndpoint"] = "events" });

        var (body, refusal) = await SlackRequest.ReadVerifiedAsync(http, options.Value.MaxPayloadBodyBytes, options.Value, time, logger, SlackRequest.Json).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        var retryNum = http.Request.Headers[SlackRequest.RetryNumHeader].ToString();
        return (await dispatcher.EventAsync(body!.Bytes, retryNum, http.RequestAborted).ConfigureAwait(false)).ToResult();
    }

    /// <summary>One Events API body, verified by its transport (the HTTP signature, or the Socket Mode connection): the answer.</summary>
    public static async Task<SlackAnswer> DispatchAsync(
        byte[] body, string retryNum, SlackOptions options, TimeProvider time, IInbox inbox, SlackEventProcessor processor, IServiceProvider services, ILogger logger, CancellationToken ct)
    {
        if (!TriageBot.Core.JsonText.IsReadable(body))
        {
            return SlackAnswer.BadRequest(logger, "the body is not readable JSON (invalid UTF-8, a lone surrogate or nesting deeper than 64)");
        }

        EventsRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<EventsRequest>(body, SlackJson.Options);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: text the reader cannot decode, such as an escaped lone surrogate ("\uD800").
            return SlackAnswer.BadRequest(logger, "the body is not Events API JSON");
        }

        switch (request)
        {
            case UrlVerification verification:
                return SlackAnswer.Json(new JsonObject { ["challenge"] = verification.Challenge });

            case EventCallback callback:
                return await AcceptAsync(callback, retryNum, options, time, inbox, processor, services, logger, ct).ConfigureAwait(false);

            case AppRateLimited limited:
                Log.AppRateLimited(logger, limited.TeamId, limited.MinuteRateLimited);
                return SlackAnswer.Ok;

            default:
                return SlackAnswer.BadRequest(logger, "unsupported Events API request type (expected url_verification or event_callback)");
        }
    }

    private static async Task<SlackAnswer> AcceptAsync(EventCallback callback, string retryNum, SlackOptions options, TimeProvider time, IInbox inbox, SlackEventProcessor processor, IServiceProvider services, ILogger logger, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(callback.EventId) || string.IsNullOrWhiteSpace(callback.TeamId) || callback.Event.ValueKind != JsonValueKind.Object
            || callback.Authorizations.Any(a => a is null))
        {
            return SlackAnswer.BadRequest(logger, "event_callback needs event_id, team_id and an event object");
        }

        SlackEvent? inner;
        try
        {
            inner = callback.Event.Deserialize<SlackEvent>(SlackJson.Options);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return SlackAnswer.BadRequest(logger, "the inner event is malformed");
        }

        using var teamScope = logger.BeginScope(new Dictionary<string, object> { ["SlackTeam"] = callback.TeamId, ["SlackEventId"] = callback.EventId });
        if (inner is null || inner.GetType() == typeof(SlackEvent))
        {
            Log.Ignored(logger, "event", callback.Event.TryGetProperty("type", out var t) ? t.ToString() : "?");
            return SlackAnswer.Ok;
        }

        // Installs to many workspaces: calls made for this event use its workspace's token; an uninstalled workspace is refused.
        Installations.SlackWorkspace.Current = Installations.SlackTenant.From(callback.TeamId, callback.Extra);
        if (await Installations.InstallGate.RefuseUninstalledAsync(services, Installations.SlackWorkspace.Current, answerAsCommand: false, ct).ConfigureAwait(false) is { } notInstalled)
        {
            return notInstalled;
        }

        var now = time.GetUtcNow();
        var work = new SlackEventWork(callback.EventId, callback.TeamId, callback.BotUserId, inner, now);
        try
        {
            if (!await inbox.TryRecordAsync(Platform.Slack, callback.EventId, now, ct).ConfigureAwait(false))
            {
                // A retry. How the first delivery's handling ended decides the answer.
                var first = await inbox.GetAsync(Platform.Slack, callback.EventId, now, ct).ConfigureAwait(false);
                if (first is { Handled: true })
                {
                    Log.DuplicateEvent(logger, callback.EventId, retryNum);
                    return SlackAnswer.Ok;
                }

                if (first is null || now - first.RecordedAt < SlackEventProcessor.AbandonedAfter)
                {
                    // Still being handled (or forgotten a moment ago after failing): Slack retries again later, and that
                    // retry finds it handled — or forgotten, and handles it.
                    Log.EventRetriedWhileRunning(logger, callback.EventId, retryNum);
                    return SlackAnswer.Status503;
                }

                // Recorded long ago and never finished: the instance handling it stopped. This retry handles it.
                Log.EventTakenOver(logger, callback.EventId, first.RecordedAt);
                work = work with { ReceivedAt = first.RecordedAt };
            }
        }
        catch (StoreUnavailableException)
        {
            // Not acknowledged: Slack retries, and the retry is deduplicated once the store is back.
            return SlackAnswer.StoreUnavailable(logger, "event");
        }

        var handling = processor.HandleAsync(work);
        if (await Task.WhenAny(handling, Task.Delay(options.EventAckBudget, CancellationToken.None)).ConfigureAwait(false) != handling)
        {
            // Still running (a slow users.info, a busy store). Acknowledging now would lose the event if it then failed:
            // Slack retries a 503, and by then the handling has ended one way or the other.
            Log.EventStillRunningAtBudget(logger, callback.EventId);
            processor.FinishAfterAnswer(work, handling);
            return SlackAnswer.Status503;
        }

        try
        {
            await handling.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            Log.EventFailed(logger, e, callback.EventId);
            await processor.ForgetAsync(work).ConfigureAwait(false);
            return e is StoreUnavailableException
                ? SlackAnswer.StoreUnavailable(logger, "event")
                : SlackAnswer.Status503;
        }

        await processor.MarkHandledAsync(work).ConfigureAwait(false);
        return SlackAnswer.Ok;
    }
}
