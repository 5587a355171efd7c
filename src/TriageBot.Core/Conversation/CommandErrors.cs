namespace TriageBot.Core.Conversation;

/// <summary>
/// The answer to a command with a bad argument: one line saying what was expected, the command's usage, and where the
/// whole list is. Only a command the parser does not know at all gets the full help table.
/// </summary>
public static class CommandErrors
{
    public const string HelpHint = "`help` for all commands.";

    /// <summary>The usage line of the command <paramref name="text"/> starts with, or null for a word that is no command.</summary>
    public static string? UsageOf(string? text)
    {
        var verb = text?.Trim().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.ToLowerInvariant();
        verb = verb switch
        {
            "report-item" => "new",
            "schedules" => "schedule",
            "?" => "help",
            _ => verb,
        };
        return verb is null ? null : CommandParser.Help.FirstOrDefault(h => h.Usage.Split(' ', 2)[0] == verb)?.Usage;
    }

    /// <summary>One line: the parser's message, the usage when the message does not already show it, and the help hint.</summary>
    public static string Short(string message, string usage)
    {
        var line = string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        if (!line.Contains($"`{usage}`", StringComparison.Ordinal))
        {
            line += $" Usage: `{usage}`.";
        }

        return $"{line} {HelpHint}";
    }
}
