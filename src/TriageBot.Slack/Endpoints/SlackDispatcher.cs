using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using TriageBot.Core.Conversation;
using TriageBot.Core.Ports;
using TriageBot.Slack.WebApi;

namespace TriageBot.Slack.Endpoints;

/// <summary>
/// The one way into the bot's Slack handlers, whatever the transport: the HTTP endpoints call it after checking the
/// request's signature, the Socket Mode connection for each envelope (authenticated by the app token). Payload in,
/// <see cref="SlackAnswer"/> out. One per request or envelope (scoped).
/// </summary>
internal sealed class SlackDispatcher(
    IOptions<SlackOptions> options,
    TimeProvider time,
    IConversation conversation,
    SlackResponder responder,
    SlackApiClient api,
    ResponseUrlClient responseUrls,
    SlackUserNames names,
    IInbox inbox,
    SlackEventProcessor processor,
    ILoggerFactory loggers,
    IServiceProvider services)
{
    /// <summary>An Events API body (<c>event_callback</c>, <c>url_verification</c>, <c>app_rate_limited</c>).</summary>
    /// <param name="retryNum">Slack's retry number of this delivery, for the log ("" on a first delivery).</param>
    public Task<SlackAnswer> EventAsync(byte[] body, string retryNum, CancellationToken ct) =>
        EventsEndpoint.DispatchAsync(body, retryNum, options.Value, time, inbox, processor, services, SlackLoggers.Events(loggers), ct);

    /// <summary>A slash command's fields.</summary>
    public Task<SlackAnswer> CommandAsync(IReadOnlyDictionary<string, StringValues> fields, CancellationToken ct) =>
        CommandsEndpoint.DispatchAsync(fields, time, conversation, responder, services, SlackLoggers.Commands(loggers), ct);

    /// <summary>An interaction payload (block actions, view submissions, shortcuts) as JSON.</summary>
    public Task<SlackAnswer> InteractionAsync(byte[] payloadJson, CancellationToken ct) =>
        InteractivityEndpoint.DispatchAsync(payloadJson, options.Value, time, conversation, responder, api, responseUrls, names, services,
            SlackLoggers.Interactivity(loggers), ct);
}
