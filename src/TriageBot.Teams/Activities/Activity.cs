using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace TriageBot.Teams.Activities;

/// <summary>
/// A Bot Framework activity as Teams sends it. Tolerant: fields the platform adds later are kept in <see cref="Extra"/>.
/// </summary>
public sealed record TeamsActivity
{
    public string? Type { get; init; }
    public string? Id { get; init; }
    public DateTimeOffset? Timestamp { get; init; }
    public string? ServiceUrl { get; init; }
    public string? ChannelId { get; init; }
    public ChannelAccount? From { get; init; }
    public ConversationAccount? Conversation { get; init; }
    public ChannelAccount? Recipient { get; init; }
    public string? Text { get; init; }
    public string? TextFormat { get; init; }
    public IReadOnlyList<Entity>? Entities { get; init; }
    public TeamsChannelData? ChannelData { get; init; }
    public string? ReplyToId { get; init; }
    public string? Name { get; init; }
    public JsonElement? Value { get; init; }
    public IReadOnlyList<ChannelAccount>? MembersAdded { get; init; }
    public IReadOnlyList<ChannelAccount>? MembersRemoved { get; init; }
    /// <summary><c>add</c> or <c>remove</c> on <c>installationUpdate</c>.</summary>
    public string? Action { get; init; }
    public string? Locale { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>A person or bot in an activity.</summary>
public sealed record ChannelAccount
{
    public string? Id { get; init; }
    public string? Name { get; init; }
    public string? AadObjectId { get; init; }
    public string? Role { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>The conversation an activity belongs to.</summary>
public sealed record ConversationAccount
{
    public string? Id { get; init; }
    public string? ConversationType { get; init; }
    public bool? IsGroup { get; init; }
    public string? TenantId { get; init; }
    public string? Name { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>An entity of an activity; only mentions matter here.</summary>
public sealed record Entity
{
    public string? Type { get; init; }
    public ChannelAccount? Mentioned { get; init; }
    public string? Text { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>Teams' <c>channelData</c>.</summary>
public sealed record TeamsChannelData
{
    public IdName? Tenant { get; init; }
    public IdName? Team { get; init; }
    public IdName? Channel { get; init; }
    public string? EventType { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

public sealed record IdName
{
    public string? Id { get; init; }
    public string? Name { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary><c>value</c> of an <c>adaptiveCard/action</c> invoke (Action.Execute).</summary>
public sealed record AdaptiveCardInvokeValue
{
    public ExecuteAction? Action { get; init; }
    public string? Trigger { get; init; }
}

public sealed record ExecuteAction
{
    public string? Type { get; init; }
    public string? Id { get; init; }
    public string? Verb { get; init; }
    public JsonObject? Data { get; init; }
}

/// <summary><c>value</c> of <c>task/fetch</c> and <c>task/submit</c>.</summary>
public sealed record TaskModuleValue
{
    public JsonObject? Data { get; init; }
}

/// <summary><c>value</c> of <c>composeExtension/fetchTask</c> and <c>composeExtension/submitAction</c>.</summary>
public sealed record MessagingExtensionActionValue
{
    public string? CommandId { get; init; }
    public string? CommandContext { get; init; }
    public JsonObject? Data { get; init; }
    public MessagePayload? MessagePayload { get; init; }
}

/// <summary>The message a message action was started from.</summary>
public sealed record MessagePayload
{
    public string? Id { get; init; }
    public MessageBody? Body { get; init; }
    public string? LinkToMessage { get; init; }
    public MessageFrom? From { get; init; }
}

public sealed record MessageBody
{
    public string? ContentType { get; init; }
    public string? Content { get; init; }
}

public sealed record MessageFrom
{
    public MessageUser? User { get; init; }
}

public sealed record MessageUser
{
    public string? Id { get; init; }
    public string? DisplayName { get; init; }
}

/// <summary>The one JSON shape for Bot Framework payloads in and out.</summary>
public static partial class TeamsJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>
    /// The JSON text sent to Teams (Connector bodies, invoke answers): people's text as UTF-8, not as <c>\u</c> escapes.
    /// System.Text.Json's encoders escape characters outside the Basic Multilingual Plane (emoji) even when relaxed, which
    /// makes an emoji 12 bytes instead of 4; those escaped pairs are written back as the characters they are.
    /// </summary>
    public static string Wire(JsonNode node) => UnescapeSurrogatePairs(node.ToJsonString(Options));

    /// <inheritdoc cref="Wire(JsonNode)"/>
    public static string Wire<T>(T value) => UnescapeSurrogatePairs(JsonSerializer.Serialize(value, Options));

    private static string UnescapeSurrogatePairs(string json) => json.Contains("\\uD", StringComparison.OrdinalIgnoreCase)
        ? EscapedSurrogatePair().Replace(json, m => string.Concat(
            (char)Convert.ToInt32(m.Groups["high"].Value, 16), (char)Convert.ToInt32(m.Groups["low"].Value, 16)))
        : json;

    /// <summary>An escaped high + low surrogate, preceded by an even number of backslashes (so it is an escape, not escaped text).</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"(?<=(?:^|[^\\])(?:\\\\)*)\\u(?<high>[dD][89abAB][0-9a-fA-F]{2})\\u(?<low>[dD][c-fC-F][0-9a-fA-F]{2})")]
    private static partial System.Text.RegularExpressions.Regex EscapedSurrogatePair();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            MaxDepth = 64,
            // People's text goes out as UTF-8, not as \u escapes (6 bytes per character): the Connector and the invoke
            // answers are JSON bodies, never HTML, and this is the size Teams counts (AdaptiveCardRenderer.SizeOf).
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
