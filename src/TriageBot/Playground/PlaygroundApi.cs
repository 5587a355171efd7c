using System.Text.Json.Nodes;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Teams.Cards;

namespace TriageBot.Playground;

/// <summary>What the page sends: who acts, where, and exactly one of a command, a button press or a form submission.</summary>
public sealed record InteractRequest
{
    public string? As { get; init; }
    public string? Channel { get; init; }
    /// <summary>Feed id of the thread's first message, when acting inside a thread.</summary>
    public string? Thread { get; init; }
    public string? Command { get; init; }
    public ActionPress? Action { get; init; }
    public FormSubmission? Submit { get; init; }
    /// <summary>Feed id of the message whose button was pressed, so an updated card replaces it in place.</summary>
    public string? MessageId { get; init; }
}

/// <summary>A card button: <c>Action.Execute</c>'s verb and its <c>data.arg</c>.</summary>
public sealed record ActionPress(string Id, string? Arg);

/// <summary>A card form: <c>data.formId</c>, <c>data.arg</c> and every input's value.</summary>
public sealed record FormSubmission(string FormId, string? Arg, Dictionary<string, string>? Values);

/// <summary>
/// What the page shows in answer: <c>reply</c> (a private card for the person), <c>posted</c> (a visible reply went to
/// the channel), <c>form</c>/<c>formErrors</c> (a card for the dialog), <c>close</c> (close the dialog, then maybe a
/// card), <c>updated</c> (the card the button was on changed in place) or <c>none</c>.
/// </summary>
public sealed record InteractResponse(string Kind, JsonObject? Card = null, string? MessageId = null);

/// <summary>Turns page requests into Core interactions and Core outcomes into cards, like the Teams channel does.</summary>
public sealed class PlaygroundApi(IConversation conversation, PlaygroundFeed feed, TimeProvider time)
{
    public async Task<IResult> InteractAsync(InteractRequest request, CancellationToken ct)
    {
        var person = SamplePeople.Find(request.As);
        if (person is null)
        {
            return Problem($"\"as\" must be one of: {string.Join(", ", SamplePeople.All.Select(p => p.User.UserId))}.");
        }

        if (request.Channel is not { } channel || !PlaygroundChannels.All.Contains(channel))
        {
            return Problem($"\"channel\" must be one of: {string.Join(", ", PlaygroundChannels.All)}.");
        }

        Intent intent;
        var given = (request.Command is not null ? 1 : 0) + (request.Action is not null ? 1 : 0) + (request.Submit is not null ? 1 : 0);
        if (given != 1)
        {
            return Problem("Send exactly one of \"command\", \"action\" or \"submit\".");
        }

        if (request.Command is { } text)
        {
            intent = new CommandIntent(text.Length > 4000 ? text[..4000] : text);
        }
        else if (request.Action is { Id.Length: > 0 } action)
        {
            intent = new ButtonIntent(action.Id, action.Arg);
        }
        else if (request.Submit is { FormId.Length: > 0 } submit)
        {
            intent = new FormSubmitIntent(submit.FormId, submit.Arg, submit.Values ?? []);
        }
        else
        {
            return Problem("An action needs an \"id\" and a submission a \"formId\".");
        }

        // A thread is only ever a message of the same channel; anything else acts at the channel's top level.
        var thread = request.Thread is { } t && feed.Find(t) is { } parent && parent.Channel == channel ? parent.Id : null;
        if (request.Command is { } typed && !string.IsNullOrWhiteSpace(typed))
        {
            feed.PostText(channel, thread, person.User.DisplayName, typed.Trim());
        }

        var place = new ConversationAddress { Platform = Platform.Playground, Workspace = PlaygroundChannels.Workspace, ChannelId = channel, ThreadId = thread };
        var outcome = await conversation.HandleAsync(new Interaction(person.User, place, intent, time.GetUtcNow()), ct);
        return Results.Json(Render(outcome, channel, thread, request.MessageId));
    }

    private InteractResponse Render(Outcome outcome, string channel, string? thread, string? messageId)
    {
        switch (outcome)
        {
            case ReplyOutcome { Private: false } visible:
                var posted = feed.PostCard(channel, thread, AdaptiveCardRenderer.Render(visible.View));
                return new InteractResponse("posted", MessageId: posted.Id);
            case ReplyOutcome reply:
                return new InteractResponse("reply", AdaptiveCardRenderer.Render(reply.View));
            case OpenFormOutcome open:
                return new InteractResponse("form", AdaptiveCardRenderer.Render(open.Form, CardHost.Dialog));
            case FormErrorsOutcome errors:
                return new InteractResponse("formErrors", AdaptiveCardRenderer.Render(errors.Form, CardHost.Dialog));
            case CloseFormOutcome close:
                return new InteractResponse("close", close.Then is null ? null : AdaptiveCardRenderer.Render(close.Then));
            case UpdateCardOutcome update:
                var card = AdaptiveCardRenderer.Render(update.View);
                return messageId is not null && feed.Update(messageId, card)
                    ? new InteractResponse("updated", MessageId: messageId)
                    : new InteractResponse("reply", card);
            case NoOutcome:
                return new InteractResponse("none");
            default:
                return new InteractResponse("reply", AdaptiveCardRenderer.Render(new TextView($"The playground cannot show a {outcome.GetType().Name} yet.", Tone.Warning)));
        }
    }

    private static IResult Problem(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad playground request");
}
