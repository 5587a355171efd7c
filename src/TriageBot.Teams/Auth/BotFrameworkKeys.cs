using System.Text.Json;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace TriageBot.Teams.Auth;

/// <summary>The Bot Framework signing keys and, per key id, the channels each key is endorsed for.</summary>
public sealed class BotFrameworkKeys(IReadOnlyList<SecurityKey> signingKeys, IReadOnlyDictionary<string, IReadOnlyCollection<string>> endorsements)
{
    public IReadOnlyList<SecurityKey> SigningKeys { get; } = signingKeys;
    public IReadOnlyDictionary<string, IReadOnlyCollection<string>> Endorsements { get; } = endorsements;
}

/// <summary>
/// Reads the OpenID metadata, follows <c>jwks_uri</c> and keeps the raw JWKS's <c>endorsements</c> per <c>kid</c>
/// (a Bot Framework extension the standard key classes don't surface reliably).
/// </summary>
internal sealed class BotFrameworkKeysRetriever : IConfigurationRetriever<BotFrameworkKeys>
{
    public async Task<BotFrameworkKeys> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        var metadataJson = await retriever.GetDocumentAsync(address, cancel).ConfigureAwait(false);
        var metadata = OpenIdConnectConfiguration.Create(metadataJson);
        if (string.IsNullOrEmpty(metadata.JwksUri))
            throw new InvalidOperationException($"The OpenID metadata at {address} has no jwks_uri.");
        var jwksJson = await retriever.GetDocumentAsync(metadata.JwksUri, cancel).ConfigureAwait(false);
        var keySet = new JsonWebKeySet(jwksJson);
        return new BotFrameworkKeys(keySet.GetSigningKeys().ToList(), ReadEndorsements(jwksJson));
    }

    internal static IReadOnlyDictionary<string, IReadOnlyCollection<string>> ReadEndorsements(string jwksJson)
    {
        var map = new Dictionary<string, IReadOnlyCollection<string>>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(jwksJson);
        if (!doc.RootElement.TryGetProperty("keys", out var keys) || keys.ValueKind != JsonValueKind.Array) return map;
        foreach (var key in keys.EnumerateArray())
        {
            if (!key.TryGetProperty("kid", out var kid) || kid.ValueKind != JsonValueKind.String) continue;
            if (!key.TryGetProperty("endorsements", out var endorsements) || endorsements.ValueKind != JsonValueKind.Array) continue;
            map[kid.GetString()!] = endorsements.EnumerateArray()
                .Where(e => e.ValueKind == JsonValueKind.String)
                .Select(e => e.GetString()!)
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
        }
        return map;
    }
}
