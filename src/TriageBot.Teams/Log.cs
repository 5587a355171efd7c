using Microsoft.Extensions.Logging;

namespace TriageBot.Teams;

/// <summary>Source-generated logs of the Teams channel. Never a token, secret, signature or body.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "Teams channel is not configured; every request to /api/messages is refused. {Problems}")]
    public static partial void NotConfigured(ILogger logger, string problems);

    [LoggerMessage(2, LogLevel.Information, "Teams request refused: {Reason}")]
    public static partial void Refused(ILogger logger, string reason);

    [LoggerMessage(3, LogLevel.Debug, "Teams activity {ActivityId} already handled; ignoring the retry")]
    public static partial void Duplicate(ILogger logger, string activityId);

    [LoggerMessage(4, LogLevel.Debug, "Teams activity of type {Type} ({Name}) ignored")]
    public static partial void Ignored(ILogger logger, string type, string? name);

    [LoggerMessage(5, LogLevel.Error, "Teams activity {ActivityId} failed")]
    public static partial void Failed(ILogger logger, Exception exception, string activityId);

    [LoggerMessage(6, LogLevel.Information, "Signing key {Kid} not in the cached Bot Framework keys; refreshing once")]
    public static partial void UnknownKid(ILogger logger, string? kid);

    [LoggerMessage(7, LogLevel.Warning, "Bot Connector answered {Status} ({Code}) for {Operation}; retry {Attempt} in {Delay}. Correlation {CorrelationId}")]
    public static partial void ConnectorRetry(ILogger logger, int status, string? code, string operation, int attempt, TimeSpan delay, string? correlationId);

    [LoggerMessage(8, LogLevel.Warning, "Bot Connector call {Operation} failed with {Status} ({Code}). Correlation {CorrelationId}")]
    public static partial void ConnectorFailed(ILogger logger, string operation, int status, string? code, string? correlationId);

    [LoggerMessage(9, LogLevel.Warning, "Refused to send the bot token to untrusted service URL host {Host}")]
    public static partial void UntrustedServiceUrl(ILogger logger, string host);

    [LoggerMessage(10, LogLevel.Information, "Bot removed from Teams conversation {ConversationId}; binding marked inactive")]
    public static partial void BindingDeactivated(ILogger logger, string conversationId);

    [LoggerMessage(11, LogLevel.Warning, "Teams activity {ActivityId} not handled: the store is unavailable; answered 503 so the Connector retries")]
    public static partial void StoreUnavailable(ILogger logger, string activityId);

    [LoggerMessage(12, LogLevel.Warning, "Teams:DangerouslyAcceptEmulator is on: activities with channelId 'emulator' from a loopback service URL are accepted without a Teams-endorsed key. Development only; turn it off anywhere people use the bot.")]
    public static partial void EmulatorAccepted(ILogger logger);

    [LoggerMessage(13, LogLevel.Warning, "A token named an unknown signing key, but the keys were force-refreshed less than {Interval} ago; refused without fetching again")]
    public static partial void KeyRefreshRateLimited(ILogger logger, TimeSpan interval);

    [LoggerMessage(14, LogLevel.Warning, "The Bot Framework signing keys could not be fetched ({Error}); tokens are checked against the last good keys, or refused when there are none")]
    public static partial void KeysUnavailable(ILogger logger, string error);

    [LoggerMessage(15, LogLevel.Warning, "A dialog submission of form {FormId} came from someone the dialog was not opened for; refused, nothing changed")]
    public static partial void ForeignForm(ILogger logger, string formId);
}
