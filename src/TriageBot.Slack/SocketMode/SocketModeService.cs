using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TriageBot.Slack.SocketMode;

/// <summary>
/// Keeps one Socket Mode connection open while the host runs (with <c>Slack:AppToken</c> set). It asks
/// <c>apps.connections.open</c> for a URL, connects, and waits for Slack's <c>hello</c>. It replaces the connection
/// when Slack asks (<c>disconnect</c> with <c>warning</c> or <c>refresh_requested</c>) and before the lifetime the
/// hello announced runs out, opening the new one before closing the old so nothing falls in between (two at most,
/// of the ten Slack allows an app). A dropped connection is reopened with jittered exponential backoff; after
/// <c>link_disabled</c> (Socket Mode turned off in the app's settings) it stops. On host stop it acknowledges what it
/// received and closes the connection cleanly.
/// </summary>
internal sealed class SocketModeService(
    IOptions<SlackOptions> options,
    ConnectionsOpenClient opener,
    EnvelopeHandler envelopes,
    SocketModeState state,
    TimeProvider time,
    ILogger<SocketModeService> logger) : BackgroundService
{
    /// <summary>How long acknowledgements of envelopes already received may take when a connection closes (Slack waits 3 s).</summary>
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly List<Task> _closing = [];
    private readonly CancellationTokenSource _handling = new();
    private int _numbers;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.UsesSocketMode)
        {
            state.Set(SocketModeStatus.Off);
            return;
        }

        SocketLog.Starting(logger, string.IsNullOrWhiteSpace(settings.SigningSecret)
            ? "refuse every request (no signing secret: that is fine, Slack uses the socket)"
            : "also take signed requests");
        state.Set(SocketModeStatus.Connecting);
        SocketModeConnection? current = null;
        var failures = 0;
        var stopped = Task.Delay(Timeout.InfiniteTimeSpan, stoppingToken);
        try
        {
            current = await OpenAsync(afterDrop: false, stoppingToken).ConfigureAwait(false);
            while (current is not null && !stoppingToken.IsCancellationRequested)
            {
                var hello = await current.Hello.ConfigureAwait(false);
                var connectedAt = time.GetUtcNow();
                var renewIn = RenewAfter(hello.ApproximateLifetime);
                state.Set(SocketModeStatus.Connected, $"connection {current.Number}");
                SocketLog.Connected(logger, current.Number, renewIn);

                using var renewal = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var renew = Task.Delay(renewIn, time, renewal.Token);
                var woke = await Task.WhenAny(current.Reading, current.DisconnectRequested, renew, stopped).ConfigureAwait(false);
                await renewal.CancelAsync().ConfigureAwait(false);
                if (stoppingToken.IsCancellationRequested)
                {
                    break;
                }

                if (woke == current.Reading)
                {
                    // Dropped: reopen after a short jittered pause, longer each time a connection drops soon after opening.
                    failures = time.GetUtcNow() - connectedAt < TimeSpan.FromMinutes(1) ? failures + 1 : 0;
                    state.Set(SocketModeStatus.Reconnecting, $"connection {current.Number} dropped");
                    var gone = current;
                    current = null;
                    await gone.DisposeAsync().ConfigureAwait(false);
                    current = await OpenAsync(afterDrop: true, stoppingToken, failures).ConfigureAwait(false);
                    continue;
                }

                var reason = woke == current.DisconnectRequested ? await current.DisconnectRequested.ConfigureAwait(false) : "its announced lifetime is nearly over";
                if (reason == "link_disabled")
                {
                    SocketLog.LinkDisabled(logger);
                    state.Set(SocketModeStatus.Disabled, "Slack sent link_disabled: turn Socket Mode on in the app's settings and restart");
                    await CloseAsync(current).ConfigureAwait(false);
                    current = null;
                    return;
                }

                if (reason == "too_many_websockets")
                {
                    SocketLog.TooManyConnections(logger, current.Number);
                    state.Set(SocketModeStatus.Reconnecting, "Slack said too_many_websockets");
                    var refused = current;
                    current = null;
                    await CloseAsync(refused).ConfigureAwait(false);
                    failures++;
                    current = await OpenAsync(afterDrop: true, stoppingToken, failures).ConfigureAwait(false);
                    continue;
                }

                // warning, refresh_requested, the lifetime, or a reason Slack may add: the old connection keeps serving
                // until the new one said hello, then it is closed once its envelopes are acknowledged.
                SocketLog.Replacing(logger, current.Number, reason);
                var old = current;
                // The old connection is closed whatever happens next, also when the host stops while the new one opens.
                current = null;
                _closing.RemoveAll(t => t.IsCompleted);
                try
                {
                    current = await OpenAsync(afterDrop: false, stoppingToken).ConfigureAwait(false);
                }
                finally
                {
                    _closing.Add(CloseAsync(old));
                }

                failures = 0;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
        finally
        {
            if (current is not null)
            {
                _closing.Add(CloseAsync(current));
            }

            await Task.WhenAll(_closing).ConfigureAwait(false);
            await _handling.CancelAsync().ConfigureAwait(false);
            if (state.Status != SocketModeStatus.Disabled)
            {
                state.Set(SocketModeStatus.Stopped);
            }

            SocketLog.Stopped(logger);
        }
    }

    /// <summary>
    /// Opens a connection and waits for Slack's hello, trying until it works (or the host stops). The first try is at
    /// once unless a connection just dropped; each failure doubles the pause, with jitter, up to the configured maximum.
    /// </summary>
    private async Task<SocketModeConnection?> OpenAsync(bool afterDrop, CancellationToken ct, int failures = 0)
    {
        var attempt = 0;
        TimeSpan? notBefore = null;
        while (true)
        {
            if (afterDrop || attempt > 0)
            {
                var pause = notBefore ?? Backoff(failures);
                await Task.Delay(pause, time, ct).ConfigureAwait(false);
            }

            attempt++;
            var connection = new SocketModeConnection(Interlocked.Increment(ref _numbers), options.Value.MaxPayloadBodyBytes, state, logger);
            try
            {
                var url = await opener.OpenAsync(ct).ConfigureAwait(false);
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(ct);
                handshake.CancelAfter(HandshakeTimeout);
                await connection.ConnectAsync(url, (c, e) => envelopes.HandleAsync(c, e, _handling.Token), handshake.Token).ConfigureAwait(false);
                await connection.Hello.WaitAsync(HandshakeTimeout, time, ct).ConfigureAwait(false);
                return connection;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                failures++;
                notBefore = e is SocketOpenException { RetryAfter: { } retryAfter } ? Max(retryAfter, Backoff(failures)) : null;
                var next = notBefore ?? Backoff(failures);
                state.Set(attempt == 1 && !afterDrop && state.Status == SocketModeStatus.Connecting ? SocketModeStatus.Connecting : SocketModeStatus.Reconnecting,
                    $"attempt {attempt} failed: {e.Message}");
                SocketLog.OpenFailed(logger, attempt, e.Message, next);
                afterDrop = true;
            }
            catch
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    private async Task CloseAsync(SocketModeConnection connection)
    {
        await connection.CloseAsync(Drain).ConfigureAwait(false);
        await connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// When to replace a connection that Slack said lasts <paramref name="lifetime"/>: a minute before (a tenth of
    /// it for short ones), so the new one is ready in time. Without an announced lifetime: hourly.
    /// </summary>
    internal static TimeSpan RenewAfter(TimeSpan? lifetime)
    {
        if (lifetime is not { } life || life <= TimeSpan.Zero)
        {
            return TimeSpan.FromHours(1);
        }

        var margin = life / 10 < TimeSpan.FromMinutes(1) ? life / 10 : TimeSpan.FromMinutes(1);
        return life - margin;
    }

    /// <summary>The pause after <paramref name="failures"/> failures in a row: doubling from the first delay, capped, jittered between half and all of it.</summary>
    internal TimeSpan Backoff(int failures)
    {
        var first = options.Value.SocketReconnectDelay;
        var cap = options.Value.SocketReconnectMaxDelay;
        var doubled = first * Math.Pow(2, Math.Clamp(failures, 0, 20));
        var ceiling = doubled < cap ? doubled : cap;
        return ceiling * (0.5 + (Random.Shared.NextDouble() * 0.5));
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    public override void Dispose()
    {
        _handling.Dispose();
        base.Dispose();
    }
}
