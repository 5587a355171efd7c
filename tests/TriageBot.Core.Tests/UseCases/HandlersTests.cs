using TriageBot.Core.Views;
using TriageBot.Core.Conversation;
using TriageBot.Core.UseCases;

namespace TriageBot.Core.Tests.UseCases;

public sealed class HandlersTests
{
    private static Task<Outcome> Nothing<T>(RequestContext c, T argument) => Task.FromResult<Outcome>(NoOutcome.Instance);

    [Fact]
    public void A_second_handler_for_the_same_command_fails_at_start_naming_the_command()
    {
        var handlers = new Handlers();
        handlers.OnCommand<ShowCommand>(Nothing);

        Should.Throw<InvalidOperationException>(() => handlers.OnCommand<ShowCommand>(Nothing)).Message.ShouldContain(nameof(ShowCommand));
    }

    [Fact]
    public void A_second_handler_for_the_same_button_or_form_fails_at_start_naming_it()
    {
        var handlers = new Handlers();
        handlers.OnAction(ButtonIds.Reveal, Nothing);
        handlers.OnForm(FormIds.Vote, Nothing);

        Should.Throw<InvalidOperationException>(() => handlers.OnAction(ButtonIds.Reveal, Nothing)).Message.ShouldContain($"\"{ButtonIds.Reveal}\"");
        Should.Throw<InvalidOperationException>(() => handlers.OnForm(FormIds.Vote, Nothing)).Message.ShouldContain($"\"{FormIds.Vote}\"");
    }

    [Fact]
    public void Each_key_finds_the_one_handler_registered_for_it_and_an_unknown_key_finds_none()
    {
        var handlers = new Handlers();
        Func<RequestContext, string?, Task<Outcome>> reveal = Nothing;
        handlers.OnAction(ButtonIds.Reveal, reveal);

        handlers.Action(ButtonIds.Reveal).ShouldBeSameAs(reveal);
        handlers.Action("no-such-button").ShouldBeNull();
        handlers.Command(new ShowCommand("TRI-1")).ShouldBeNull();
    }
}
