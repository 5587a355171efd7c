using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using TriageBot.Core.Ports;

namespace TriageBot.Slack.Installations;

/// <summary>
/// This instance's short-lived copy of installation rows, so a request and the Web API calls it makes do not each read the
/// store. A row (or its absence) is kept for <see cref="SlackOptions.InstallationCacheTtl"/> (30 s by default) with the ETag
/// it was read at:
/// <list type="bullet">
/// <item>a write on this instance (install, re-install, token refresh, uninstall, revoke) replaces or evicts it at once;</item>
/// <item>a write whose ETag check fails (another instance changed the row) evicts it, and the next read sees the change;</item>
/// <item>Slack answering <c>invalid_auth</c>, <c>token_revoked</c> or <c>account_inactive</c> evicts the workspace's rows;</item>
/// <item>anything else another instance did (sharing the store) is seen at the latest when the copy is older than the TTL.</item>
/// </list>
/// Concurrent misses for one key share one read.
/// </summary>
public sealed class InstallationCache(IOptionsMonitor<SlackOptions> options, TimeProvider time)
{
    private sealed record Entry(Task<Versioned<Installation>?> Read, DateTimeOffset At);

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    /// <summary>The row under <paramref name="key"/>: this instance's copy while it is fresh, else read with <paramref name="read"/>.</summary>
    public async Task<Versioned<Installation>?> GetAsync(string key, Func<string, CancellationToken, Task<Versioned<Installation>?>> read, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(read);
        var ttl = options.CurrentValue.InstallationCacheTtl;
        if (ttl <= TimeSpan.Zero)
        {
            return await read(key, ct).ConfigureAwait(false);
        }

        while (true)
        {
            var now = time.GetUtcNow();
            if (entries.TryGetValue(key, out var seen) && now - seen.At < ttl && !seen.Read.IsFaulted && !seen.Read.IsCanceled)
            {
                return await seen.Read.WaitAsync(ct).ConfigureAwait(false);
            }

            // Not shared with the caller's cancellation: other requests may be waiting on this read.
            var fresh = new Entry(read(key, CancellationToken.None), now);
            var won = seen is null ? entries.TryAdd(key, fresh) : entries.TryUpdate(key, fresh, seen);
            if (!won)
            {
                continue;
            }

            try
            {
                return await fresh.Read.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed read is not remembered: the next caller reads again.
                entries.TryRemove(new KeyValuePair<string, Entry>(key, fresh));
                throw;
            }
        }
    }

    /// <summary>This instance just wrote <paramref name="row"/> (it now has this ETag): later reads use it.</summary>
    public void Put(Versioned<Installation> row)
    {
        ArgumentNullException.ThrowIfNull(row);
        entries[row.Value.Key] = new Entry(Task.FromResult<Versioned<Installation>?>(row), time.GetUtcNow());
    }

    /// <summary>Forgets the copy under <paramref name="key"/>: the next read goes to the store.</summary>
    public void Forget(string key) => entries.TryRemove(key, out _);

    /// <summary>Forgets every copy that may serve <paramref name="tenant"/>: its workspace's row and its organisation's.</summary>
    public void Forget(SlackTenant tenant)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (tenant.TeamId is { } team)
        {
            var key = InstallationKeys.Team(team);
            // A workspace served by its organisation's install: its row only points there, so forget that one too.
            if (entries.TryRemove(key, out var gone) && gone.Read.IsCompletedSuccessfully
                && gone.Read.Result is { Value: { IsEnterpriseInstall: true, EnterpriseId: { } org } })
            {
                Forget(InstallationKeys.Enterprise(org));
            }
        }

        if (tenant.EnterpriseId is { } enterprise)
        {
            Forget(InstallationKeys.Enterprise(enterprise));
        }
    }

    /// <summary>Slack's answers that mean the token used no longer works (the app was uninstalled, the token revoked, the workspace closed).</summary>
    public static bool MeansTokenGone(string error) => error is "invalid_auth" or "token_revoked" or "account_inactive" or "not_authed";
}
