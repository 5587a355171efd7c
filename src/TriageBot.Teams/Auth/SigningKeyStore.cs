using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Protocols;

namespace TriageBot.Teams.Auth;

/// <summary>
/// The Bot Framework signing keys, cached. Two ways to fetch: the regular refresh when the cache is older than
/// <c>Teams:KeyRefreshInterval</c>, and a forced refresh when a token names a <c>kid</c> the cache does not hold.
/// Both complete <b>before</b> the caller decides, so a token signed by a newly published key is accepted on its first
/// arrival. Forced refreshes are rate-limited (one per <see cref="MinimumForcedInterval"/>), so a flood of tokens with
/// made-up key ids cannot turn into a flood of metadata requests.
/// </summary>
/// <remarks>
/// IdentityModel's <c>ConfigurationManager</c> is not used: since 8.x it refreshes a stale configuration in the
/// background and hands back the old keys meanwhile, so the first activity signed by a rotated key was refused.
/// </remarks>
public sealed class SigningKeyStore : IDisposable
{
    public static readonly TimeSpan MinimumForcedInterval = TimeSpan.FromSeconds(30);

    private readonly string _metadataUrl;
    private readonly IConfigurationRetriever<BotFrameworkKeys> _retriever;
    private readonly IDocumentRetriever _documents;
    private readonly TimeSpan _refreshInterval;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private BotFrameworkKeys? _current;
    private DateTimeOffset _fetchedAt;
    private DateTimeOffset? _lastForced;
    private DateTimeOffset _retryAfter = DateTimeOffset.MinValue;

    public SigningKeyStore(string metadataUrl, IConfigurationRetriever<BotFrameworkKeys> retriever, IDocumentRetriever documents,
        TimeSpan refreshInterval, TimeProvider time, ILogger logger)
    {
        _metadataUrl = metadataUrl;
        _retriever = retriever;
        _documents = documents;
        _refreshInterval = refreshInterval;
        _time = time;
        _logger = logger;
    }

    /// <summary>How many times the metadata and keys were fetched (for tests and diagnostics).</summary>
    public int Fetches { get; private set; }

    /// <summary>The cached keys, fetched first when there are none or they are older than the refresh interval.
    /// Null when they could never be loaded; a failed fetch keeps the last good keys and is not tried again for
    /// <see cref="MinimumForcedInterval"/>.</summary>
    public async Task<BotFrameworkKeys?> GetAsync(CancellationToken ct)
    {
        var current = Volatile.Read(ref _current);
        if (current is not null && _time.GetUtcNow() - _fetchedAt < _refreshInterval) return current;
        // After a failed fetch, requests neither queue behind nor repeat it for a while: the last good keys, or refused.
        if (_time.GetUtcNow() < _retryAfter) return current;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_current is not null && _time.GetUtcNow() - _fetchedAt < _refreshInterval) return _current;
            if (_time.GetUtcNow() < _retryAfter) return _current;
            return await FetchAsync(ct).ConfigureAwait(false) ?? _current;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// A token names a key <paramref name="seen"/> lacks: fetch now (waiting for it) unless another request already did
    /// since, or a forced fetch happened less than <see cref="MinimumForcedInterval"/> ago. Null means "no newer keys":
    /// the token is refused.
    /// </summary>
    public async Task<BotFrameworkKeys?> RefreshForUnknownKeyAsync(BotFrameworkKeys seen, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_current is not null && !ReferenceEquals(_current, seen)) return _current;
            var now = _time.GetUtcNow();
            if (_lastForced is { } last && now - last < MinimumForcedInterval)
            {
                Log.KeyRefreshRateLimited(_logger, MinimumForcedInterval);
                return null;
            }
            _lastForced = now;
            return await FetchAsync(ct).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<BotFrameworkKeys?> FetchAsync(CancellationToken ct)
    {
        try
        {
            Fetches++;
            var keys = await _retriever.GetConfigurationAsync(_metadataUrl, _documents, ct).ConfigureAwait(false);
            _current = keys;
            _fetchedAt = _time.GetUtcNow();
            return keys;
        }
        catch (Exception e) when (e is IOException or HttpRequestException or InvalidOperationException or ArgumentException
            or System.Text.Json.JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            // The metadata endpoint is down or returned garbage: fail closed, never accept unverified tokens.
            _retryAfter = _time.GetUtcNow() + MinimumForcedInterval;
            Log.KeysUnavailable(_logger, e.GetType().Name);
            return null;
        }
    }

    public void Dispose() => _gate.Dispose();
}
