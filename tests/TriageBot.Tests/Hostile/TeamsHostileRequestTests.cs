using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Hostile;

/// <summary>The Teams host shared by the rows of the hostile table.</summary>
public sealed class TeamsHostileFixture(LocalOpenIdIssuer issuer) : IAsyncLifetime
{
    public TeamsHostileHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Host = await TeamsHostileHost.StartAsync(issuer);

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}

/// <summary>
/// Bad requests of every kind to <c>/api/messages</c> of the real host: forged, expired, unendorsed and mis-addressed
/// tokens, oversized and malformed bodies, forged tenants. Each is refused with 400, 401, 403, 413 or 415, never a 500,
/// and leaves the store and the fake Connector exactly as they were. <see cref="TeamsHostileControlTests"/> proves the
/// base activity does change the store when sent correctly.
/// </summary>
public sealed class TeamsHostileRequestTests(TeamsHostileFixture fixture) : IClassFixture<TeamsHostileFixture>
{
    private static readonly HashSet<HttpStatusCode> Refusals =
        [HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.UnsupportedMediaType];

    private static readonly RSA ForeignKey = RSA.Create(2048);

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    private static byte[] Help(TeamsHostileHost h) => Utf8(h.Message("help").ToJsonString());

    private static HttpRequestMessage WithToken(TeamsHostileHost h, string token) => TeamsHostileHost.Request(Help(h), "Bearer " + token);

    private static HttpRequestMessage Body(TeamsHostileHost h, byte[] body, string? contentType = "application/json") =>
        TeamsHostileHost.Request(body, "Bearer " + h.Token(), contentType);

    private static JsonObject AsFacilitator(JsonObject activity, string channelId)
    {
        activity["channelId"] = channelId;
        activity["from"] = new JsonObject { ["id"] = "29:1the-facilitator", ["name"] = "Facilitator" };
        return activity;
    }

    private static HttpRequestMessage Activity(TeamsHostileHost h, Action<JsonObject> change)
    {
        var activity = h.Message("help");
        change(activity);
        return h.Request(activity);
    }

    /// <summary>A token with valid claims signed by a key the bot never published, under the kid of a real one.</summary>
    private static string ForeignKeyToken(TeamsHostileHost h)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "https://api.botframework.com",
            Audience = TeamsHostileHost.AppId,
            NotBefore = now.AddMinutes(-1),
            IssuedAt = now.AddMinutes(-1),
            Expires = now.AddMinutes(30),
            Claims = new Dictionary<string, object> { ["serviceurl"] = h.ServiceUrl },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(ForeignKey) { KeyId = LocalOpenIdIssuer.TeamsKid }, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>A real token whose payload was edited after signing (the signature no longer matches).</summary>
    private static string Tampered(string token, Func<JsonObject, JsonObject> change)
    {
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        return parts[0] + "." + Base64UrlEncoder.Encode(change(payload).ToJsonString()) + "." + parts[2];
    }

    private static string FlipLastSignatureChar(string token) => token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];

    internal static readonly Dictionary<string, Func<TeamsHostileHost, HttpRequestMessage>> Cases = new()
    {
        // --- the Authorization header ---
        ["no Authorization header"] = h => TeamsHostileHost.Request(Help(h), null),
        ["Basic scheme"] = h => TeamsHostileHost.Request(Help(h), "Basic " + Convert.ToBase64String(Utf8("app:secret"))),
        ["Bearer with nothing after it"] = h => TeamsHostileHost.Request(Help(h), "Bearer "),
        ["Bearer that is not a JWT"] = h => TeamsHostileHost.Request(Help(h), "Bearer not.a.jwt-at-all"),
        ["valid token under another scheme"] = h => TeamsHostileHost.Request(Help(h), "Token " + h.Token()),

        // --- the token's claims and signature ---
        ["issuer is not Bot Framework"] = h => WithToken(h, h.Token(s => s with { Issuer = "https://sts.windows.net/evil/" })),
        ["audience is another app"] = h => WithToken(h, h.Token(s => s with { Audience = Guid.NewGuid().ToString() })),
        ["audience is the Bot Framework itself"] = h => WithToken(h, h.Token(s => s with { Audience = "https://api.botframework.com" })),
        ["signed by a key that is not published"] = h => WithToken(h, h.Token(s => s with { Kid = LocalOpenIdIssuer.UnpublishedKid })),
        ["signed by a foreign key under a published kid"] = h => WithToken(h, ForeignKeyToken(h)),
        ["algorithm none"] = h => WithToken(h, LocalOpenIdIssuer.MintUnsigned(h.Spec())),
        ["algorithm HS256 with a made-up key"] = h => WithToken(h, h.Token(s => s with { Algorithm = SecurityAlgorithms.HmacSha256 })),
        ["algorithm PS256"] = h => WithToken(h, h.Token(s => s with { Algorithm = SecurityAlgorithms.RsaSsaPssSha256 })),
        ["expired ten minutes ago"] = h => WithToken(h, h.Token(s => s with { NotBefore = DateTimeOffset.UtcNow.AddHours(-1), Expires = DateTimeOffset.UtcNow.AddMinutes(-10) })),
        ["not valid for another ten minutes"] = h => WithToken(h, h.Token(s => s with { NotBefore = DateTimeOffset.UtcNow.AddMinutes(10), Expires = DateTimeOffset.UtcNow.AddMinutes(40) })),
        ["signature tampered"] = h => WithToken(h, FlipLastSignatureChar(h.Token())),
        ["audience changed after signing"] = h => WithToken(h, Tampered(h.Token(), p => { p["aud"] = Guid.NewGuid().ToString(); return p; })),
        ["expiry extended after signing"] = h => WithToken(h, Tampered(h.Token(), p => { p["exp"] = DateTimeOffset.UtcNow.AddYears(1).ToUnixTimeSeconds(); return p; })),
        ["key endorsed for no channel"] = h => WithToken(h, h.Token(s => s with { Kid = LocalOpenIdIssuer.BareKid })),
        ["key endorsed for webchat only"] = h => WithToken(h, h.Token(s => s with { Kid = LocalOpenIdIssuer.WebChatKid })),
        ["activity from a channel the key is not endorsed for"] = h => Activity(h, a => a["channelId"] = "slack"),
        // --- identity only from Teams (issue 14) ---
        ["webchat activity signed by a webchat key, as the facilitator"] = h => TeamsHostileHost.Request(
            Utf8(AsFacilitator(h.Message("setup"), "webchat").ToJsonString()), "Bearer " + h.Token(s => s with { Kid = LocalOpenIdIssuer.WebChatKid })),
        ["webchat activity signed by a key endorsed for Teams and webchat"] = h => TeamsHostileHost.Request(
            Utf8(AsFacilitator(h.Message("setup"), "webchat").ToJsonString()), "Bearer " + h.Token()),
        ["directline activity"] = h => Activity(h, a => AsFacilitator(a, "directline")),
        ["emulator activity without the development option"] = h => Activity(h, a => AsFacilitator(a, "emulator")),
        ["activity from another tenant"] = h => Activity(h, a =>
        {
            a["conversation"]!["tenantId"] = "0badc0de-0000-4000-8000-000000000bad";
            a["channelData"]!["tenant"]!["id"] = "0badc0de-0000-4000-8000-000000000bad";
        }),
        ["no serviceurl claim"] = h => WithToken(h, h.Token(s => s with { ServiceUrl = null })),
        ["serviceurl claim for another host"] = h => WithToken(h, h.Token(s => s with { ServiceUrl = "https://evil.example/teams/" })),
        ["activity serviceUrl differs from the claim"] = h => Activity(h, a => a["serviceUrl"] = "https://evil.example/teams/"),

        // --- the body ---
        ["oversized body with Content-Length"] = h => Activity(h, a => a["text"] = new string('x', 300 * 1024)),
        ["oversized body without Content-Length (chunked)"] = h =>
        {
            var activity = h.Message(new string('x', 300 * 1024));
            var request = h.Request(activity);
            request.Content = new ChunkedContent(Utf8(activity.ToJsonString()), "application/json");
            return request;
        },
        ["text/plain content type"] = h => Body(h, Help(h), "text/plain"),
        ["form content type"] = h => Body(h, Help(h), "application/x-www-form-urlencoded"),
        ["no content type"] = h => Body(h, Help(h), null),
        ["malformed JSON"] = h => Body(h, Utf8("{\"type\":\"message\",\"text\":")),
        ["a JSON array"] = h => Body(h, Utf8("[]")),
        ["JSON null"] = h => Body(h, Utf8("null")),
        ["body that is not UTF-8"] = h => Body(h, [.. Utf8("{\"type\":\"message\",\"text\":\""), 0xC3, 0x28, 0xFF, .. Utf8("\"}")]),
        ["nested 5,000 deep"] = h => Body(h, Utf8(string.Concat(Enumerable.Repeat("{\"a\":", 5000)) + "1" + new string('}', 5000))),
        ["from is a string"] = h => Activity(h, a => a["from"] = "29:1ada-Lovelace"),
        ["type is a number"] = h => Activity(h, a => a["type"] = 7),
        ["message without a sender"] = h => Activity(h, a => a.Remove("from")),
        ["message whose sender has no id"] = h => Activity(h, a => a["from"] = new JsonObject { ["name"] = "Nobody" }),
        ["message without a conversation"] = h => Activity(h, a => a.Remove("conversation")),
        ["message without any tenant"] = h => Activity(h, a => { a["conversation"]!.AsObject().Remove("tenantId"); a.Remove("channelData"); }),
        ["forged tenant in channelData"] = h => Activity(h, a => a["channelData"]!["tenant"]!["id"] = Guid.NewGuid().ToString()),
        ["adaptiveCard/action without a value"] = h => h.Request(h.Invoke("adaptiveCard/action", null)),
        ["adaptiveCard/action that is not Action.Execute"] = h => h.Request(h.Invoke("adaptiveCard/action", new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Submit", ["verb"] = "vote", ["data"] = new JsonObject() },
        })),
        ["adaptiveCard/action without a verb"] = h => h.Request(h.Invoke("adaptiveCard/action", new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["data"] = new JsonObject() },
        })),
        ["adaptiveCard/action whose value is a string"] = h => h.Request(h.Invoke("adaptiveCard/action", "Action.Execute")),
    };

    public static TheoryData<string> Names => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task BadRequest_IsRefused_AndChangesNothing(string name)
    {
        var h = fixture.Host;
        var before = await StoreCensus.TakeAsync(h.Services);
        var callsBefore = h.Connector.Calls.Count;

        using var request = Cases[name](h);
        using var response = await h.Client.SendAsync(request);

        Refusals.ShouldContain(response.StatusCode, $"{name}: answered {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        (await StoreCensus.TakeAsync(h.Services)).ShouldBe(before, name);
        h.Connector.Calls.Count.ShouldBe(callsBefore, name);
    }

    [Fact]
    public void TheTable_HasAtLeastThirtyDistinctClasses() => Cases.Count.ShouldBeGreaterThanOrEqualTo(30);
}

/// <summary>The control of the Teams hostile table: the base activity, sent correctly, is answered and changes the store.</summary>
public sealed class TeamsHostileControlTests(LocalOpenIdIssuer issuer)
{
    [Fact]
    public async Task TheBaseActivity_WithAValidToken_ChangesTheStore()
    {
        await using var h = await TeamsHostileHost.StartAsync(issuer);
        var before = await StoreCensus.TakeAsync(h.Services);

        using var response = await h.Client.SendAsync(h.Request(h.Message("help")));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await StoreCensus.TakeAsync(h.Services)).ShouldNotBe(before);
    }
}
