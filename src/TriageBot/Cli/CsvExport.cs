using System.Globalization;
using TriageBot.Core.DataTransfer;
using TriageBot.Core.Ports;

namespace TriageBot.Cli;

/// <summary><c>export</c>: a backlog's items as CSV (Core's <see cref="ItemCsv"/>, the dashboard's download too), streamed page by page.</summary>
internal sealed class CsvExport(ITriageStore store, CliContext context)
{
    public async Task<int> RunAsync(string backlogId, string? outPath, CancellationToken ct)
    {
        if (await store.Backlogs.GetAsync(backlogId, ct) is null)
        {
            await context.Error.WriteLineAsync($"There is no backlog '{backlogId}' in this store. Check --backlog and the Storage settings.");
            return ExitCodes.Refused;
        }

        var target = outPath is null ? null : Cli.PathOf(context, outPath);
        var writer = target is null ? context.Out : new StreamWriter(target, append: false, new System.Text.UTF8Encoding(false));
        int count;
        try
        {
            count = await ItemCsv.WriteAsync(writer, store.Items.QueryAsync(new ItemQuery(backlogId), ct), ct);
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
