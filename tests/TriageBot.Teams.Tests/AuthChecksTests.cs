using TriageBot.Teams.Auth;

namespace TriageBot.Teams.Tests;

public sealed class AuthChecksTests
{
    [Theory]
    [InlineData("Bearer abc.def.ghi", "abc.def.ghi")]
    [InlineData("bearer abc.def.ghi", null)]
    [InlineData("Bearer  abc", null)]
    [InlineData("Bearer", null)]
    [InlineData("Bearer ", null)]
    [InlineData("Basic dXNlcjpwYXNz", null)]
    [InlineData("Bearer a b", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void BearerToken_AcceptsOnlyExactlyBearerAndOneToken(string? header, string? expected) =>
        AuthChecks.BearerToken(header).ShouldBe(expected);

    [Theory]
    [InlineData("RS256", true)]
    [InlineData("RS384", true)]
    [InlineData("RS512", true)]
    [InlineData("none", false)]
    [InlineData("HS256", false)]
    [InlineData("ES256", false)]
    [InlineData("PS256", false)]
    [InlineData("rs256", false)]
    [InlineData(null, false)]
    public void IsAllowedAlgorithm_OnlyRsaSha2(string? alg, bool allowed) => AuthChecks.IsAllowedAlgorithm(alg).ShouldBe(allowed);

    [Theory]
    [InlineData("https://api.botframework.com", true)]
    [InlineData("https://api.botframework.com/", false)]
    [InlineData("https://API.botframework.com", false)]
    [InlineData("https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/", false)]
    [InlineData("", false)]
    public void IsAllowedIssuer_ExactMatchOnly(string issuer, bool allowed) =>
        AuthChecks.IsAllowedIssuer(issuer, ["https://api.botframework.com"]).ShouldBe(allowed);

    [Theory]
    [InlineData("6f1f2a3b-1111-4c4c-9d9d-0123456789ab", true)]
    [InlineData("6F1F2A3B-1111-4C4C-9D9D-0123456789AB", true)]
    [InlineData("https://api.botframework.com", false)]
    [InlineData("api://6f1f2a3b-1111-4c4c-9d9d-0123456789ab", false)]
    [InlineData("", false)]
    public void IsExpectedAudience_IsTheBotsAppIdOnly(string audience, bool expected) =>
        AuthChecks.IsExpectedAudience([audience], "6f1f2a3b-1111-4c4c-9d9d-0123456789ab").ShouldBe(expected);

    [Fact]
    public void IsExpectedAudience_WithoutAnAppId_RefusesEverything() =>
        AuthChecks.IsExpectedAudience(["6f1f2a3b-1111-4c4c-9d9d-0123456789ab"], null).ShouldBeFalse();

    [Theory]
    [InlineData(-60, 30, 0, true)]       // inside
    [InlineData(-60, -4, 0, true)]       // expired 4 min ago: inside the 5 min skew
    [InlineData(-60, -6, 0, false)]      // expired 6 min ago
    [InlineData(4, 60, 0, true)]         // valid from 4 min ahead: skew allows
    [InlineData(6, 60, 0, false)]        // valid from 6 min ahead
    [InlineData(null, 30, 0, true)]      // no nbf
    [InlineData(-60, null, 0, false)]    // no exp: refused
    [InlineData(30, 10, 20, false)]      // exp before nbf
    public void IsWithinLifetime_AppliesFiveMinutesOfSkew(int? nbfMinutes, int? expMinutes, int nowMinutes, bool valid)
    {
        var t0 = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
        AuthChecks.IsWithinLifetime(
            nbfMinutes is null ? null : t0.AddMinutes(nbfMinutes.Value),
            expMinutes is null ? null : t0.AddMinutes(expMinutes.Value),
            t0.AddMinutes(nowMinutes), AuthChecks.ClockSkew).ShouldBe(valid);
    }

    [Theory]
    [InlineData("msteams", "msteams", true)]
    [InlineData("msteams,webchat", "msteams", true)]
    [InlineData("webchat", "msteams", false)]
    [InlineData("", "msteams", false)]
    [InlineData(null, "msteams", false)]
    [InlineData("msteams", "", false)]
    [InlineData("msteams", null, false)]
    public void IsEndorsed_RequiresTheChannelInTheKeysEndorsements(string? endorsements, string? channel, bool endorsed)
    {
        IReadOnlyCollection<string>? set = endorsements?.Split(',', StringSplitOptions.RemoveEmptyEntries);
        AuthChecks.IsEndorsed(set, channel).ShouldBe(endorsed);
    }

    [Theory]
    [InlineData("https://smba.trafficmanager.net/amer/", "https://smba.trafficmanager.net/amer/", true)]
    [InlineData("https://smba.trafficmanager.net/amer", "https://SMBA.trafficmanager.net/amer/", true)]
    [InlineData("https://smba.trafficmanager.net/amer/", "https://smba.trafficmanager.net/emea/", false)]
    [InlineData("https://smba.trafficmanager.net/amer/", "https://evil.example.com/amer/", false)]
    [InlineData(null, "https://smba.trafficmanager.net/amer/", false)]
    [InlineData("", "https://smba.trafficmanager.net/amer/", false)]
    [InlineData("https://smba.trafficmanager.net/amer/", null, false)]
    public void ServiceUrlMatches_BindsTheTokenToTheActivity(string? claim, string? activity, bool matches) =>
        AuthChecks.ServiceUrlMatches(claim, activity).ShouldBe(matches);

    [Theory]
    [InlineData("https://smba.trafficmanager.net/amer/", true)]
    [InlineData("https://SMBA.TrafficManager.net/teams/", true)]
    [InlineData("https://europe.botframework.com/", true)]
    [InlineData("https://botframework.com.evil.example/", false)]
    [InlineData("https://evilbotframework.com/", false)]
    [InlineData("http://smba.trafficmanager.net/amer/", false)]
    [InlineData("https://smba.trafficmanager.net.evil.example/", false)]
    [InlineData("https://user@smba.trafficmanager.net/", false)]
    [InlineData("http://127.0.0.1:5000/", false)]
    public void IsAllowListedServiceUrl_HttpsOnListedHosts(string url, bool allowed) =>
        AuthChecks.IsAllowListedServiceUrl(new Uri(url), ["smba.trafficmanager.net", "*.botframework.com"]).ShouldBe(allowed);

    [Fact]
    public void IsAllowListedServiceUrl_AllowsPlainHttpOnlyForAListedLoopbackHost()
    {
        AuthChecks.IsAllowListedServiceUrl(new Uri("http://127.0.0.1:5000/teams/"), ["127.0.0.1"]).ShouldBeTrue();
        AuthChecks.IsAllowListedServiceUrl(new Uri("http://10.0.0.5:5000/teams/"), ["10.0.0.5"]).ShouldBeFalse();
    }
}
