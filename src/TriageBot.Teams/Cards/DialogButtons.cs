using System.Text.Json.Nodes;
using TriageBot.Core.Conversation;
using TriageBot.Core.Views;
using TriageBot.Teams.Activities;

namespace TriageBot.Teams.Cards;

/// <summary>
/// Buttons that open a form. In Teams every form is a private dialog (<c>task/fetch</c> → <c>task/submit</c>): the button
/// is an <c>Action.Submit</c> whose <c>data.msteams.type</c> is <c>task/fetch</c>, so the person who clicks gets their
/// own dialog, and whoever submits it is the actor. Nothing fillable is posted into a conversation.
/// </summary>
public static class DialogButtons
{
    /// <summary>The Core buttons whose answer is a form (<c>OpenFormOutcome</c>).</summary>
    public static readonly IReadOnlySet<string> FormButtons = new HashSet<string>(StringComparer.Ordinal)
    {
        ButtonIds.Vote, ButtonIds.Score, ButtonIds.Finalize, ButtonIds.Setup, ButtonIds.AddCapabilityNote,
        ButtonIds.Close, ButtonIds.Keep, ButtonIds.Extend, ButtonIds.NewItem, OpenCommand, ButtonIds.SweepDecide,
    };

    public static bool OpensForm(string actionId) => FormButtons.Contains(actionId);

    /// <summary>A button that opens the answer to <paramref name="actionId"/> in a dialog.</summary>
    public static JsonObject Fetch(string title, string actionId, string? argument)
    {
        var data = new JsonObject
        {
            [ActivityTranslation.MsTeamsKey] = new JsonObject { ["type"] = "task/fetch" },
            [ActivityTranslation.ActionIdKey] = actionId,
        };
        if (argument is not null) data[ActivityTranslation.ArgKey] = argument;
        return new JsonObject { ["type"] = "Action.Submit", ["title"] = title, ["data"] = data };
    }

    /// <summary>
    /// The action id of the one button a typed command that opens a form answers with: it runs the command (its argument)
    /// again for whoever clicks it, in a dialog, so their own role decides and they are the actor.
    /// </summary>
    public const string OpenCommand = "teams.openCommand";

    /// <summary>
    /// The card that replaces a clicked Action.Execute button whose answer is a form: one button that opens the same button's
    /// answer in a dialog (<c>task/fetch</c>), whichever action it is.
    /// </summary>
    public static JsonObject Card(FormView form, ButtonIntent? clicked)
    {
        ArgumentNullException.ThrowIfNull(form);
        var card = AdaptiveCardRenderer.Render(new TextView($"{form.Title}: the form opens privately, for you alone."), CardHost.TeamsMessage);
        if (clicked is not null) card["actions"] = new JsonArray(Fetch("Open the form", clicked.ActionId, clicked.Argument));
        return card;
    }

    /// <summary>What a typed command that opens a form is answered with in the conversation: a button, never the form.</summary>
    public static TextView ForCommand(FormView form, string command) => new($"{form.Title}: the form opens privately, for you alone.")
    {
        Actions = [new ActionButton(OpenCommand, "Open the form", command, ButtonStyle.Primary)],
    };
}
