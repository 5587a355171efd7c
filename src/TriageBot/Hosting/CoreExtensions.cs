using Microsoft.Extensions.DependencyInjection.Extensions;
using TriageBot.Core.Conversation;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;

namespace TriageBot.Hosting;

/// <summary>Registers Core's conversation (the one entry point channels call) and the clock.</summary>
public static class CoreExtensions
{
    public static WebApplicationBuilder AddTriageCore(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new ConversationOptions { PublicBaseUrl = builder.Configuration["PublicBaseUrl"] });
        builder.Services.AddSingleton(sp => new TriageConversation(
            sp.GetRequiredService<ITriageStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ConversationOptions>(),
            sp.GetService<IOutboxSignal>(),
            sp.GetService<Core.Telemetry.TriageMetrics>()));
        builder.Services.AddSingleton<IConversation>(sp => sp.GetRequiredService<TriageConversation>());
        builder.Services.AddSingleton<IViewResolver>(sp => sp.GetRequiredService<TriageConversation>());
        builder.Services.AddSingleton<Core.Ceremonies.ICeremonyPoster>(sp => sp.GetRequiredService<TriageConversation>());
        return builder;
    }
}
