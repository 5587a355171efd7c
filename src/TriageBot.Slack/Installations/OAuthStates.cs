using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using TriageBot.Core.Ports;

namespace TriageBot.Slack.Installations;

/// <summary>
/// The OAuth <c>state</c> of an install: <c>{nonce}.{expires unix seconds}.{HMAC-SHA256}</c> keyed by <c>Slack:StateSecret</c>,
/// so any instance can check what another issued; it expires after 10 minutes and works once (the nonce is marked used in
/// the store, across instances).
/// </summary>
public sealed class OAuthStates(IOptionsMonitor<SlackOptions> options, IInstallationStore store, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>A new state and its nonce (the browser keeps the nonce in a cookie, binding the install to it).</summary>
    public (string State, string Nonce) Issue()
    {
        var nonce = Base64Url(RandomNumberGenerator.GetBytes(16));
        var expires = (time.GetUtcNow() + Lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var payload = nonce + "." + expires;
        return (payload + "." + Mac(payload), nonce);
    }

    /// <summary>Null when <paramref name="state"/> is genuine, unexpired, issued to this browser and not used before (it is used now); else why not.</summary>
    public async Task<string?> ConsumeAsync(string? state, string? browserNonce, CancellationToken ct)
    {
        var parts = (state ?? "").Split('.');
        if (parts.Length != 3 || parts[0].Length == 0
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(parts[0] + "." + parts[1])), Encoding.ASCII.GetBytes(parts[2]))
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var unix))
        {
            return "the install link's state was not issued by this app";
        }

        var expires = DateTimeOffset.FromUnixTimeSeconds(Math.Min(unix, DateTimeOffset.MaxValue.ToUnixTimeSeconds()));
        if (time.GetUtcNow() >= expires)
        {
            return "the install link expired (it works for 10 minutes)";
        }

        if (string.IsNullOrEmpty(browserNonce) || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(browserNonce), Encoding.ASCII.GetBytes(parts[0])))
        {
            return "the install was started in another browser (or its cookie is gone)";
        }

        return await store.TryUseOnceAsync(parts[0], expires, ct).ConfigureAwait(false) ? null : "this install link was already used";
    }

    private string Mac(string payload)
    {
        var key = Encoding.UTF8.GetBytes(options.CurrentValue.StateSecret ?? throw new InvalidOperationException("Slack:StateSecret is not set."));
        return Base64Url(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(payload)));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
