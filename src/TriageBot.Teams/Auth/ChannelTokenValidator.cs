using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace TriageBot.Teams.Auth;

/// <summary>What a validated channel token says: the key that signed it and the service URL it was issued for.</summary>
public sealed record ChannelToken(string? KeyId, string? ServiceUrlClaim, IReadOnlyCollection<string>? KeyEndorsements);

/// <summary>The outcome of checking the bearer token, before the body is read.</summary>
public sealed record TokenCheck(ChannelToken? Token, string? Failure)
{
    public bool Succeeded => Token is not null;
    public static TokenCheck Fail(string reason) => new(null, reason);
}

/// <summary>
/// Validates Bot Connector JWTs: signature with a Bot Framework key, algorithm, issuer, audience, lifetime.
/// The endorsement and <c>serviceurl</c> checks need the activity and are applied by <see cref="CheckActivity"/>.
/// </summary>
public sealed class ChannelTokenValidator
{
    private readonly TeamsOptions _options;
    private readonly SigningKeyStore _keys;
    private readonly TimeProvider _time;
    private readonly ILogger<ChannelTokenValidator> _logger;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public ChannelTokenValidator(IOptions<TeamsOptions> options, SigningKeyStore keys, TimeProvider time, ILogger<ChannelTokenValidator> logger)
    {
        _options = options.Value;
        _keys = keys;
        _time = time;
        _logger = logger;
    }

    public async Task<TokenCheck> ValidateAsync(string? authorizationHeader, CancellationToken ct)
    {
        var problems = _options.Problems();
        if (problems.Count > 0) return TokenCheck.Fail("the Teams channel is not configured: " + problems[0]);

        var jwt = AuthChecks.BearerToken(authorizationHeader);
        if (jwt is null) return TokenCheck.Fail("missing or malformed Authorization header (expected 'Bearer <token>')");
        if (!_handler.CanReadToken(jwt)) return TokenCheck.Fail("the bearer token is not a JWT");

        var keys = await _keys.GetAsync(ct).ConfigureAwait(false);
        if (keys is null) return TokenCheck.Fail("the Bot Framework signing keys could not be loaded");

        var result = await _handler.ValidateTokenAsync(jwt, Parameters(keys)).ConfigureAwait(false);
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // Keys rotate without notice: on an unknown kid, fetch the keys now (rate-limited) and decide with them.
            Log.UnknownKid(_logger, (_handler.ReadToken(jwt) as JsonWebToken)?.Kid);
            var refreshed = await _keys.RefreshForUnknownKeyAsync(keys, ct).ConfigureAwait(false);
            if (refreshed is not null)
            {
                keys = refreshed;
                result = await _handler.ValidateTokenAsync(jwt, Parameters(keys)).ConfigureAwait(false);
            }
        }
        if (!result.IsValid)
            return TokenCheck.Fail("token rejected: " + (result.Exception?.GetType().Name ?? "invalid"));

        var token = (JsonWebToken)result.SecurityToken;
        if (!AuthChecks.IsAllowedAlgorithm(token.Alg)) return TokenCheck.Fail($"algorithm {token.Alg} is not allowed");
        var serviceUrl = token.TryGetPayloadValue<string>("serviceurl", out var claim) ? claim : null;
        IReadOnlyCollection<string>? endorsements = token.Kid is not null && keys.Endorsements.TryGetValue(token.Kid, out var e) ? e : null;
        return new TokenCheck(new ChannelToken(token.Kid, serviceUrl, endorsements), null);
    }

    /// <summary>
    /// The checks that need the parsed activity: key endorsed for its channel, token bound to its service URL. With
    /// <paramref name="acceptEmulator"/> an <c>emulator</c> activity needs no endorsement (Emulator keys have none) and
    /// no <c>serviceurl</c> claim, but its service URL must be on this machine.
    /// </summary>
    public static string? CheckActivity(ChannelToken token, string? channelId, string? serviceUrl, bool acceptEmulator = false)
    {
        if (acceptEmulator && string.Equals(channelId, AuthChecks.EmulatorChannel, StringComparison.Ordinal))
        {
            if (!AuthChecks.IsLoopbackServiceUrl(serviceUrl))
                return "an emulator activity's serviceUrl must be a loopback address";
            if (token.ServiceUrlClaim is not null && !AuthChecks.ServiceUrlMatches(token.ServiceUrlClaim, serviceUrl))
                return "the token's serviceurl claim does not match the activity's serviceUrl";
            return null;
        }
        if (!AuthChecks.IsEndorsed(token.KeyEndorsements, channelId))
            return $"signing key is not endorsed for channel '{(channelId is { Length: > 64 } ? channelId[..64] + "…" : channelId)}'";
        if (!AuthChecks.ServiceUrlMatches(token.ServiceUrlClaim, serviceUrl))
            return "the token's serviceurl claim does not match the activity's serviceUrl";
        return null;
    }

    private TokenValidationParameters Parameters(BotFrameworkKeys keys) => new()
    {
        ValidateIssuer = true,
        ValidIssuers = _options.EffectiveIssuers,
        IssuerValidator = (issuer, _, _) => AuthChecks.IsAllowedIssuer(issuer, _options.EffectiveIssuers)
            ? issuer
            : throw new SecurityTokenInvalidIssuerException("The token's issuer is not in Teams:ValidIssuers."),
        ValidateAudience = true,
        ValidAudience = _options.AppId,
        AudienceValidator = (audiences, _, _) => AuthChecks.IsExpectedAudience(audiences, _options.AppId),
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = AuthChecks.ClockSkew,
        LifetimeValidator = (notBefore, expires, _, _) => AuthChecks.IsWithinLifetime(
            notBefore is null ? null : new DateTimeOffset(notBefore.Value, TimeSpan.Zero),
            expires is null ? null : new DateTimeOffset(expires.Value, TimeSpan.Zero),
            _time.GetUtcNow(), AuthChecks.ClockSkew),
        RequireSignedTokens = true,
        ValidateIssuerSigningKey = true,
        IssuerSigningKeys = keys.SigningKeys,
        ValidAlgorithms = AuthChecks.AllowedAlgorithms,
        TryAllIssuerSigningKeys = false,
    };
}
