using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TriageBot.Core.Conversation;
using TriageBot.Core.Ports;
using TriageBot.Slack.Delivery;
using TriageBot.Slack.Endpoints;
using TriageBot.Slack.SocketMode;
using TriageBot.Slack.WebApi;

namespace TriageBot.Slack;

/// <summary>Adds the Slack channel to the host: <c>services.AddSlack(configuration)</c>.</summary>
public static class ServiceCollectionExtensions
{
    /// <summary>
    /// Registers options (section <c>Slack</c>, validated at start), the Web API client, the sender for the delivery
    /// worker and the event processor. The host provides <see cref="Core.Conversation.IConversation"/>,
    /// <see cref="IInbox"/>, <see cref="IOutbox"/> and <see cref="TimeProvider"/> (defaulting to the system clock).
    /// </summary>
    public static IServiceCollection AddSlack(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<SlackOptions>()
            .Bind(configuration.GetSection(SlackOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SlackOptions>, SlackOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        services.AddTransient<BotTokenHandler>();
        services.AddHttpClient<SlackApiClient>((sp, http) =>
            {
                http.BaseAddress = sp.GetRequiredService<IOptions<SlackOptions>>().Value.ApiBaseUri;
                http.Timeout = TimeSpan.FromSeconds(15);
            })
            .AddHttpMessageHandler<BotTokenHandler>();
        services.AddHttpClient<ResponseUrlClient>(http => http.Timeout = TimeSpan.FromSeconds(10));

        // Installs to many workspaces (OAuth v2): validated only when Slack:ClientId is set; the host provides IInstallationStore.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SlackOptions>, Installations.InstallOptionsValidator>());
        services.AddHttpClient(Installations.SlackOAuthClient.ClientName, http => http.Timeout = TimeSpan.FromSeconds(15));
        services.TryAddSingleton<Installations.SlackOAuthClient>();
        services.TryAddSingleton<Installations.SlackInstallations>();
        services.TryAddSingleton<Installations.OAuthStates>();
        services.TryAddSingleton<Installations.InstallationCache>();
        services.AddHostedService<Installations.InstallationKeyCheck>();

        services.TryAddSingleton<SlackUserNames>();
        services.TryAddSingleton<ChannelPacer>();
        services.TryAddEnumerable(ServiceDescriptor.Transient<IChannelSender, SlackSender>());
        services.TryAddScoped<SlackResponder>();
        services.TryAddScoped<SlackDispatcher>();
        services.TryAddSingleton<SlackEventProcessor>();
        // Events still being handled after their ack: the host cancels them and waits for them when it stops.
        services.TryAddSingleton<BackgroundWork>();
        services.AddHostedService(sp => sp.GetRequiredService<BackgroundWork>());

        // Socket Mode (with Slack:AppToken): one connection kept open by a hosted service; it does nothing without the token.
        services.AddHttpClient(ConnectionsOpenClient.ClientName, http => http.Timeout = TimeSpan.FromSeconds(15));
        services.TryAddSingleton<ConnectionsOpenClient>();
        services.TryAddSingleton<EnvelopeHandler>();
        services.TryAddSingleton<SocketModeState>();
        services.AddHostedService<SocketModeService>();
        services.AddHealthChecks().AddCheck<SocketModeHealthCheck>("slack-socket", tags: ["ready"]);
        return services;
    }

    /// <summary>
    /// Slack people by display name everywhere: wraps the host's <see cref="Core.Conversation.IConversation"/>, so call it
    /// after the host registered Core (see <see cref="SlackDisplayNames"/>).
    /// </summary>
    public static IServiceCollection AddSlackDisplayNames(this IServiceCollection services) => SlackDisplayNames.Decorate(services);
}
