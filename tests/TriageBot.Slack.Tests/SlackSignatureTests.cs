using System.Text;
using TriageBot.Slack.Signing;

namespace TriageBot.Slack.Tests;

public class SlackSignatureTests
{
    private const string Secret = "8f742231b10e8888abcd99yyyzzz85a5";
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
    private static readonly string Ts = Now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("token=x&team_id=T1&command=%2Ftriage&text=show+TRI-42");

    private static SignatureOutcome Check(string? signature, string? timestamp, byte[]? body = null, string? secret = Secret, DateTimeOffset? now = null) =>
        SlackSignature.Verify(signature, timestamp, body ?? Body, secret, now ?? Now);

    [Fact]
    public void Verify_MatchesSlacksPublishedExample()
    {
        // The worked example from Slack's "Verifying requests from Slack" page.
        var body = Encoding.UTF8.GetBytes("token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c");
        var now = DateTimeOffset.FromUnixTimeSeconds(1531420618);
        SlackSignature.Verify("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", "1531420618", body, Secret, now)
            .ShouldBe(SignatureOutcome.Valid);
    }

    [Fact]
    public void Verify_GoodSignature_IsValid() => Check(SlackSignature.Sign(Secret, Ts, Body), Ts).ShouldBe(SignatureOutcome.Valid);

    [Fact]
    public void Verify_EmptyBodySignedCorrectly_IsValid() => Check(SlackSignature.Sign(Secret, Ts, []), Ts, []).ShouldBe(SignatureOutcome.Valid);

    [Fact]
    public void Verify_TamperedBody_IsMismatch()
    {
        var tampered = Encoding.UTF8.GetBytes("token=x&team_id=T1&command=%2Ftriage&text=show+TRI-43");
        Check(SlackSignature.Sign(Secret, Ts, Body), Ts, tampered).ShouldBe(SignatureOutcome.Mismatch);
    }

    [Fact]
    public void Verify_EmptyBodyWhenAnotherWasSigned_IsMismatch() => Check(SlackSignature.Sign(Secret, Ts, Body), Ts, []).ShouldBe(SignatureOutcome.Mismatch);

    [Fact]
    public void Verify_SignedWithAnotherSecret_IsMismatch() => Check(SlackSignature.Sign("another-secret", Ts, Body), Ts).ShouldBe(SignatureOutcome.Mismatch);

    [Fact]
    public void Verify_SignatureOfAnotherTimestamp_IsMismatch()
    {
        var other = (Now.ToUnixTimeSeconds() - 10).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Check(SlackSignature.Sign(Secret, other, Body), Ts).ShouldBe(SignatureOutcome.Mismatch);
    }

    [Theory]
    [InlineData(-301, SignatureOutcome.Stale)]
    [InlineData(-3600, SignatureOutcome.Stale)]
    [InlineData(-300, SignatureOutcome.Valid)]
    [InlineData(0, SignatureOutcome.Valid)]
    [InlineData(300, SignatureOutcome.Valid)]
    [InlineData(301, SignatureOutcome.FromTheFuture)]
    [InlineData(86400, SignatureOutcome.FromTheFuture)]
    public void Verify_TimestampWindow_IsFiveMinutesBothWays(int offsetSeconds, SignatureOutcome expected)
    {
        var ts = (Now.ToUnixTimeSeconds() + offsetSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Check(SlackSignature.Sign(Secret, ts, Body), ts).ShouldBe(expected);
    }

    [Theory]
    [InlineData(null, SignatureOutcome.MissingTimestamp)]
    [InlineData("", SignatureOutcome.MissingTimestamp)]
    [InlineData("   ", SignatureOutcome.MissingTimestamp)]
    [InlineData("abc", SignatureOutcome.MalformedTimestamp)]
    [InlineData("17646.5", SignatureOutcome.MalformedTimestamp)]
    [InlineData("-1764151200", SignatureOutcome.MalformedTimestamp)]
    [InlineData("+1764151200", SignatureOutcome.MalformedTimestamp)]
    [InlineData(" 1764151200", SignatureOutcome.MalformedTimestamp)]
    [InlineData("99999999999999999999", SignatureOutcome.MalformedTimestamp)]
    public void Verify_MissingOrNonNumericTimestamp_IsRefused(string? timestamp, SignatureOutcome expected) =>
        Check(SlackSignature.Sign(Secret, Ts, Body), timestamp).ShouldBe(expected);

    [Theory]
    [InlineData(null, SignatureOutcome.MissingSignature)]
    [InlineData("", SignatureOutcome.MissingSignature)]
    [InlineData("a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", SignatureOutcome.WrongVersion)]
    [InlineData("v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", SignatureOutcome.WrongVersion)]
    [InlineData("V0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", SignatureOutcome.WrongVersion)]
    [InlineData("v0=", SignatureOutcome.MalformedSignature)]
    [InlineData("v0=zz114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", SignatureOutcome.MalformedSignature)]
    [InlineData("v0=a2114d57", SignatureOutcome.MalformedSignature)]
    public void Verify_MissingOrMalformedSignature_IsRefused(string? signature, SignatureOutcome expected) =>
        Check(signature, Ts).ShouldBe(expected);

    [Fact]
    public void Verify_UpperCaseHexOfTheRightSignature_IsAccepted()
    {
        // Hex case carries no meaning; the bytes are compared, in constant time.
        var signature = SlackSignature.Sign(Secret, Ts, Body);
        Check("v0=" + signature[3..].ToUpperInvariant(), Ts).ShouldBe(SignatureOutcome.Valid);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Verify_WithNoSecretConfigured_FailsClosed(string? secret) =>
        Check(SlackSignature.Sign(Secret, Ts, Body), Ts, secret: secret).ShouldBe(SignatureOutcome.NoSecretConfigured);

    [Fact]
    public void Describe_NeverContainsTheSignatureOrSecret()
    {
        foreach (var outcome in Enum.GetValues<SignatureOutcome>())
        {
            var text = SlackSignature.Describe(outcome);
            text.ShouldNotBeNullOrWhiteSpace();
            text.ShouldNotContain(Secret);
        }
    }
}
