using System.Net;

namespace TriageBot.Playground;

/// <summary>
/// Who may use the playground: only this machine. The playground acts as any sample person without authentication,
/// so it refuses other addresses, a Host header that is not a loopback name (DNS rebinding) and cross-site
/// requests (another page in the same browser posting to it). A reverse proxy on the same machine would make any
/// caller look local, so a request that went through one (it carries <c>Forwarded</c>, <c>X-Forwarded-*</c>,
/// <c>X-Real-IP</c>, <c>Via</c>, or the <c>X-Original-*</c> the forwarded-headers middleware leaves) is refused too.
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

    /// <summary>Headers a proxy adds; a browser talking to the app directly never sends them.</summary>
    public static bool CameThroughAProxy(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        foreach (var name in headers.Keys)
        {
            if (name.Equals("Forwarded", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Via", StringComparison.OrdinalIgnoreCase)
                || name.Equals("X-Real-IP", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("X-Original-", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public static bool Allows(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var request = http.Request;
        return !CameThroughAProxy(request.Headers)
            && IsLoopbackCaller(http.Connection.RemoteIpAddress)
            && IsLoopbackHost(request.Host.Host)
            && IsSameOrigin(request.Headers.Origin, request.Scheme, request.Host.Value ?? "")
            && !string.Equals(request.Headers["Sec-Fetch-Site"], "cross-site", StringComparison.OrdinalIgnoreCase);
    }
}
