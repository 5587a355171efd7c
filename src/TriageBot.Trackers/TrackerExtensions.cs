using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Core.Conversation;
using TriageBot.Core.Ports;
using TriageBot.Trackers.GitHub;
using TriageBot.Trackers.Jira;
using TriageBot.Trackers.Sync;
using TriageBot.Trackers.Webhooks;

namespace TriageBot.Trackers;

/// <summary>Registers the tracker sync (clients, Core's tracker port, the worker) and maps the webhook endpoints.</summary>
public static class TrackerExtensions
{
    /// <summary>Needs an <see cref="ITrackerStore"/> and Core's services registered by the host.</summary>
    public static IServiceCollection AddTrackerSync(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TrackerOptions>().Bind(configuration.GetSection(TrackerOptions.Section));
        services.AddSingleton<TrackerWake>();
        services.AddSingleton<ITrackerClient, GitHubTracker>();
        services.AddHttpClient<JiraTracker>();
        services.AddSingleton<ITrackerClient>(sp => sp.GetRequiredService<JiraTracker>());
        services.AddSingleton(sp => new TrackerGateway(sp.GetServices<ITrackerClient>()));
        services.AddSingleton<ITrackerGateway>(sp => sp.GetRequiredService<TrackerGateway>());
        services.AddSingleton(sp => new TrackerServices(sp.GetRequiredService<ITrackerStore>(), sp.GetRequiredService<ITrackerGateway>()));
        services.AddSingleton(sp => new ItemUpdates(sp.GetRequiredService<ITriageStore>(), sp.GetRequiredService<ConversationOptions>(), sp.GetService<IOutboxSignal>()));
        services.AddSingleton(sp => new TrackerPush(sp.GetRequiredService<ITriageStore>(), sp.GetRequiredService<ITrackerStore>(), sp.GetRequiredService<TrackerGateway>(),
            sp.GetRequiredService<ItemUpdates>(), sp.GetRequiredService<IOptions<TrackerOptions>>().Value, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("TriageBot.Trackers.Push")));
        services.AddSingleton(sp => new TrackerPull(sp.GetRequiredService<ITriageStore>(), sp.GetRequiredService<ITrackerStore>(), sp.GetRequiredService<ItemUpdates>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new TrackerSync(sp.GetRequiredService<ITriageStore>(), sp.GetRequiredService<ITrackerStore>(), sp.GetRequiredService<TrackerPush>(),
            sp.GetRequiredService<TrackerPull>(), sp.GetRequiredService<TrackerWake>(), sp.GetRequiredService<IOptions<TrackerOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<TrackerSync>>()));
        services.AddHostedService(sp => sp.GetRequiredService<TrackerSync>());
        return services;
    }

    public static IEndpointRouteBuilder MapTrackerWebhooks(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/trackers/github/webhook", GitHubWebhook.HandleAsync).DisableAntiforgery();
        endpoints.MapPost("/trackers/jira/webhook", JiraWebhook.HandleAsync).DisableAntiforgery();
        return endpoints;
    }
}
