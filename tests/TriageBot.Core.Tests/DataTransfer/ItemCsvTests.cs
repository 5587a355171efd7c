using TriageBot.Core.DataTransfer;
using TriageBot.Core.Items;

namespace TriageBot.Core.Tests.DataTransfer;

/// <summary>The one item CSV export (CLI <c>export</c> and the dashboard's download) and its one formula guard.</summary>
public sealed class ItemCsvTests
{
    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1", "'+1")]
    [InlineData("-1", "'-1")]
    [InlineData("@A1", "'@A1")]
    [InlineData("\tTAB", "'\tTAB")]
    [InlineData("TRI-5", "TRI-5")]
    [InlineData("", "")]
    [InlineData("a=b", "a=b")]
    public void Guard_PrefixesOnlyCellsThatStartLikeAFormula(string input, string expected) => ItemRows.Guard(input).ShouldBe(expected);

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("", "")]
    [InlineData("a, b", "\"a, b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("cr\rhere", "\"cr\rhere\"")]
    [InlineData(" padded ", "\" padded \"")]
    public void Field_QuotesOnlyWhatAReaderWouldOtherwiseSplitOrTrim(string input, string expected) => ItemCsv.Field(input).ShouldBe(expected);

    [Fact]
    public async Task WriteAsync_WritesEveryColumn_OneGuardedRowPerItem_AndCountsThem()
    {
        var hostile = TestData.Item(number: 7) with { Title = "=HYPERLINK(\"http://evil.example\",\"click\")", Description = "line one\nline two" };
        var plain = TestData.Item(WorkStream.Feature, number: 8);
        using var writer = new StringWriter();

        var count = await ItemCsv.WriteAsync(writer, Items(hostile, plain), CancellationToken.None);

        count.ShouldBe(2);
        var text = writer.ToString();
        text.ShouldStartWith(string.Join(",", ItemColumns.All) + "\r\n");
        text.ShouldContain("TRI-7,,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",\"line one\nline two\",bug,new,");
        text.ShouldContain("TRI-8,,Answers cite the wrong document,,feature,new,discovery,");
        text.ShouldEndWith("\r\n");
        text.ShouldNotContain(",=HYPERLINK");
    }

    private static async IAsyncEnumerable<Item> Items(params Item[] items)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }
}
