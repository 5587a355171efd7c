using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TriageBot.Teams.Auth;

namespace TriageBot.Teams.Connector;

/// <summary>
/// Decides where the bot's Connector token may go: service URLs seen in activities whose token was fully validated
/// (including the <c>serviceurl</c> claim), or hosts on the static allow-list. Everything else is refused.
/// </summary>
public sealed class ServiceUrlTrust(IOptions<TeamsOptions> options)
{
    private const int MaxRemembered = 1000;
    private readonly ConcurrentDictionary<string, byte> _validated = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Called only after an inbound activity passed every check.</summary>
    public void RememberValidated(string serviceUrl)
    {
        if (!Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri) || _validated.Count >= MaxRemembered) return;
        _validated.TryAdd(Origin(uri), 0);
    }

    public bool IsTrusted(Uri requestUri)
    {
        if (!requestUri.IsAbsoluteUri) return false;
        if (requestUri.Scheme == Uri.UriSchemeHttps && _validated.ContainsKey(Origin(requestUri))) return true;
        return AuthChecks.IsAllowListedServiceUrl(requestUri, options.Value.EffectiveServiceUrlHosts);
    }

    private static string Origin(Uri uri) => uri.GetLeftPart(UriPartial.Authority);
}

/// <summary>The bot refused to send its token to a service URL that is neither validated nor allow-listed.</summary>
public sealed class UntrustedServiceUrlException(string host)
    : InvalidOperationException($"Refusing to send the Bot Framework token to '{host}': the service URL did not come from a validated activity and is not in Teams:AllowedServiceUrlHosts.")
{
    public string Host { get; } = host;
}

/// <summary>A Bot Connector call failed: the HTTP status, Teams' error code and any Retry-After.</summary>
public sealed class ConnectorException(int status, string? code, TimeSpan? retryAfter, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string? Code { get; } = code;
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
