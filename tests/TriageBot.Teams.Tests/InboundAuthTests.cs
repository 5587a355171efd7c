using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using TriageBot.Core.Conversation;
using TriageBot.Core.Views;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Teams.Tests;

/// <summary>Every inbound check through real HTTP, with real tokens signed by a local issuer.</summary>
public sealed class InboundAuthTests(LocalOpenIdIssuer issuer) : IAsyncLifetime
{
    private readonly LocalOpenIdIssuer _issuer = issuer;
    private TeamsTestHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _host = await TeamsTestHost.StartAsync(TeamsTestHost.Settings(_issuer));
        _host.Conversation.Script = _ => new ReplyOutcome(new TextView("ok"));
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
    }

    private TokenSpec Valid => new() { Audience = TeamsTestHost.AppId, ServiceUrl = TeamsActivities.ServiceUrl };

    [Fact]
    public async Task ValidToken_IsAccepted_AndTheConversationIsCalled()
    {
        var response = await _host.PostAsync(TeamsActivities.Message("<at>TriageBot</at> help"), _issuer.Mint(Valid));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        _host.Conversation.Received.Count.ShouldBe(1);
        _host.Outbox.Enqueued.Count.ShouldBe(1);
    }

    [Fact]
    public async Task TokenExpiredWithinTheFiveMinuteSkew_IsAccepted()
    {
        var token = _issuer.Mint(Valid with { NotBefore = DateTimeOffset.UtcNow.AddHours(-1), Expires = DateTimeOffset.UtcNow.AddMinutes(-3) });

        var response = await _host.PostAsync(TeamsActivities.Message("help"), token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        _host.Conversation.Received.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("wrong issuer")]
    [InlineData("wrong audience")]
    [InlineData("expired beyond skew")]
    [InlineData("not yet valid")]
    [InlineData("unknown kid")]
    [InlineData("key not endorsed for msteams")]
    [InlineData("key without endorsements")]
    [InlineData("wrong serviceurl claim")]
    [InlineData("missing serviceurl claim")]
    [InlineData("alg none")]
    [InlineData("HS256")]
    [InlineData("RS256 signed by another key under the teams kid")]
    [InlineData("missing header")]
    [InlineData("basic scheme")]
    [InlineData("malformed token")]
    public async Task BadToken_IsRefusedWith401_AndNothingIsCalledOrStored(string problem)
    {
        var now = DateTimeOffset.UtcNow;
        var activity = TeamsActivities.Message("<at>TriageBot</at> new bug");
        var scheme = "Bearer";
        string? token = problem switch
        {
            "wrong issuer" => _issuer.Mint(Valid with { Issuer = "https://sts.windows.net/evil/" }),
            "wrong audience" => _issuer.Mint(Valid with { Audience = "00000000-0000-0000-0000-000000000000" }),
            "expired beyond skew" => _issuer.Mint(Valid with { NotBefore = now.AddHours(-1), Expires = now.AddMinutes(-6) }),
            "not yet valid" => _issuer.Mint(Valid with { NotBefore = now.AddMinutes(10), Expires = now.AddMinutes(40) }),
            "unknown kid" => _issuer.Mint(Valid with { Kid = LocalOpenIdIssuer.UnpublishedKid }),
            "key not endorsed for msteams" => _issuer.Mint(Valid with { Kid = LocalOpenIdIssuer.WebChatKid }),
            "key without endorsements" => _issuer.Mint(Valid with { Kid = LocalOpenIdIssuer.BareKid }),
            "wrong serviceurl claim" => _issuer.Mint(Valid with { ServiceUrl = "https://smba.trafficmanager.net/emea/" }),
            "missing serviceurl claim" => _issuer.Mint(Valid with { ServiceUrl = null }),
            "alg none" => LocalOpenIdIssuer.MintUnsigned(Valid),
            "HS256" => _issuer.Mint(Valid with { Algorithm = SecurityAlgorithms.HmacSha256 }),
            "RS256 signed by another key under the teams kid" => Resign(_issuer.Mint(Valid with { Kid = LocalOpenIdIssuer.BareKid })),
            "missing header" => null,
            "basic scheme" => Convert.ToBase64String(Encoding.UTF8.GetBytes("user:pass")),
            "malformed token" => "not.a.jwt",
            _ => throw new ArgumentOutOfRangeException(nameof(problem), problem, "Unknown case."),
        };
        if (problem == "basic scheme") scheme = "Basic";

        var response = await _host.PostAsync(activity, token, scheme);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        _host.Conversation.Received.ShouldBeEmpty();
        _host.Inbox.Recorded.ShouldBeEmpty();
        _host.Outbox.Enqueued.ShouldBeEmpty();
    }

    /// <summary>Swaps the header's kid to the endorsed key while keeping the other key's signature.</summary>
    private static string Resign(string token)
    {
        var parts = token.Split('.');
        var header = JsonNode.Parse(Base64UrlEncoder.Decode(parts[0]))!.AsObject();
        header["kid"] = LocalOpenIdIssuer.TeamsKid;
        return Base64UrlEncoder.Encode(header.ToJsonString()) + "." + parts[1] + "." + parts[2];
    }

    [Fact]
    public async Task MissingConfiguration_RefusesEveryRequest()
    {
        await using var unconfigured = await TeamsTestHost.StartAsync(new Dictionary<string, string?> { ["Teams:OpenIdMetadataUrl"] = _issuer.MetadataUrl });

        var response = await unconfigured.PostAsync(TeamsActivities.Message("help"), _issuer.Mint(Valid));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        unconfigured.Conversation.Received.ShouldBeEmpty();
        unconfigured.Inbox.Recorded.ShouldBeEmpty();
    }

    [Fact]
    public async Task DisabledChannel_RefusesEveryRequest()
    {
        await using var disabled = await TeamsTestHost.StartAsync(TeamsTestHost.Settings(_issuer, ("Teams:Enabled", "false")));

        var response = await disabled.PostAsync(TeamsActivities.Message("help"), _issuer.Mint(Valid));

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        disabled.Conversation.Received.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(LocalOpenIdIssuer.WebChatKid, "https://smba.trafficmanager.net/amer/", "not endorsed")]
    [InlineData(LocalOpenIdIssuer.BareKid, "https://smba.trafficmanager.net/amer/", "not endorsed")]
    [InlineData(LocalOpenIdIssuer.TeamsKid, "https://smba.trafficmanager.net/emea/", "serviceurl")]
    public async Task ActivityChecks_RefuseAValidlySignedToken_ForTheRightReason(string kid, string claim, string reason)
    {
        var validator = (Auth.ChannelTokenValidator)_host.Services.GetService(typeof(Auth.ChannelTokenValidator))!;

        var check = await validator.ValidateAsync("Bearer " + _issuer.Mint(Valid with { Kid = kid, ServiceUrl = claim }), CancellationToken.None);

        check.Succeeded.ShouldBeTrue(check.Failure);
        Auth.ChannelTokenValidator.CheckActivity(check.Token!, "msteams", TeamsActivities.ServiceUrl).ShouldNotBeNull().ShouldContain(reason);
    }

    [Fact]
    public async Task OversizedBody_IsRefusedWith413_WithoutParsingOrCalling()
    {
        var activity = TeamsActivities.Message("help " + new string('x', 300 * 1024));

        var response = await _host.PostAsync(activity, _issuer.Mint(Valid));

        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        _host.Conversation.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task OversizedBody_WithoutAValidToken_Is401NotA413()
    {
        var response = await _host.PostAsync(TeamsActivities.Message("help " + new string('x', 300 * 1024)), token: null);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task SigningKeys_AreCached_NotFetchedPerRequest()
    {
        for (var i = 0; i < 3; i++)
            (await _host.PostAsync(TeamsActivities.Message("help"), _issuer.Mint(Valid))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var before = _issuer.MetadataRequests;
        for (var i = 0; i < 3; i++)
            (await _host.PostAsync(TeamsActivities.Message("help"), _issuer.Mint(Valid))).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The issuer is shared with other hosts whose key refreshes may land meanwhile; per-request fetching would add 3 or more.
        (_issuer.MetadataRequests - before).ShouldBeLessThan(2);
    }
}
