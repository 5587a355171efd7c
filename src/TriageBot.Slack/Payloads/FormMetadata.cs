using System.Text.Json;
using System.Text.Json.Serialization;

namespace TriageBot.Slack.Payloads;

/// <summary>
/// What a modal must remember until it is submitted: which form, its argument, and where it was opened
/// (channel, thread, and the message whose button opened it). Slack returns it untouched in
/// <c>private_metadata</c>, inside the signed payload.
/// </summary>
public sealed record FormMetadata(
    [property: JsonPropertyName("formId")] string FormId,
    [property: JsonPropertyName("argument")] string? Argument,
    [property: JsonPropertyName("channel")] string? Channel,
    [property: JsonPropertyName("thread")] string? Thread,
    [property: JsonPropertyName("message")] string? MessageTs = null)
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public string Serialize()
    {
        var text = JsonSerializer.Serialize(this, Json);
        if (text.Length > Blocks.BlockLimits.PrivateMetadata)
        {
            throw new InvalidOperationException($"Form '{FormId}' carries {text.Length} characters of context; Slack's private_metadata holds {Blocks.BlockLimits.PrivateMetadata}. Keep form arguments to ids.");
        }

        return text;
    }

    /// <summary>Reads metadata back; null when absent or not ours.</summary>
    public static FormMetadata? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            var metadata = JsonSerializer.Deserialize<FormMetadata>(text, Json);
            return metadata is { FormId.Length: > 0 } ? metadata : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
