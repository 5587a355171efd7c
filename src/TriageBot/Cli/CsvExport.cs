using System.Globalization;
using CsvHelper;
using TriageBot.Core.DataTransfer;
using TriageBot.Core.Ports;

namespace TriageBot.Cli;

/// <summary><c>export</c>: a backlog's items as CSV, streamed page by page, every cell guarded against formula injection.</summary>
internal sealed class CsvExport(ITriageStore store, CliContext context)
{
    public async Task<int> RunAsync(string backlogId, string? outPath, CancellationToken ct)
    {
        if (await store.Backlogs.GetAsync(backlogId, ct) is null)
        {
            await context.Error.WriteLineAsync($"There is no backlog '{backlogId}' in this store. Check --backlog and the Storage settings.");
            return ExitCodes.Refused;
        }

        var count = 0;
        var target = outPath is null ? null : Cli.PathOf(context, outPath);
        var writer = target is null ? context.Out : new StreamWriter(target, append: false, new System.Text.UTF8Encoding(false));
        try
        {
            await using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture, leaveOpen: target is null);
            foreach (var column in ItemColumns.All)
            {
                csv.WriteField(column);
            }

            await csv.NextRecordAsync();
            await foreach (var item in store.Items.QueryAsync(new ItemQuery(backlogId), ct))
            {
                var row = ItemRows.ToRow(item);
                foreach (var column in ItemColumns.All)
                {
                    csv.WriteField(ItemRows.Guard(row[column]));
                }

                await csv.NextRecordAsync();
                count++;
            }

            await csv.FlushAsync();
        }
        finally
        {
            if (target is not null)
            {
                await writer.DisposeAsync();
            }
        }

        if (target is not null)
        {
            await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Exported {count} items of '{backlogId}' to {target}."));
        }

        return ExitCodes.Ok;
    }
}
