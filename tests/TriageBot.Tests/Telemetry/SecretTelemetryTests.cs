using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using TriageBot.Core.Reports;
using TriageBot.Telemetry;
using TriageBot.Tests.Dashboard;

namespace TriageBot.Tests.Telemetry;

/// <summary>
/// Issue 14, "nothing secret leaves the process": the real host with every logger opened to Trace (for all providers and
/// provider-specifically) and an in-memory span exporter. Dashboard and chart links are requested; no span and no log
/// line may carry their token, and spans record the route template.
/// </summary>
public sealed class SecretTelemetryTests : IDisposable
{
    private const string DashboardToken = "dashSECRETtoken0123456789abcdefXYZ";
    private readonly TestHost _host = new(new()
    {
        ["Playground:Enabled"] = "false",
        ["Logging:LogLevel:Default"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
        ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Trace",
        ["Logging:Capture:LogLevel:Microsoft.AspNetCore"] = "Trace",
        ["Logging:Capture:LogLevel:Microsoft.AspNetCore.Routing.Matching.DfaMatcher"] = "Trace",
        ["Logging:LogLevel:TriageBot.Requests"] = "Debug",
    });

    private readonly List<Activity> _spans = [];
    private readonly AllLogs _logs = new();

    public void Dispose() => _host.Dispose();

    private WebApplicationFactory<Program> Instrumented() => _host.WithWebHostBuilder(b =>
    {
        b.ConfigureServices(s => s.AddSingleton<ILoggerProvider>(_logs));
        b.ConfigureTestServices(s => s.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(_spans)));
    });

    private List<Activity> Spans()
    {
        lock (_spans)
        {
            return [.. _spans];
        }
    }

    /// <summary>The trace this test's requests belong to: span listeners are process-wide and other tests run hosts too.</summary>
    private readonly ActivityTraceId _trace = ActivityTraceId.CreateRandom();

    private async Task<List<Activity>> ServerSpansAsync(int count)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var server = Spans().Where(a => a.Kind == ActivityKind.Server && a.TraceId == _trace).ToList();
            if (server.Count >= count || deadline.Elapsed > TimeSpan.FromSeconds(20)) return server;
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    private static IEnumerable<string> Everything(Activity span) =>
        new[] { span.DisplayName, span.OperationName }.Concat(span.TagObjects.Select(t => $"{t.Key}={t.Value}"))
            .Concat(span.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}")));

    [Fact]
    public async Task DashboardAndChartTokens_AppearInNoSpanAndNoLogLine_AndSpansRecordTheRouteTemplate()
    {
        using var factory = Instrumented();
        var store = factory.Services.GetRequiredService<TriageBot.Core.Ports.ITriageStore>();
        var now = _host.Time.GetUtcNow();
        var backlog = await TestBacklogs.CreateAsync(store, "payments", DashboardToken, now);
        await TestBacklogs.AddAsync(store, backlog, "Refund button", TriageBot.Core.Items.WorkStream.Bug, now);
        var chartToken = ChartLinks.Token(backlog, now, now.AddDays(7));
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("traceparent", $"00-{_trace.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        string[] secrets = [DashboardToken, chartToken, "guessed-token-0000", "guessed-chart-1111"];

        (await client.GetAsync($"/d/{DashboardToken}", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync($"/d/{DashboardToken}/items/1", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync($"/d/{DashboardToken}/export.csv", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync($"/charts/{chartToken}.png", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/d/guessed-token-0000", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync("/charts/guessed-chart-1111.png", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync("/d/guessed-token-0000/no/such/page", TestContext.Current.CancellationToken)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var spans = await ServerSpansAsync(7);
        spans.Count.ShouldBe(7);
        foreach (var text in spans.SelectMany(Everything))
            foreach (var secret in secrets)
                text.ShouldNotContain(secret, Case.Insensitive);
        spans.Select(s => s.GetTagItem("url.path") as string).ShouldBe(
            ["/d/{token}", "/d/{token}/items/{number:int}", "/d/{token}/export.csv", "/charts/{token}.png", "/d/{token}", "/charts/{token}.png", "/d/{token}/no/such/page"]);
        spans[0].DisplayName.ShouldBe("GET /d/{token}");

        var lines = _logs.Lines;
        lines.ShouldContain(l => l.Contains("HTTP GET /d/{token} responded 200", StringComparison.Ordinal), "the request log names the route template");
        lines.ShouldContain(l => l.StartsWith("Microsoft.AspNetCore.Routing", StringComparison.Ordinal), "framework logs are on at Trace, only the path-printing ones are capped");
        foreach (var line in lines)
            foreach (var secret in secrets)
                line.ShouldNotContain(secret, Case.Insensitive);
    }

    [Theory]
    [InlineData("/d/abc", "/d/{token}")]
    [InlineData("/d/abc/items/3", "/d/{token}/items/3")]
    [InlineData("/D/abc", "/d/{token}")]
    [InlineData("/charts/abc.def.png", "/charts/{token}.png")]
    [InlineData("/charts/abc", "/charts/{token}")]
    [InlineData("/charts/abc/x", "/charts/{token}/x")]
    [InlineData("/dashboard.css", "/dashboard.css")]
    [InlineData("", "/")]
    public void UnmatchedPaths_AreRecordedWithTheTokenReplaced(string path, string expected) =>
        SecretRedaction.Redact(path).ShouldBe(expected);

    /// <summary>Keeps every log line of every level, with its category and structured values.</summary>
    [ProviderAlias("Capture")]
    private sealed class AllLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();
        public IReadOnlyList<string> Lines => [.. _lines];
        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
        public void Dispose()
        {
        }

        private sealed class Logger(AllLogs owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull
            {
                owner._lines.Enqueue($"{category} scope: {Describe(state)}");
                return null;
            }

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner._lines.Enqueue($"{category} [{logLevel}] {formatter(state, exception)} | {Describe(state)} {exception}");

            private static string Describe(object? state) => state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join("; ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : state?.ToString() ?? "";
        }
    }
}
