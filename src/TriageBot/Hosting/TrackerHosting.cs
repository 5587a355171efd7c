using TriageBot.Storage;
using TriageBot.Trackers;

namespace TriageBot.Hosting;

/// <summary>Issue-tracker sync (docs/trackers.md): the backend's tracker store, the clients, the worker and the webhooks.</summary>
public static class TrackerHosting
{
    public static WebApplicationBuilder AddTrackers(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => sp.GetRequiredService<StorageBackend>().Trackers
            ?? throw new InvalidOperationException("The storage backend has no tracker store."));
        builder.Services.AddTrackerSync(builder.Configuration);
        return builder;
    }

    public static WebApplication MapTrackers(this WebApplication app)
    {
        app.MapTrackerWebhooks();
        return app;
    }
}
