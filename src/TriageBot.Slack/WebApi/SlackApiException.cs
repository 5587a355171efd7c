namespace TriageBot.Slack.WebApi;

/// <summary>Slack answered <c>ok:false</c>; <see cref="Error"/> is Slack's error code (e.g. <c>channel_not_found</c>).</summary>
public class SlackApiException(string method, string error)
    : Exception($"Slack {method} failed: {error}")
{
    public string Method { get; } = method;
    public string Error { get; } = error;

    /// <summary>Errors after which posting to that channel will never work again until someone re-adds or re-installs the bot.</summary>
    public bool ChannelLost => Error is "channel_not_found" or "not_in_channel" or "is_archived" or "account_inactive"
        or "token_revoked" or "invalid_auth" or "not_authed" or "team_access_not_granted" or "ekm_access_denied"
        || Error.StartsWith("not_installed", StringComparison.Ordinal);
}

/// <summary>Slack answered 429: wait <see cref="RetryAfter"/> before calling that method again.</summary>
public sealed class SlackRateLimitedException(string method, TimeSpan retryAfter)
    : Exception($"Slack {method} is rate limited; retry after {retryAfter.TotalSeconds:0} s")
{
    public string Method { get; } = method;
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>A failure worth retrying: Slack 5xx, a timeout, or the connection failing.</summary>
public sealed class SlackTransientException(string method, string reason, Exception? inner = null)
    : Exception($"Slack {method} failed transiently: {reason}", inner)
{
    public string Method { get; } = method;
    public string Reason { get; } = reason;
}
