using System.Text;
using TriageBot.Core.Items;

namespace TriageBot.Core.DataTransfer;

/// <summary>
/// The one CSV export of items (SPEC §11), used by the CLI's <c>export</c> and the dashboard's download: every column
/// of <see cref="ItemColumns.All"/>, one row per item, streamed, each cell passed through the one formula guard
/// (<see cref="ItemRows.Guard"/>) and quoted as RFC 4180 says. What it writes, <c>import</c> reads back unchanged.
/// </summary>
public static class ItemCsv
{
    /// <summary>Rows end with CRLF (RFC 4180).</summary>
    public const string NewLine = "\r\n";

    /// <summary>Writes the header and one row per item; returns how many items were written.</summary>
    public static async Task<int> WriteAsync(TextWriter writer, IAsyncEnumerable<Item> items, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(items);
        await writer.WriteAsync(Line(ItemColumns.All).AsMemory(), ct);
        var count = 0;
        await foreach (var item in items.WithCancellation(ct))
        {
            var row = ItemRows.ToRow(item);
            await writer.WriteAsync(Line(ItemColumns.All.Select(c => ItemRows.Guard(row[c]))).AsMemory(), ct);
            count++;
        }

        await writer.FlushAsync(ct);
        return count;
    }

    /// <summary>One CSV line (with its line break) of already guarded cells.</summary>
    public static string Line(IEnumerable<string> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var sb = new StringBuilder();
        foreach (var cell in cells)
        {
            if (sb.Length > 0)
            {
                sb.Append(',');
            }

            sb.Append(Field(cell));
        }

        return sb.Append(NewLine).ToString();
    }

    /// <summary>
    /// A cell as CSV: wrapped in double quotes (inner quotes doubled) when it holds a comma, a quote or a line break, or
    /// starts or ends with white space that a reader could trim; as it is otherwise.
    /// </summary>
    public static string Field(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var quote = value.Length > 0
            && (value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]));
        return quote ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
