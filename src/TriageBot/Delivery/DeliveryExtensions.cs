namespace TriageBot.Delivery;

/// <summary>Registers the outbox delivery worker.</summary>
public static class DeliveryExtensions
{
    public static WebApplicationBuilder AddDelivery(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<DeliveryOptions>(builder.Configuration.GetSection("Delivery"));
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddSingleton<Core.Ports.IOutboxSignal>(sp => sp.GetRequiredService<OutboxSignal>());
        builder.Services.AddSingleton<DeliveryWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DeliveryWorker>());
        return builder;
    }
}
