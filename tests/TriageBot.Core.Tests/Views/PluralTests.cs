using TriageBot.Core.Views;

namespace TriageBot.Core.Tests.Views;

/// <summary>Issue 19: counted nouns read cleanly — "1 item", "2 items", never "item(s)" or "1 minutes".</summary>
public sealed class PluralTests
{
    [Theory]
    [InlineData(0, "item", null, "0 items")]
    [InlineData(1, "item", null, "1 item")]
    [InlineData(2, "icebox item", null, "2 icebox items")]
    [InlineData(1, "minute", null, "1 minute")]
    [InlineData(3, "person", "people", "3 people")]
    public void Of_CountsTheNounCleanly(int count, string singular, string? plural, string expected) =>
        Plural.Of(count, singular, plural).ShouldBe(expected);
}
