using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace TriageBot.Slack.SocketMode;

/// <summary>What Slack's <c>hello</c> said: how many connections the app has and how long this one should last.</summary>
internal sealed record SocketHello(int? Connections, TimeSpan? ApproximateLifetime, string? Host);

/// <summary>One envelope: an event, a slash command or an interaction, to be acknowledged by its id.</summary>
internal sealed record SocketEnvelope(string Id, string Type, JsonElement Payload, bool AcceptsResponsePayload, int RetryAttempt, string? RetryReason);

/// <summary>
/// One Socket Mode WebSocket: connects, reads Slack's messages (hello, disconnect, envelopes), hands envelopes to
/// <c>onEnvelope</c> without waiting (so a slow one never holds up the next), sends acknowledgements one at a time,
/// and closes cleanly once the envelopes it received are acknowledged.
/// </summary>
internal sealed class SocketModeConnection(int number, int maxMessageBytes, SocketModeState state, ILogger logger) : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly TaskCompletionSource<SocketHello> _hello = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _disconnect = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly CancellationTokenSource _reading = new();
    private int _opened;
    private int _disposed;
    private volatile bool _closeSent;

    public int Number => number;

    /// <summary>Completes with Slack's <c>hello</c>: the connection is ready.</summary>
    public Task<SocketHello> Hello => _hello.Task;

    /// <summary>Completes with the reason of Slack's <c>disconnect</c> message.</summary>
    public Task<string> DisconnectRequested => _disconnect.Task;

    /// <summary>Completes when the connection stopped reading: closed by Slack, dropped, or closed by us.</summary>
    public Task Reading { get; private set; } = Task.CompletedTask;

    public async Task ConnectAsync(Uri url, Func<SocketModeConnection, SocketEnvelope, Task> onEnvelope, CancellationToken ct)
    {
        // Slack pings; these also notice a peer that silently went away (a half-open TCP connection).
        _socket.Options.KeepAliveInterval = TimeSpan.FromSeconds(15);
        _socket.Options.KeepAliveTimeout = TimeSpan.FromSeconds(15);
        await _socket.ConnectAsync(url, ct).ConfigureAwait(false);
        Interlocked.Exchange(ref _opened, 1);
        state.ConnectionOpened();
        Reading = Task.Run(() => ReadAsync(onEnvelope), CancellationToken.None);
    }

    /// <summary>Sends one message (an acknowledgement); acknowledgements never interleave.</summary>
    public async Task SendAsync(JsonObject message, CancellationToken ct)
    {
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _sending.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, ct).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task ReadAsync(Func<SocketModeConnection, SocketEnvelope, Task> onEnvelope)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        var tooLarge = false;
        try
        {
            while (!_reading.IsCancellationRequested)
            {
                var result = await _socket.ReceiveAsync(buffer, _reading.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (!_closeSent)
                    {
                        SocketLog.SocketClosedBySlack(logger, number, result.CloseStatus?.ToString() ?? "none", result.CloseStatusDescription ?? "");
                    }

                    await CloseOutputAsync().ConfigureAwait(false);
                    return;
                }

                if (!tooLarge)
                {
                    if (message.Length + result.Count > maxMessageBytes)
                    {
                        tooLarge = true;
                        message.SetLength(0);
                    }
                    else
                    {
                        message.Write(buffer, 0, result.Count);
                    }
                }

                if (!result.EndOfMessage)
                {
                    continue;
                }

                if (tooLarge)
                {
                    SocketLog.SocketMessageTooLarge(logger, number, maxMessageBytes);
                }
                else if (result.MessageType == WebSocketMessageType.Text)
                {
                    OnMessage(message.ToArray(), onEnvelope);
                }

                tooLarge = false;
                message.SetLength(0);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            if (!_reading.IsCancellationRequested)
            {
                SocketLog.SocketDropped(logger, number, e.Message);
            }
        }
        finally
        {
            _hello.TrySetException(new WebSocketException("The connection ended before Slack said hello."));
        }
    }

    private void OnMessage(byte[] bytes, Func<SocketModeConnection, SocketEnvelope, Task> onEnvelope)
    {
        JsonElement root;
        try
        {
            using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 64 });
            root = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            SocketLog.SocketMessageIgnored(logger, number, "not JSON");
            return;
        }

        var type = Text(root, "type") ?? "";
        switch (type)
        {
            case "hello":
                var debug = root.TryGetProperty("debug_info", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
                var seconds = debug.ValueKind == JsonValueKind.Object && debug.TryGetProperty("approximate_connection_time", out var t) && t.TryGetInt32(out var s) && s > 0 ? s : (int?)null;
                var count = root.TryGetProperty("num_connections", out var n) && n.TryGetInt32(out var c) ? c : (int?)null;
                var hello = new SocketHello(count, seconds is null ? null : TimeSpan.FromSeconds(seconds.Value), debug.ValueKind == JsonValueKind.Object ? Text(debug, "host") : null);
                SocketLog.SocketHello(logger, number, hello.Connections ?? 0, seconds ?? 0, hello.Host ?? "");
                _hello.TrySetResult(hello);
                return;

            case "disconnect":
                var reason = Text(root, "reason") ?? "";
                SocketLog.SocketDisconnectMessage(logger, number, reason);
                _disconnect.TrySetResult(reason);
                return;
        }

        if (Text(root, "envelope_id") is not { Length: > 0 } envelopeId)
        {
            SocketLog.SocketMessageIgnored(logger, number, type);
            return;
        }

        var envelope = new SocketEnvelope(
            envelopeId,
            type,
            root.TryGetProperty("payload", out var payload) ? payload : default,
            root.TryGetProperty("accepts_response_payload", out var accepts) && accepts.ValueKind == JsonValueKind.True,
            root.TryGetProperty("retry_attempt", out var retry) && retry.TryGetInt32(out var attempt) ? attempt : 0,
            Text(root, "retry_reason"));
        var work = onEnvelope(this, envelope);
        _inFlight.TryAdd(work, 0);
        _ = work.ContinueWith(w => _inFlight.TryRemove(w, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static string? Text(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>
    /// Closes cleanly: waits (up to <paramref name="drain"/>) for the envelopes already received to be acknowledged on
    /// this connection, then sends the close frame and waits a moment for Slack's, then lets go.
    /// </summary>
    public async Task CloseAsync(TimeSpan drain)
    {
        if (Volatile.Read(ref _disposed) == 1)
        {
            return;
        }

        if (!_inFlight.IsEmpty)
        {
            try
            {
                await Task.WhenAll(_inFlight.Keys).WaitAsync(drain).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Each envelope logs its own failure; a timeout only ends the wait.
            }
        }

        await CloseOutputAsync().ConfigureAwait(false);
        try
        {
            await Reading.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Slack did not finish the close handshake in time: stop reading anyway.
        }

        await _reading.CancelAsync().ConfigureAwait(false);
    }

    private async Task CloseOutputAsync()
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await _sending.WaitAsync().ConfigureAwait(false);
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                _closeSent = true;
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Already gone.
            }
            finally
            {
                _sending.Release();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _reading.CancelAsync().ConfigureAwait(false);
        try
        {
            await Reading.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Logged where it happened.
        }

        _socket.Abort();
        _socket.Dispose();
        if (Interlocked.Exchange(ref _opened, 0) == 1)
        {
            state.ConnectionClosed();
        }

        _reading.Dispose();
        _sending.Dispose();
    }
}
