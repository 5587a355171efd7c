using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using TriageBot.Playground;
using TriageBot.Tests.Browser;

namespace TriageBot.Tests.Playground;

/// <summary>
/// Issue 14: a reverse proxy on the same machine makes every caller look like loopback. The playground refuses what
/// came through one, whatever headers the proxy uses, and nothing is stored; a direct request still works.
/// </summary>
public sealed class PlaygroundProxyTests : IAsyncLifetime
{
    private readonly KestrelHost _host = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    [Theory]
    [InlineData("nginx")]
    [InlineData("rfc7239")]
    [InlineData("via")]
    [InlineData("forwarded-headers-middleware")]
    public async Task ThroughAProxyOnTheSameHost_ThePlaygroundIsRefused_AndNothingIsStored(string style)
    {
        await using var proxy = await SameHostProxy.StartAsync(_host.BaseAddress, style);
        using var http = new HttpClient { BaseAddress = proxy.Address };

        var page = await http.GetAsync("/playground", TestContext.Current.CancellationToken);
        var seed = await http.PostAsync("/playground/api/seed", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        page.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("not through a proxy");
        seed.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await _host.Store.Backlogs.GetAsync(DemoSeeder.BacklogId, CancellationToken.None)).ShouldBeNull();
        proxy.Forwarded.ShouldBe(2, "both requests went through the proxy to the app");
    }

    [Fact]
    public async Task DirectlyOnLoopback_ThePlaygroundStillWorks_AsTheReadmeSays()
    {
        using var http = _host.Http();

        var page = await http.GetAsync("/playground", TestContext.Current.CancellationToken);
        var seed = await http.PostAsync("/playground/api/seed", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        seed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _host.Store.Backlogs.GetAsync(DemoSeeder.BacklogId, CancellationToken.None)).ShouldNotBeNull();
    }

    /// <summary>A minimal reverse proxy on loopback that forwards to the app with the headers real proxies add.</summary>
    private sealed class SameHostProxy : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly HttpClient _upstream;
        private int _forwarded;

        private SameHostProxy(WebApplication app, HttpClient upstream)
        {
            _app = app;
            _upstream = upstream;
        }

        public Uri Address { get; private set; } = null!;

        public int Forwarded => _forwarded;

        public static async Task<SameHostProxy> StartAsync(Uri target, string style)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var upstream = new HttpClient { BaseAddress = target };
            var proxy = new SameHostProxy(app, upstream);
            app.Run(async http =>
            {
                using var request = new HttpRequestMessage(new HttpMethod(http.Request.Method), http.Request.Path + http.Request.QueryString);
                if (http.Request.ContentLength > 0 || http.Request.Headers.ContentType.Count > 0)
                {
                    var body = new MemoryStream();
                    await http.Request.Body.CopyToAsync(body);
                    request.Content = new ByteArrayContent(body.ToArray());
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", http.Request.ContentType);
                }

                var client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                switch (style)
                {
                    case "nginx":
                        request.Headers.Add("X-Forwarded-For", "203.0.113.7, " + client);
                        request.Headers.Add("X-Real-IP", "203.0.113.7");
                        request.Headers.Add("X-Forwarded-Proto", "https");
                        break;
                    case "rfc7239":
                        request.Headers.Add("Forwarded", "for=203.0.113.7;proto=https;host=triage.example.com");
                        break;
                    case "via":
                        request.Headers.Add("Via", "1.1 proxy.local");
                        break;
                    default:
                        request.Headers.Add("X-Original-For", "203.0.113.7:50000");
                        break;
                }

                Interlocked.Increment(ref proxy._forwarded);
                using var response = await upstream.SendAsync(request);
                http.Response.StatusCode = (int)response.StatusCode;
                await response.Content.CopyToAsync(http.Response.Body);
            });
            await app.StartAsync();
            proxy.Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            return proxy;
        }

        public async ValueTask DisposeAsync()
        {
            _upstream.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
