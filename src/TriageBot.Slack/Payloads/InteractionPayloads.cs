using System.Text.Json;
using System.Text.Json.Serialization;

namespace TriageBot.Slack.Payloads;

/// <summary>The JSON in the <c>payload</c> form field of an interactivity request; dispatched on <c>type</c>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", IgnoreUnrecognizedTypeDiscriminators = true)]
[JsonDerivedType(typeof(BlockActionsPayload), "block_actions")]
[JsonDerivedType(typeof(ViewSubmissionPayload), "view_submission")]
[JsonDerivedType(typeof(ViewClosedPayload), "view_closed")]
[JsonDerivedType(typeof(MessageActionPayload), "message_action")]
[JsonDerivedType(typeof(GlobalShortcutPayload), "shortcut")]
public record InteractionPayload
{
    [JsonPropertyName("user")] public SlackUser User { get; init; } = new();
    [JsonPropertyName("team")] public SlackTeam? Team { get; init; }
    [JsonPropertyName("trigger_id")] public string? TriggerId { get; init; }
    [JsonPropertyName("api_app_id")] public string? ApiAppId { get; init; }
    [JsonPropertyName("enterprise")] public SlackTeam? Enterprise { get; init; }
    [JsonPropertyName("is_enterprise_install")] public bool IsEnterpriseInstall { get; init; }

    /// <summary>The workspace: the payload's team, or the user's team when Slack leaves team out (some enterprise installs).</summary>
    public string Workspace => Team?.Id ?? User.TeamId ?? "";
}

public sealed record SlackUser
{
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("username")] public string? Username { get; init; }
    [JsonPropertyName("team_id")] public string? TeamId { get; init; }

    public string DisplayName => !string.IsNullOrWhiteSpace(Name) ? Name : !string.IsNullOrWhiteSpace(Username) ? Username : Id;
}

public sealed record SlackTeam
{
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("domain")] public string? Domain { get; init; }
}

public sealed record SlackChannel
{
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("name")] public string? Name { get; init; }
}

/// <summary>Where a block action happened: a message (channel + ts) or a view.</summary>
public sealed record ActionContainer
{
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("message_ts")] public string? MessageTs { get; init; }
    [JsonPropertyName("channel_id")] public string? ChannelId { get; init; }
    [JsonPropertyName("thread_ts")] public string? ThreadTs { get; init; }
    [JsonPropertyName("is_ephemeral")] public bool IsEphemeral { get; init; }
    [JsonPropertyName("view_id")] public string? ViewId { get; init; }
}

public sealed record SlackMessageRef
{
    [JsonPropertyName("ts")] public string? Ts { get; init; }
    [JsonPropertyName("thread_ts")] public string? ThreadTs { get; init; }
    [JsonPropertyName("text")] public string? Text { get; init; }
    [JsonPropertyName("user")] public string? User { get; init; }
}

public sealed record BlockAction
{
    [JsonPropertyName("action_id")] public string ActionId { get; init; } = "";
    [JsonPropertyName("block_id")] public string? BlockId { get; init; }
    [JsonPropertyName("type")] public string? Type { get; init; }
    [JsonPropertyName("value")] public string? Value { get; init; }
}

public sealed record ViewState
{
    /// <summary>block_id → action_id → the element's state.</summary>
    [JsonPropertyName("values")] public Dictionary<string, Dictionary<string, JsonElement>> Values { get; init; } = [];
}

public sealed record SlackView
{
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("callback_id")] public string? CallbackId { get; init; }
    [JsonPropertyName("title")] public SlackViewTitle? Title { get; init; }
    [JsonPropertyName("private_metadata")] public string? PrivateMetadata { get; init; }
    [JsonPropertyName("state")] public ViewState? State { get; init; }
    [JsonPropertyName("hash")] public string? Hash { get; init; }
    [JsonPropertyName("type")] public string? Type { get; init; }
}

/// <summary>A view's title (a <c>plain_text</c> object).</summary>
public sealed record SlackViewTitle
{
    [JsonPropertyName("text")] public string? Text { get; init; }
}

public sealed record BlockActionsPayload : InteractionPayload
{
    [JsonPropertyName("actions")] public IReadOnlyList<BlockAction> Actions { get; init; } = [];
    [JsonPropertyName("channel")] public SlackChannel? Channel { get; init; }
    [JsonPropertyName("container")] public ActionContainer? Container { get; init; }
    [JsonPropertyName("message")] public SlackMessageRef? Message { get; init; }
    [JsonPropertyName("view")] public SlackView? View { get; init; }
    [JsonPropertyName("response_url")] public string? ResponseUrl { get; init; }
    /// <summary>What the person has chosen in the message's menus (Slack sends the whole state with every action).</summary>
    [JsonPropertyName("state")] public ViewState? State { get; init; }
}

public sealed record ViewSubmissionPayload : InteractionPayload
{
    [JsonPropertyName("view")] public SlackView View { get; init; } = new();
}

public sealed record ViewClosedPayload : InteractionPayload
{
    [JsonPropertyName("view")] public SlackView? View { get; init; }
    [JsonPropertyName("is_cleared")] public bool IsCleared { get; init; }
}

/// <summary>A message shortcut ("…" on a message).</summary>
public sealed record MessageActionPayload : InteractionPayload
{
    [JsonPropertyName("callback_id")] public string CallbackId { get; init; } = "";
    [JsonPropertyName("message_ts")] public string? MessageTs { get; init; }
    [JsonPropertyName("message")] public SlackMessageRef? Message { get; init; }
    [JsonPropertyName("channel")] public SlackChannel? Channel { get; init; }
    [JsonPropertyName("response_url")] public string? ResponseUrl { get; init; }
}

/// <summary>A global shortcut (from the composer or the search bar; no channel).</summary>
public sealed record GlobalShortcutPayload : InteractionPayload
{
    [JsonPropertyName("callback_id")] public string CallbackId { get; init; } = "";
}

/// <summary>Callback ids declared in the app manifest.</summary>
public static class ShortcutIds
{
    public const string ReportToTriage = "report_to_triage";
    public const string NewItem = "new_item";
}
