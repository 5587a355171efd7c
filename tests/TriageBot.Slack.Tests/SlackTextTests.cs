using TriageBot.Slack.Blocks;

namespace TriageBot.Slack.Tests;

public class SlackTextTests
{
    [Theory]
    [InlineData("<!channel>", "&lt;!channel&gt;")]
    [InlineData("a & b", "a &amp; b")]
    [InlineData("&lt;", "&amp;lt;")]
    [InlineData("<http://evil|click>", "&lt;http://evil|click&gt;")]
    [InlineData("plain", "plain")]
    [InlineData("rtl\u202Eevil", "rtlevil")]
    public void Escape_NeutralisesMrkdwnControlCharacters(string input, string expected) => SlackText.Escape(input).ShouldBe(expected);

    [Fact]
    public void TruncateMrkdwn_NeverCutsAnEntity()
    {
        var escaped = SlackText.Escape(new string('a', 8) + "&&&&&&");
        for (var max = 9; max < escaped.Length; max++)
        {
            var cut = SlackText.TruncateMrkdwn(escaped, max);
            cut.Length.ShouldBeLessThanOrEqualTo(max);
            cut.ShouldEndWith("…");
            var body = cut[..^1];
            // Every '&' left starts a whole entity.
            for (var i = body.IndexOf('&', StringComparison.Ordinal); i >= 0; i = body.IndexOf('&', i + 1))
            {
                body[i..].ShouldStartWith("&amp;");
            }
        }
    }

    [Fact]
    public void TruncateMrkdwn_NeverCutsOurOwnLinkOpen()
    {
        var text = "see " + SlackText.Link("https://triage.example.com/d/abc", "the dashboard");
        var cut = SlackText.TruncateMrkdwn(text, 20);
        cut.ShouldBe("see …");
    }

    [Fact]
    public void TruncatePlain_DoesNotSplitASurrogatePair()
    {
        var text = new string('a', 73) + "😀😀";
        var cut = SlackText.TruncatePlain(text, 75);
        cut.Length.ShouldBeLessThanOrEqualTo(75);
        char.IsHighSurrogate(cut[^2]).ShouldBeFalse();
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("not a url")]
    [InlineData("ftp://files.example.com")]
    public void Link_ToANonHttpUrl_IsJustTheLabel(string url) => SlackText.Link(url, "label").ShouldBe("label");

    [Fact]
    public void Link_PercentEncodesCharactersThatWouldEndTheLinkEarly() =>
        SlackText.Link("https://x.example/a?b=1&c=|>", "go").ShouldBe("<https://x.example/a?b=1&amp;c=%7C%3E|go>");

    [Theory]
    [InlineData("U0123ABC", true)]
    [InlineData("W0123ABC", true)]
    [InlineData("U123|x", false)]
    [InlineData("<!channel>", false)]
    [InlineData("u0123abc", false)]
    [InlineData("C0123ABC", false)]
    public void IsSlackUserId_AcceptsOnlyRealIds(string id, bool expected) => SlackText.IsSlackUserId(id).ShouldBe(expected);
}
