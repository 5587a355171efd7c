using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TriageBot.Slack.SocketMode;

/// <summary>Where the Socket Mode connection stands, as <c>/health</c> shows it.</summary>
public enum SocketModeStatus
{
    /// <summary>No app-level token: Slack reaches the bot over HTTP request URLs only.</summary>
    Off,
    Connecting,
    Connected,
    Reconnecting,
    /// <summary>Slack turned Socket Mode off for the app (<c>link_disabled</c>): the bot does not reconnect until restarted.</summary>
    Disabled,
    Stopped,
}

/// <summary>The Socket Mode connection's state, written by the connection's supervisor and read by the health check.</summary>
public sealed class SocketModeState(TimeProvider time)
{
    private readonly Lock _lock = new();
    private (SocketModeStatus Status, string Detail, DateTimeOffset Since, int Open) _now = (SocketModeStatus.Off, "", DateTimeOffset.MinValue, 0);

    public SocketModeStatus Status
    {
        get
        {
            lock (_lock)
            {
                return _now.Status;
            }
        }
    }

    /// <summary>WebSocket connections open right now (two for a moment while one replaces another).</summary>
    public int OpenConnections
    {
        get
        {
            lock (_lock)
            {
                return _now.Open;
            }
        }
    }

    /// <summary>The state in words, for <c>/health</c> and the log.</summary>
    public string Describe()
    {
        lock (_lock)
        {
            var status = _now.Status.ToString().ToLowerInvariant();
            var since = _now.Since == DateTimeOffset.MinValue ? "" : $" since {_now.Since:u}";
            return _now.Detail.Length == 0 ? status + since : $"{status}{since} ({_now.Detail})";
        }
    }

    internal void Set(SocketModeStatus status, string detail = "")
    {
        lock (_lock)
        {
            _now = (status, detail, time.GetUtcNow(), _now.Open);
        }
    }

    internal void ConnectionOpened()
    {
        lock (_lock)
        {
            _now.Open++;
        }
    }

    internal void ConnectionClosed()
    {
        lock (_lock)
        {
            _now.Open--;
        }
    }
}

/// <summary>
/// <c>/health</c>'s line for Socket Mode: connected is healthy, connecting or reconnecting degraded, turned off by Slack
/// unhealthy. Off (no app token) says nothing, so a deployment without Socket Mode reads as before.
/// </summary>
internal sealed class SocketModeHealthCheck(SocketModeState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var words = "Slack Socket Mode " + state.Describe();
        return Task.FromResult(state.Status switch
        {
            SocketModeStatus.Off or SocketModeStatus.Stopped => HealthCheckResult.Healthy(),
            SocketModeStatus.Connected => HealthCheckResult.Healthy(words),
            SocketModeStatus.Disabled => HealthCheckResult.Unhealthy(words),
            _ => HealthCheckResult.Degraded(words),
        });
    }
}
