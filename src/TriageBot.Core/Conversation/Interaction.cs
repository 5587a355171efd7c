using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Views;

namespace TriageBot.Core.Conversation;

/// <summary>
/// What a person did, translated by a channel into platform-neutral terms. The actor and the place come
/// only from the channel's verified request, never from payload fields or form values.
/// </summary>
public sealed record Interaction(UserRef Actor, ConversationAddress Place, Intent Intent, DateTimeOffset At);

/// <summary>What the person asked for.</summary>
public abstract record Intent;

/// <summary>Command text: <c>/triage &lt;text&gt;</c> in Slack, a message to the bot in Teams.</summary>
public sealed record CommandIntent(string Text) : Intent;

/// <summary>A button pressed: one of <see cref="Views.ButtonIds"/> with the argument the view gave it.</summary>
public sealed record ButtonIntent(string ActionId, string? Argument) : Intent;

/// <summary>A form submitted: one of <see cref="FormIds"/>, its argument, and the values by field id.</summary>
public sealed record FormSubmitIntent(string FormId, string? Argument, IReadOnlyDictionary<string, string> Values) : Intent;

/// <summary>
/// A choice that redraws its form changed (<see cref="Views.FormField.RefreshesForm"/>): the form with everything typed so
/// far, to be shown again. Never stores anything.
/// </summary>
public sealed record FormRefreshIntent(string FormId, string? Argument, IReadOnlyDictionary<string, string> Values) : Intent;

/// <summary>"Report to triage" on a message (or a global shortcut, with no message).</summary>
public sealed record ReportMessageIntent(string? MessageText, MessageSource? Source, WorkStream? Stream = null) : Intent;

/// <summary>What the channel should do right away in answer. Posts for later go through the outbox.</summary>
public abstract record Outcome;

/// <summary>Answer the person: privately (Slack ephemeral) or visibly in the conversation.</summary>
public sealed record ReplyOutcome(View View, bool Private = true) : Outcome;

/// <summary>Open a form (Slack modal, Teams dialog).</summary>
public sealed record OpenFormOutcome(FormView Form) : Outcome;

/// <summary>
/// Show the same form again with the values and the errors: a refused submission, or (without errors) a form redrawn
/// after a choice changed, which replaces the open form.
/// </summary>
public sealed record FormErrorsOutcome(FormView Form) : Outcome;

/// <summary>An accepted submission: close the form, optionally telling the person something.</summary>
public sealed record CloseFormOutcome(View? Then = null) : Outcome;

/// <summary>Replace the card the button was on with this view (for everyone).</summary>
public sealed record UpdateCardOutcome(View View) : Outcome;

/// <summary>Nothing to show (e.g. an ignored event).</summary>
public sealed record NoOutcome : Outcome
{
    public static readonly NoOutcome Instance = new();
}

/// <summary>The one entry point every channel calls.</summary>
public interface IConversation
{
    Task<Outcome> HandleAsync(Interaction interaction, CancellationToken ct);
}

/// <summary>Form ids, shared by renderers and handlers.</summary>
public static class FormIds
{
    public const string Intake = "intake";
    public const string Vote = "vote";
    public const string Finalize = "finalize";
    public const string CapabilityNote = "note";
    public const string Close = "close";
    public const string Extend = "extend";
    public const string Keep = "keep";
    public const string Setup = "setup";
    /// <summary>Marking a model item done: the evaluation gate is confirmed in the same form.</summary>
    public const string Done = "done";
    /// <summary>An icebox sweep row's decision: close with a rationale, promote, keep with a reason, or re-score.</summary>
    public const string SweepDecision = "sweepDecision";
}
