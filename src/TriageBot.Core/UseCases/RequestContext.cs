using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;

namespace TriageBot.Core.UseCases;

/// <summary>Who is asking, where, and in which backlog (null when the place is not bound and no argument names one).</summary>
internal sealed record RequestContext(Interaction Interaction, Binding? Binding, Versioned<Backlog>? Backlog, Role Role, CancellationToken Ct)
{
    public UserRef Actor => Interaction.Actor;

    public DateTimeOffset Now => Interaction.At;

    /// <summary>The backlogs the person belongs to, when the place names none and they belong to several (<see cref="Memberships"/>).</summary>
    public IReadOnlyList<Backlog> Choices { get; init; } = [];

    /// <summary>Why no backlog was found for a place that names none (how to join one, or that there are several).</summary>
    public string? Unresolved { get; init; }

    public Backlog RequireBacklog() => Backlog?.Value
        ?? throw new RuleViolationException(Unresolved ?? "This conversation isn't set up yet. Run `setup` here to bind it to a backlog.");

    /// <summary>The context of work the bot does on its own (ceremonies, nudges, live views): TriageBot as facilitator.</summary>
    public static RequestContext System(Backlog backlog, DateTimeOffset now, CancellationToken ct)
    {
        var system = new UserRef(Platform.Playground, "triagebot", "TriageBot");
        var place = new ConversationAddress { Platform = Platform.Playground, Workspace = "", ChannelId = "" };
        return new RequestContext(new Interaction(system, place, new CommandIntent(""), now), null, new Versioned<Backlog>(backlog, ""), Role.Facilitator, ct);
    }
}
