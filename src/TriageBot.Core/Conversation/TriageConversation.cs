using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;

namespace TriageBot.Core.Conversation;

/// <summary>Settings the conversation needs from the host.</summary>
public sealed class ConversationOptions
{
    /// <summary>Public base URL of this deployment (e.g. <c>https://triagebot.example.com</c>), for dashboard links; null = no links.</summary>
    public string? PublicBaseUrl { get; set; }
}

/// <summary>
/// The one entry point every channel calls: resolves who and where, dispatches the intent to its handler
/// (one handler per command, action id and form id, registered in one place), and turns rule violations
/// into messages that say what to do.
/// </summary>
public sealed partial class TriageConversation : IConversation, IViewResolver
{
    private const int MaxUpdateAttempts = 8;

    private readonly ITriageStore _store;
    private readonly TimeProvider _time;
    private readonly ConversationOptions _options;
    private readonly IOutboxSignal? _signal;
    private readonly Telemetry.TriageMetrics? _metrics;
    private readonly Dictionary<Type, Func<Context, Command, Task<Outcome>>> _commands = [];
    private readonly Dictionary<string, Func<Context, string?, Task<Outcome>>> _actions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<Context, FormSubmitIntent, Task<Outcome>>> _forms = new(StringComparer.Ordinal);

    public TriageConversation(ITriageStore store, TimeProvider time, ConversationOptions options, IOutboxSignal? signal = null, Telemetry.TriageMetrics? metrics = null)
    {
        _store = store;
        _time = time;
        _options = options;
        _signal = signal;
        _metrics = metrics;
        RegisterItemHandlers();
        RegisterIntakeHandlers();
        RegisterScoringHandlers();
        RegisterSetupHandlers();
        RegisterReportHandlers();
        RegisterScheduleHandlers();
    }

    /// <summary>Who is asking, where, and in which backlog (null when the place is not bound and no argument names one).</summary>
    internal sealed record Context(Interaction Interaction, Binding? Binding, Versioned<Backlog>? Backlog, Role Role, CancellationToken Ct)
    {
        public UserRef Actor => Interaction.Actor;
        public DateTimeOffset Now => Interaction.At;
        public Backlog RequireBacklog() => Backlog?.Value
            ?? throw new RuleViolationException("This conversation isn't set up yet. Run `setup` here to bind it to a backlog.");
    }

    public async Task<Outcome> HandleAsync(Interaction interaction, CancellationToken ct)
    {
        var context = await ResolveAsync(interaction, ArgumentBacklog(interaction.Intent), ct);
        try
        {
            return interaction.Intent switch
            {
                CommandIntent c => await HandleCommandAsync(context, c.Text),
                ButtonIntent b => _actions.TryGetValue(b.ActionId, out var action)
                    ? await action(context, b.Argument)
                    : Error($"That button ({b.ActionId}) is not one I know. It may come from an older version of TriageBot."),
                FormSubmitIntent f => _forms.TryGetValue(f.FormId, out var form)
                    ? await form(context, f)
                    : Error($"That form ({f.FormId}) is not one I know."),
                ReportMessageIntent r => await OpenIntakeFromMessageAsync(context, r),
                _ => Error("I can't handle that kind of request."),
            };
        }
        catch (ValidationException e) when (interaction.Intent is FormSubmitIntent)
        {
            return Error(e.Message);
        }
        catch (RuleViolationException e)
        {
            return Error(e.Message);
        }
    }

    private async Task<Outcome> HandleCommandAsync(Context context, string text)
    {
        var (command, error) = CommandParser.Parse(text);
        if (error is not null)
        {
            return new ReplyOutcome(new HelpView(CommandParser.Help, error.Message));
        }

        return _commands.TryGetValue(command!.GetType(), out var handler)
            ? await handler(context, command)
            : Error($"`{command.Name}` is not available yet.");
    }

    private void OnCommand<T>(Func<Context, T, Task<Outcome>> handler) where T : Command
    {
        if (!_commands.TryAdd(typeof(T), (c, cmd) => handler(c, (T)cmd)))
        {
            throw new InvalidOperationException($"Two handlers are registered for the command {typeof(T).Name}.");
        }
    }

    private void OnAction(string actionId, Func<Context, string?, Task<Outcome>> handler)
    {
        if (!_actions.TryAdd(actionId, handler))
        {
            throw new InvalidOperationException($"Two handlers are registered for the button action \"{actionId}\".");
        }
    }

    private void OnForm(string formId, Func<Context, FormSubmitIntent, Task<Outcome>> handler)
    {
        if (!_forms.TryAdd(formId, handler))
        {
            throw new InvalidOperationException($"Two handlers are registered for the form \"{formId}\".");
        }
    }

    private async Task<Context> ResolveAsync(Interaction interaction, string? argumentBacklogId, CancellationToken ct)
    {
        var place = interaction.Place;
        var binding = await _store.Bindings.GetAsync(place.Platform, place.Workspace, place.ChannelId, ct);
        if (binding is { Active: false })
        {
            binding = null;
        }

        var backlogId = argumentBacklogId ?? binding?.BacklogId;
        var backlog = backlogId is null ? null : await _store.Backlogs.GetAsync(backlogId, ct);
        if (backlog is null)
        {
            return new Context(interaction, binding, null, Role.Member, ct);
        }

        var member = await _store.Members.GetAsync(backlog.Value.Id, interaction.Actor.Key, ct);
        if (member is null && binding?.BacklogId != backlog.Value.Id)
        {
            // A button or form from elsewhere names a backlog this person has no part in: act as if it did not exist.
            return new Context(interaction, binding, null, Role.Member, ct);
        }

        return new Context(interaction, binding, backlog, member?.Role ?? Role.Member, ct);
    }

    private static string? ArgumentBacklog(Intent intent)
    {
        var argument = intent switch
        {
            ButtonIntent b => b.Argument,
            FormSubmitIntent f => f.Argument,
            _ => null,
        };
        return ItemRef.TryParse(argument, out var r) ? r.BacklogId : null;
    }

    internal static ReplyOutcome Error(string message) =>
        new(new TextView(message, Tone.Error));

    internal static ReplyOutcome Info(string message, Tone tone = Tone.Info) =>
        new(new TextView(message, tone));

}

/// <summary>An item reference carried by buttons and forms: <c>backlogId/number</c>, optionally <c>:round</c>.</summary>
public readonly record struct ItemRef(string BacklogId, int Number, int? Round)
{
    public static bool TryParse(string? text, out ItemRef result)
    {
        result = default;
        if (string.IsNullOrEmpty(text) || text.Length > 200)
        {
            return false;
        }

        var slash = text.LastIndexOf('/');
        if (slash <= 0)
        {
            return false;
        }

        var rest = text[(slash + 1)..];
        int? round = null;
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            if (!int.TryParse(rest[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var r))
            {
                return false;
            }

            round = r;
            rest = rest[..colon];
        }

        if (!int.TryParse(rest, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            return false;
        }

        result = new ItemRef(text[..slash], n, round);
        return true;
    }
}
