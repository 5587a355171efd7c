using System.Text.Json;
using System.Text.Json.Serialization;

namespace TriageBot.Slack.Payloads;

/// <summary>JSON settings for Slack's wire format (snake_case names are spelled out on each property).</summary>
internal static class SlackJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            // Slack does not put "type" first, and the polymorphic dispatch must not depend on property order.
            AllowOutOfOrderMetadataProperties = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            MaxDepth = 64,
            // A null where the model says "never null" is a malformed payload (400), not a NullReferenceException later.
            RespectNullableAnnotations = true,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
