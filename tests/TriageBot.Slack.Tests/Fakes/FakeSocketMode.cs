using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace TriageBot.Slack.Tests.Fakes;

/// <summary>
/// Slack's Socket Mode side, faked: a real WebSocket server (Kestrel, inside <see cref="FakeSlackApi"/>) that says
/// hello to each connection, sends envelopes and disconnect messages when a test asks, records every acknowledgement
/// with how long it took, and can drop a connection without a close handshake.
/// </summary>
public sealed class FakeSocketMode
{
    private readonly ConcurrentQueue<FakeSocketConnection> _connections = new();
    private int _open;
    private int _maxOpen;
    private int _numbers;

    /// <summary>The ws:// URL (without ticket) <c>apps.connections.open</c> answers with.</summary>
    public string Url { get; internal set; } = "";

    /// <summary>The <c>approximate_connection_time</c> (seconds) each hello announces.</summary>
    public int ApproximateConnectionTimeSeconds { get; set; } = 18060;

    /// <summary>Whether new connections get a hello (a test can hold it back).</summary>
    public bool SayHello { get; set; } = true;

    public IReadOnlyList<FakeSocketConnection> Connections => [.. _connections];

    /// <summary>Connections open right now.</summary>
    public int OpenNow => Volatile.Read(ref _open);

    /// <summary>The most connections that were open at the same time.</summary>
    public int MaxOpenAtOnce => Volatile.Read(ref _maxOpen);

    internal async Task AcceptAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var connection = new FakeSocketConnection(Interlocked.Increment(ref _numbers), socket, http, http.Request.Query["ticket"].ToString());
        var open = Interlocked.Increment(ref _open);
        int seen;
        while (open > (seen = Volatile.Read(ref _maxOpen)) && Interlocked.CompareExchange(ref _maxOpen, open, seen) != seen)
        {
        }

        _connections.Enqueue(connection);
        try
        {
            if (SayHello)
            {
                await connection.SendAsync(new JsonObject
                {
                    ["type"] = "hello",
                    ["num_connections"] = open,
                    ["debug_info"] = new JsonObject { ["host"] = "applink-fake-" + connection.Number, ["build_number"] = 1, ["approximate_connection_time"] = ApproximateConnectionTimeSeconds },
                    ["connection_info"] = new JsonObject { ["app_id"] = "A0E2E" },
                });
            }

            await connection.ReadUntilClosedAsync();
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    /// <summary>Waits until the <paramref name="n"/>-th connection (1-based) is open.</summary>
    public async Task<FakeSocketConnection> ConnectionAsync(int n, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < until)
        {
            if (_connections.Skip(n - 1).FirstOrDefault() is { } found)
            {
                return found;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"Connection {n} never opened; {_connections.Count} did.");
    }
}

/// <summary>One connection of the fake Socket Mode server, as Slack's side sees it.</summary>
public sealed class FakeSocketConnection(int number, WebSocket socket, HttpContext http, string ticket)
{
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ConcurrentDictionary<string, Stopwatch> _sent = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(JsonObject Ack, TimeSpan After)> _acks = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _envelopes;

    public int Number => number;

    /// <summary>When the server accepted it (before its hello was sent).</summary>
    public DateTime OpenedAt { get; } = DateTime.UtcNow;

    /// <summary>The ticket of the URL it connected to: each connection must use a fresh one.</summary>
    public string Ticket => ticket;

    /// <summary>How the client ended it: a close frame's status, or null when it dropped or is still open.</summary>
    public WebSocketCloseStatus? CloseStatus { get; private set; }

    /// <summary>Completes when the connection ended, however it ended.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Every acknowledgement the client sent, with the time since its envelope was sent.</summary>
    public IReadOnlyList<(JsonObject Ack, TimeSpan After)> Acks => [.. _acks];

    public async Task SendAsync(JsonObject message)
    {
        await _sending.WaitAsync();
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>Sends an envelope (<c>events_api</c>, <c>slash_commands</c>, <c>interactive</c>); returns its envelope id.</summary>
    public async Task<string> SendEnvelopeAsync(string type, JsonObject payload, string? envelopeId = null, int retryAttempt = 0)
    {
        var id = envelopeId ?? $"env-{number}-{Interlocked.Increment(ref _envelopes)}-{Guid.NewGuid():N}";
        _sent[id] = Stopwatch.StartNew();
        await SendAsync(new JsonObject
        {
            ["envelope_id"] = id,
            ["type"] = type,
            ["accepts_response_payload"] = type != "events_api",
            ["retry_attempt"] = retryAttempt,
            ["retry_reason"] = retryAttempt > 0 ? "timeout" : "",
            ["payload"] = payload.DeepClone(),
        });
        return id;
    }

    /// <summary>Sends Slack's <c>disconnect</c> message with <paramref name="reason"/>.</summary>
    public Task SendDisconnectAsync(string reason) =>
        SendAsync(new JsonObject { ["type"] = "disconnect", ["reason"] = reason, ["debug_info"] = new JsonObject { ["host"] = "applink-fake-" + number } });

    /// <summary>Cuts the TCP connection: no close handshake, as when a network drops.</summary>
    public void Drop() => http.Abort();

    /// <summary>Waits for the acknowledgement of <paramref name="envelopeId"/> (the <paramref name="nth"/> one, for an envelope sent twice).</summary>
    public async Task<(JsonObject Ack, TimeSpan After)> AckAsync(string envelopeId, int nth = 1, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < until)
        {
            var found = _acks.Where(a => (string?)a.Ack["envelope_id"] == envelopeId).Skip(nth - 1).FirstOrDefault();
            if (found.Ack is not null)
            {
                return found;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException($"No acknowledgement {nth} of {envelopeId}; acks: {string.Join(", ", _acks.Select(a => a.Ack.ToJsonString()))}");
    }

    internal async Task ReadUntilClosedAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, http.RequestAborted);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    CloseStatus = result.CloseStatus;
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var json = JsonNode.Parse(message.ToArray())!.AsObject();
                message.SetLength(0);
                var id = (string?)json["envelope_id"] ?? "";
                _acks.Enqueue((json, _sent.TryGetValue(id, out var watch) ? watch.Elapsed : TimeSpan.Zero));
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // Dropped.
        }
        finally
        {
            _closed.TrySetResult();
        }
    }
}
