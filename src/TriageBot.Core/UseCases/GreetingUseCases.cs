using TriageBot.Core.Conversation;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>A greeting gets a short, friendly help (issue 19) rather than "I don't know the command".</summary>
internal sealed class GreetingUseCases : IUseCase
{
    public void Register(Handlers h) =>
        h.OnCommand<GreetingCommand>((c, _) => Task.FromResult<Outcome>(new ReplyOutcome(Greeting(c.Actor.DisplayName, c.Backlog is not null))));

    public static TextView Greeting(string name, bool bound) => new(
        (string.IsNullOrWhiteSpace(name) ? "Hi! " : $"Hi {name.Trim()}! ") + "I'm TriageBot. "
        + (bound
            ? "Try `new bug` to report something, `list` to see the backlog, `clinic` to score items, or `help` for every command."
            : "Run `setup` to bind this conversation to a backlog, or `help` for every command."));
}
