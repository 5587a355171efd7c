using System.Globalization;
using System.Text.RegularExpressions;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;

namespace TriageBot.Core.Conversation;

/// <summary><c>limits</c>: show the WIP limits (<see cref="Stream"/> null) or set one stream's (facilitators). <see cref="Value"/> null means "from the engineers' count".</summary>
public sealed record LimitsCommand(WorkStream? Stream = null, int? Value = null) : Command { public override string Name => "limits"; }

/// <summary><c>allocation</c>: show the planned shares (<see cref="Shares"/> null) or set them from a month on (facilitators). <see cref="From"/> null means this month.</summary>
public sealed record AllocationCommand(PlannedShares? Shares = null, AllocationMonth? From = null) : Command { public override string Name => "allocation"; }

/// <summary>The month a plan starts: next month, or a given one.</summary>
public sealed record AllocationMonth(bool Next, int Year = 0, int Month = 0);

/// <summary>Parses the WIP and allocation commands, and <c>start … override &lt;reason&gt;</c>.</summary>
public static partial class LimitCommandParser
{
    public const string StartUsage = "start TRI-42 [for @person] [override <reason>]";
    public const string LimitsUsage = "limits [model|feature|bug|incident <n>|auto]";
    public const string AllocationUsage = "allocation [model <n> bug <n> feature <n> [from next|yyyy-mm]]";

    public static (Command? Command, CommandError? Error) Start(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || CommandParser.ParseItemNumber(args[0]) is null)
        {
            return Fail($"Expected `{StartUsage}` with one item key.");
        }

        // "for @person": the person the work is started for becomes its owner (a facilitator's override for an engineer).
        var rest = args.Skip(1).ToList();
        string? forMention = null;
        if (rest.Count > 0 && rest[0].Equals("for", StringComparison.OrdinalIgnoreCase))
        {
            if (rest.Count < 2)
            {
                return Fail($"Name the person the work is for with an @mention: `start {args[0]} for @person`.");
            }

            forMention = rest[1];
            rest = rest.Skip(2).ToList();
        }

        if (rest.Count == 0)
        {
            return (new StartCommand(args[0]) { ForMention = forMention }, null);
        }

        if (!rest[0].Equals("override", StringComparison.OrdinalIgnoreCase))
        {
            return Fail($"Expected `{StartUsage}`.");
        }

        var reason = string.Join(' ', rest.Skip(1)).Trim();
        return reason.Length == 0
            ? Fail($"Starting beyond a WIP limit needs a written reason: `start {args[0]} override <reason>`.")
            : (new StartCommand(args[0]) { OverrideReason = reason, ForMention = forMention }, null);
    }

    public static (Command? Command, CommandError? Error) Limits(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            return (new LimitsCommand(), null);
        }

        if (args.Count != 2 || Stream(args[0]) is not { } stream)
        {
            return Fail($"Expected `{LimitsUsage}`: for example `limits bug 6` (active bugs per engineer) or `limits model auto`.");
        }

        if (args[1].Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return stream is WorkStream.Model or WorkStream.Feature
                ? (new LimitsCommand(stream, null), null)
                : Fail("Only the model and feature limits follow the engineers' count (`auto`); give the bug limit per engineer and the incident cap as numbers.");
        }

        return int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 100
            ? (new LimitsCommand(stream, n), null)
            : Fail($"Expected a limit of 1–100 (or `auto` for model and feature); \"{Cut(args[1])}\" is not one.");
    }

    public static (Command? Command, CommandError? Error) Allocation(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            return (new AllocationCommand(), null);
        }

        int? model = null, bug = null, feature = null;
        AllocationMonth? from = null;
        for (var i = 0; i < args.Count; i += 2)
        {
            if (i + 1 >= args.Count)
            {
                return Fail($"Expected `{AllocationUsage}`; \"{Cut(args[i])}\" has no value.");
            }

            var word = args[i].ToLowerInvariant();
            var value = args[i + 1].TrimEnd('%');
            if (word == "from")
            {
                if (value.Equals("next", StringComparison.OrdinalIgnoreCase))
                {
                    from = new AllocationMonth(true);
                    continue;
                }

                var m = MonthPattern().Match(value);
                if (!m.Success || int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture) is not (>= 1 and <= 12) || int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture) is < 2000)
                {
                    return Fail($"Expected `from next` or `from 2027-03`; \"{Cut(args[i + 1])}\" is not a month.");
                }

                from = new AllocationMonth(false, int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups["m"].Value, CultureInfo.InvariantCulture));
                continue;
            }

            if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var share) || share > 100)
            {
                return Fail($"Expected a share of 0–100 percent after \"{Cut(args[i])}\"; \"{Cut(args[i + 1])}\" is not one.");
            }

            switch (Stream(word))
            {
                case WorkStream.Model: model = share; break;
                case WorkStream.Bug: bug = share; break;
                case WorkStream.Feature: feature = share; break;
                default: return Fail($"Expected `{AllocationUsage}`; \"{Cut(args[i])}\" is not model, bug or feature (the incident lane has no planned share).");
            }
        }

        return model is { } mo && bug is { } b && feature is { } f
            ? (new AllocationCommand(new PlannedShares(mo, b, f), from), null)
            : Fail($"Give all three shares: `{AllocationUsage}`, for example `allocation model 30 bug 25 feature 45 from next`.");
    }

    private static WorkStream? Stream(string word) => word.ToLowerInvariant() switch
    {
        "model" or "models" => WorkStream.Model,
        "bug" or "bugs" => WorkStream.Bug,
        "feature" or "features" => WorkStream.Feature,
        "incident" or "incidents" => WorkStream.Incident,
        _ => null,
    };

    private static string Cut(string s) => s.Length <= 40 ? s : s[..40] + "…";

    private static (Command?, CommandError?) Fail(string message) => (null, new CommandError(message));

    [GeneratedRegex(@"^(?<y>\d{4})-(?<m>\d{1,2})$")]
    private static partial Regex MonthPattern();
}
