using Microsoft.Extensions.Logging;
using TriageBot.Core.Ports;

namespace TriageBot.Trackers.Sync;

internal static partial class Log
{
    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Tracker push to {Kind} for {BacklogId} item {Number} failed (attempt {Attempts}); retrying in {Wait}: {Error}")]
    public static partial void PushRetry(ILogger logger, TrackerKind kind, string backlogId, int number, int attempts, TimeSpan wait, string error);

    [LoggerMessage(EventId = 2202, Level = LogLevel.Error, Message = "Tracker push to {Kind} for {BacklogId} item {Number} stopped: {Error}")]
    public static partial void PushFailed(ILogger logger, TrackerKind kind, string backlogId, int number, string error);

    [LoggerMessage(EventId = 2203, Level = LogLevel.Error, Message = "Tracker sync round failed; the next round tries again")]
    public static partial void RoundFailed(ILogger logger, Exception e);

    [LoggerMessage(EventId = 2204, Level = LogLevel.Warning, Message = "Tracker webhook refused: {Reason}")]
    public static partial void WebhookRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 2205, Level = LogLevel.Warning, Message = "{Setting} is a Key Vault reference App Service could not resolve (the app sees '@Microsoft.KeyVault(…)' literally): it is treated as not set. Check that the secret exists in the vault (docs/trackers.md, In Azure) and that the app identity can read it.")]
    public static partial void UnresolvedReference(ILogger logger, string setting);
}
