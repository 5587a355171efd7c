using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Rubric;

namespace TriageBot.Dashboard;

/// <summary>Writes a backlog as CSV, streamed item by item. Cells that a spreadsheet would run as a formula are defused.</summary>
internal static class CsvExport
{
    public static readonly string[] Header =
    [
        "key", "title", "stream", "state", "column", "impact", "confidence", "rollback", "delay", "total", "placement",
        "reporter", "owner", "created", "state_since", "last_scored",
    ];

    public static async Task WriteAsync(ITriageStore store, Backlog backlog, Stream output, CancellationToken ct)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 16 * 1024, leaveOpen: true);
        // CsvHelper's own injection handling is off: Safe() below defuses cells so the rule is in one visible place.
        await using var csv = new CsvWriter(writer, new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\r\n" });
        foreach (var h in Header)
        {
            csv.WriteField(h);
        }

        await csv.NextRecordAsync();
        await foreach (var item in store.Items.QueryAsync(new ItemQuery(backlog.Id), ct))
        {
            foreach (var field in Row(item))
            {
                csv.WriteField(Safe(field));
            }

            await csv.NextRecordAsync();
        }

        await csv.FlushAsync();
    }

    public static IEnumerable<string> Row(Item item)
    {
        var s = item.Score;
        yield return item.Key;
        yield return item.Title;
        yield return item.Stream.ToString().ToLowerInvariant();
        yield return item.State.ToString().ToLowerInvariant();
        yield return item.Feature is { } f ? f.Column.ToString().ToLowerInvariant() : "";
        foreach (var d in RubricRules.Dimensions)
        {
            yield return s is null ? "" : s.Scores[d].ToString(CultureInfo.InvariantCulture);
        }

        yield return s?.Total.ToString(CultureInfo.InvariantCulture) ?? "";
        yield return item.HeldPlacement is { } held ? held.ToString().ToLowerInvariant() + " (held)" : s?.Placement.ToString().ToLowerInvariant() ?? "";
        yield return item.Reporter.DisplayName;
        yield return item.Owner?.DisplayName ?? "";
        yield return Iso(item.CreatedAt);
        yield return Iso(item.StateSince);
        yield return s is null ? "" : Iso(s.At);
    }

    /// <summary>
    /// OWASP's CSV-injection guard: a cell starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or carriage return
    /// is prefixed with a single quote, so spreadsheets show it as text instead of running it.
    /// </summary>
    public static string Safe(string value) =>
        value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;

    private static string Iso(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
