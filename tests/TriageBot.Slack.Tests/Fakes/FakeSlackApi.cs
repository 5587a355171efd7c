using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TriageBot.Slack.Tests.Fakes;

/// <summary>One call the fake Slack Web API received, with the status and JSON it answered.</summary>
public sealed record SlackApiCall(string Method, string ContentType, string Body, string? Authorization, int Status = 200, string? AnswerJson = null)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

    /// <summary>The <c>ts</c> the fake handed out for a successful post or update; null otherwise.</summary>
    public string? AnsweredTs => Status == 200 && AnswerJson is not null && JsonNode.Parse(AnswerJson) is JsonObject a && a["ok"]?.GetValue<bool>() == true
        ? (string?)a["ts"] ?? (string?)a["message_ts"]
        : null;

    /// <summary>When the call arrived, on <see cref="FakeSlackApi.Clock"/> (the test's clock when it sets one).</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>The fake held this call until the client gave up and never performed it (<see cref="FakeAnswer.TimedOut"/>).</summary>
    public bool TimedOut { get; init; }

    /// <summary>Form fields, for methods called with form encoding.</summary>
    public IReadOnlyDictionary<string, string> Form =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Body).ToDictionary(kv => kv.Key, kv => kv.Value.ToString());
}

/// <summary>A scripted answer: an HTTP status, an optional Retry-After, and a JSON body.</summary>
public sealed record FakeAnswer(int Status, string? Json, int? RetryAfterSeconds = null)
{
    /// <summary>Hold the request without answering until the client gives up, and do not perform it.</summary>
    public bool Hang { get; init; }

    public static FakeAnswer TimedOut() => new(0, null) { Hang = true };

    public static FakeAnswer Error(string code) => new(200, new JsonObject { ["ok"] = false, ["error"] = code }.ToJsonString());
    public static FakeAnswer RateLimited(int seconds) => new(429, null, seconds);
    public static FakeAnswer ServerError(int status = 503) => new(status, null);
}

/// <summary>
/// A fake Slack Web API: a real Kestrel server on loopback that records every call (method, body, auth header)
/// and answers like Slack, or with a scripted 429, 5xx or <c>ok:false</c>.
/// </summary>
public sealed class FakeSlackApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<SlackApiCall> _calls = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FakeAnswer>> _scripts = new(StringComparer.Ordinal);
    private int _counter;

    private FakeSlackApi(WebApplication app) => _app = app;

    /// <summary>The Socket Mode side: <c>apps.connections.open</c> hands out its URL, a real WebSocket server on the same port.</summary>
    public FakeSocketMode Socket { get; } = new();

    /// <summary>Base URL to put in <c>Slack:ApiBaseUrl</c>, ending in <c>/api/</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    public IReadOnlyList<SlackApiCall> Calls => [.. _calls];

    public IReadOnlyList<SlackApiCall> CallsTo(string method) => [.. _calls.Where(c => c.Method == method)];

    public static async Task<FakeSlackApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new FakeSlackApi(app);
        app.MapPost("/api/{method}", fake.HandleAsync);
        app.UseWebSockets();
        app.Map("/link", fake.Socket.AcceptAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        fake.BaseUrl = address.TrimEnd('/') + "/api/";
        fake.Socket.Url = "ws" + address.TrimEnd('/')["http".Length..] + "/link/";
        return fake;
    }

    /// <summary><c>oauth.v2.access</c> (codes, refresh tokens) and revoked tokens.</summary>
    public FakeSlackOAuth OAuth { get; } = new();

    /// <summary>The clock that stamps <see cref="SlackApiCall.At"/>; a test driving a FakeTimeProvider sets it to that.</summary>
    public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;

    private Func<string, string, int, FakeAnswer?>? _fault;

    /// <summary>
    /// From now on, <paramref name="fault"/> chooses the answer to each call (method, body, how many calls with the same
    /// method and body came before); null means "answer normally". Scripted answers still come first.
    /// </summary>
    public void FailWith(Func<string, string, int, FakeAnswer?>? fault) => _fault = fault;

    private Random? _faultRandom;
    private double _faultShare;
    private HashSet<string> _faultMethods = [];

    /// <summary>
    /// From now on, a seeded random share of the calls to <paramref name="methods"/> fails: half with 429 (Retry-After 1 s),
    /// half with 503. Scripted answers still come first. <paramref name="share"/> 0 turns the faults off.
    /// </summary>
    public void FailAtRandom(int seed, double share, params string[] methods)
    {
        lock (_scripts)
        {
            _faultRandom = new Random(seed);
            _faultShare = share;
            _faultMethods = [.. methods];
        }
    }

    private FakeAnswer? RandomFault(string method)
    {
        lock (_scripts)
        {
            if (_faultRandom is null || !_faultMethods.Contains(method) || _faultRandom.NextDouble() >= _faultShare)
            {
                return null;
            }

            return _faultRandom.Next(2) == 0 ? FakeAnswer.RateLimited(1) : FakeAnswer.ServerError(503);
        }
    }

    private TimeSpan? _postPace;
    private readonly Dictionary<string, DateTimeOffset> _lastPost = new(StringComparer.Ordinal);

    /// <summary>
    /// From now on, Slack's pace for <c>chat.postMessage</c> (about one message per second per channel): a post to a channel
    /// sooner than <paramref name="interval"/> after that channel's last accepted post is answered 429 with
    /// <c>Retry-After</c> (whole seconds, at least 1). Null turns the pace off. The ceremonies benchmark uses this.
    /// </summary>
    public void PacePosts(TimeSpan? interval) => _postPace = interval;

    /// <summary>The channel a JSON-encoded call names ("" when none).</summary>
    public static string ChannelOf(string body)
    {
        try
        {
            return JsonNode.Parse(body) is JsonObject o && o["channel"] is JsonValue v && v.TryGetValue<string>(out var channel) ? channel : "";
        }
        catch (System.Text.Json.JsonException)
        {
            return "";
        }
    }

    // Called under the calls lock, so two posts to one channel arriving together are paced like Slack does.
    private FakeAnswer? Paced(string method, string body)
    {
        if (_postPace is not { } pace || method != "chat.postMessage")
        {
            return null;
        }

        var channel = ChannelOf(body);
        var now = Clock();
        if (_lastPost.TryGetValue(channel, out var last) && now - last < pace)
        {
            return FakeAnswer.RateLimited(Math.Max(1, (int)Math.Ceiling(pace.TotalSeconds)));
        }

        _lastPost[channel] = now;
        return null;
    }

    /// <summary>The next call to <paramref name="method"/> gets this answer (answers queue up in order).</summary>
    public void Answer(string method, FakeAnswer answer) => _scripts.GetOrAdd(method, _ => new()).Enqueue(answer);

    /// <summary>Polls until a call to <paramref name="method"/> arrived (no sleeps in tests: a bounded poll).</summary>
    public async Task<SlackApiCall> WaitForCallAsync(string method, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < until)
        {
            var call = _calls.FirstOrDefault(c => c.Method == method);
            if (call is not null)
            {
                return call;
            }

            await Task.Yield();
            await Task.Delay(10);
        }

        throw new TimeoutException($"No call to {method} arrived; calls: {string.Join(", ", _calls.Select(c => c.Method))}");
    }

    private async Task HandleAsync(HttpContext http, string method)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        FakeAnswer answer;
        lock (_calls)
        {
            // Under the lock, so "how many came before" is exact when calls arrive together.
            var before = _fault is null ? 0 : _calls.Count(c => c.Method == method && c.Body == body);
            answer = _scripts.TryGetValue(method, out var queue) && queue.TryDequeue(out var scripted) ? scripted
                : _fault?.Invoke(method, body, before) ?? RandomFault(method) ?? Paced(method, body)
                  ?? OAuth.AnswerFor(method, body, http.Request.Headers.Authorization.ToString()) ?? new FakeAnswer(200, Success(method, body));
            _calls.Enqueue(new SlackApiCall(method, http.Request.ContentType ?? "", body, http.Request.Headers.Authorization.ToString(), answer.Status, answer.Json)
            {
                At = Clock(),
                TimedOut = answer.Hang,
            });
        }

        if (answer.Hang)
        {
            // Timed out before being performed: wait for the client to give up, answer nothing, change nothing.
            try
            {
                await Task.Delay(Timeout.Infinite, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }

            return;
        }

        http.Response.StatusCode = answer.Status;
        if (answer.RetryAfterSeconds is { } seconds)
        {
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (answer.Json is not null)
        {
            http.Response.ContentType = "application/json; charset=utf-8";
            await http.Response.WriteAsync(answer.Json);
        }
    }

    /// <summary>
    /// Display names <c>users.info</c> answers with, by user id; U1 not listed is Ada Lovelace, anyone else not listed is <c>user_not_found</c>.
    /// </summary>
    public ConcurrentDictionary<string, string> DisplayNames { get; } = new(StringComparer.Ordinal);

    private JsonObject UserInfo(string body)
    {
        var id = System.Web.HttpUtility.ParseQueryString(body)["user"];
        if (id is not null && DisplayNames.TryGetValue(id, out var name))
        {
            return new() { ["ok"] = true, ["user"] = new JsonObject { ["id"] = id, ["name"] = id.ToLowerInvariant(), ["profile"] = new JsonObject { ["display_name"] = name } } };
        }

        // Slack answers about the person asked for, or not at all: anyone but U1 (Ada) not listed is not found.
        return id is null or "U1"
            ? new() { ["ok"] = true, ["user"] = new JsonObject { ["id"] = "U1", ["name"] = "ada", ["profile"] = new JsonObject { ["display_name"] = "Ada Lovelace" } } }
            : new() { ["ok"] = false, ["error"] = "user_not_found" };
    }

    private string Success(string method, string body)
    {
        var n = Interlocked.Increment(ref _counter);
        var ts = $"1700000000.{n:000000}";
        JsonObject json = method switch
        {
            "chat.postMessage" => new() { ["ok"] = true, ["channel"] = "C1", ["ts"] = ts },
            "chat.update" => new() { ["ok"] = true, ["channel"] = "C1", ["ts"] = ts },
            "chat.postEphemeral" => new() { ["ok"] = true, ["message_ts"] = ts },
            "chat.getPermalink" => new() { ["ok"] = true, ["permalink"] = "https://example.slack.com/archives/C1/p1700000000000100" },
            "views.open" or "views.push" or "views.update" => new() { ["ok"] = true, ["view"] = new JsonObject { ["id"] = $"V{n}" } },
            "users.info" => UserInfo(body),
            "conversations.open" => new() { ["ok"] = true, ["channel"] = new JsonObject { ["id"] = "D42" } },
            "apps.connections.open" => new() { ["ok"] = true, ["url"] = $"{Socket.Url}?ticket=ticket-{n}&app_id=A0E2E" },
            "views.publish" => new() { ["ok"] = true, ["view"] = new JsonObject { ["id"] = $"VH{n}" } },
            _ => new() { ["ok"] = false, ["error"] = "unknown_method" },
        };
        return json.ToJsonString();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
