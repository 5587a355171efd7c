using TriageBot.Core.Conversation;

namespace TriageBot.Core.UseCases;

/// <summary>A feature's use cases: it registers one handler per command, button action and form it answers.</summary>
internal interface IUseCase
{
    void Register(Handlers handlers);
}

/// <summary>
/// Every handler by its key: one per command type, button action id and form id, registered in one place at start.
/// A second handler for the same key fails the start, naming the key.
/// </summary>
internal sealed class Handlers
{
    private readonly Dictionary<Type, Func<RequestContext, Command, Task<Outcome>>> _commands = [];
    private readonly Dictionary<string, Func<RequestContext, string?, Task<Outcome>>> _actions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<RequestContext, FormSubmitIntent, Task<Outcome>>> _forms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<RequestContext, FormRefreshIntent, Task<Outcome>>> _refreshes = new(StringComparer.Ordinal);

    public void OnCommand<T>(Func<RequestContext, T, Task<Outcome>> handler) where T : Command
    {
        if (!_commands.TryAdd(typeof(T), (c, cmd) => handler(c, (T)cmd)))
        {
            throw new InvalidOperationException($"Two handlers are registered for the command {typeof(T).Name}.");
        }
    }

    public void OnAction(string actionId, Func<RequestContext, string?, Task<Outcome>> handler)
    {
        if (!_actions.TryAdd(actionId, handler))
        {
            throw new InvalidOperationException($"Two handlers are registered for the button action \"{actionId}\".");
        }
    }

    public void OnForm(string formId, Func<RequestContext, FormSubmitIntent, Task<Outcome>> handler)
    {
        if (!_forms.TryAdd(formId, handler))
        {
            throw new InvalidOperationException($"Two handlers are registered for the form \"{formId}\".");
        }
    }

    /// <summary>A form redrawn after a choice changed; forms without one ignore the request.</summary>
    public void OnFormRefresh(string formId, Func<RequestContext, FormRefreshIntent, Task<Outcome>> handler)
    {
        if (!_refreshes.TryAdd(formId, handler))
        {
            throw new InvalidOperationException($"Two refresh handlers are registered for the form \"{formId}\".");
        }
    }

    public Func<RequestContext, FormRefreshIntent, Task<Outcome>>? FormRefresh(string formId) => _refreshes.GetValueOrDefault(formId);

    /// <summary>"Report to triage" on a message: one handler.</summary>
    public void OnReportMessage(Func<RequestContext, ReportMessageIntent, Task<Outcome>> handler)
    {
        if (ReportMessage is not null)
        {
            throw new InvalidOperationException("Two handlers are registered for reporting a message.");
        }

        ReportMessage = handler;
    }

    public Func<RequestContext, ReportMessageIntent, Task<Outcome>>? ReportMessage { get; private set; }

    public Func<RequestContext, Command, Task<Outcome>>? Command(Command command) => _commands.GetValueOrDefault(command.GetType());

    public Func<RequestContext, string?, Task<Outcome>>? Action(string actionId) => _actions.GetValueOrDefault(actionId);

    public Func<RequestContext, FormSubmitIntent, Task<Outcome>>? Form(string formId) => _forms.GetValueOrDefault(formId);
}
