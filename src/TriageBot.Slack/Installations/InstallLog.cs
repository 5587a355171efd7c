using Microsoft.Extensions.Logging;

namespace TriageBot.Slack.Installations;

/// <summary>Log events of installations (5160–5179). Tokens are never logged.</summary>
internal static partial class InstallLog
{
    [LoggerMessage(EventId = 5160, Level = LogLevel.Information, Message = "Slack app installed in {Tenant} by {Installer} (scopes {Scopes}, token rotation {Rotation})")]
    public static partial void Installed(ILogger logger, string tenant, string? installer, string scopes, bool rotation);

    [LoggerMessage(EventId = 5161, Level = LogLevel.Warning, Message = "Slack install refused: {Reason}")]
    public static partial void InstallRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 5162, Level = LogLevel.Warning, Message = "Slack installation of {Tenant} removed: {Reason}; messages to it now fail")]
    public static partial void Removed(ILogger logger, string tenant, string reason);

    [LoggerMessage(EventId = 5163, Level = LogLevel.Information, Message = "Slack bot token of {Tenant} refreshed; it now expires at {ExpiresAt:o}")]
    public static partial void Refreshed(ILogger logger, string tenant, DateTimeOffset? expiresAt);

    [LoggerMessage(EventId = 5164, Level = LogLevel.Warning, Message = "Refreshing the Slack bot token of {Tenant} failed: {Error}")]
    public static partial void RefreshFailed(ILogger logger, string tenant, string error);

    [LoggerMessage(EventId = 5165, Level = LogLevel.Warning, Message = "A Slack request from {Tenant}, where the app is not installed, was refused")]
    public static partial void NotInstalled(ILogger logger, string tenant);

    [LoggerMessage(EventId = 5166, Level = LogLevel.Warning, Message = "The installation keys could not be checked at start (the store failed: {Error}); requests will say so if a row does not open")]
    public static partial void KeyCheckFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 5167, Level = LogLevel.Information, Message = "{Old} of {Rows} Slack installation(s) are still sealed with a previous installation key; they are sealed again when used, or all at once with `TriageBot reseal-installations`")]
    public static partial void SealedWithPreviousKey(ILogger logger, int old, int rows);
}
