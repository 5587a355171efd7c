using System.Globalization;
using System.Text.RegularExpressions;
using TriageBot.Core.Items;
using TriageBot.Core.Reports;

namespace TriageBot.Core.Conversation;

/// <summary>A parsed command of SPEC §8. Item keys are kept as typed; handlers resolve them against the backlog.</summary>
public abstract record Command
{
    /// <summary>The first word, as the help table names it.</summary>
    public abstract string Name { get; }
}

public sealed record NewCommand(WorkStream? Stream) : Command { public override string Name => "new"; }
public sealed record ShowCommand(string Key) : Command { public override string Name => "show"; }
public sealed record ScoreCommand(string Key) : Command { public override string Name => "score"; }
public sealed record NoteCommand(string Key) : Command { public override string Name => "note"; }
public sealed record ListCommand(WorkStream? Stream, ItemState? State) : Command { public override string Name => "list"; }
public sealed record StartCommand(string Key) : Command
{
    public override string Name => "start";

    /// <summary>A facilitator's written reason to start beyond the stream's WIP limit.</summary>
    public string? OverrideReason { get; init; }

    /// <summary>The person the work is started for (<c>for @person</c>), who becomes its owner; null: the person starting it.</summary>
    public string? ForMention { get; init; }
}
public sealed record DoneCommand(string Key) : Command { public override string Name => "done"; }
public sealed record GateCommand(string Key) : Command { public override string Name => "gate"; }
public sealed record CloseCommand(string Key, string Rationale) : Command { public override string Name => "close"; }
/// <summary><c>merge TRI-31 into TRI-12</c>: closes the duplicate and moves what it holds to the item it duplicates.</summary>
public sealed record MergeCommand(string DuplicateKey, string IntoKey) : Command { public override string Name => "merge"; }
public sealed record MoveCommand(string Key, FeatureColumn Column) : Command { public override string Name => "move"; }
public sealed record ExtendCommand(string Key, int? Days, string Reason) : Command { public override string Name => "extend"; }
public sealed record TimeboxCommand(string Key, int Days) : Command { public override string Name => "timebox"; }
public sealed record MetricCommand(string Key, string Metric) : Command { public override string Name => "metric"; }
public sealed record PromoteCommand(string Key) : Command { public override string Name => "promote"; }
public sealed record KeepCommand(string Key, string Reason) : Command { public override string Name => "keep"; }
public sealed record ReportCommand(ReportKind Kind) : Command { public override string Name => "report"; }
public sealed record ClinicCommand : Command { public override string Name => "clinic"; }
public sealed record RubricCommand : Command { public override string Name => "rubric"; }
public sealed record SetupCommand : Command { public override string Name => "setup"; }
public sealed record RoleCommand(string UserMention, Backlogs.Role Role) : Command { public override string Name => "role"; }
public sealed record DashboardCommand(bool Rotate) : Command { public override string Name => "dashboard"; }
public sealed record HelpCommand : Command { public override string Name => "help"; }
/// <summary>"hi", "hello", "thanks"…: answered with a short, friendly help instead of "I don't know the command".</summary>
public sealed record GreetingCommand : Command { public override string Name => "hello"; }
/// <summary><c>schedule</c>: show the ceremony schedules in force (<see cref="Change"/> null) or change one of them.</summary>
public sealed record ScheduleCommand(ScheduleChange? Change) : Command { public override string Name => "schedule"; }

/// <summary>A command that could not be parsed: what was wrong and what was expected.</summary>
public sealed record CommandError(string Message);

/// <summary>Parses command text (after the slash command or the bot's mention) into a <see cref="Command"/>.</summary>
public static partial class CommandParser
{
    /// <summary>Every command with its usage, in the order help lists them.</summary>
    public static IReadOnlyList<Views.CommandHelp> Help { get; } =
    [
        new("new [model|bug|feature|incident]", "Report a new item (opens the intake form)."),
        new("show TRI-42", "Show an item."),
        new("score TRI-42", "Score an item on your own (opens the voting form)."),
        new("note TRI-42", "Add a capability note (engineers)."),
        new("list [stream] [queue]", "List items, ranked by weighted total then age. Streams: model, bug, feature, incident. Queues: new, sprint, ready, icebox, active, done, closed."),
        new("queue", "The ready queue."),
        new("icebox", "The icebox."),
        new(LimitCommandParser.StartUsage, "Start work (counts toward WIP). A stream at its WIP limit refuses; a facilitator may override with a written reason."),
        new("done TRI-42", "Mark done."),
        new("gate TRI-42", "Record that a model item passed its evaluation gate (needed before done)."),
        new("close TRI-42 <rationale>", "Close with a written rationale."),
        new("merge TRI-31 into TRI-12", "Close a duplicate and move its reporter, links and comments to the item it duplicates (facilitators)."),
        new("move TRI-42 discovery|build|measure", "Move a feature to a column."),
        new("timebox TRI-42 3d|1w|<n>d", "Set a model item's timebox."),
        new("extend TRI-42 [<n>d] <reason>", "Extend a timebox; the reason is recorded as a re-scope."),
        new("metric TRI-42 <success metric>", "Set a feature's success metric."),
        new("promote TRI-42", "Move an icebox item to the ready queue."),
        new("keep TRI-42 <reason>", "Keep an icebox item out of the sweep."),
        new("report weekly|allocation|icebox", "Post a report now."),
        new(LimitCommandParser.LimitsUsage, "The WIP limits per stream; facilitators set one: `limits bug 6` (per engineer), `limits model 3`, `limits feature auto`."),
        new(LimitCommandParser.AllocationUsage, "The planned shares per month; facilitators set them: `allocation model 30 bug 25 feature 45 from next` (warns outside the method's ranges)."),
        new("clinic", "Start a triage clinic thread now."),
        new("rubric", "The rubric, weights and placement thresholds in force."),
        new("setup", "Bind this channel to a backlog: roles, time zone, schedule."),
        new("schedule [weekly|clinic|allocation|sweep <when>|off|on] [lead <minutes>]", "Show the ceremony schedules, or change one (facilitators): `schedule clinic wed 14:00 every 2 weeks`, `schedule allocation first mon 11:00`, `schedule sweep first tue jan,apr,jul,oct 15:00`, `schedule clinic off`, `schedule lead 30`."),
        new("role @person facilitator|engineer|member", "Set someone's role (facilitators)."),
        new("dashboard [rotate]", "The dashboard link; rotate makes a new one and retires the old."),
        new("help", "This list."),
        .. TrackerCommandParser.Help,
    ];

    private static readonly HashSet<string> Greetings = new(StringComparer.Ordinal)
    {
        "hi", "hello", "hey", "hiya", "howdy", "yo", "hallo", "hola", "morning", "thanks", "thank", "thx", "ty", "cheers", "👋",
    };

    public static (Command? Command, CommandError? Error) Parse(string? text)
    {
        var words = Tokenize(text);
        if (words.Count == 0)
        {
            return Ok(new HelpCommand());
        }

        var verb = words[0].ToLowerInvariant();
        var args = words.Skip(1).ToList();
        return verb switch
        {
            "new" or "report-item" => ParseNew(args),
            "show" => OneKey(args, "show TRI-42", k => new ShowCommand(k)),
            "score" => OneKey(args, "score TRI-42", k => new ScoreCommand(k)),
            "note" => OneKey(args, "note TRI-42", k => new NoteCommand(k)),
            "list" => ParseList(args),
            "queue" => NoArgs(args, "queue", new ListCommand(null, ItemState.Ready)),
            "icebox" => NoArgs(args, "icebox", new ListCommand(null, ItemState.Icebox)),
            "start" => LimitCommandParser.Start(args),
            "limits" or "limit" or "wip" => LimitCommandParser.Limits(args),
            "allocation" or "plan" => LimitCommandParser.Allocation(args),
            "done" => OneKey(args, "done TRI-42", k => new DoneCommand(k)),
            "gate" => OneKey(args, "gate TRI-42", k => new GateCommand(k)),
            "close" => KeyAndText(args, "close TRI-42 <rationale>", "a rationale", (k, t) => new CloseCommand(k, t)),
            "move" => ParseMove(args),
            "merge" => args is [var dup, var into, var target] && into.Equals("into", StringComparison.OrdinalIgnoreCase)
                && ParseItemNumber(dup) is not null && ParseItemNumber(target) is not null
                ? Ok(new MergeCommand(dup, target))
                : Fail("Expected `merge TRI-31 into TRI-12`: the duplicate's key, `into`, and the key of the item it duplicates."),
            "timebox" => ParseTimebox(args),
            "extend" => ParseExtend(args),
            "metric" => KeyAndText(args, "metric TRI-42 <success metric>", "the success metric", (k, t) => new MetricCommand(k, t)),
            "promote" => OneKey(args, "promote TRI-42", k => new PromoteCommand(k)),
            "keep" => KeyAndText(args, "keep TRI-42 <reason>", "a reason", (k, t) => new KeepCommand(k, t)),
            "report" => ParseReport(args),
            "clinic" => NoArgs(args, "clinic", new ClinicCommand()),
            "rubric" => NoArgs(args, "rubric", new RubricCommand()),
            "setup" => NoArgs(args, "setup", new SetupCommand()),
            "schedule" or "schedules" => ScheduleParser.Parse(args) is var (change, problem) && problem is null
                ? Ok(new ScheduleCommand(change))
                : Fail(problem!),
            "role" => ParseRole(args),
            "dashboard" => ParseDashboard(args),
            "connect" or "disconnect" or "link" or "import" => TrackerCommandParser.Parse(verb, args, text!),
            "help" or "?" => Ok(new HelpCommand()),
            _ when Greetings.Contains(verb.TrimEnd('!', '.', ',', '?')) && args.Count <= 3 => Ok(new GreetingCommand()),
            _ => Fail($"I don't know the command \"{Truncate(words[0])}\". Try one of the commands below."),
        };
    }

    /// <summary>
    /// Whether <paramref name="text"/> is a whole command: a known command word whose arguments parse. A greeting, an empty
    /// message, or words that only start like a command ("new release is out") are not, so a channel that delivers every
    /// message (Teams resource-specific consent) gets answers to commands only, never to ordinary chatter.
    /// </summary>
    public static bool IsCommand(string? text) =>
        !string.IsNullOrWhiteSpace(text) && Parse(text) is ({ } command, null) && command is not GreetingCommand;

    /// <summary>Parses an item key: <c>TRI-42</c> (any prefix, any case), <c>#42</c> or <c>42</c>; returns the number.</summary>
    public static int? ParseItemNumber(string key)
    {
        var m = KeyPattern().Match(key.Trim());
        return m.Success && int.TryParse(m.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
    }

    /// <summary>Parses a timebox length: <c>3d</c>, <c>1w</c>, <c>10</c> (days).</summary>
    public static int? ParseDays(string token)
    {
        var m = DaysPattern().Match(token.Trim());
        if (!m.Success || !int.TryParse(m.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }

        var days = m.Groups["u"].Value.Equals("w", StringComparison.OrdinalIgnoreCase) ? n * 7 : n;
        return days is > 0 and <= 365 ? days : null;
    }

    private static (Command?, CommandError?) ParseNew(List<string> args)
    {
        if (args.Count == 0)
        {
            return Ok(new NewCommand(null));
        }

        return args.Count == 1 && TryStream(args[0], out var s)
            ? Ok(new NewCommand(s))
            : Fail("Expected `new` optionally followed by one stream: model, bug, feature or incident.");
    }

    private static (Command?, CommandError?) ParseList(List<string> args)
    {
        WorkStream? stream = null;
        ItemState? state = null;
        foreach (var a in args)
        {
            if (stream is null && TryStream(a, out var s))
            {
                stream = s;
            }
            else if (state is null && TryState(a, out var q))
            {
                state = q;
            }
            else
            {
                return Fail($"Expected `list [stream] [queue]`; \"{Truncate(a)}\" is neither a stream (model, bug, feature, incident) nor a queue (new, sprint, ready, icebox, active, done, closed).");
            }
        }

        return Ok(new ListCommand(stream, state));
    }

    private static (Command?, CommandError?) ParseMove(List<string> args)
    {
        const string usage = "move TRI-42 discovery|build|measure";
        if (args.Count != 2 || ParseItemNumber(args[0]) is null)
        {
            return Fail($"Expected `{usage}`.");
        }

        return Enum.TryParse<FeatureColumn>(args[1], ignoreCase: true, out var column) && Enum.IsDefined(column) && !int.TryParse(args[1], out _)
            ? Ok(new MoveCommand(args[0], column))
            : Fail($"Expected `{usage}`; \"{Truncate(args[1])}\" is not a column.");
    }

    private static (Command?, CommandError?) ParseTimebox(List<string> args)
    {
        const string usage = "timebox TRI-42 3d|1w|<n>d";
        if (args.Count != 2 || ParseItemNumber(args[0]) is null)
        {
            return Fail($"Expected `{usage}`.");
        }

        return ParseDays(args[1]) is { } days
            ? Ok(new TimeboxCommand(args[0], days))
            : Fail($"Expected `{usage}`; \"{Truncate(args[1])}\" is not a length such as 3d or 1w (1–365 days).");
    }

    private static (Command?, CommandError?) ParseExtend(List<string> args)
    {
        const string usage = "extend TRI-42 [<n>d] <reason>";
        if (args.Count == 0 || ParseItemNumber(args[0]) is null)
        {
            return Fail($"Expected `{usage}`.");
        }

        int? days = args.Count > 1 ? ParseDays(args[1]) : null;
        var reason = string.Join(' ', args.Skip(days is null ? 1 : 2)).Trim();
        return reason.Length == 0
            ? Fail($"Extending a timebox needs a reason: `{usage}`. The reason is recorded as a re-scope.")
            : Ok(new ExtendCommand(args[0], days, reason));
    }

    private static (Command?, CommandError?) ParseReport(List<string> args)
    {
        const string usage = "report weekly|allocation|icebox";
        if (args.Count != 1)
        {
            return Fail($"Expected `{usage}`.");
        }

        return args[0].ToLowerInvariant() switch
        {
            "weekly" => Ok(new ReportCommand(ReportKind.Weekly)),
            "allocation" => Ok(new ReportCommand(ReportKind.Allocation)),
            "icebox" or "sweep" => Ok(new ReportCommand(ReportKind.Icebox)),
            _ => Fail($"Expected `{usage}`; \"{Truncate(args[0])}\" is not a report."),
        };
    }

    private static (Command?, CommandError?) ParseRole(List<string> args)
    {
        const string usage = "role @person facilitator|engineer|member";
        if (args.Count != 2)
        {
            return Fail($"Expected `{usage}`.");
        }

        return Enum.TryParse<Backlogs.Role>(args[1], ignoreCase: true, out var role) && !int.TryParse(args[1], out _)
            ? Ok(new RoleCommand(args[0], role))
            : Fail($"Expected `{usage}`; \"{Truncate(args[1])}\" is not a role.");
    }

    private static (Command?, CommandError?) ParseDashboard(List<string> args) => args switch
    {
        [] => Ok(new DashboardCommand(false)),
        [var a] when a.Equals("rotate", StringComparison.OrdinalIgnoreCase) => Ok(new DashboardCommand(true)),
        _ => Fail("Expected `dashboard` or `dashboard rotate`."),
    };

    private static (Command?, CommandError?) OneKey(List<string> args, string usage, Func<string, Command> make) =>
        args.Count == 1 && ParseItemNumber(args[0]) is not null
            ? Ok(make(args[0]))
            : Fail($"Expected `{usage}` with one item key.");

    private static (Command?, CommandError?) KeyAndText(List<string> args, string usage, string what, Func<string, string, Command> make)
    {
        if (args.Count == 0 || ParseItemNumber(args[0]) is null)
        {
            return Fail($"Expected `{usage}`.");
        }

        var text = string.Join(' ', args.Skip(1)).Trim();
        return text.Length == 0 ? Fail($"Expected `{usage}`: {what} is required.") : Ok(make(args[0], text));
    }

    private static (Command?, CommandError?) NoArgs(List<string> args, string usage, Command command) =>
        args.Count == 0 ? Ok(command) : Fail($"`{usage}` takes no arguments.");

    private static bool TryStream(string word, out WorkStream stream)
    {
        stream = default;
        var w = word.ToLowerInvariant();
        switch (w)
        {
            case "model" or "models" or "quality": stream = WorkStream.Model; return true;
            case "bug" or "bugs": stream = WorkStream.Bug; return true;
            case "feature" or "features": stream = WorkStream.Feature; return true;
            case "incident" or "incidents": stream = WorkStream.Incident; return true;
            default: return false;
        }
    }

    private static bool TryState(string word, out ItemState state)
    {
        state = default;
        return !int.TryParse(word, out _) && Enum.TryParse(word, ignoreCase: true, out state) && Enum.IsDefined(state);
    }

    private static List<string> Tokenize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        // Slack sends non-breaking spaces from some clients; treat every kind of white space as a separator,
        // except inside a mention token (<@id|Display Name>), whose display name may contain spaces.
        return [.. TokenPattern().Matches(text).Select(m => m.Value)];
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "…";

    private static (Command?, CommandError?) Ok(Command c) => (c, null);

    private static (Command?, CommandError?) Fail(string message) => (null, new CommandError(message));

    [GeneratedRegex(@"^(?:[A-Za-z][A-Za-z0-9]{0,9}-|#)?(?<n>\d{1,9})$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex(@"^(?<n>\d{1,3})(?<u>[dDwW]?)$")]
    private static partial Regex DaysPattern();

    [GeneratedRegex(@"<@[^<>|\s]{1,100}(?:\|[^<>|]{1,100})?>|\S+")]
    private static partial Regex TokenPattern();
}
