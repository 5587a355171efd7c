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
    /// <summary>A choice that redraws its form changed (the intake's stream): the form with that choice's fields, everything typed kept.</summary>
    public FormSubmission? Refresh { get; init; }
    /// <summary>Feed id of the message whose button was pressed, so an updated card replaces it in place.</summary>
    public string? MessageId { get; init; }
}

/// <summary>A card button: <c>Action.Execute</c>'s verb and its <c>data.arg</c>.</summary>
public sealed record ActionPress(string Id, string? Arg);

/// <summary>A card form: <c>data.formId</c>, <c>data.arg</c> and every input's value.</summary>
public sealed record FormSubmission(string FormId, string? Arg, Dictionary<string, string>? Values);

/// <summary>
/// What the page shows in answer: <c>reply</c> (a private card for the person, also in the feed addressed to them), <c>posted</c> (a visible reply went to
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
        var given = (request.Command is not null ? 1 : 0) + (request.Action is not null ? 1 : 0) + (request.Submit is not null ? 1 : 0) + (request.Refresh is not null ? 1 : 0);
        if (given != 1)
        {
            return Problem("Send exactly one of \"command\", \"action\", \"submit\" or \"refresh\".");
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
        else if (request.Refresh is { FormId.Length: > 0 } refresh)
        {
            intent = new FormRefreshIntent(refresh.FormId, refresh.Arg, refresh.Values ?? []);
        }
        else
        {
            return Problem("An action needs an \"id\", and a submission or a refresh a \"formId\".");
        }

        // A thread is only ever a message of the same channel; anything else acts at the channel's top level.
        var thread = request.Thread is { } t && feed.Find(t) is { } parent && parent.Channel == channel ? parent.Id : null;
        if (request.Command is { } typed && !string.IsNullOrWhiteSpace(typed))
        {
            feed.PostText(channel, thread, person.User.DisplayName, typed.Trim());
        }

        var place = new ConversationAddress { Platform = Platform.Playground, Workspace = PlaygroundChannels.Workspace, ChannelId = channel, ThreadId = thread };
        var outcome = await conversation.HandleAsync(new Interaction(person.User, place, intent, time.GetUtcNow()), ct);
        return Results.Json(Render(outcome, person, channel, thread, request.MessageId));
    }

    /// <summary>
    /// A private reply goes into the feed inline, where the person acted, addressed to them: the feed shows it to them
    /// alone, marked as only visible to them (as Slack's ephemeral messages and Teams' replies to one person are).
    /// </summary>
    private InteractResponse Render(Outcome outcome, SamplePerson person, string channel, string? thread, string? messageId)
    {
        InteractResponse Private(JsonObject card)
        {
            var entry = feed.PostCard(channel, thread, card, to: person.User.UserId);
            return new InteractResponse("reply", PlaygroundCards.ForRole(card, person.Role), entry.Id);
        }

        switch (outcome)
        {
            case ReplyOutcome { Private: false } visible:
                var posted = feed.PostCard(channel, thread, PlaygroundCards.Render(visible.View, feed.Now));
                return new InteractResponse("posted", MessageId: posted.Id);
            case ReplyOutcome reply:
                return Private(PlaygroundCards.Render(reply.View, feed.Now));
            case OpenFormOutcome open:
                return new InteractResponse("form", PlaygroundCards.Render(open.Form, feed.Now, host: CardHost.Dialog));
            case FormErrorsOutcome errors:
                return new InteractResponse("formErrors", PlaygroundCards.Render(errors.Form, feed.Now, host: CardHost.Dialog));
            case CloseFormOutcome close:
                return close.Then is null ? new InteractResponse("close") : Private(PlaygroundCards.Render(close.Then, feed.Now)) with { Kind = "close" };
            case UpdateCardOutcome update:
                var card = PlaygroundCards.Render(update.View, feed.Now);
                return messageId is not null && feed.Update(messageId, card)
                    ? new InteractResponse("updated", MessageId: messageId)
                    : Private(card);
            case NoOutcome:
                return new InteractResponse("none");
            default:
                return Private(PlaygroundCards.Render(new TextView($"The playground cannot show a {outcome.GetType().Name} yet.", Tone.Warning), feed.Now));
        }
    }

    private static IResult Problem(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad playground request");
}
