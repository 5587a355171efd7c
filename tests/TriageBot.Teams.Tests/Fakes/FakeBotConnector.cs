using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TriageBot.Teams.Tests.Fakes;

/// <summary>One request the fake Connector received, with the status it answered and the activity id it handed out (if any).</summary>
public sealed record ConnectorCall(string Method, string Path, string? Authorization, JsonNode? Body, DateTimeOffset At)
{
    public int Status { get; init; }
    public string? AnsweredId { get; init; }
}

/// <summary>A scripted answer: status, optional Retry-After header value, optional JSON body.</summary>
public sealed record ConnectorAnswer(int Status, string? RetryAfter = null, string? Body = null)
{
    /// <summary>Hold the request without answering until the client gives up, and do not perform it.</summary>
    public bool Hang { get; init; }

    public static ConnectorAnswer TimedOut() => new(0) { Hang = true };
}

/// <summary>
/// A fake Bot Connector on loopback: records every call (path, body, Authorization) and answers from a script
/// (429 with Retry-After, 5xx, 403…) before falling back to success.
/// </summary>
public sealed class FakeBotConnector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ConnectorAnswer> _script = new();
    private int _next = 1000;

    public ConcurrentQueue<ConnectorCall> Calls { get; } = new();

    /// <summary>The clock that stamps <see cref="ConnectorCall.At"/>; a test driving a FakeTimeProvider sets it to that.</summary>
    public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UtcNow;

    /// <summary>
    /// When set, chooses the answer to each unscripted call (the call, and how many calls with the same method, path and
    /// body came before); null means success.
    /// </summary>
    public Func<ConnectorCall, int, ConnectorAnswer?>? Fault { get; set; }
    public string ServiceUrl { get; }

    private FakeBotConnector(WebApplication app, string serviceUrl)
    {
        _app = app;
        ServiceUrl = serviceUrl;
    }

    public void Then(params ConnectorAnswer[] answers)
    {
        foreach (var a in answers) _script.Enqueue(a);
    }

    public static async Task<FakeBotConnector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeBotConnector? fake = null;
        app.Run(async http => await fake!.AnswerAsync(http));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake = new FakeBotConnector(app, address.TrimEnd('/') + "/teams/");
        return fake;
    }

    private async Task AnswerAsync(HttpContext http)
    {
        var text = await new StreamReader(http.Request.Body).ReadToEndAsync();
        var path = http.Request.PathBase + http.Request.Path;
        var call = new ConnectorCall(http.Request.Method, Uri.UnescapeDataString(path.ToString()), http.Request.Headers.Authorization.ToString(),
            string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text), Clock());

        ConnectorAnswer? answer;
        lock (Calls)
        {
            // Under the lock, so "how many came before" is exact when calls arrive together.
            if (!_script.TryDequeue(out answer) && Fault is { } fault)
            {
                var key = call.Body?.ToJsonString();
                answer = fault(call, Calls.Count(c => c.Method == call.Method && c.Path == call.Path && c.Body?.ToJsonString() == key));
            }
            if (answer is not null) Calls.Enqueue(call with { Status = answer.Status });
        }

        if (answer?.Hang == true)
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

        if (answer is not null)
        {
            http.Response.StatusCode = answer.Status;
            if (answer.RetryAfter is not null) http.Response.Headers.RetryAfter = answer.RetryAfter;
            if (answer.Body is not null)
            {
                http.Response.ContentType = "application/json";
                await http.Response.WriteAsync(answer.Body);
            }
            return;
        }

        var id = Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var isCreate = http.Request.Method == "POST" && path.ToString().EndsWith("/v3/conversations", StringComparison.Ordinal);
        var isUpdate = http.Request.Method == "PUT";
        // An update keeps the activity's id; a create or send hands out a new one.
        lock (Calls) Calls.Enqueue(call with { Status = 201, AnsweredId = isUpdate ? call.Path[(call.Path.LastIndexOf('/') + 1)..] : id });
        http.Response.StatusCode = 201;
        http.Response.ContentType = "application/json";
        var body = isCreate
            ? new JsonObject { ["id"] = "created-conversation;messageid=" + id, ["activityId"] = id }
            : new JsonObject { ["id"] = id };
        await http.Response.WriteAsync(body.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
