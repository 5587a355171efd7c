using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Slack.Blocks;
using TriageBot.Slack.WebApi;

namespace TriageBot.Slack;

/// <summary>
/// People are shown by their display name, not their handle: before Core sees a Slack interaction, the actor's name is
/// replaced by the one <c>users.info</c> gives (cached for an hour by <see cref="SlackUserNames"/>). A slash command or an
/// interaction payload only carries the handle (<c>user_name</c>, <c>user.name</c>), so without this "Reported by", the
/// owner, voters and every other place a person is named would show it. The lookup is bounded well inside Slack's 3 s; a
/// lookup that fails or runs out of time leaves the name the payload gave.
/// </summary>
internal sealed class SlackDisplayNames(IConversation inner, SlackUserNames names, IServiceProvider services, IOptions<SlackOptions> options) : IConversation
{
    public async Task<Outcome> HandleAsync(Interaction interaction, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(interaction);
        var actor = interaction.Actor;
        if (actor.Platform == Platform.Slack && SlackText.IsSlackUserId(actor.UserId) && options.Value.IsEnabled)
        {
            // Almost always known already: then without the lookup's allocations.
            string? name;
            if (!names.TryCached(actor.UserId, out name))
            {
                var budget = options.Value.InteractiveCallTimeout / 4;
                var found = await names.LookUpAsync(services.GetRequiredService<SlackApiClient>(), [actor.UserId], budget, ct).ConfigureAwait(false);
                name = found.GetValueOrDefault(actor.UserId);
            }

            if (!string.IsNullOrWhiteSpace(name) && name != actor.DisplayName)
            {
                interaction = interaction with { Actor = actor with { DisplayName = name } };
            }
        }

        return await inner.HandleAsync(interaction, ct).ConfigureAwait(false);
    }

    /// <summary>Wraps the host's <see cref="IConversation"/> (registered before the channels) so Slack actors carry display names.</summary>
    public static IServiceCollection Decorate(IServiceCollection services)
    {
        var core = services.LastOrDefault(d => d.ServiceType == typeof(IConversation));
        if (core?.ImplementationFactory is not { } factory)
        {
            return services;
        }

        services.Remove(core);
        services.AddSingleton<IConversation>(sp => new SlackDisplayNames((IConversation)factory(sp), sp.GetRequiredService<SlackUserNames>(), sp,
            sp.GetRequiredService<IOptions<SlackOptions>>()));
        return services;
    }
}
