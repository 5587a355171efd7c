using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Core.Conversation;
using TriageBot.Core.Views;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Teams.Tests;

/// <summary>
/// Issue 14, "identity only from Teams": forged activities with real tokens from the local issuer, at a real host.
/// Each refusal leaves nothing behind: no conversation call, no inbox record, no outbox message.
/// </summary>
public sealed class IdentityTests(LocalOpenIdIssuer issuer) : IAsyncLifetime
{
    private const string OtherTenant = "0badc0de-0000-4000-8000-000000000bad";
    private readonly LocalOpenIdIssuer _issuer = issuer;
    private TeamsTestHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await TeamsTestHost.StartAsync(TeamsTestHost.Settings(_issuer));
        _host.Conversation.Script = _ => new ReplyOutcome(new TextView("ok"));
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private static TokenSpec Valid => new() { Audience = TeamsTestHost.AppId, ServiceUrl = TeamsActivities.ServiceUrl };

    private static void NothingHappened(TeamsTestHost host)
    {
        host.Conversation.Received.ShouldBeEmpty();
        host.Inbox.Recorded.ShouldBeEmpty();
        host.Outbox.Enqueued.ShouldBeEmpty();
        host.Bindings.Bindings.ShouldBeEmpty();
    }

    private static JsonObject FromChannel(JsonObject activity, string channelId, string forgedFrom = "29:the-facilitator")
    {
        activity["channelId"] = channelId;
        activity["from"] = new JsonObject { ["id"] = forgedFrom, ["name"] = "Facilitator" };
        return activity;
    }

    private static JsonObject InTenant(JsonObject activity, string? tenant)
    {
        activity["conversation"]!["tenantId"] = tenant;
        activity["channelData"]!["tenant"] = tenant is null ? null : new JsonObject { ["id"] = tenant };
        return activity;
    }

    // ---- channel ----

    [Theory]
    [InlineData("webchat", LocalOpenIdIssuer.WebChatKid)]
    [InlineData("webchat", LocalOpenIdIssuer.TeamsKid)]
    [InlineData("directline", LocalOpenIdIssuer.TeamsKid)]
    [InlineData("emulator", LocalOpenIdIssuer.TeamsKid)]
    [InlineData("MsTeams", LocalOpenIdIssuer.TeamsKid)]
    public async Task AnActivityFromAnotherChannel_WithAForgedSender_IsRefused403_AndNothingIsStored(string channelId, string kid)
    {
        // A key endorsed for webchat signs activities whose from.id anyone typed: today's "setup as the facilitator".
        if (kid == LocalOpenIdIssuer.WebChatKid)
        {
            var validator = _host.Services.GetRequiredService<Auth.ChannelTokenValidator>();
            var check = await validator.ValidateAsync("Bearer " + _issuer.Mint(Valid with { Kid = kid }), CancellationToken.None);
            Auth.ChannelTokenValidator.CheckActivity(check.Token!, channelId, TeamsActivities.ServiceUrl).ShouldBeNull("the webchat key is endorsed for webchat");
        }
        var activity = FromChannel(TeamsActivities.Message("<at>TriageBot</at> setup"), channelId);

        var response = await _host.PostAsync(activity, _issuer.Mint(Valid with { Kid = kid }));

        response.StatusCode.ShouldBeOneOf(HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized);
        if (kid == LocalOpenIdIssuer.WebChatKid || channelId == "webchat") response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        NothingHappened(_host);
    }

    [Fact]
    public async Task AnEmulatorActivity_IsAccepted_OnlyWithTheDangerousDevelopmentOption_AndTheHostWarnsAtStart()
    {
        var logs = new CapturingLogs();
        await using var dev = await TeamsTestHost.StartAsync(TeamsTestHost.Settings(_issuer, ("Teams:DangerouslyAcceptEmulator", "true")),
            services => services.AddSingleton<ILoggerProvider>(logs));
        dev.Conversation.Script = _ => new ReplyOutcome(new TextView("ok"));
        const string local = "http://127.0.0.1:3978/";
        var emulator = FromChannel(TeamsActivities.Message("help", serviceUrl: local), "emulator", "29:dev");

        // The Emulator's keys carry no endorsements.
        var accepted = await dev.PostAsync(emulator, _issuer.Mint(Valid with { Kid = LocalOpenIdIssuer.BareKid, ServiceUrl = local }));
        var offInTheDefaultHost = await _host.PostAsync(emulator.DeepClone().AsObject(), _issuer.Mint(Valid with { Kid = LocalOpenIdIssuer.BareKid, ServiceUrl = local }));

        accepted.StatusCode.ShouldBe(HttpStatusCode.OK);
        dev.Conversation.Received.ShouldHaveSingleItem().Actor.UserId.ShouldBe("29:dev");
        logs.Warnings.ShouldContain(w => w.Contains("Teams:DangerouslyAcceptEmulator is on", StringComparison.Ordinal));
        offInTheDefaultHost.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        NothingHappened(_host);
    }

    [Theory]
    [InlineData("emulator", "https://smba.trafficmanager.net/amer/")]
    [InlineData("webchat", "http://127.0.0.1:3978/")]
    [InlineData("msteams", "http://127.0.0.1:3978/")]
    public async Task WithTheEmulatorOptionOn_OnlyLoopbackEmulatorActivities_SkipTheEndorsement(string channelId, string serviceUrl)
    {
        await using var dev = await TeamsTestHost.StartAsync(TeamsTestHost.Settings(_issuer, ("Teams:DangerouslyAcceptEmulator", "true")));
        var activity = FromChannel(TeamsActivities.Message("help", serviceUrl: serviceUrl), channelId);

        var response = await dev.PostAsync(activity, _issuer.Mint(Valid with { Kid = LocalOpenIdIssuer.BareKid, ServiceUrl = serviceUrl }));

        response.StatusCode.ShouldBeOneOf(HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden);
        NothingHappened(dev);
    }

    // ---- tenant ----

    [Theory]
    [InlineData(OtherTenant)]
    [InlineData(null)]
    public async Task AnActivityFromAnotherTenant_IsRefused403_AndNothingIsStored(string? tenant)
    {
        var activity = InTenant(TeamsActivities.Message("<at>TriageBot</at> setup"), tenant);

        var response = await _host.PostAsync(activity, _issuer.Mint(Valid));

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        NothingHappened(_host);
    }

    [Fact]
    public async Task ASingleTenantBot_AcceptsItsOwnTenant_WhateverTheCase()
    {
        var activity = InTenant(TeamsActivities.Message("help"), TeamsTestHost.TenantId.ToUpperInvariant());

        var response = await _host.PostAsync(activity, _issuer.Mint(Valid));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        _host.Conversation.Received.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task AMultiTenantBot_AcceptsOnlyTheListedTenants()
    {
        const string customer = "11111111-2222-4333-8444-555555555555";
        await using var multi = await TeamsTestHost.StartAsync(TeamsTestHost.Settings(_issuer,
            ("MicrosoftAppType", "MultiTenant"), ("MicrosoftAppTenantId", null), ("Teams:AllowedTenants:0", customer)));
        multi.Conversation.Script = _ => new ReplyOutcome(new TextView("ok"));

        var listed = await multi.PostAsync(InTenant(TeamsActivities.Message("help"), customer), _issuer.Mint(Valid));
        var home = await multi.PostAsync(InTenant(TeamsActivities.Message("help"), TeamsTestHost.TenantId), _issuer.Mint(Valid));
        var other = await multi.PostAsync(InTenant(TeamsActivities.Message("help"), OtherTenant), _issuer.Mint(Valid));

        listed.StatusCode.ShouldBe(HttpStatusCode.OK);
        home.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        other.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        multi.Conversation.Received.ShouldHaveSingleItem().Place.Workspace.ShouldBe(customer);
        multi.Inbox.Recorded.Count.ShouldBe(1);
    }

    // ---- inbox ----

    [Fact]
    public async Task TheSameActivityId_InTwoConversations_IsAnsweredInBoth_WhileARetryInOneIsStillADuplicate()
    {
        var inChannel = TeamsActivities.Message("<at>TriageBot</at> help", id: "1");
        var inChat = TeamsActivities.Message("help", id: "1");
        inChat["conversation"]!["id"] = "a:1chat-with-grace";
        inChat["conversation"]!["conversationType"] = "personal";

        (await _host.PostAsync(inChannel, _issuer.Mint(Valid))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _host.PostAsync(inChat, _issuer.Mint(Valid))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await _host.PostAsync(inChat.DeepClone().AsObject(), _issuer.Mint(Valid))).StatusCode.ShouldBe(HttpStatusCode.OK);

        _host.Conversation.Received.Select(i => i.Place.ChannelId).ShouldBe([TeamsActivities.ChannelId, "a:1chat-with-grace"]);
        _host.Outbox.Enqueued.Select(m => m.Target.ChannelId).ShouldBe([TeamsActivities.ChannelId, "a:1chat-with-grace"]);
        _host.Outbox.Enqueued.Select(m => m.Id).Distinct().Count().ShouldBe(2);
    }

    [Fact]
    public void TheInboxKey_IsTenantConversationAndActivityId_AndFitsAStorageKeyWhateverTheIds()
    {
        static Activities.TeamsActivity Parse(JsonObject a) => System.Text.Json.JsonSerializer.Deserialize<Activities.TeamsActivity>(a.ToJsonString(), Activities.TeamsJson.Options)!;
        var a = TeamsActivities.Message("help", id: "42");
        var upper = InTenant(TeamsActivities.Message("help", id: "42"), TeamsTestHost.TenantId.ToUpperInvariant());
        var other = InTenant(TeamsActivities.Message("help", id: "42"), OtherTenant);
        var longOne = TeamsActivities.Message("help", id: new string('9', 400));
        var piped = TeamsActivities.Message("help", id: "x|y");

        var key = Activities.ActivityTranslation.DeliveryKey(Parse(a));

        key.ShouldBe($"{TeamsTestHost.TenantId}|{TeamsActivities.ChannelId};messageid=1700000000001|42");
        Activities.ActivityTranslation.DeliveryKey(Parse(upper)).ShouldBe(key);
        Activities.ActivityTranslation.DeliveryKey(Parse(other)).ShouldNotBe(key);
        Activities.ActivityTranslation.DeliveryKey(Parse(longOne)).ShouldNotBeNull().ShouldMatch("^sha256:[0-9a-f]{64}$");
        Activities.ActivityTranslation.DeliveryKey(Parse(piped)).ShouldNotBeNull().ShouldMatch("^sha256:[0-9a-f]{64}$");
    }

    // ---- key rotation ----

    [Fact]
    public async Task ATokenSignedByANewlyPublishedKey_IsAcceptedOnItsFirstArrival()
    {
        var tag = "rotation-" + Guid.NewGuid().ToString("N");
        await using var host = await TeamsTestHost.StartAsync(TeamsTestHost.Settings(_issuer, ("Teams:OpenIdMetadataUrl", _issuer.TaggedMetadataUrl(tag))));
        host.Conversation.Script = _ => new ReplyOutcome(new TextView("ok"));
        (await host.PostAsync(TeamsActivities.Message("help"), _issuer.Mint(Valid))).StatusCode.ShouldBe(HttpStatusCode.OK);
        _issuer.MetadataRequestsFor(tag).ShouldBe(1);

        var rotated = _issuer.PublishNewKey("msteams");
        var response = await host.PostAsync(TeamsActivities.Message("help"), _issuer.Mint(Valid with { Kid = rotated }));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        host.Conversation.Received.Count.ShouldBe(2);
        _issuer.MetadataRequestsFor(tag).ShouldBe(2);
    }

    [Fact]
    public async Task UnknownKeyIds_ForceAtMostOneKeyRefreshPerThirtySeconds()
    {
        var tag = "flood-" + Guid.NewGuid().ToString("N");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await TeamsTestHost.StartAsync(TeamsTestHost.Settings(_issuer, ("Teams:OpenIdMetadataUrl", _issuer.TaggedMetadataUrl(tag))),
            services => services.AddSingleton<TimeProvider>(time));
        (await host.PostAsync(TeamsActivities.Message("help"), _issuer.Mint(Valid))).StatusCode.ShouldBe(HttpStatusCode.OK);

        for (var i = 0; i < 5; i++)
            (await host.PostAsync(TeamsActivities.Message("help"), _issuer.Mint(Valid with { Kid = _issuer.CreateUnpublishedKey() }))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var afterFlood = _issuer.MetadataRequestsFor(tag);
        time.Advance(Auth.SigningKeyStore.MinimumForcedInterval);
        var rotated = _issuer.PublishNewKey("msteams");
        var later = await host.PostAsync(TeamsActivities.Message("help"), _issuer.Mint(Valid with { Kid = rotated }));

        afterFlood.ShouldBe(2, "one fetch at the first request, one forced refresh for five unknown kids");
        later.StatusCode.ShouldBe(HttpStatusCode.OK);
        _issuer.MetadataRequestsFor(tag).ShouldBe(3);
    }

    [Fact]
    public async Task WhileTheKeysCannotBeFetched_RequestsAreRefused_WithoutAFetchEach()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // A loopback port nobody listens on: the metadata endpoint is down.
        await using var host = await TeamsTestHost.StartAsync(TeamsTestHost.Settings(_issuer, ("Teams:OpenIdMetadataUrl", "http://127.0.0.1:9/v1/.well-known/openidconfiguration")),
            services => services.AddSingleton<TimeProvider>(time));
        var keys = host.Services.GetRequiredService<Auth.SigningKeyStore>();

        for (var i = 0; i < 3; i++)
            (await host.PostAsync(TeamsActivities.Message("help"), _issuer.Mint(Valid))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var fetchesWhileDown = keys.Fetches;
        time.Advance(Auth.SigningKeyStore.MinimumForcedInterval);
        (await host.PostAsync(TeamsActivities.Message("help"), _issuer.Mint(Valid))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        fetchesWhileDown.ShouldBe(1);
        keys.Fetches.ShouldBe(2);
        NothingHappened(host);
    }

    private sealed class CapturingLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _warnings = new();
        public IReadOnlyList<string> Warnings => [.. _warnings];
        public ILogger CreateLogger(string categoryName) => new Logger(this);
        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLogs owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel)) owner._warnings.Enqueue(formatter(state, exception));
            }
        }
    }
}
