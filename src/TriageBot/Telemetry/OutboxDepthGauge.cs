using System.Diagnostics.Metrics;
using TriageBot.Core.Ports;
using TriageBot.Core.Telemetry;

namespace TriageBot.Telemetry;

/// <summary>
/// The <c>triagebot.outbox.depth</c> gauge. Scrapes read a cached count; the count is refreshed in the background at
/// most every <see cref="RefreshEvery"/>, so a scraper polling every second never turns into a query per second.
/// </summary>
public sealed partial class OutboxDepthGauge : IHostedService, IDisposable
{
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(15);

    private readonly IOutbox _outbox;
    private readonly TimeProvider _time;
    private readonly ILogger<OutboxDepthGauge> _logger;
    private readonly CancellationTokenSource _stopping = new();
    private DateTimeOffset _refreshedAt = DateTimeOffset.MinValue;
    private int _refreshing;
    private int? _depth;

    public OutboxDepthGauge(IOutbox outbox, TriageMetrics metrics, TimeProvider time, ILogger<OutboxDepthGauge> logger)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _outbox = outbox;
        _time = time;
        _logger = logger;
        metrics.Meter.CreateObservableGauge("triagebot.outbox.depth", Observe, "{message}", "Outbox messages waiting to be delivered (refreshed at most every 15 s).");
    }

    /// <summary>How many queries the gauge has made, for tests of the cache.</summary>
    public int Queries { get; private set; }

    private IEnumerable<Measurement<int>> Observe()
    {
        if (_time.GetUtcNow() - _refreshedAt >= RefreshEvery)
        {
            _ = RefreshAsync();
        }

        return _depth is { } depth ? [new Measurement<int>(depth)] : [];
    }

    /// <summary>Reads the count now, unless a refresh is already running.</summary>
    public async Task RefreshAsync()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1)
        {
            return;
        }

        try
        {
            _refreshedAt = _time.GetUtcNow();
            Queries++;
            _depth = await _outbox.CountPendingAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StoreUnavailableException or OperationCanceledException)
        {
            // A scrape must never fail; the next one tries again after the interval.
            LogRefreshFailed(_logger, e.GetType().Name);
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }
        catch (ObjectDisposedException)
        {
            // The container disposed the gauge before the host stopped it (test hosts do): nothing is running then.
        }
    }

    public void Dispose() => _stopping.Dispose();

    [LoggerMessage(EventId = 700, Level = LogLevel.Warning, Message = "Could not count the outbox for the depth gauge ({Error}); keeping the last value")]
    private static partial void LogRefreshFailed(ILogger logger, string error);
}
