using System.Text;
using System.Text.Json;
using TriageBot.Cli;

namespace TriageBot.Tests.Cli;

public sealed class BackupFormatTests
{
    /// <summary>Hands out a few bytes per read, so values always straddle buffer refills.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(chunk, buffer.Length)], cancellationToken);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task ReadAsync_ValuesSplitAcrossReads_AndLargerThanTheBuffer_ComeBackWhole(int chunk)
    {
        var big = new string('x', 200_000);
        var document = $$"""
            { "format": "triagebot-backup", "version": 1, "backlog": { "id": "p", "nested": { "a": [1, 2, {"b": "c"}] } },
              "items": [ { "n": 1, "text": "{{big}}" }, { "n": 2, "text": "short \" \\ é 🚀" }, 3, "four" ],
              "empty": [], "ledger": [ { "n": 5 } ] }
            """;

        var values = new List<(string Section, string Json)>();
        await foreach (var (section, value) in BackupFormat.ReadAsync(new TrickleStream(Encoding.UTF8.GetBytes(document), chunk), TestContext.Current.CancellationToken))
        {
            values.Add((section, value.GetRawText()));
        }

        values.Select(v => v.Section).ShouldBe(["format", "version", "backlog", "items", "items", "items", "items", "ledger"]);
        values[2].Json.ShouldBe("""{ "id": "p", "nested": { "a": [1, 2, {"b": "c"}] } }""");
        JsonDocument.Parse(values[3].Json).RootElement.GetProperty("text").GetString()!.Length.ShouldBe(200_000);
        JsonDocument.Parse(values[4].Json).RootElement.GetProperty("text").GetString().ShouldBe("short \" \\ é 🚀");
        values[5].Json.ShouldBe("3");
        values[6].Json.ShouldBe("\"four\"");
        values[7].Json.ShouldBe("""{ "n": 5 }""");
    }
}
