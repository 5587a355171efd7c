using System.Globalization;
using System.Net;
using Octokit;
using TriageBot.Core.Ports;

namespace TriageBot.Trackers.GitHub;

/// <summary>
/// Octokit's failures as <see cref="TrackerException"/>: rate limits (primary: <c>x-ratelimit-reset</c>; secondary and 429:
/// <c>Retry-After</c>) and 5xx, timeouts and lost answers are transient; 401 is unauthorized; 404 and 410 mean gone.
/// </summary>
internal static class GitHubErrors
{
    /// <summary>When GitHub names no time, a secondary rate limit waits at least a minute (GitHub's guidance).</summary>
    internal static readonly TimeSpan SecondaryDefault = TimeSpan.FromMinutes(1);

    public static async Task<T> CallAsync<T>(string what, Func<Task<T>> call, TimeProvider time, CancellationToken ct)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (Map(what, e, time, ct) is { } mapped)
        {
            throw mapped;
        }
    }

    public static TrackerException? Map(string what, Exception e, TimeProvider time, CancellationToken ct)
    {
        if (ct.IsCancellationRequested)
        {
            return null;
        }

        return e switch
        {
            RateLimitExceededException r => new TrackerException(TrackerFailure.Transient, $"GitHub rate limit reached during {what}.",
                RetryAfter(r) ?? Until(r.Reset, time) ?? SecondaryDefault, e),
            ApiException a => FromStatus(what, a, time),
            HttpRequestException or TaskCanceledException or OperationCanceledException or IOException =>
                new TrackerException(TrackerFailure.Transient, $"GitHub did not answer {what} ({e.GetType().Name}).", null, e),
            _ => null,
        };
    }

    private static TrackerException FromStatus(string what, ApiException a, TimeProvider time)
    {
        var status = (int)a.StatusCode;
        var retryAfter = RetryAfter(a);
        var remaining = Header(a, "x-ratelimit-remaining");
        var message = a.ApiError?.Message ?? a.Message;
        if (status == 429 || a is SecondaryRateLimitExceededException || (status == 403 && (remaining == "0" || retryAfter is not null || message.Contains("rate limit", StringComparison.OrdinalIgnoreCase))))
        {
            var reset = Header(a, "x-ratelimit-reset") is { } r && long.TryParse(r, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
                ? Until(DateTimeOffset.FromUnixTimeSeconds(epoch), time)
                : null;
            return new TrackerException(TrackerFailure.Transient, $"GitHub rate limit during {what}: {message}", retryAfter ?? reset ?? SecondaryDefault, a);
        }

        return status switch
        {
            401 => new TrackerException(TrackerFailure.Unauthorized, $"GitHub refused the credentials (401) during {what}: check the GitHub settings (Trackers:GitHub:Token, or the app's AppId, PrivateKey and installation).", null, a),
            403 => new TrackerException(TrackerFailure.Unauthorized, $"GitHub refused {what} (403): the token lacks access ({message}).", null, a),
            404 or 410 => new TrackerException(TrackerFailure.NotFound, $"GitHub answered {status} to {what}: the repository or issue is gone or out of the token's reach.", null, a),
            >= 500 => new TrackerException(TrackerFailure.Transient, $"GitHub failed {what} ({status}).", retryAfter, a),
            _ => new TrackerException(TrackerFailure.Refused, $"GitHub refused {what} ({status}): {message}", null, a),
        };
    }

    private static string? Header(ApiException a, string name) =>
        a.HttpResponse?.Headers?.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    private static TimeSpan? RetryAfter(ApiException a) =>
        Header(a, "Retry-After") is { } v && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(Math.Clamp(seconds, 0, 3600))
            : null;

    private static TimeSpan? Until(DateTimeOffset reset, TimeProvider time)
    {
        var wait = reset - time.GetUtcNow();
        return reset == default ? null : wait < TimeSpan.Zero ? TimeSpan.Zero : wait > TimeSpan.FromHours(1) ? TimeSpan.FromHours(1) : wait;
    }

    public static bool IsStatus(ApiException e, HttpStatusCode code) => e.StatusCode == code;
}
