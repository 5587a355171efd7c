using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Core.Ports;
using TriageBot.Slack.WebApi;

namespace TriageBot.Slack.Installations;

/// <summary>
/// The app's installations in many workspaces: stores what an install grants with its tokens sealed (<see cref="TokenCipher"/>),
/// finds the installation serving a workspace (an org-wide install serves every workspace of its organisation), hands out
/// bot tokens, refreshing rotated ones before they expire (once across instances: the refreshing instance holds a lease on
/// the row), and removes installations when Slack says the app is gone.
/// </summary>
public sealed class SlackInstallations(
    IInstallationStore store, IOptionsMonitor<SlackOptions> options, SlackOAuthClient oauth, TimeProvider time, ILogger<SlackInstallations> logger,
    InstallationCache cache)
{
    /// <summary>How long an instance may hold a row while it refreshes the token.</summary>
    public static readonly TimeSpan RefreshLease = TimeSpan.FromSeconds(30);

    private readonly string instance = Guid.NewGuid().ToString("N")[..12];
    private readonly ConcurrentDictionary<string, string> aliased = new(StringComparer.Ordinal);
    private (string Key, TokenCipher Cipher)? cipher;

    internal TokenCipher Cipher
    {
        get
        {
            var o = options.CurrentValue;
            var text = o.InstallationKey + "|" + string.Join('|', o.PreviousInstallationKeys);
            if (cipher is { } c && c.Key == text)
            {
                return c.Cipher;
            }

            var key = TokenCipher.ParseKey(o.InstallationKey) ?? throw new InvalidOperationException("Slack:InstallationKey is not base64 of 32 bytes.");
            var made = new TokenCipher(key, o.PreviousInstallationKeys.Select(TokenCipher.ParseKey).OfType<byte[]>());
            cipher = (text, made);
            return made;
        }
    }

    /// <summary>Stores (or replaces, on a re-install) the installation an install granted.</summary>
    public async Task<Installation> SaveAsync(OAuthGrant grant, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(grant);
        if (grant.IsEnterpriseInstall ? string.IsNullOrEmpty(grant.EnterpriseId) : string.IsNullOrEmpty(grant.TeamId))
        {
            throw new SlackApiException(SlackOAuthClient.Method, "invalid_response (no team or enterprise id)");
        }

        var key = grant.Tenant.Key;
        var now = time.GetUtcNow();
        var existing = await store.GetAsync(key, ct).ConfigureAwait(false);
        var installation = new Installation
        {
            Key = key,
            TeamId = grant.IsEnterpriseInstall ? null : grant.TeamId,
            EnterpriseId = grant.EnterpriseId,
            IsEnterpriseInstall = grant.IsEnterpriseInstall,
            BotUserId = grant.BotUserId,
            Scopes = grant.Scopes,
            InstallerUserId = grant.InstallerUserId,
            SealedBotToken = Cipher.Seal(grant.AccessToken, key),
            SealedRefreshToken = grant.RefreshToken is { } refresh ? Cipher.Seal(refresh, key + "#refresh") : null,
            TokenExpiresAt = grant.ExpiresIn is { } lifetime ? now + lifetime : null,
            InstalledAt = existing?.Value.InstalledAt ?? now,
            UpdatedAt = now,
        };
        await store.SaveAsync(installation, ct).ConfigureAwait(false);
        cache.Forget(key);
        InstallLog.Installed(logger, grant.Tenant.ToString(), grant.InstallerUserId, grant.Scopes, grant.RefreshToken is not null);
        return installation;
    }

    /// <summary>The installation serving <paramref name="tenant"/>; null when the app is not installed there.</summary>
    public async Task<Versioned<Installation>?> FindAsync(SlackTenant tenant, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (tenant.IsEnterpriseInstall)
        {
            var org = await ReadAsync(InstallationKeys.Enterprise(tenant.EnterpriseId!), ct).ConfigureAwait(false);
            if (org is not null && tenant.TeamId is { } team)
            {
                await RememberOrgAsync(team, org.Value, ct).ConfigureAwait(false);
            }

            return org;
        }

        if (tenant.TeamId is not { } teamId)
        {
            return null;
        }

        var found = await ReadAsync(InstallationKeys.Team(teamId), ct).ConfigureAwait(false);
        if (found is { Value: { IsEnterpriseInstall: true, EnterpriseId: { } enterprise } })
        {
            // The workspace's note that its organisation's install serves it (messages to it name only the workspace).
            return await ReadAsync(InstallationKeys.Enterprise(enterprise), ct).ConfigureAwait(false);
        }

        return found;
    }

    /// <summary>The bot token for calls to <paramref name="tenant"/>, refreshed first when it is about to expire; null when not installed.</summary>
    public async Task<string?> BotTokenAsync(SlackTenant tenant, CancellationToken ct)
    {
        var found = await FindAsync(tenant, ct).ConfigureAwait(false);
        if (found is null)
        {
            return null;
        }

        if (DueForRefresh(found.Value))
        {
            return await RefreshAsync(found, ct).ConfigureAwait(false);
        }

        var token = Open(found.Value.SealedBotToken, found.Value.Key);
        if (!Cipher.IsCurrent(found.Value.SealedBotToken))
        {
            // Sealed with a previous Slack:InstallationKey: sealed again with the current one (best effort; the CLI's
            // reseal-installations does every row at once).
            await ResealAsync(found, ct).ConfigureAwait(false);
        }

        return token;
    }

    /// <summary>Seals the tokens of <paramref name="row"/> again with the current key if an earlier key sealed them; the new row, or null when it changed meanwhile.</summary>
    internal async Task<Versioned<Installation>?> ResealAsync(Versioned<Installation> row, CancellationToken ct)
    {
        var resealed = InstallationSealing.Reseal(Cipher, row.Value);
        if (resealed is null)
        {
            return row;
        }

        var written = await store.TryReplaceAsync(resealed, row.ETag, ct).ConfigureAwait(false);
        Remember(resealed.Key, written);
        return written;
    }

    /// <summary>A row read through this instance's cache.</summary>
    private Task<Versioned<Installation>?> ReadAsync(string key, CancellationToken ct) => cache.GetAsync(key, store.GetAsync, ct);

    /// <summary>After a write of this instance: the row it wrote, or (null: the ETag check failed) forget the copy so the next read sees the winner.</summary>
    private void Remember(string key, Versioned<Installation>? written)
    {
        if (written is null)
        {
            cache.Forget(key);
        }
        else
        {
            cache.Put(written);
        }
    }

    /// <summary>Deletes the installation serving <paramref name="tenant"/> (uninstalled, tokens revoked); false when there was none.</summary>
    public async Task<bool> RemoveAsync(SlackTenant tenant, string reason, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var found = await FindAsync(tenant, ct).ConfigureAwait(false);
        if (found is null)
        {
            return false;
        }

        var removed = await store.DeleteAsync(found.Value.Key, ct).ConfigureAwait(false);
        cache.Forget(found.Value.Key);
        cache.Forget(tenant);
        if (removed)
        {
            InstallLog.Removed(logger, tenant.ToString(), reason);
        }

        return removed;
    }

    /// <summary>The token a stored installation holds, in clear (tests and the refresh only; never logged).</summary>
    internal string Open(string sealedText, string context) => Cipher.Open(sealedText, context);

    private bool DueForRefresh(Installation i) =>
        i.TokenExpiresAt is { } expires && i.SealedRefreshToken is not null && time.GetUtcNow() >= expires - options.CurrentValue.TokenRefreshMargin;

    /// <summary>
    /// Refreshes once across instances: the instance whose ETag-checked write of a lease wins calls Slack; the others use the
    /// token they have while it is still valid, or wait for the winner's write when it is not.
    /// </summary>
    private async Task<string?> RefreshAsync(Versioned<Installation> seen, CancellationToken ct)
    {
        var key = seen.Value.Key;
        var giveUpAt = time.GetUtcNow() + RefreshLease + RefreshLease;
        // Due for a refresh: never decided on this instance's copy (another instance may have refreshed it, or hold the lease).
        var current = await store.GetAsync(key, ct).ConfigureAwait(false) ?? seen;
        cache.Put(current);
        while (true)
        {
            var now = time.GetUtcNow();
            var i = current.Value;
            if (!DueForRefresh(i))
            {
                return Open(i.SealedBotToken, key);
            }

            var stillValid = i.TokenExpiresAt > now;
            if (i.RefreshLeaseUntil > now)
            {
                if (stillValid)
                {
                    return Open(i.SealedBotToken, key);
                }

                if (now >= giveUpAt)
                {
                    throw new SlackTransientException(SlackOAuthClient.Method, "another instance is still refreshing the expired token");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), time, ct).ConfigureAwait(false);
            }
            else if (await store.TryReplaceAsync(i with { RefreshLeaseOwner = instance, RefreshLeaseUntil = now + RefreshLease }, current.ETag, ct).ConfigureAwait(false) is { } leased)
            {
                cache.Put(leased);
                return await RefreshHoldingLeaseAsync(leased, ct).ConfigureAwait(false);
            }

            // The row changed since it was read (here or in this instance's copy): read it as it is now.
            var fresh = await store.GetAsync(key, ct).ConfigureAwait(false);
            if (fresh is null)
            {
                cache.Forget(key);
                throw new SlackApiException("auth", "not_installed (the installation was removed while its token was refreshed)");
            }

            cache.Put(fresh);
            current = fresh;
        }
    }

    private async Task<string?> RefreshHoldingLeaseAsync(Versioned<Installation> leased, CancellationToken ct)
    {
        var i = leased.Value;
        var tenant = i.IsEnterpriseInstall ? new SlackTenant(null, i.EnterpriseId, true) : new SlackTenant(i.TeamId, i.EnterpriseId);
        OAuthGrant grant;
        try
        {
            grant = await oauth.RefreshAsync(Open(i.SealedRefreshToken!, i.Key + "#refresh"), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SlackApiException or SlackTransientException or SlackRateLimitedException or CryptographicException)
        {
            InstallLog.RefreshFailed(logger, tenant.ToString(), e.Message);
            // Let the next caller try again at once rather than wait out the lease.
            Remember(i.Key, await store.TryReplaceAsync(i with { RefreshLeaseOwner = null, RefreshLeaseUntil = null }, leased.ETag, ct).ConfigureAwait(false));
            if (i.TokenExpiresAt > time.GetUtcNow())
            {
                return Open(i.SealedBotToken, i.Key);
            }

            throw;
        }

        var now = time.GetUtcNow();
        var refreshed = i with
        {
            SealedBotToken = Cipher.Seal(grant.AccessToken, i.Key),
            SealedRefreshToken = Cipher.Seal(grant.RefreshToken ?? Open(i.SealedRefreshToken!, i.Key + "#refresh"), i.Key + "#refresh"),
            TokenExpiresAt = grant.ExpiresIn is { } lifetime ? now + lifetime : i.TokenExpiresAt,
            Scopes = grant.Scopes.Length > 0 ? grant.Scopes : i.Scopes,
            UpdatedAt = now,
            RefreshLeaseOwner = null,
            RefreshLeaseUntil = null,
        };
        var written = await store.TryReplaceAsync(refreshed, leased.ETag, ct).ConfigureAwait(false);
        Remember(i.Key, written);
        if (written is null)
        {
            // Removed or re-installed meanwhile: that write stands; this token is still the one Slack just issued.
            InstallLog.RefreshFailed(logger, tenant.ToString(), "the installation changed while its token was refreshed; the change stands");
        }
        else
        {
            InstallLog.Refreshed(logger, tenant.ToString(), refreshed.TokenExpiresAt);
        }

        return grant.AccessToken;
    }

    /// <summary>Notes once that <paramref name="teamId"/> is served by its organisation's install, so messages to the workspace find the token.</summary>
    private async Task RememberOrgAsync(string teamId, Installation org, CancellationToken ct)
    {
        if (aliased.TryGetValue(teamId, out var known) && known == org.EnterpriseId)
        {
            return;
        }

        var key = InstallationKeys.Team(teamId);
        if (await store.GetAsync(key, ct).ConfigureAwait(false) is null)
        {
            await store.SaveAsync(new Installation
            {
                Key = key,
                TeamId = teamId,
                EnterpriseId = org.EnterpriseId,
                IsEnterpriseInstall = true,
                BotUserId = org.BotUserId,
                Scopes = "",
                SealedBotToken = "",
                InstalledAt = org.InstalledAt,
                UpdatedAt = time.GetUtcNow(),
            }, ct).ConfigureAwait(false);
            cache.Forget(key);
        }

        aliased[teamId] = org.EnterpriseId!;
    }
}
