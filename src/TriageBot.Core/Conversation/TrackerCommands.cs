using TriageBot.Core.Ports;

namespace TriageBot.Core.Conversation;

/// <summary><c>connect</c>: show what is connected (<see cref="Kind"/> null), or connect a tracker (facilitators).</summary>
public sealed record ConnectCommand(TrackerKind? Kind = null, string? Target = null, TrackerPushOn PushOn = TrackerPushOn.Sprint) : Command { public override string Name => "connect"; }

/// <summary><c>disconnect github|jira</c> (facilitators).</summary>
public sealed record DisconnectCommand(TrackerKind Kind) : Command { public override string Name => "disconnect"; }

/// <summary><c>link TRI-42 &lt;issue URL or key&gt;</c>: links an existing tracker issue to an item.</summary>
public sealed record LinkIssueCommand(string Key, string Reference) : Command { public override string Name => "link"; }

/// <summary><c>link @person github|jira &lt;login&gt;</c>: whose tracker login is whose (facilitators).</summary>
public sealed record LinkPersonCommand(string UserMention, TrackerKind Kind, string Login) : Command { public override string Name => "link"; }

/// <summary><c>import github &lt;search&gt;</c> or <c>import jira "&lt;JQL&gt;"</c>: New items from tracker issues (facilitators).</summary>
public sealed record ImportIssuesCommand(TrackerKind Kind, string Query) : Command { public override string Name => "import"; }

/// <summary>Parses the tracker commands.</summary>
public static class TrackerCommandParser
{
    public const string ConnectUsage = "connect [github owner/repo|jira PROJECT] [ready]";
    public const string DisconnectUsage = "disconnect github|jira";
    public const string LinkUsage = "link TRI-42 <issue URL or key>";
    public const string LinkPersonUsage = "link @person github|jira <login or account id>";
    public const string ImportUsage = "import github|jira <search or JQL>";

    /// <summary>Help lines, in the order help lists them.</summary>
    public static IReadOnlyList<Views.CommandHelp> Help { get; } =
    [
        new(ConnectUsage, "What trackers are connected; facilitators connect a GitHub repository or a Jira project (`ready`: push items placed in Ready too, not only Sprint)."),
        new(DisconnectUsage, "Stop syncing with a tracker (facilitators); links stay for a later connect."),
        new(LinkUsage, "Link an item to an existing tracker issue."),
        new(LinkPersonUsage, "Say whose tracker login is whose, so assignees become owners (facilitators)."),
        new(ImportUsage, "Create New items from tracker issues, each once (facilitators)."),
    ];

    public static (Command? Command, CommandError? Error) Parse(string verb, IReadOnlyList<string> args, string text)
    {
        ArgumentNullException.ThrowIfNull(verb);
        ArgumentNullException.ThrowIfNull(args);
        return verb switch
        {
            "connect" => Connect(args),
            "disconnect" => args is [var k] && TryKind(k, out var kind) ? Ok(new DisconnectCommand(kind)) : Fail($"Expected `{DisconnectUsage}`."),
            "link" => Link(args),
            "import" => Import(args, text ?? ""),
            _ => Fail($"I don't know the command \"{verb}\"."),
        };
    }

    private static (Command?, CommandError?) Connect(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            return Ok(new ConnectCommand());
        }

        if (args.Count is < 2 or > 3 || !TryKind(args[0], out var kind))
        {
            return Fail($"Expected `{ConnectUsage}`.");
        }

        var pushOn = TrackerPushOn.Sprint;
        if (args.Count == 3)
        {
            if (!args[2].Equals("ready", StringComparison.OrdinalIgnoreCase))
            {
                return Fail($"Expected `{ConnectUsage}`; \"{Cut(args[2])}\" is not `ready`.");
            }

            pushOn = TrackerPushOn.SprintAndReady;
        }

        var target = args[1].Trim();
        var valid = kind == TrackerKind.GitHub ? IsRepository(target) : IsProjectKey(target);
        return valid
            ? Ok(new ConnectCommand(kind, kind == TrackerKind.Jira ? target.ToUpperInvariant() : target, pushOn))
            : Fail(kind == TrackerKind.GitHub
                ? $"\"{Cut(target)}\" is not a repository: write it as owner/repo."
                : $"\"{Cut(target)}\" is not a Jira project key: letters and digits, starting with a letter (PAY).");
    }

    private static (Command?, CommandError?) Link(IReadOnlyList<string> args)
    {
        if (args is [var first, var second] && CommandParser.ParseItemNumber(first) is not null)
        {
            return second.Length <= 500 ? Ok(new LinkIssueCommand(first, second)) : Fail("That issue reference is too long.");
        }

        if (args is [var mention, var k, var login] && (mention.StartsWith('<') || mention.StartsWith('@')) && TryKind(k, out var kind))
        {
            return login.Length is > 0 and <= 128 ? Ok(new LinkPersonCommand(mention, kind, login.TrimStart('@'))) : Fail("That login is too long.");
        }

        return Fail($"Expected `{LinkUsage}` or `{LinkPersonUsage}`.");
    }

    private static (Command?, CommandError?) Import(IReadOnlyList<string> args, string text)
    {
        if (args.Count < 2 || !TryKind(args[0], out var kind))
        {
            return Fail($"Expected `{ImportUsage}`.");
        }

        // The query as typed: everything after the tracker's name, without surrounding quotes.
        var at = text.IndexOf(args[0], text.IndexOf("import", StringComparison.OrdinalIgnoreCase) + "import".Length, StringComparison.Ordinal);
        var query = (at < 0 ? string.Join(' ', args.Skip(1)) : text[(at + args[0].Length)..]).Trim();
        if (query.Length >= 2 && query[0] is '"' or '“' && query[^1] is '"' or '”')
        {
            query = query[1..^1].Trim();
        }

        if (query.Length == 0)
        {
            return Fail($"Expected `{ImportUsage}`: the search is required.");
        }

        return query.Length <= 1000 ? Ok(new ImportIssuesCommand(kind, query)) : Fail("That search is longer than 1,000 characters.");
    }

    private static bool TryKind(string word, out TrackerKind kind)
    {
        switch (word.ToLowerInvariant())
        {
            case "github" or "gh": kind = TrackerKind.GitHub; return true;
            case "jira": kind = TrackerKind.Jira; return true;
            default: kind = default; return false;
        }
    }

    private static bool IsRepository(string s)
    {
        var parts = s.Split('/');
        return parts.Length == 2 && parts.All(p => p.Length is > 0 and <= 100 && p.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.') && p is not "." and not "..");
    }

    private static bool IsProjectKey(string s) =>
        s.Length is > 0 and <= 20 && char.IsAsciiLetter(s[0]) && s.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_');

    private static string Cut(string s) => s.Length <= 40 ? s : s[..40] + "…";

    private static (Command?, CommandError?) Ok(Command c) => (c, null);

    private static (Command?, CommandError?) Fail(string message) => (null, new CommandError(message));
}
