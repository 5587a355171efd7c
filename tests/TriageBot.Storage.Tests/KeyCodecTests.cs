namespace TriageBot.Storage.Tests;

public class KeyCodecTests
{
    [Theory]
    [InlineData("")]
    [InlineData("U123ABC")]
    [InlineData("slack:U123")]
    [InlineData("19:abc/def#x?y@thread.tacv2")]
    [InlineData("back\\slash")]
    [InlineData("it's 'quoted' -- or 1 eq 1")]
    [InlineData("tab\tnewline\nnull\0del\u007fc1\u0085")]
    [InlineData("Grüße 日本語 🚀")]
    [InlineData("~7E already escaped? ~")]
    [InlineData("a|b")]
    public void Encode_ThenDecode_GivesTheOriginalBack(string value)
    {
        KeyCodec.Decode(KeyCodec.Encode(value)).ShouldBe(value);
    }

    [Theory]
    [InlineData("19:abc/def#x?y@thread.tacv2")]
    [InlineData("back\\slash 'q' \"dq\" a|b")]
    [InlineData("tab\tnewline\nnull\0del\u007fc1\u0085 Grüße 🚀")]
    public void Encode_NeverProducesCharactersAzureKeysForbidOrTheSeparator(string value)
    {
        var encoded = KeyCodec.Encode(value);

        encoded.ShouldNotContain('/');
        encoded.ShouldNotContain('\\');
        encoded.ShouldNotContain('#');
        encoded.ShouldNotContain('?');
        encoded.ShouldNotContain('\'');
        encoded.ShouldNotContain(KeyCodec.Separator);
        encoded.ShouldAllBe(c => c >= 0x20 && c < 0x7f);
    }

    [Fact]
    public void Encode_DistinctValues_GiveDistinctKeys()
    {
        string[] values = ["a~41", "aA", "a/", "a~2F", "A", "a"];

        values.Select(KeyCodec.Encode).Distinct().Count().ShouldBe(values.Length);
    }

    [Fact]
    public void Encode_TooLongForAnAzureKey_IsRefusedWithTheLength()
    {
        var error = Should.Throw<ArgumentException>(() => KeyCodec.Encode(new string('/', 300)));

        error.Message.ShouldContain("300 characters");
    }

    [Fact]
    public void Compose_JoinsEncodedPartsWithTheSeparator()
    {
        KeyCodec.Compose("Slack", "T1|x").ShouldBe("Slack|T1~7Cx");
    }
}
