using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using TriageBot.Core.Backlogs;

namespace TriageBot.Core.Reports;

/// <summary>
/// Unguessable, expiring links to a backlog's allocation chart: <c>{base}/charts/{token}.png</c>. The token names the
/// backlog and the instant the report was made (so the picture shows the figures the message shows), its expiry, and an
/// HMAC-SHA256 over those keyed by the backlog's secret dashboard token: every instance can check it with what is in
/// storage, nothing else needs sharing, and rotating the dashboard link revokes every chart link too.
/// </summary>
public static class ChartLinks
{
    /// <summary>How long a chart link works after the report that carries it.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    /// <summary>What a token names, once its signature and expiry have been checked.</summary>
    public sealed record ChartRequest(string BacklogId, DateTimeOffset At, DateTimeOffset Expires);

    /// <summary>The chart's address, or null when there is no public base URL or the backlog has no dashboard secret.</summary>
    public static string? Url(string? publicBaseUrl, Backlog backlog, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(backlog);
        if (string.IsNullOrWhiteSpace(publicBaseUrl) || string.IsNullOrEmpty(backlog.DashboardToken))
        {
            return null;
        }

        return $"{publicBaseUrl.TrimEnd('/')}/charts/{Token(backlog, at, at + Lifetime)}.png";
    }

    /// <summary><c>{backlog id, base64url}.{at, unix s}.{expires, unix s}.{signature, base64url}</c>.</summary>
    public static string Token(Backlog backlog, DateTimeOffset at, DateTimeOffset expires)
    {
        ArgumentNullException.ThrowIfNull(backlog);
        var payload = Payload(backlog.Id, at.ToUnixTimeSeconds(), expires.ToUnixTimeSeconds());
        return $"{payload}.{Base64Url(Sign(backlog.DashboardToken, payload))}";
    }

    /// <summary>The backlog a token claims to be for, without checking it (to know which secret to check it with).</summary>
    public static string? BacklogIdOf(string? token)
    {
        var parts = token?.Split('.');
        return parts is { Length: 4 } && TryFromBase64Url(parts[0], out var id) ? Encoding.UTF8.GetString(id) : null;
    }

    /// <summary>The request a token carries when its signature matches the backlog's secret and it has not expired; otherwise null.</summary>
    public static ChartRequest? Verify(string? token, Backlog backlog, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(backlog);
        var parts = token?.Split('.');
        if (parts is not { Length: 4 } || string.IsNullOrEmpty(backlog.DashboardToken)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var at)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || !TryFromBase64Url(parts[3], out var signature))
        {
            return null;
        }

        var expected = Sign(backlog.DashboardToken, Payload(backlog.Id, at, expires));
        if (!CryptographicOperations.FixedTimeEquals(expected, signature) || parts[0] != Base64Url(Encoding.UTF8.GetBytes(backlog.Id)))
        {
            return null;
        }

        var expiry = DateTimeOffset.FromUnixTimeSeconds(expires);
        return now < expiry ? new ChartRequest(backlog.Id, DateTimeOffset.FromUnixTimeSeconds(at), expiry) : null;
    }

    private static string Payload(string backlogId, long at, long expires) =>
        string.Create(CultureInfo.InvariantCulture, $"{Base64Url(Encoding.UTF8.GetBytes(backlogId))}.{at}.{expires}");

    private static byte[] Sign(string secret, string payload) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes("triagebot-chart:" + secret), Encoding.UTF8.GetBytes(payload));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryFromBase64Url(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length is 0 or > 400)
        {
            return false;
        }

        var b64 = text.Replace('-', '+').Replace('_', '/');
        b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
        var buffer = new byte[b64.Length];
        if (!Convert.TryFromBase64String(b64, buffer, out var written))
        {
            return false;
        }

        bytes = buffer[..written];
        return true;
    }
}
