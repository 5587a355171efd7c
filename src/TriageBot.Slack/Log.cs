using Microsoft.Extensions.Logging;
using TriageBot.Slack.Signing;

namespace TriageBot.Slack;

/// <summary>Source-generated logs of the Slack channel. None of them carries a secret, token, signature or body.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Warning, Message = "Slack request refused: {Reason} ({Outcome})")]
    public static partial void SignatureRefused(ILogger logger, SignatureOutcome outcome, string reason);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Slack request refused: body larger than {Limit} bytes")]
    public static partial void BodyTooLarge(ILogger logger, int limit);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Slack request refused as malformed: {Reason}")]
    public static partial void Malformed(ILogger logger, string reason);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Debug, Message = "Slack event {EventId} already handled (retry {RetryNum}); ignored")]
    public static partial void DuplicateEvent(ILogger logger, string eventId, string? retryNum);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Debug, Message = "Slack {Kind} '{Type}' ignored")]
    public static partial void Ignored(ILogger logger, string kind, string type);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Error, Message = "Handling Slack event {EventId} failed")]
    public static partial void EventFailed(ILogger logger, Exception exception, string eventId);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Error, Message = "Handling a Slack {Kind} failed")]
    public static partial void InteractionFailed(ILogger logger, Exception exception, string kind);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Warning, Message = "Slack reply after {Kind} could not be delivered: {Error}")]
    public static partial void ReplyFailed(ILogger logger, string kind, string error);

    [LoggerMessage(EventId = 5108, Level = LogLevel.Warning, Message = "Slack event {EventId} still being handled at the ack budget: answered 503 so Slack retries; the retries are answered by how this handling ends")]
    public static partial void EventStillRunningAtBudget(ILogger logger, string eventId);

    [LoggerMessage(EventId = 5131, Level = LogLevel.Information, Message = "Slack event {EventId} was still being handled when the host stopped: stopped and forgotten, so Slack's retry is handled")]
    public static partial void EventStoppedByShutdown(ILogger logger, string eventId);

    [LoggerMessage(EventId = 5112, Level = LogLevel.Information, Message = "Slack event {EventId} retried (retry {RetryNum}) while its first delivery is still being handled: answered 503")]
    public static partial void EventRetriedWhileRunning(ILogger logger, string eventId, string? retryNum);

    [LoggerMessage(EventId = 5113, Level = LogLevel.Warning, Message = "Slack event {EventId} was recorded at {RecordedAt} and never finished (its instance stopped?): handling its retry")]
    public static partial void EventTakenOver(ILogger logger, string eventId, DateTimeOffset recordedAt);

    [LoggerMessage(EventId = 5109, Level = LogLevel.Warning, Message = "Slack rate-limited our app in team {TeamId}: events dropped for minute {Minute}")]
    public static partial void AppRateLimited(ILogger logger, string? teamId, long minute);

    [LoggerMessage(EventId = 5110, Level = LogLevel.Warning, Message = "Slack {Kind} not handled: the store is unavailable; answered 503")]
    public static partial void StoreUnavailable(ILogger logger, string kind);

    [LoggerMessage(EventId = 5120, Level = LogLevel.Warning, Message = "Slack Web API {Method} answered ok:false with {Error}")]
    public static partial void ApiError(ILogger logger, string method, string error);

    [LoggerMessage(EventId = 5121, Level = LogLevel.Warning, Message = "Slack Web API {Method} rate limited; retry after {Seconds} s")]
    public static partial void ApiRateLimited(ILogger logger, string method, double seconds);

    [LoggerMessage(EventId = 5122, Level = LogLevel.Warning, Message = "Slack Web API {Method} failed transiently: {Reason}")]
    public static partial void ApiTransportFailed(ILogger logger, string method, string reason);

    [LoggerMessage(EventId = 5130, Level = LogLevel.Warning, Message = "Slack is off: no Slack settings are configured (or Slack:Enabled is false), so every Slack request will be refused with 401. Set Slack__SigningSecret and Slack__BotToken to turn it on.")]
    public static partial void NotConfigured(ILogger logger);
}
