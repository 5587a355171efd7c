using Microsoft.Extensions.Logging;

namespace TriageBot.Slack.SocketMode;

/// <summary>Source-generated logs of the Socket Mode connection. None carries a token, a URL with its ticket, or a payload.</summary>
internal static partial class SocketLog
{
    [LoggerMessage(EventId = 5160, Level = LogLevel.Information, Message = "Slack Socket Mode is on (app-level token set): connecting; the HTTP request URLs {HttpState}")]
    public static partial void Starting(ILogger logger, string httpState);

    [LoggerMessage(EventId = 5161, Level = LogLevel.Information, Message = "Slack Socket Mode connection {Number}: Slack said hello ({Connections} connection(s) of this app, expected to last about {Seconds} s, host {Host})")]
    public static partial void SocketHello(ILogger logger, int number, int connections, int seconds, string host);

    [LoggerMessage(EventId = 5162, Level = LogLevel.Information, Message = "Slack Socket Mode connection {Number}: Slack asks to disconnect ({Reason})")]
    public static partial void SocketDisconnectMessage(ILogger logger, int number, string reason);

    [LoggerMessage(EventId = 5163, Level = LogLevel.Warning, Message = "Slack Socket Mode connection {Number} dropped: {Reason}")]
    public static partial void SocketDropped(ILogger logger, int number, string reason);

    [LoggerMessage(EventId = 5164, Level = LogLevel.Information, Message = "Slack Socket Mode connection {Number} closed by Slack ({Status} {Description})")]
    public static partial void SocketClosedBySlack(ILogger logger, int number, string status, string description);

    [LoggerMessage(EventId = 5165, Level = LogLevel.Warning, Message = "Slack Socket Mode connection {Number}: a message over {Limit} bytes was dropped unread")]
    public static partial void SocketMessageTooLarge(ILogger logger, int number, int limit);

    [LoggerMessage(EventId = 5166, Level = LogLevel.Debug, Message = "Slack Socket Mode connection {Number}: message '{Type}' ignored")]
    public static partial void SocketMessageIgnored(ILogger logger, int number, string type);

    [LoggerMessage(EventId = 5167, Level = LogLevel.Warning, Message = "Slack Socket Mode: opening a connection failed (attempt {Attempt}): {Reason}; next attempt in {Delay}")]
    public static partial void OpenFailed(ILogger logger, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 5168, Level = LogLevel.Information, Message = "Slack Socket Mode connection {Number} is ready; renewed in {RenewIn} unless Slack asks sooner")]
    public static partial void Connected(ILogger logger, int number, TimeSpan renewIn);

    [LoggerMessage(EventId = 5169, Level = LogLevel.Information, Message = "Slack Socket Mode: replacing connection {Number} ({Why}); it stays open until the new one is ready")]
    public static partial void Replacing(ILogger logger, int number, string why);

    [LoggerMessage(EventId = 5170, Level = LogLevel.Error, Message = "Slack turned Socket Mode off for this app (link_disabled): the bot no longer receives anything from Slack. Turn Socket Mode on again (https://api.slack.com/apps → your app → Settings → Socket Mode) and restart, or remove Slack:AppToken and use request URLs.")]
    public static partial void LinkDisabled(ILogger logger);

    [LoggerMessage(EventId = 5171, Level = LogLevel.Warning, Message = "Slack Socket Mode: Slack says this app has too many connections (too_many_websockets, at most 10): closing connection {Number} and reconnecting after a pause. Another instance or a forgotten local run may hold the others.")]
    public static partial void TooManyConnections(ILogger logger, int number);

    [LoggerMessage(EventId = 5172, Level = LogLevel.Debug, Message = "Slack Socket Mode envelope {EnvelopeId} ({Type}, retry {Retry}) acknowledged after {Milliseconds} ms{WithPayload}")]
    public static partial void Acknowledged(ILogger logger, string envelopeId, string type, int retry, long milliseconds, string withPayload);

    [LoggerMessage(EventId = 5173, Level = LogLevel.Information, Message = "Slack Socket Mode envelope {EnvelopeId} ({Type}) left unacknowledged (answer {Status}) so Slack sends it again")]
    public static partial void LeftForRetry(ILogger logger, string envelopeId, string type, int status);

    [LoggerMessage(EventId = 5174, Level = LogLevel.Information, Message = "Slack Socket Mode envelope {EnvelopeId} ({Type}) arrived again: acknowledged with the first answer, not handled twice")]
    public static partial void DuplicateEnvelope(ILogger logger, string envelopeId, string type);

    [LoggerMessage(EventId = 5175, Level = LogLevel.Warning, Message = "Slack Socket Mode envelope {EnvelopeId}: acknowledging failed ({Reason}); Slack will send it again")]
    public static partial void AckFailed(ILogger logger, string envelopeId, string reason);

    [LoggerMessage(EventId = 5176, Level = LogLevel.Information, Message = "Slack Socket Mode stopped: connection closed")]
    public static partial void Stopped(ILogger logger);

    [LoggerMessage(EventId = 5177, Level = LogLevel.Error, Message = "Handling Slack Socket Mode envelope {EnvelopeId} ({Type}) failed")]
    public static partial void EnvelopeFailed(ILogger logger, Exception exception, string envelopeId, string type);
}
