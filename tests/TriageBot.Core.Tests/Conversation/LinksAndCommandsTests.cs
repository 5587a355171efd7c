using TriageBot.Core.Conversation;
using TriageBot.Core.UseCases;

namespace TriageBot.Core.Tests.Conversation;

public sealed class LinksAndCommandsTests
{
    [Theory]
    [InlineData("list", true)]
    [InlineData("show TRI-4", true)]
    [InlineData("rubric", true)]
    [InlineData("help", true)]
    [InlineData("new release is out tomorrow", false)]
    [InlineData("show me the logs please", false)]
    [InlineData("hello everyone", false)]
    [InlineData("thanks!", false)]
    [InlineData("can someone list the blockers?", false)]
    [InlineData("", false)]
    [InlineData("   ", false)]
    public void IsCommand_IsTrueOnlyForAWholeCommand_NeverForChatterThatStartsLikeOne(string text, bool expected) =>
        CommandParser.IsCommand(text).ShouldBe(expected);

    private const string Base = "https://triage.example.test";
    private const string Token = "abcdEFGH1234_-xyz";

    [Theory]
    [InlineData(Base + "/d/" + Token, Token, null)]
    [InlineData(Base + "/d/" + Token + "/", Token, null)]
    [InlineData(Base + "/d/" + Token + "/items/42", Token, 42)]
    [InlineData("HTTPS://TRIAGE.example.test/d/" + Token + "/items/7?from=chat#top", Token, 7)]
    public void Parse_ReadsTheTokenAndItemNumber_OfThisAppsLinks(string url, string token, int? number) =>
        ItemFinder.Parse(url, Base).ShouldBe((token, number));

    [Theory]
    [InlineData(Base + "/d/" + Token + "/items/0")]
    [InlineData(Base + "/d/" + Token + "/items/-1")]
    [InlineData(Base + "/d/" + Token + "/items/99999999999")]
    [InlineData(Base + "/d/" + Token + "/export.csv")]
    [InlineData(Base + "/d/" + Token + "/search?q=x")]
    [InlineData(Base + "/d/short")]
    [InlineData(Base + "/d/" + Token + "/items/1/../../../admin")]
    [InlineData(Base + "/playground")]
    [InlineData("http://triage.example.test/d/" + Token)]
    [InlineData("https://triage.example.test:8443/d/" + Token)]
    [InlineData("https://user:pw@triage.example.test/d/" + Token)]
    [InlineData("https://triage.example.test.evil.example/d/" + Token)]
    [InlineData("https://evil.example/d/" + Token)]
    [InlineData("javascript:alert(1)")]
    [InlineData("/d/" + Token)]
    [InlineData("")]
    public void Parse_RefusesEverythingElse(string url) =>
        ItemFinder.Parse(url, Base).ShouldBeNull();

    [Fact]
    public void Parse_NeedsAPublicBaseUrl_AndHonoursItsPath()
    {
        ItemFinder.Parse(Base + "/d/" + Token, null).ShouldBeNull();
        ItemFinder.Parse(Base + "/triage/d/" + Token + "/items/3", Base + "/triage/").ShouldBe((Token, 3));
        ItemFinder.Parse(Base + "/d/" + Token, Base + "/triage").ShouldBeNull();
        ItemFinder.Parse(Base + "/d/" + Token + new string('a', 3000), Base).ShouldBeNull();
    }
}
