using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace TriageBot.Trackers.Tests.Fakes;

/// <summary>
/// GitHub's side of a GitHub App for <see cref="FakeGitHub"/>: holds the app's RSA key pair (the private key as the PEM GitHub
/// downloads), verifies each app JWT's RS256 signature with the public key and its claims (<c>iss</c>, <c>iat</c>, <c>exp</c>
/// at most 10 minutes ahead) on its own clock, issues installation tokens that expire, and refuses everything once revoked.
/// </summary>
public sealed class FakeGitHubApp : IDisposable
{
    private readonly RSA key = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, DateTimeOffset> tokens = new();
    private int issued;

    public FakeGitHubApp(string appId, long installationId, TimeProvider time)
    {
        AppId = appId;
        InstallationId = installationId;
        Time = time;
        PrivateKeyPem = key.ExportRSAPrivateKeyPem();
    }

    public string AppId { get; }

    public long InstallationId { get; }

    public TimeProvider Time { get; }

    /// <summary>The private key as GitHub hands it out (<c>-----BEGIN RSA PRIVATE KEY-----</c>).</summary>
    public string PrivateKeyPem { get; }

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The app's registration was revoked: JWTs and installation tokens are refused (401).</summary>
    public bool Revoked { get; set; }

    /// <summary>Installation tokens handed out, in order.</summary>
    public ConcurrentQueue<string> Issued { get; } = new();

    /// <summary>JWTs refused, with why.</summary>
    public ConcurrentQueue<string> Refusals { get; } = new();

    /// <summary>The app's own endpoints (token exchange, installation lookup); null when the path is not one of them.</summary>
    public (int Status, JsonNode? Body)? HandleApp(HttpRequest request, string[] parts)
    {
        var isExchange = request.Method == "POST" && parts is ["app", "installations", var id, "access_tokens"] && id == InstallationId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var isLookup = request.Method == "GET" && parts is ["repos", _, _, "installation"];
        if (!isExchange && !isLookup && parts is not ["app", ..])
        {
            return null;
        }

        if (VerifyJwt(request) is { } why)
        {
            Refusals.Enqueue(why);
            return (401, new JsonObject { ["message"] = why });
        }

        if (isLookup)
        {
            return (200, new JsonObject { ["id"] = InstallationId, ["app_id"] = 1, ["account"] = new JsonObject { ["login"] = parts[1] } });
        }

        if (!isExchange)
        {
            return (404, new JsonObject { ["message"] = "Not Found" });
        }

        var token = $"ghs_fake{Interlocked.Increment(ref issued)}";
        var expires = Time.GetUtcNow() + TokenLifetime;
        tokens[token] = expires;
        Issued.Enqueue(token);
        return (201, new JsonObject { ["token"] = token, ["expires_at"] = expires.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) });
    }

    /// <summary>Why a repository call's installation token is refused; null when it is a live token.</summary>
    public string? RefuseToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        var token = space < 0 ? "" : header[(space + 1)..];
        if (Revoked)
        {
            return "Bad credentials (the app is revoked)";
        }

        return !tokens.TryGetValue(token, out var expires) ? "Bad credentials (not an installation token)"
            : Time.GetUtcNow() >= expires ? "Bad credentials (the installation token expired)"
            : null;
    }

    private string? VerifyJwt(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (Revoked)
        {
            return "A JSON web token could not be decoded (the app is revoked)";
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return "A JSON web token is required";
        }

        var parts = header[7..].Split('.');
        if (parts.Length != 3)
        {
            return "A JSON web token could not be decoded";
        }

        var head = JsonNode.Parse(Decode(parts[0]));
        if (head?["alg"]?.GetValue<string>() != "RS256")
        {
            return "The JWT must be signed with RS256";
        }

        if (!key.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), Decode(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return "The JWT's signature does not match the app's public key";
        }

        var claims = JsonNode.Parse(Decode(parts[1]))!.AsObject();
        var now = Time.GetUtcNow().ToUnixTimeSeconds();
        var iat = claims["iat"]!.GetValue<long>();
        var exp = claims["exp"]!.GetValue<long>();
        return claims["iss"]?.ToString() != AppId ? "'Issuer' claim ('iss') must be the app's id"
            : iat > now + 60 ? "'Issued at' claim ('iat') is in the future"
            : exp <= now ? "'Expiration time' claim ('exp') is in the past"
            : exp - iat > 11 * 60 ? "'Expiration time' claim ('exp') is too far in the future"
            : null;
    }

    private static byte[] Decode(string part)
    {
        var s = part.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }

    internal static string Json(object value) => JsonSerializer.Serialize(value);

    public void Dispose() => key.Dispose();
}
