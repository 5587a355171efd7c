using Microsoft.Extensions.DependencyInjection.Extensions;
using TriageBot.Core.Conversation;
using TriageBot.Core.Ports;
using TriageBot.Core.UseCases;
using TriageBot.Core.Views;

namespace TriageBot.Hosting;

/// <summary>Registers Core's conversation (the one entry point channels call) and the clock.</summary>
public static class CoreExtensions
{
    public static WebApplicationBuilder AddTriageCore(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new ConversationOptions { PublicBaseUrl = builder.Configuration["PublicBaseUrl"] });
        // Core composes its use cases itself (one handler per key, registered in one place); the host takes its four services,
        // each a separate object.
        builder.Services.AddSingleton(sp => new TriageCore(
            sp.GetRequiredService<ITriageStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ConversationOptions>(),
            sp.GetService<IOutboxSignal>(),
            sp.GetService<Core.Telemetry.TriageMetrics>(),
            sp.GetService<TrackerServices>()));
        builder.Services.AddSingleton(sp => sp.GetRequiredService<TriageCore>().Conversation);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<TriageCore>().Views);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<TriageCore>().Ceremonies);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<TriageCore>().Reports);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<TriageCore>().Homes);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<TriageCore>().Finder);
        // App Homes also refresh for changes outside requests (the scheduler, the CLI, tracker webhooks).
        Scheduling.HomeRefreshExtensions.AddHomeRefresh(builder.Services, builder.Configuration);
        return builder;
    }
}
