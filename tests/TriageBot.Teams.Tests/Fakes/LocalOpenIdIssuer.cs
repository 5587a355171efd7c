using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

[assembly: AssemblyFixture(typeof(TriageBot.Teams.Tests.Fakes.LocalOpenIdIssuer))]

namespace TriageBot.Teams.Tests.Fakes;

/// <summary>What to put in a minted token; defaults make a token the bot accepts.</summary>
public sealed record TokenSpec
{
    public string Issuer { get; init; } = "https://api.botframework.com";
    public required string Audience { get; init; }
    public required string? ServiceUrl { get; init; }
    public DateTimeOffset? NotBefore { get; init; }
    public DateTimeOffset? Expires { get; init; }
    public string Kid { get; init; } = LocalOpenIdIssuer.TeamsKid;
    public string Algorithm { get; init; } = SecurityAlgorithms.RsaSha256;
}

/// <summary>
/// A real OpenID issuer on loopback, standing in for login.botframework.com: metadata, and a JWKS whose keys carry
/// Bot Framework's <c>endorsements</c>. Mints real RS256 tokens with chosen claims.
/// </summary>
public sealed class LocalOpenIdIssuer : IAsyncLifetime
{
    public const string TeamsKid = "teams-key";
    public const string WebChatKid = "webchat-key";
    public const string BareKid = "bare-key";
    public const string UnpublishedKid = "unpublished-key";

    private WebApplication _app = null!;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, RSA> _keys = new()
    {
        [TeamsKid] = RSA.Create(2048),
        [WebChatKid] = RSA.Create(2048),
        [BareKid] = RSA.Create(2048),
        [UnpublishedKid] = RSA.Create(2048),
    };

    public int MetadataRequests;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _requestsByTag = new();
    /// <summary>Keys published after start (a rotation), with their endorsements.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string[]> _published = new();
    public string BaseUrl { get; private set; } = "";
    public string MetadataUrl => BaseUrl + "/v1/.well-known/openidconfiguration";

    /// <summary>The metadata URL with a tag, so one host's fetches can be counted apart from the others' (<see cref="MetadataRequestsFor"/>).</summary>
    public string TaggedMetadataUrl(string tag) => MetadataUrl + "?tag=" + Uri.EscapeDataString(tag);

    public int MetadataRequestsFor(string tag) => _requestsByTag.GetValueOrDefault(tag);

    /// <summary>Publishes a new key in the JWKS from now on, as Bot Framework does when it rotates; returns its kid.</summary>
    public string PublishNewKey(params string[] endorsements)
    {
        var kid = "rotated-" + Guid.NewGuid().ToString("N");
        _keys[kid] = RSA.Create(2048);
        _published[kid] = endorsements;
        return kid;
    }

    /// <summary>Creates a key that is never published; returns its kid.</summary>
    public string CreateUnpublishedKey()
    {
        var kid = "never-published-" + Guid.NewGuid().ToString("N");
        _keys[kid] = RSA.Create(2048);
        return kid;
    }

    /// <summary>Started once for the whole test assembly (RSA key generation is slow on a shared machine).</summary>
    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var issuer = this;
        app.MapGet("/v1/.well-known/openidconfiguration", (HttpRequest request) =>
        {
            Interlocked.Increment(ref issuer.MetadataRequests);
            if (request.Query["tag"].ToString() is { Length: > 0 } tag) issuer._requestsByTag.AddOrUpdate(tag, 1, (_, n) => n + 1);
            return Results.Text(new JsonObject
            {
                ["issuer"] = "https://api.botframework.com",
                ["authorization_endpoint"] = "https://invalid.botframework.com",
                ["jwks_uri"] = issuer.BaseUrl + "/v1/.well-known/keys",
                ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
                ["token_endpoint_auth_methods_supported"] = new JsonArray("private_key_jwt"),
            }.ToJsonString(), "application/json");
        });
        app.MapGet("/v1/.well-known/keys", () => Results.Text(issuer.Jwks().ToJsonString(), "application/json"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _app = app;
        BaseUrl = address.TrimEnd('/');
    }

    private JsonObject Jwks()
    {
        JsonObject Key(string kid, params string[]? endorsements)
        {
            var p = _keys[kid].ExportParameters(false);
            var key = new JsonObject
            {
                ["kty"] = "RSA",
                ["use"] = "sig",
                ["kid"] = kid,
                ["n"] = Base64UrlEncoder.Encode(p.Modulus),
                ["e"] = Base64UrlEncoder.Encode(p.Exponent),
            };
            if (endorsements is not null) key["endorsements"] = new JsonArray(endorsements.Select(e => (JsonNode)e).ToArray());
            return key;
        }
        return new JsonObject
        {
            ["keys"] = new JsonArray([Key(TeamsKid, "msteams", "webchat"), Key(WebChatKid, "webchat"), Key(BareKid, null),
                .. _published.Select(p => Key(p.Key, p.Value))]),
        };
    }

    public string Mint(TokenSpec spec)
    {
        var now = DateTimeOffset.UtcNow;
        var notBefore = spec.NotBefore ?? now.AddMinutes(-1);
        var expires = spec.Expires ?? now.AddMinutes(30);
        var claims = new Dictionary<string, object>();
        if (spec.ServiceUrl is not null) claims["serviceurl"] = spec.ServiceUrl;
        SigningCredentials credentials = spec.Algorithm.StartsWith("HS", StringComparison.Ordinal)
            ? new SigningCredentials(new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = spec.Kid }, spec.Algorithm)
            : new SigningCredentials(new RsaSecurityKey(_keys[spec.Kid]) { KeyId = spec.Kid }, spec.Algorithm);
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = spec.Issuer,
            Audience = spec.Audience,
            NotBefore = notBefore.UtcDateTime,
            IssuedAt = notBefore.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = credentials,
        });
    }

    /// <summary>An unsigned token (<c>alg: none</c>) with otherwise valid claims.</summary>
    public static string MintUnsigned(TokenSpec spec)
    {
        var now = DateTimeOffset.UtcNow;
        var header = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes("""{"alg":"none","typ":"JWT","kid":"teams-key"}"""));
        var payload = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(new JsonObject
        {
            ["iss"] = spec.Issuer,
            ["aud"] = spec.Audience,
            ["serviceurl"] = spec.ServiceUrl,
            ["nbf"] = now.AddMinutes(-1).ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(30).ToUnixTimeSeconds(),
        }.ToJsonString()));
        return header + "." + payload + ".";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var key in _keys.Values) key.Dispose();
    }
}
