using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TriageBot.Bench.Load;

/// <summary>
/// A stand-in for Slack's Web API on loopback that answers every method with <c>ok:true</c> at once and only counts
/// calls per method. The tests' <c>FakeSlackApi</c> keeps every call and body, which a load run would turn into
/// hundreds of megabytes in the load generator, so the benchmark uses this one.
/// </summary>
internal sealed class QuietSlackApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, long> _calls = new(StringComparer.Ordinal);
    private long _ts;

    private QuietSlackApi(WebApplication app) => _app = app;

    /// <summary>Base URL for <c>Slack:ApiBaseUrl</c>, ending in <c>/api/</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    public IReadOnlyDictionary<string, long> Calls => _calls;

    public static async Task<QuietSlackApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var fake = new QuietSlackApi(app);
        app.MapPost("/api/{method}", fake.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        fake.BaseUrl = address.TrimEnd('/') + "/api/";
        return fake;
    }

    public long CallsTo(string method) => _calls.GetValueOrDefault(method);

    private async Task HandleAsync(HttpContext http, string method)
    {
        // Drain the body as Slack would read it, without keeping it.
        await http.Request.Body.CopyToAsync(Stream.Null);
        _calls.AddOrUpdate(method, 1, (_, n) => n + 1);
        var ts = $"1700000000.{Interlocked.Increment(ref _ts) % 1_000_000:000000}";
        var json = method switch
        {
            "chat.postMessage" or "chat.update" => $$"""{"ok":true,"channel":"C1","ts":"{{ts}}"}""",
            "chat.postEphemeral" => $$"""{"ok":true,"message_ts":"{{ts}}"}""",
            "views.open" or "views.push" or "views.update" => $$$"""{"ok":true,"view":{"id":"V{{{ts[^6..]}}}"}}""",
            "conversations.open" => """{"ok":true,"channel":{"id":"D1"}}""",
            "chat.getPermalink" => """{"ok":true,"permalink":"https://example.slack.com/archives/C1/p1"}""",
            _ => """{"ok":true}""",
        };
        http.Response.ContentType = "application/json; charset=utf-8";
        await http.Response.WriteAsync(json);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
