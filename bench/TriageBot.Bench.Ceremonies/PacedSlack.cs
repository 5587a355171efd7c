using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TriageBot.Bench.Ceremonies;

/// <summary>
/// A fake Slack Web API that enforces Slack's pace for <c>chat.postMessage</c>: about one message per second per channel,
/// answering 429 with <c>Retry-After: 1</c> to a post that comes sooner. It keeps only counters and, per channel, the
/// successful posts' times and whether each carried that channel's workspace token.
/// </summary>
internal sealed class PacedSlack : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ChannelLog> _channels = new(StringComparer.Ordinal);
    private long _rateLimited;
    private long _wrongToken;
    private long _otherCalls;
    private long _ts;

    private PacedSlack(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    /// <summary>The token each channel's workspace owns: channel <c>C0001</c> belongs to workspace <c>T0001</c>.</summary>
    public static string TokenOf(int n) => $"xoxb-bench-T{n:0000}";

    public static string Channel(int n) => $"C{n:0000}";

    public static string Team(int n) => $"T{n:0000}";

    public long RateLimited => Interlocked.Read(ref _rateLimited);
    public long WrongToken => Interlocked.Read(ref _wrongToken);
    public long OtherCalls => Interlocked.Read(ref _otherCalls);
    public IReadOnlyDictionary<string, ChannelLog> Channels => _channels;

    public static async Task<PacedSlack> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new PacedSlack(app);
        app.MapPost("/api/{method}", fake.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        fake.BaseUrl = address.TrimEnd('/') + "/api/";
        return fake;
    }

    private async Task HandleAsync(HttpContext http, string method)
    {
        var ts = $"1700000000.{Interlocked.Increment(ref _ts):000000}";
        if (method != "chat.postMessage")
        {
            Interlocked.Increment(ref _otherCalls);
            JsonObject answer = method switch
            {
                "users.info" => new() { ["ok"] = true, ["user"] = new JsonObject { ["id"] = "U1", ["name"] = "fac" } },
                "conversations.open" => new() { ["ok"] = true, ["channel"] = new JsonObject { ["id"] = "D1" } },
                _ => new() { ["ok"] = true, ["ts"] = ts, ["channel"] = "C1" },
            };
            await http.Response.WriteAsJsonAsync(answer);
            return;
        }

        var body = await JsonNode.ParseAsync(http.Request.Body) as JsonObject;
        var channel = (string?)body?["channel"] ?? "";
        var log = _channels.GetOrAdd(channel, _ => new ChannelLog());
        var now = DateTimeOffset.UtcNow;
        lock (log)
        {
            if (log.Last is { } last && now - last < TimeSpan.FromSeconds(1))
            {
                Interlocked.Increment(ref _rateLimited);
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = "1";
                return;
            }

            log.Last = now;
            log.Posts.Add(now);
        }

        var expected = channel.Length == 5 && int.TryParse(channel[1..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? "Bearer " + TokenOf(n) : null;
        if (http.Request.Headers.Authorization.ToString() != expected)
        {
            Interlocked.Increment(ref _wrongToken);
        }

        await http.Response.WriteAsJsonAsync(new JsonObject { ["ok"] = true, ["ts"] = ts, ["channel"] = channel });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One channel's successful posts.</summary>
internal sealed class ChannelLog
{
    public DateTimeOffset? Last { get; set; }
    public List<DateTimeOffset> Posts { get; } = [];
}
