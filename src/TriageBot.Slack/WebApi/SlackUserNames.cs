using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace TriageBot.Slack.WebApi;

/// <summary>
/// People's display names by user id (<c>users.info</c>), cached for an hour. Names are a nicety: a lookup that fails or
/// runs out of time leaves the id, and the caller bounds how long it waits.
/// </summary>
public sealed class SlackUserNames(TimeProvider time, ILogger<SlackUserNames> logger)
{
    // A null name: users.info failed or ran out of time, so the person is not asked about again until Until — otherwise
    // every request of someone Slack will not name (a missing scope, a rate limit, a slow API) would pay the call again.
    private readonly ConcurrentDictionary<string, (string? Name, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    /// <summary>How long a failed lookup is not retried.</summary>
    public static readonly TimeSpan FailureWait = TimeSpan.FromMinutes(5);

    /// <summary>
    /// True when what is known of <paramref name="userId"/> in the current workspace is still believed: then
    /// <paramref name="name"/> is their display name, or null when Slack did not give one (no call is made either way).
    /// </summary>
    public bool TryCached(string userId, out string? name)
    {
        var workspace = Installations.SlackWorkspace.Current?.TeamId ?? "";
        if (_cache.TryGetValue(string.Concat(workspace, "/", userId), out var cached) && cached.Until > time.GetUtcNow())
        {
            name = cached.Name;
            return true;
        }

        name = null;
        return false;
    }

    /// <summary>Display names of <paramref name="userIds"/> (at most 10 looked up), found within <paramref name="budget"/>.</summary>
    public async Task<IReadOnlyDictionary<string, string>> LookUpAsync(SlackApiClient api, IEnumerable<string> userIds, TimeSpan budget, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // User ids are ids within a workspace: with installs to many workspaces, each workspace's names are cached apart.
        var workspace = (Installations.SlackWorkspace.Current?.TeamId ?? "") + "/";
        var names = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var id in userIds.Distinct(StringComparer.Ordinal).Take(10))
        {
            if (_cache.TryGetValue(workspace + id, out var cached) && cached.Until > now)
            {
                if (cached.Name is not null)
                {
                    names[id] = cached.Name;
                }
            }
            else
            {
                missing.Add(id);
            }
        }

        if (missing.Count > 0)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            cts.CancelAfter(budget);
            await Task.WhenAll(missing.Select(async id =>
            {
                try
                {
                    var info = await api.GetUserAsync(id, cts.Token).ConfigureAwait(false);
                    names[id] = info.DisplayName;
                    _cache[workspace + id] = (info.DisplayName, now.AddHours(1));
                }
                catch (Exception e) when (e is SlackApiException or SlackRateLimitedException or SlackTransientException or OperationCanceledException && !ct.IsCancellationRequested)
                {
                    Log.ReplyFailed(logger, "users.info", e.GetType().Name);
                    // A name known before stays in use (stale beats the handle); either way Slack is not asked again for a while.
                    var kept = _cache.AddOrUpdate(workspace + id, (null, now + FailureWait), (_, old) => (old.Name, now + FailureWait));
                    if (kept.Name is not null)
                    {
                        names[id] = kept.Name;
                    }
                }
            })).ConfigureAwait(false);
        }

        return names;
    }
}
