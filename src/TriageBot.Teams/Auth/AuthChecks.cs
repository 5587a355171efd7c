namespace TriageBot.Teams.Auth;

/// <summary>The security decisions of inbound Teams auth, each a small pure function so every rule is tested by table.</summary>
public static class AuthChecks
{
    /// <summary>Algorithms Bot Framework signs with; anything else (none, HS256, ES256…) is refused.</summary>
    public static readonly IReadOnlyList<string> AllowedAlgorithms = ["RS256", "RS384", "RS512"];

    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>The token of an <c>Authorization: Bearer &lt;jwt&gt;</c> header, or null when the header is missing or not exactly that shape.</summary>
    public static string? BearerToken(string? authorizationHeader)
    {
        if (string.IsNullOrEmpty(authorizationHeader)) return null;
        var parts = authorizationHeader.Split(' ');
        // Bot Framework's own validator splits on one space and requires exactly "Bearer" (case-sensitive) and a token.
        if (parts.Length != 2 || !string.Equals(parts[0], "Bearer", StringComparison.Ordinal) || parts[1].Length == 0) return null;
        return parts[1];
    }

    public static bool IsAllowedAlgorithm(string? algorithm) =>
        algorithm is not null && AllowedAlgorithms.Contains(algorithm, StringComparer.Ordinal);

    public static bool IsAllowedIssuer(string? issuer, IEnumerable<string> allowed) =>
        !string.IsNullOrEmpty(issuer) && allowed.Contains(issuer, StringComparer.Ordinal);

    /// <summary>Channel tokens are addressed to the bot's app id, and to nothing else.</summary>
    public static bool IsExpectedAudience(IEnumerable<string> audiences, string? appId) =>
        !string.IsNullOrEmpty(appId) && audiences.Any(a => string.Equals(a, appId, StringComparison.OrdinalIgnoreCase));

    /// <summary>Inside <c>[nbf − skew, exp + skew]</c>; a token without an expiry is refused.</summary>
    public static bool IsWithinLifetime(DateTimeOffset? notBefore, DateTimeOffset? expires, DateTimeOffset now, TimeSpan skew)
    {
        if (expires is null) return false;
        if (notBefore is not null && now < notBefore.Value - skew) return false;
        if (notBefore is not null && expires < notBefore) return false;
        return now <= expires.Value + skew;
    }

    /// <summary>
    /// The signing key must be endorsed for the channel the activity claims to come from. A key with no endorsements
    /// at all is refused too: only Emulator/skill keys lack them, and those are not accepted here.
    /// </summary>
    public static bool IsEndorsed(IReadOnlyCollection<string>? keyEndorsements, string? channelId) =>
        !string.IsNullOrEmpty(channelId) && keyEndorsements is not null
        && keyEndorsements.Contains(channelId, StringComparer.OrdinalIgnoreCase);

    public const string TeamsChannel = "msteams";
    public const string EmulatorChannel = "emulator";

    /// <summary>
    /// Identity comes only from Teams: an activity must say <c>channelId: msteams</c>, whatever else its key is endorsed
    /// for (a key endorsed for <c>webchat</c> or <c>directline</c> signs activities whose <c>from.id</c> anyone typed).
    /// The Emulator only when the development option is on.
    /// </summary>
    public static bool IsAcceptedChannel(string? channelId, bool acceptEmulator) =>
        string.Equals(channelId, TeamsChannel, StringComparison.Ordinal)
        || (acceptEmulator && string.Equals(channelId, EmulatorChannel, StringComparison.Ordinal));

    /// <summary>The activity's tenant must be one of <paramref name="allowed"/>; an activity without a tenant is refused.</summary>
    public static bool IsAllowedTenant(string? tenantId, IEnumerable<string> allowed) =>
        !string.IsNullOrWhiteSpace(tenantId) && allowed.Contains(tenantId.Trim(), StringComparer.OrdinalIgnoreCase);

    /// <summary>An Emulator activity may only name a service URL on this machine, so the bot's token never leaves it.</summary>
    public static bool IsLoopbackServiceUrl(string? serviceUrl) =>
        Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri) && uri.IsLoopback
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && string.IsNullOrEmpty(uri.UserInfo);

    /// <summary>The token's <c>serviceurl</c> claim binds it to the activity's <c>serviceUrl</c>; a missing claim fails.</summary>
    public static bool ServiceUrlMatches(string? claim, string? activityServiceUrl) =>
        !string.IsNullOrEmpty(claim) && !string.IsNullOrEmpty(activityServiceUrl)
        && string.Equals(claim.TrimEnd('/'), activityServiceUrl.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether the bot may send its token to <paramref name="serviceUrl"/> on the strength of the static allow-list:
    /// HTTPS (plain HTTP only for a loopback host, as in tests) and a host listed exactly or under a <c>*.</c> suffix.
    /// </summary>
    public static bool IsAllowListedServiceUrl(Uri serviceUrl, IEnumerable<string> allowedHosts)
    {
        if (!serviceUrl.IsAbsoluteUri) return false;
        if (serviceUrl.Scheme != Uri.UriSchemeHttps && !(serviceUrl.Scheme == Uri.UriSchemeHttp && serviceUrl.IsLoopback)) return false;
        if (!string.IsNullOrEmpty(serviceUrl.UserInfo)) return false;
        var host = serviceUrl.IdnHost;
        foreach (var allowed in allowedHosts)
        {
            if (allowed.StartsWith("*.", StringComparison.Ordinal))
            {
                if (host.EndsWith(allowed[1..], StringComparison.OrdinalIgnoreCase)) return true;
            }
            else if (string.Equals(host, allowed, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }
}
