using System.Globalization;

namespace TriageBot.Cli;

/// <summary>
/// Progress of a long step on the error stream: on a terminal a bar redrawn in place; otherwise (a log, a pipe) one
/// line per tenth of the work, so a CI log shows it is moving without a line per row.
/// </summary>
internal sealed class Progress(CliContext context, string label, long total)
{
    private const int Width = 30;
    private int _lastTenth = -1;
    private int _lastPercent = -1;

    public async Task ReportAsync(long done)
    {
        if (total <= 0)
        {
            return;
        }

        var fraction = Math.Clamp((double)done / total, 0, 1);
        var percent = (int)(fraction * 100);
        if (context.ErrorIsTerminal)
        {
            if (percent != _lastPercent)
            {
                _lastPercent = percent;
                var filled = (int)(fraction * Width);
                await context.Error.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                    $"\r{label} [{new string('#', filled)}{new string('.', Width - filled)}] {percent,3}%"));
                if (done >= total)
                {
                    await context.Error.WriteLineAsync();
                }
            }

            return;
        }

        var tenth = (int)(fraction * 10);
        if (tenth != _lastTenth && (tenth > 0 || done == 0))
        {
            _lastTenth = tenth;
            await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{label}: {tenth * 10}%"));
        }
    }
}
