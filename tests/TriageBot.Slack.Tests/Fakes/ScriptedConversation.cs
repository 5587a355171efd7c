using System.Collections.Concurrent;
using TriageBot.Core.Conversation;

namespace TriageBot.Slack.Tests.Fakes;

/// <summary>An <see cref="IConversation"/> that records every interaction and answers with a scripted outcome.</summary>
public sealed class ScriptedConversation : IConversation
{
    private readonly ConcurrentQueue<Interaction> _received = new();

    public Func<Interaction, Outcome> Script { get; set; } = _ => NoOutcome.Instance;

    public IReadOnlyList<Interaction> Received => [.. _received];

    public Task<Outcome> HandleAsync(Interaction interaction, CancellationToken ct)
    {
        _received.Enqueue(interaction);
        return Task.FromResult(Script(interaction));
    }
}
