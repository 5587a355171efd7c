using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>
/// The one entry point every channel calls. It only dispatches: resolves who and where (through the shared context),
/// hands the intent to the one handler registered for it, and turns a rule violation into an answer, so no refusal
/// ever leaves Core as an exception.
/// </summary>
internal sealed class ConversationRouter : IConversation
{
    private readonly UseCaseContext _context;
    private readonly Memberships _memberships;
    private readonly Handlers _handlers = new();

    public ConversationRouter(UseCaseContext context, IEnumerable<IUseCase> useCases)
    {
        _context = context;
        _memberships = new Memberships(context);
        foreach (var useCase in useCases)
        {
            useCase.Register(_handlers);
        }
    }

    /// <summary>Handles the intent. Never throws a <see cref="RuleViolationException"/>: the refusal is the outcome.</summary>
    public async Task<Outcome> HandleAsync(Interaction interaction, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        try
        {
            var c = await _memberships.ResolveAsync(await _context.ResolveAsync(interaction, ct));
            return interaction.Intent switch
            {
                CommandIntent command => await HandleCommandAsync(c, command.Text),
                ButtonIntent { ActionId: ButtonIds.InBacklog } b => Memberships.ReadInBacklog(b.Argument) is { } chosen && c.Backlog is not null
                    ? await HandleCommandAsync(c, chosen.Text)
                    : Answers.Error(Memberships.NoBacklog),
                ButtonIntent b => _handlers.Action(b.ActionId) is { } action
                    ? await action(c, b.Argument)
                    : Answers.Error($"That button ({b.ActionId}) is not one I know. It may come from an older version of TriageBot."),
                FormSubmitIntent f => _handlers.Form(f.FormId) is { } form
                    ? await form(c, f)
                    : Answers.Error($"That form ({f.FormId}) is not one I know."),
                FormRefreshIntent f => _handlers.FormRefresh(f.FormId) is { } refresh
                    ? await refresh(c, f)
                    : NoOutcome.Instance,
                ReportMessageIntent r => _handlers.ReportMessage is { } report
                    ? await report(c, r)
                    : Answers.Error("I can't handle that kind of request."),
                _ => Answers.Error("I can't handle that kind of request."),
            };
        }
        catch (RuleViolationException e)
        {
            return Answers.Error(e.Message);
        }
    }

    private async Task<Outcome> HandleCommandAsync(RequestContext c, string text)
    {
        var (command, error) = CommandParser.Parse(text);
        if (error is not null)
        {
            // A known command with a bad argument: one line with its usage. An unknown word: the whole list.
            return CommandErrors.UsageOf(text) is { } usage
                ? Answers.Error(CommandErrors.Short(error.Message, usage))
                : new ReplyOutcome(new HelpView(CommandParser.Help, error.Message));
        }

        if (Memberships.AskWhich(c, command!, text) is { } ask)
        {
            return ask;
        }

        return _handlers.Command(command!) is { } handler
            ? await handler(c, command!)
            : Answers.Error($"`{command!.Name}` is not available yet.");
    }
}
