using System.Net;

namespace TriageBot.Playground;

/// <summary>
/// Who may use the playground: only this machine. The playground acts as any sample person without authentication,
/// so it refuses other addresses, a Host header that is not a loopback name (DNS rebinding) and cross-site
/// requests (another page in the same browser posting to it).
/// </summary>
public static class PlaygroundAccess
{
    /// <summary>Only loopback callers; an unknown address (no socket) is refused.</summary>
    public static bool IsLoopbackCaller(IPAddress? remote) => remote is not null && IPAddress.IsLoopback(remote);

    /// <summary>The Host the browser used must be a loopback name, so a rebinding DNS name pointing here is refused.</summary>
    public static bool IsLoopbackHost(string? host) =>
        host is { Length: > 0 } && (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)));

    /// <summary>An Origin header, when the browser sends one, must be this same host and port.</summary>
    public static bool IsSameOrigin(string? origin, string scheme, string hostWithPort) =>
        string.IsNullOrEmpty(origin) || string.Equals(origin, $"{scheme}://{hostWithPort}", StringComparison.OrdinalIgnoreCase);

    public static bool Allows(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var request = http.Request;
        return IsLoopbackCaller(http.Connection.RemoteIpAddress)
            && IsLoopbackHost(request.Host.Host)
            && IsSameOrigin(request.Headers.Origin, request.Scheme, request.Host.Value ?? "")
            && !string.Equals(request.Headers["Sec-Fetch-Site"], "cross-site", StringComparison.OrdinalIgnoreCase);
    }
}
