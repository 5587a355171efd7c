using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Delivery;
using TriageBot.Telemetry;

namespace TriageBot.Tests.Telemetry;

public sealed class MetricsTests : IDisposable
{
    private const string Secret = "0123456789abcdef0123456789abcdef";
    private readonly TestHost _host = new(new() { ["Slack:SigningSecret"] = Secret, ["Slack:BotToken"] = "xoxb-test", ["Playground:Enabled"] = "false" });
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _host.Dispose();

    private HttpRequestMessage SlackCommand(string body, DateTimeOffset at, string? secret = Secret)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = "v0=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret!), Encoding.UTF8.GetBytes($"v0:{timestamp}:{body}")));
        var request = new HttpRequestMessage(HttpMethod.Post, "/slack/commands") { Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded") };
        request.Headers.Add("X-Slack-Request-Timestamp", timestamp);
        request.Headers.Add("X-Slack-Signature", signature);
        return request;
    }

    [Fact]
    public async Task SlackRequestWithAWrongSignature_IsCountedAsARequest_AndAsARefusalWithItsReason()
    {
        var client = _host.CreateClient();
        using var metrics = new MetricRecorder(_host.Services);

        var wrong = await client.SendAsync(SlackCommand("command=%2Ftriage&text=help", _host.Time.GetUtcNow(), "not-the-secret"), Ct);
        var stale = await client.SendAsync(SlackCommand("command=%2Ftriage&text=help", _host.Time.GetUtcNow().AddMinutes(-10)), Ct);

        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        stale.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        metrics.Sum("triagebot.requests", ("channel", "slack"), ("kind", "command")).ShouldBe(2);
        metrics.Sum("triagebot.verification.refusals", ("channel", "slack"), ("reason", "mismatch")).ShouldBe(1);
        metrics.Sum("triagebot.verification.refusals", ("channel", "slack"), ("reason", "stale")).ShouldBe(1);
    }

    [Fact]
    public async Task TeamsRequestWithoutAToken_IsCountedAsARefusal()
    {
        var client = _host.CreateClient();
        using var metrics = new MetricRecorder(_host.Services);

        var response = await client.PostAsync("/api/messages", new StringContent("{}", Encoding.UTF8, "application/json"), Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        metrics.Sum("triagebot.requests", ("channel", "teams")).ShouldBe(1);
        metrics.Sum("triagebot.verification.refusals", ("channel", "teams")).ShouldBe(1);
    }

    [Fact]
    public async Task HealthAndOtherPages_AreNotCountedAsChannelRequests()
    {
        var client = _host.CreateClient();
        using var metrics = new MetricRecorder(_host.Services);

        (await client.GetAsync("/health", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        metrics.Values("triagebot.requests").ShouldBeEmpty();
    }

    private static OutboxMessage Message(string id, Platform platform, DateTimeOffset at) => new()
    {
        Id = id,
        Kind = OutboxKind.Post,
        Target = new ConversationAddress { Platform = platform, Workspace = "w", ChannelId = "c" },
        Payload = OutboxViews.Payload(new TextView("hello")),
        CreatedAt = at,
        NextAttemptAt = at,
    };

    [Fact]
    public async Task OutboxDepth_IsObservedFromTheStore_AndQueriedAtMostEvery15Seconds()
    {
        _ = _host.CreateClient();
        var store = _host.Services.GetRequiredService<ITriageStore>();
        var gauge = _host.Services.GetRequiredService<OutboxDepthGauge>();
        var now = _host.Time.GetUtcNow();
        // Due in a day, so the delivery worker leaves them pending.
        await store.Outbox.EnqueueAsync(Message("m1", Platform.Slack, now) with { NextAttemptAt = now.AddDays(1) }, Ct);
        await store.Outbox.EnqueueAsync(Message("m2", Platform.Slack, now) with { NextAttemptAt = now.AddDays(1) }, Ct);
        using var metrics = new MetricRecorder(_host.Services);

        await Eventually(() =>
        {
            metrics.Observe();
            return metrics.Values("triagebot.outbox.depth").Contains(2);
        });
        var queries = gauge.Queries;
        for (var i = 0; i < 20; i++)
        {
            metrics.Observe();
        }

        gauge.Queries.ShouldBe(queries);
        _host.Time.Advance(OutboxDepthGauge.RefreshEvery);
        metrics.Observe();
        await Eventually(() => gauge.Queries == queries + 1);
    }

    [Fact]
    public async Task DeliveryThatCannotBeMade_IsCountedAsAPermanentFailure()
    {
        _ = _host.CreateClient();
        var store = _host.Services.GetRequiredService<ITriageStore>();
        using var metrics = new MetricRecorder(_host.Services);
        // The playground is off in this host, so it has no sender: the message can never be delivered.
        await store.Outbox.EnqueueAsync(Message("lost", Platform.Playground, _host.Time.GetUtcNow()), Ct);

        await _host.Services.GetRequiredService<DeliveryWorker>().DrainOnceAsync(Ct);

        await Eventually(() => metrics.Sum("triagebot.delivery.failures", ("platform", "playground"), ("permanent", true)) == 1);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            timeout.Token.ThrowIfCancellationRequested();
            await Task.Yield();
            await Task.Delay(10, timeout.Token);
        }
    }
}
