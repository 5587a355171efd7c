using TriageBot.Core.Ports;
using TriageBot.Slack;
using TriageBot.Teams;

namespace TriageBot.Hosting;

/// <summary>The chat channels: Slack and Teams, each refusing every request until it is configured.</summary>
public static class ChannelExtensions
{
    public static WebApplicationBuilder AddChannels(this WebApplicationBuilder builder)
    {
        // The channels take the storage ports they use, not the whole store.
        builder.Services.AddSingleton(sp => sp.GetRequiredService<ITriageStore>().Inbox);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<ITriageStore>().Outbox);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<ITriageStore>().Bindings);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<ITriageStore>().MessageRefs);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<ITriageStore>().Backlogs);
        builder.Services.AddSlack(builder.Configuration);
        builder.Services.AddSlackDisplayNames();
        builder.Services.AddTeams(builder.Configuration);
        return builder;
    }

    public static WebApplication MapChannels(this WebApplication app)
    {
        app.MapSlack();
        app.MapTeams();
        return app;
    }
}
