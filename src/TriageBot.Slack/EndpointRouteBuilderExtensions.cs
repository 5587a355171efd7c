using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Core.Conversation;
using TriageBot.Core.Ports;
using TriageBot.Slack.Endpoints;

namespace TriageBot.Slack;

/// <summary>Maps the Slack request URLs: <c>app.MapSlack()</c>.</summary>
public static class EndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST {prefix}/events</c>, <c>/commands</c> and <c>/interactivity</c>. They are always mapped; with no
    /// signing secret configured every request gets 401 (fail closed), and a warning says so at start.
    /// </summary>
    public static RouteGroupBuilder MapSlack(this IEndpointRouteBuilder endpoints, string prefix = "/slack")
    {
        var registered = endpoints.ServiceProvider.GetRequiredService<IServiceProviderIsService>();
        foreach (var needed in new[] { typeof(IConversation), typeof(IInbox), typeof(IOutbox), typeof(SlackEventProcessor) })
        {
            if (!registered.IsService(needed))
            {
                throw new InvalidOperationException($"MapSlack needs {needed.Name} in the service collection: call services.AddSlack(configuration) and register Core's conversation and the store before mapping.");
            }
        }

        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<SlackOptions>>().Value;
        if (!options.IsEnabled)
        {
            Log.NotConfigured(endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("TriageBot.Slack"));
        }

        var group = endpoints.MapGroup(prefix).WithTags("Slack");
        group.MapPost("/events", EventsEndpoint.HandleAsync).DisableAntiforgery().WithName("SlackEvents");
        group.MapPost("/commands", CommandsEndpoint.HandleAsync).DisableAntiforgery().WithName("SlackCommands");
        group.MapPost("/interactivity", InteractivityEndpoint.HandleAsync).DisableAntiforgery().WithName("SlackInteractivity");
        // Installs to many workspaces (OAuth v2): answer "not available" while Slack:ClientId is not set.
        Installations.InstallEndpoints.MapSlackInstall(group);
        return group;
    }
}
