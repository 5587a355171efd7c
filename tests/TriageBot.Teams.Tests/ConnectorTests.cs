using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Teams.Connector;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Teams.Tests;

/// <summary>The sender and Connector client against a fake Bot Connector on loopback.</summary>
public sealed class ConnectorTests(LocalOpenIdIssuer issuer) : IAsyncLifetime
{
    private FakeBotConnector _connector = null!;
    private TeamsTestHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _connector = await FakeBotConnector.StartAsync();
        _host = await TeamsTestHost.StartAsync(TeamsTestHost.Settings(issuer, ("Teams:MaxRetryWait", "00:00:05")));
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _connector.DisposeAsync();
    }

    private TeamsSender Sender => _host.Services.GetRequiredService<TeamsSender>();

    private ConversationAddress Channel(string? thread = null, string? serviceUrl = null) => new()
    {
        Platform = Platform.Teams,
        Workspace = TeamsTestHost.TenantId,
        ChannelId = TeamsActivities.ChannelId,
        ThreadId = thread,
        ServiceUrl = serviceUrl ?? _connector.ServiceUrl,
        TeamId = TeamsActivities.TeamId,
    };

    private static OutboxMessage Message(ConversationAddress target, OutboxKind kind = OutboxKind.Post) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Kind = kind,
        Target = target,
        Payload = OutboxViews.Payload(new TextView("Clinic starts in 15 minutes")),
        CreatedAt = DateTimeOffset.UtcNow,
    };

    [Fact]
    public async Task PostToAChannel_StartsANewThread_WithTheBotToken()
    {
        var result = await Sender.SendAsync(Message(Channel()), null, CancellationToken.None);

        var call = _connector.Calls.ShouldHaveSingleItem();
        call.Method.ShouldBe("POST");
        call.Path.ShouldBe("/teams/v3/conversations");
        call.Authorization.ShouldBe("Bearer " + FixedCredential.Token);
        call.Body!["isGroup"]!.GetValue<bool>().ShouldBeTrue();
        call.Body["channelData"]!["channel"]!["id"]!.GetValue<string>().ShouldBe(TeamsActivities.ChannelId);
        var attachment = call.Body["activity"]!["attachments"]![0]!;
        attachment["contentType"]!.GetValue<string>().ShouldBe("application/vnd.microsoft.card.adaptive");
        attachment["content"]!["version"]!.GetValue<string>().ShouldBe("1.5");
        result.ShouldBeOfType<SendSucceeded>().PlatformMessageId.ShouldBe("1001");
        _host.Credential.LastScope.ShouldBe("https://api.botframework.com/.default");
    }

    [Fact]
    public async Task PostIntoAThread_RepliesInThatThread()
    {
        var result = await Sender.SendAsync(Message(Channel(thread: "1700000000001")), null, CancellationToken.None);

        var call = _connector.Calls.ShouldHaveSingleItem();
        call.Path.ShouldBe($"/teams/v3/conversations/{TeamsActivities.ChannelId};messageid=1700000000001/activities");
        result.ShouldBeOfType<SendSucceeded>();
    }

    [Fact]
    public async Task Update_EditsTheOriginalActivity()
    {
        var result = await Sender.SendAsync(Message(Channel(), OutboxKind.Update), "1700000000777", CancellationToken.None);

        var call = _connector.Calls.ShouldHaveSingleItem();
        call.Method.ShouldBe("PUT");
        call.Path.ShouldBe($"/teams/v3/conversations/{TeamsActivities.ChannelId};messageid=1700000000777/activities/1700000000777");
        result.ShouldBe(new SendSucceeded("1700000000777"));
    }

    [Fact]
    public async Task Direct_CreatesTheOneToOneChat_ThenSends()
    {
        _connector.Then(new ConnectorAnswer(201, Body: """{"id":"a:personal-chat"}"""));

        var result = await Sender.SendAsync(Message(Channel() with { UserId = "29:user-one" }, OutboxKind.Direct), null, CancellationToken.None);

        var calls = _connector.Calls.ToArray();
        calls.Length.ShouldBe(2);
        calls[0].Path.ShouldBe("/teams/v3/conversations");
        calls[0].Body!["members"]![0]!["id"]!.GetValue<string>().ShouldBe("29:user-one");
        calls[0].Body!["bot"]!["id"]!.GetValue<string>().ShouldBe("28:" + TeamsTestHost.AppId);
        calls[1].Path.ShouldBe("/teams/v3/conversations/a:personal-chat/activities");
        result.ShouldBeOfType<SendSucceeded>();
    }

    [Fact]
    public async Task Direct_AddressedOnlyByPerson_ReachesThemThroughTheBacklogsTeamsChannel()
    {
        // Core's nudges name a person and a backlog only; the tenant and service URL come from the backlog's Teams binding.
        await _host.Bindings.UpsertAsync(new Binding { Address = Channel(), BacklogId = "payments" }, CancellationToken.None);
        _connector.Then(new ConnectorAnswer(201, Body: """{"id":"a:personal-chat"}"""));
        var nudge = Message(new ConversationAddress { Platform = Platform.Teams, Workspace = "", ChannelId = "", UserId = "29:user-one" }, OutboxKind.Direct)
            with { BacklogId = "payments" };

        var result = await Sender.SendAsync(nudge, null, CancellationToken.None);

        result.ShouldBeOfType<SendSucceeded>();
        var calls = _connector.Calls.ToArray();
        calls.Length.ShouldBe(2);
        calls[0].Path.ShouldBe("/teams/v3/conversations");
        calls[0].Body!["members"]![0]!["id"]!.GetValue<string>().ShouldBe("29:user-one");
        calls[0].Body!["channelData"]!["tenant"]!["id"]!.GetValue<string>().ShouldBe(TeamsTestHost.TenantId);
        calls[1].Path.ShouldBe("/teams/v3/conversations/a:personal-chat/activities");
    }

    [Fact]
    public async Task Direct_AddressedOnlyByPerson_WithoutATeamsChannel_FailsPermanently_WithoutCallingTeams()
    {
        var nudge = Message(new ConversationAddress { Platform = Platform.Teams, Workspace = "", ChannelId = "", UserId = "29:user-one" }, OutboxKind.Direct)
            with { BacklogId = "nowhere" };

        var result = await Sender.SendAsync(nudge, null, CancellationToken.None);

        result.ShouldBeOfType<SendFailedPermanently>().Reason.ShouldContain("service URL");
        _connector.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task Throttled_IsRetriedAfterRetryAfter_ThenSucceeds()
    {
        _connector.Then(new ConnectorAnswer(429, RetryAfter: "1", Body: """{"error":{"code":"Throttled","message":"slow down"}}"""));

        var result = await Sender.SendAsync(Message(Channel(thread: "1")), null, CancellationToken.None);

        result.ShouldBeOfType<SendSucceeded>();
        var calls = _connector.Calls.ToArray();
        calls.Length.ShouldBe(2);
        (calls[1].At - calls[0].At).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900));
        calls[1].Authorization.ShouldBe("Bearer " + FixedCredential.Token);
    }

    [Theory]
    [InlineData(412)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task TransientFailures_AreRetried(int status)
    {
        _connector.Then(new ConnectorAnswer(status, RetryAfter: "0"), new ConnectorAnswer(status, RetryAfter: "0"));

        var result = await Sender.SendAsync(Message(Channel(thread: "1")), null, CancellationToken.None);

        result.ShouldBeOfType<SendSucceeded>();
        _connector.Calls.Count.ShouldBe(3);
    }

    [Fact]
    public async Task PersistentThrottling_GivesUpAfterTheBound_AndAsksToRetryLater()
    {
        _connector.Then(Enumerable.Repeat(new ConnectorAnswer(429, RetryAfter: "0"), 10).ToArray());

        var result = await Sender.SendAsync(Message(Channel(thread: "1")), null, CancellationToken.None);

        result.ShouldBeOfType<SendRetryLater>();
        _connector.Calls.Count.ShouldBe(4); // the first try and 3 retries
    }

    [Fact]
    public async Task ALongRetryAfter_IsNotHeld_ButHandedToTheDeliveryWorker()
    {
        _connector.Then(new ConnectorAnswer(429, RetryAfter: "120"));

        var result = await Sender.SendAsync(Message(Channel(thread: "1")), null, CancellationToken.None);

        result.ShouldBeOfType<SendRetryLater>().After.ShouldBe(TimeSpan.FromSeconds(120));
        _connector.Calls.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Forbidden_IsAPermanentFailure_AndTheChannelIsLost()
    {
        _connector.Then(new ConnectorAnswer(403, Body: """{"error":{"code":"BotNotInConversationRoster","message":"not in roster"}}"""));

        var result = await Sender.SendAsync(Message(Channel()), null, CancellationToken.None);

        var failed = result.ShouldBeOfType<SendFailedPermanently>();
        failed.ChannelLost.ShouldBeTrue();
        failed.Reason.ShouldContain("BotNotInConversationRoster");
        _connector.Calls.Count.ShouldBe(1);
    }

    [Fact]
    public async Task ConversationNotFound_IsAPermanentFailure_AndTheChannelIsLost()
    {
        _connector.Then(new ConnectorAnswer(404, Body: """{"error":{"code":"ConversationNotFound","message":"gone"}}"""));

        var result = await Sender.SendAsync(Message(Channel(thread: "1")), null, CancellationToken.None);

        result.ShouldBeOfType<SendFailedPermanently>().ChannelLost.ShouldBeTrue();
    }

    [Theory]
    [InlineData("https://evil.example.com/teams/")]
    [InlineData("http://smba.trafficmanager.net/amer/")]
    [InlineData("https://smba.trafficmanager.net.evil.example/amer/")]
    public async Task TheToken_IsNeverSentToAServiceUrlThatIsNotTrusted(string serviceUrl)
    {
        var result = await Sender.SendAsync(Message(Channel(serviceUrl: serviceUrl)), null, CancellationToken.None);

        result.ShouldBeOfType<SendFailedPermanently>().ChannelLost.ShouldBeFalse();
        _host.Credential.Requests.ShouldBe(0);
    }

    [Fact]
    public async Task ALoopbackConnector_NotOnTheAllowList_IsRefusedToo()
    {
        await using var strict = await TeamsTestHost.StartAsync(TeamsTestHost.Settings(issuer, ("Teams:AllowedServiceUrlHosts:1", "smba.infra.gcc.teams.microsoft.com")));

        var result = await strict.Services.GetRequiredService<TeamsSender>().SendAsync(Message(Channel()), null, CancellationToken.None);

        result.ShouldBeOfType<SendFailedPermanently>();
        _connector.Calls.ShouldBeEmpty();
        strict.Credential.Requests.ShouldBe(0);
    }

    [Fact]
    public async Task ManyPostsToOneConversation_ArePacedUnderSevenPerSecond()
    {
        var sends = Enumerable.Range(0, 9).Select(_ => Sender.SendAsync(Message(Channel(thread: "1")), null, CancellationToken.None)).ToArray();
        await Task.WhenAll(sends);

        var times = _connector.Calls.Select(c => c.At).Order().ToArray();
        times.Length.ShouldBe(9);
        for (var i = 7; i < times.Length; i++)
            (times[i] - times[i - 7]).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900));
    }

    [Fact]
    public async Task TheConnectorToken_IsCached_AcrossCalls()
    {
        await Sender.SendAsync(Message(Channel(thread: "1")), null, CancellationToken.None);
        await Sender.SendAsync(Message(Channel(thread: "2")), null, CancellationToken.None);

        _host.Credential.Requests.ShouldBe(1);
    }
}

public sealed class ConnectorPacerTests
{
    [Fact]
    public void SevenPerConversation_ThenTheEighthWaitsASecond()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
        var pacer = new ConnectorPacer(time);

        var delays = Enumerable.Range(0, 8).Select(_ => pacer.Reserve("tenant", "conv")).ToList();

        delays.Take(7).ShouldAllBe(d => d == TimeSpan.Zero);
        delays[7].ShouldBe(TimeSpan.FromSeconds(1));
        pacer.Reserve("tenant", "other-conv").ShouldBe(TimeSpan.FromSeconds(1)); // same tenant: in order behind the queued slot
    }

    [Fact]
    public void FiftyPerTenant_ThenTheNextWaits()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
        var pacer = new ConnectorPacer(time);

        var delays = Enumerable.Range(0, 51).Select(i => pacer.Reserve("tenant", "conv-" + i)).ToList();

        delays.Take(50).ShouldAllBe(d => d == TimeSpan.Zero);
        delays[50].ShouldBe(TimeSpan.FromSeconds(1));
        pacer.Reserve("another-tenant", "conv-x").ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void SlotsFreeUpAsTimePasses()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));
        var pacer = new ConnectorPacer(time);
        for (var i = 0; i < 7; i++) pacer.Reserve("t", "c");

        time.Advance(TimeSpan.FromMilliseconds(1001));

        pacer.Reserve("t", "c").ShouldBe(TimeSpan.Zero);
    }
}

public sealed class ConnectorRetryPolicyTests
{
    [Theory]
    [InlineData(429, true)]
    [InlineData(412, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(504, true)]
    [InlineData(500, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    [InlineData(400, false)]
    public void IsTransient_FollowsTeamsGuidance(int status, bool transient) =>
        ConnectorRetryPolicy.IsTransient((System.Net.HttpStatusCode)status).ShouldBe(transient);

    [Fact]
    public void RetryAfter_ReadsSecondsAndHttpDates()
    {
        var now = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
        using var seconds = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        seconds.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
        using var date = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);
        date.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(now.AddSeconds(30));
        using var none = new HttpResponseMessage(System.Net.HttpStatusCode.TooManyRequests);

        ConnectorRetryPolicy.RetryAfter(seconds, now).ShouldBe(TimeSpan.FromSeconds(7));
        ConnectorRetryPolicy.RetryAfter(date, now).ShouldBe(TimeSpan.FromSeconds(30));
        ConnectorRetryPolicy.RetryAfter(none, now).ShouldBeNull();
    }

    [Theory]
    [InlineData(1, 0.0, 0.8)]
    [InlineData(1, 1.0, 1.2)]
    [InlineData(2, 0.5, 2.0)]
    [InlineData(3, 0.5, 4.0)]
    [InlineData(10, 1.0, 24.0)]
    public void Backoff_IsExponentialWithJitter_AndBounded(int attempt, double jitter, double seconds) =>
        ConnectorRetryPolicy.Backoff(attempt, jitter).TotalSeconds.ShouldBe(seconds, 0.001);

    [Theory]
    [InlineData(403, true, "SendFailedPermanently")]
    [InlineData(404, true, "SendFailedPermanently")]
    [InlineData(413, false, "SendFailedPermanently")]
    [InlineData(400, false, "SendFailedPermanently")]
    [InlineData(429, false, "SendRetryLater")]
    [InlineData(500, false, "SendRetryLater")]
    [InlineData(503, false, "SendRetryLater")]
    public void Classify_MapsConnectorFailuresToDeliveryOutcomes(int status, bool channelLost, string outcome)
    {
        var result = TeamsSender.Classify(new ConnectorException(status, null, null, "x"));

        result.GetType().Name.ShouldBe(outcome);
        if (result is SendFailedPermanently failed) failed.ChannelLost.ShouldBe(channelLost);
    }
}
