using System.Security.Cryptography;
using TriageBot.Core.Ports;

namespace TriageBot.Slack.Installations;

/// <summary>What a pass over every stored installation found (and, when it re-sealed, did).</summary>
public sealed record SealingReport(int Rows, int Current, int Resealed, int Changed, IReadOnlyList<string> Unopenable, IReadOnlyDictionary<string, int> UnknownKeyIds)
{
    /// <summary>Rows no configured key opens: their workspaces would be lost.</summary>
    public bool HasUnopenable => Unopenable.Count > 0;
}

/// <summary>
/// Rotating <c>Slack:InstallationKey</c>: rows sealed with a previous key (<c>Slack:PreviousInstallationKeys</c>) are sealed
/// again with the current one — on read by <see cref="SlackInstallations"/>, or all at once by <see cref="ResealAllAsync"/>
/// (the command line's <c>reseal-installations</c>); <see cref="CheckAsync"/> refuses a start where a row opens with no configured key.
/// </summary>
public static class InstallationSealing
{
    /// <summary>The row with its tokens sealed by the current key; null when they already are (or it holds none: a workspace's note of its org install).</summary>
    /// <exception cref="CryptographicException">No configured key opens a token of the row.</exception>
    public static Installation? Reseal(TokenCipher cipher, Installation row)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        ArgumentNullException.ThrowIfNull(row);
        var bot = row.SealedBotToken.Length > 0 && !cipher.IsCurrent(row.SealedBotToken);
        var refresh = row.SealedRefreshToken is { Length: > 0 } r && !cipher.IsCurrent(r);
        if (!bot && !refresh)
        {
            return null;
        }

        return row with
        {
            SealedBotToken = bot ? cipher.Seal(cipher.Open(row.SealedBotToken, row.Key), row.Key) : row.SealedBotToken,
            SealedRefreshToken = refresh ? cipher.Seal(cipher.Open(row.SealedRefreshToken!, row.Key + "#refresh"), row.Key + "#refresh") : row.SealedRefreshToken,
        };
    }

    /// <summary>Whether every token of <paramref name="row"/> opens with a configured key; else the id of the key that sealed it (or why not).</summary>
    public static string? Unopenable(TokenCipher cipher, Installation row)
    {
        ArgumentNullException.ThrowIfNull(cipher);
        ArgumentNullException.ThrowIfNull(row);
        try
        {
            if (row.SealedBotToken.Length > 0)
            {
                cipher.Open(row.SealedBotToken, row.Key);
            }

            if (row.SealedRefreshToken is { Length: > 0 } refresh)
            {
                cipher.Open(refresh, row.Key + "#refresh");
            }

            return null;
        }
        catch (CryptographicException)
        {
            var parts = (row.SealedRefreshToken is { Length: > 0 } && row.SealedBotToken.Length == 0 ? row.SealedRefreshToken : row.SealedBotToken).Split('.');
            return parts.Length == 3 ? parts[1] : "(not sealed in a known format)";
        }
    }

    /// <summary>Reads every row and says which no configured key opens; changes nothing.</summary>
    public static Task<SealingReport> CheckAsync(IInstallationStore store, TokenCipher cipher, CancellationToken ct) => PassAsync(store, cipher, reseal: false, ct);

    /// <summary>Seals every row sealed by a previous key again with the current one (each by an ETag-checked replace, retried once when it changed meanwhile).</summary>
    public static Task<SealingReport> ResealAllAsync(IInstallationStore store, TokenCipher cipher, CancellationToken ct) => PassAsync(store, cipher, reseal: true, ct);

    private static async Task<SealingReport> PassAsync(IInstallationStore store, TokenCipher cipher, bool reseal, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(cipher);
        int rows = 0, current = 0, resealed = 0, changed = 0;
        var unopenable = new List<string>();
        var unknown = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var row in store.ListAsync(ct).ConfigureAwait(false))
        {
            rows++;
            if (Unopenable(cipher, row.Value) is { } keyId)
            {
                unopenable.Add(row.Value.Key);
                unknown[keyId] = unknown.GetValueOrDefault(keyId) + 1;
                continue;
            }

            if (Reseal(cipher, row.Value) is not { } sealedAgain)
            {
                current++;
                continue;
            }

            if (!reseal)
            {
                continue;
            }

            if (await store.TryReplaceAsync(sealedAgain, row.ETag, ct).ConfigureAwait(false) is not null)
            {
                resealed++;
                continue;
            }

            // Changed meanwhile (a refresh, a re-install, an uninstall): read it again and re-seal what is there now.
            if (await store.GetAsync(row.Value.Key, ct).ConfigureAwait(false) is { } again
                && Reseal(cipher, again.Value) is { } second
                && await store.TryReplaceAsync(second, again.ETag, ct).ConfigureAwait(false) is not null)
            {
                resealed++;
            }
            else
            {
                changed++;
            }
        }

        return new SealingReport(rows, current, resealed, changed, unopenable, unknown);
    }

    /// <summary>The sentence that refuses a start (or fails the command) when rows open with no configured key.</summary>
    public static string Explain(SealingReport report, TokenCipher cipher)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(cipher);
        var keys = string.Join(", ", report.UnknownKeyIds.Select(k => $"{k.Key} ({k.Value} row{(k.Value == 1 ? "" : "s")})"));
        return $"{report.Unopenable.Count} of {report.Rows} Slack installation(s) were sealed with an installation key this instance does not have: key id {keys}. " +
               $"Slack:InstallationKey is key {cipher.CurrentKeyId}. Put the key that sealed them into Slack:InstallationKey or Slack:PreviousInstallationKeys " +
               "(a key's id is the first 8 hex digits of the SHA-256 of its 32 bytes), or those workspaces lose their installation and must install again.";
    }
}
