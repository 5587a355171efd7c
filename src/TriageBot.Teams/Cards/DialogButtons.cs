using System.Text.Json.Nodes;
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
        ButtonIds.Close, ButtonIds.Keep, ButtonIds.Extend, ButtonIds.NewItem,
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
    /// The answer to a typed command that opens a form: one button that opens it in a dialog for whoever clicks it,
    /// who runs the command again as themselves (so their own role decides, and they are the actor).
    /// </summary>
    public static JsonObject ForCommand(string title, string command) => new()
    {
        ["type"] = "Action.Submit",
        ["title"] = title,
        ["data"] = new JsonObject
        {
            [ActivityTranslation.MsTeamsKey] = new JsonObject { ["type"] = "task/fetch" },
            [ActivityTranslation.CommandKey] = command,
        },
    };
}
