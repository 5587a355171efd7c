using System.Text.Json;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;

namespace TriageBot.Core.Conversation;

/// <summary>Views in and out of the outbox, whose messages carry them as JSON (the ports name no view).</summary>
public static class OutboxViews
{
    /// <summary>A view as an outbox payload, in the one stored shape (<see cref="CoreJson"/>).</summary>
    public static JsonElement Payload(View view) => JsonSerializer.SerializeToElement(view, CoreJson.Options);

    /// <summary>The view a message shows; <see cref="InvalidDataException"/> when its payload is not one.</summary>
    public static View ToView(this OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            return message.Payload.Deserialize<View>(CoreJson.Options)
                ?? throw new InvalidDataException($"Outbox message '{message.Id}' has no view.");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new InvalidDataException($"Outbox message '{message.Id}' does not hold a view this version knows: {e.Message}", e);
        }
    }
}
