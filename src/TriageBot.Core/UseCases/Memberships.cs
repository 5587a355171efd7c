using System.Text.RegularExpressions;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>
/// Finds the backlog of a request from a place that names none (a DM, a group chat, a channel the bot is not in or that is
/// not set up): the person's memberships decide. One backlog: that one. An item key (<c>PAY-12</c>) in the command: the
/// backlog with that prefix. Several: the request carries them as choices (the intake form asks; other commands offer a
/// button per backlog). None: the request says how to join one.
/// </summary>
internal sealed partial class Memberships(UseCaseContext context)
{
    public const string NoBacklog =
        "You don't belong to a triage backlog yet. Ask a facilitator to add you (`role @you member`), or run `setup` in a channel to start one; "
        + "reporting from a channel that is set up for triage works too.";

    public async Task<RequestContext> ResolveAsync(RequestContext c)
    {
        if (c.Backlog is not null || c.Binding is not null || !Applies(c.Interaction.Intent))
        {
            return c;
        }

        var mine = await OfAsync(c.Actor, c.Ct);
        if (mine.Count == 0)
        {
            return c with { Unresolved = await NoBacklogHereAsync(c.Interaction.Place, c.Ct) };
        }

        var named = KeyPrefix(c.Interaction.Intent) is { } prefix
            ? mine.Where(m => string.Equals(m.Backlog.KeyPrefix, prefix, StringComparison.OrdinalIgnoreCase)).ToList()
            : [];
        var (backlog, member) = mine.Count == 1 ? mine[0] : named.Count == 1 ? named[0] : default;
        if (backlog is not null && await context.Store.Backlogs.GetAsync(backlog.Id, c.Ct) is { } versioned)
        {
            return c with { Backlog = versioned, Role = member!.Role };
        }

        var names = string.Join(", ", mine.Select(m => $"{m.Backlog.Name} ({m.Backlog.KeyPrefix})"));
        return c with
        {
            Choices = [.. mine.Select(m => m.Backlog)],
            Unresolved = $"You belong to several backlogs ({names}): choose one, or name an item by its key.",
        };
    }

    /// <summary>
    /// Where memberships decide: commands (except <c>setup</c>, which binds the place itself), reporting a message, and the
    /// intake form and its buttons. Everything else names its backlog in its argument.
    /// </summary>
    private static bool Applies(Intent intent) => intent switch
    {
        CommandIntent command => CommandParser.Parse(command.Text).Command is not SetupCommand,
        ReportMessageIntent => true,
        ButtonIntent b => b.ActionId == ButtonIds.NewItem,
        FormSubmitIntent f => f.FormId == FormIds.Intake,
        FormRefreshIntent f => f.FormId == FormIds.Intake,
        _ => false,
    };

    /// <summary>The answer to a command that needs a backlog, from someone in several: one button per backlog, each running the command there.</summary>
    public static Outcome? AskWhich(RequestContext c, Command command, string text)
    {
        if (c.Backlog is not null || c.Choices.Count < 2 || command is NewCommand or HelpCommand or SetupCommand or RubricCommand)
        {
            return null;
        }

        var actions = c.Choices.Take(10).Select(b => new ActionButton(ButtonIds.InBacklog, $"In {b.Name}", InBacklogArgument(b.Id, text))).ToList();
        return actions.Any(a => a.Argument!.Length > MaxArgument)
            ? Answers.Error(c.Unresolved ?? NoBacklog)
            : new ReplyOutcome(new TextView($"Which backlog is `{text.Trim()}` for?") { Actions = actions });
    }

    /// <summary>Reads a button made by <see cref="AskWhich"/>: the backlog id and the command text.</summary>
    public static (string BacklogId, string Text)? ReadInBacklog(string? argument) =>
        argument?.IndexOf('\n', StringComparison.Ordinal) is > 0 and var i ? (argument[..i], argument[(i + 1)..]) : null;

    private static string InBacklogArgument(string backlogId, string text) => backlogId + "\n" + text.Trim();

    /// <summary>Buttons carry at most this much (Slack's button value holds 2,000).</summary>
    private const int MaxArgument = 1900;

    /// <summary>
    /// <see cref="NoBacklog"/>, followed by who to ask: the facilitators of the backlogs set up in this workspace (the same
    /// Slack workspace or Teams tenant; at most <see cref="MaxNamed"/>), so the person knows whom to ask rather than "a facilitator".
    /// </summary>
    private async Task<string> NoBacklogHereAsync(ConversationAddress place, CancellationToken ct)
    {
        var named = new List<string>();
        await foreach (var backlog in context.Store.Backlogs.ListAsync(ct))
        {
            if (named.Count >= MaxNamed)
            {
                break;
            }

            var here = false;
            await foreach (var binding in context.Store.Bindings.ListForBacklogAsync(backlog.Id, ct))
            {
                here |= binding.Active && binding.Address.Platform == place.Platform && string.Equals(binding.Address.Workspace, place.Workspace, StringComparison.Ordinal);
            }

            var facilitators = here ? (await context.Store.Members.ListAsync(backlog.Id, ct)).Where(m => m.Role == Role.Facilitator).Select(m => m.User.DisplayName).Take(3).ToList() : [];
            if (facilitators.Count > 0)
            {
                named.Add($"{backlog.Name} ({string.Join(", ", facilitators)})");
            }
        }

        return named.Count == 0 ? NoBacklog : $"{NoBacklog}\nFacilitators here: {string.Join("; ", named)}.";
    }

    /// <summary>How many backlogs the "how to join" answer names.</summary>
    private const int MaxNamed = 5;

    /// <summary>The backlogs this person is a member of, by name.</summary>
    public async Task<IReadOnlyList<(Backlog Backlog, Member Member)>> OfAsync(UserRef actor, CancellationToken ct)
    {
        var result = new List<(Backlog, Member)>();
        await foreach (var backlog in context.Store.Backlogs.ListAsync(ct))
        {
            if (await context.Store.Members.GetAsync(backlog.Id, actor.Key, ct) is { } member)
            {
                result.Add((backlog, member));
            }
        }

        return [.. result.OrderBy(r => r.Item1.Name, StringComparer.OrdinalIgnoreCase)];
    }

    private static string? KeyPrefix(Intent intent) =>
        intent is CommandIntent { Text: var text } && KeyPattern().Match(text) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex(@"\b([A-Za-z][A-Za-z0-9]{0,9})-[0-9]{1,9}\b", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex KeyPattern();
}
