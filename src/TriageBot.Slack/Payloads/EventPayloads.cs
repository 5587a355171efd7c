using System.Text.Json;
using System.Text.Json.Serialization;

namespace TriageBot.Slack.Payloads;

/// <summary>A body posted to the Events API request URL; dispatched on <c>type</c>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", IgnoreUnrecognizedTypeDiscriminators = true)]
[JsonDerivedType(typeof(UrlVerification), "url_verification")]
[JsonDerivedType(typeof(EventCallback), "event_callback")]
[JsonDerivedType(typeof(AppRateLimited), "app_rate_limited")]
public record EventsRequest
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>Slack checking the request URL: answer with the challenge.</summary>
public sealed record UrlVerification : EventsRequest
{
    [JsonPropertyName("challenge")] public string Challenge { get; init; } = "";
}

/// <summary>Slack telling us it dropped events for going over 30,000 an hour.</summary>
public sealed record AppRateLimited : EventsRequest
{
    [JsonPropertyName("team_id")] public string? TeamId { get; init; }
    [JsonPropertyName("minute_rate_limited")] public long MinuteRateLimited { get; init; }
}

/// <summary>The envelope of one event.</summary>
public sealed record EventCallback : EventsRequest
{
    [JsonPropertyName("team_id")] public string TeamId { get; init; } = "";
    [JsonPropertyName("api_app_id")] public string? ApiAppId { get; init; }
    [JsonPropertyName("event_id")] public string EventId { get; init; } = "";
    [JsonPropertyName("event_time")] public long EventTime { get; init; }
    [JsonPropertyName("event")] public JsonElement Event { get; init; }
    [JsonPropertyName("authorizations")] public IReadOnlyList<Authorization> Authorizations { get; init; } = [];

    /// <summary>Our bot's user id in this workspace, from the verified envelope.</summary>
    public string? BotUserId => Authorizations.FirstOrDefault(a => a.IsBot)?.UserId ?? Authorizations.FirstOrDefault()?.UserId;
}

public sealed record Authorization
{
    [JsonPropertyName("team_id")] public string? TeamId { get; init; }
    [JsonPropertyName("user_id")] public string? UserId { get; init; }
    [JsonPropertyName("is_bot")] public bool IsBot { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>The inner events the bot handles; anything else is acknowledged and ignored.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", IgnoreUnrecognizedTypeDiscriminators = true)]
[JsonDerivedType(typeof(AppMentionEvent), "app_mention")]
[JsonDerivedType(typeof(MessageEvent), "message")]
[JsonDerivedType(typeof(MemberJoinedChannelEvent), "member_joined_channel")]
[JsonDerivedType(typeof(AppHomeOpenedEvent), "app_home_opened")]
[JsonDerivedType(typeof(AppUninstalledEvent), "app_uninstalled")]
[JsonDerivedType(typeof(TokensRevokedEvent), "tokens_revoked")]
[JsonDerivedType(typeof(LinkSharedEvent), "link_shared")]
public record SlackEvent
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>Fields shared by messages and mentions.</summary>
public abstract record MessageLikeEvent : SlackEvent
{
    [JsonPropertyName("user")] public string? User { get; init; }
    [JsonPropertyName("bot_id")] public string? BotId { get; init; }
    [JsonPropertyName("subtype")] public string? Subtype { get; init; }
    [JsonPropertyName("text")] public string? Text { get; init; }
    [JsonPropertyName("channel")] public string Channel { get; init; } = "";
    [JsonPropertyName("ts")] public string? Ts { get; init; }
    [JsonPropertyName("thread_ts")] public string? ThreadTs { get; init; }
    [JsonPropertyName("team")] public string? Team { get; init; }
}

public sealed record AppMentionEvent : MessageLikeEvent;

public sealed record MessageEvent : MessageLikeEvent
{
    [JsonPropertyName("channel_type")] public string? ChannelType { get; init; }
}

public sealed record MemberJoinedChannelEvent : SlackEvent
{
    [JsonPropertyName("user")] public string User { get; init; } = "";
    [JsonPropertyName("channel")] public string Channel { get; init; } = "";
    [JsonPropertyName("team")] public string? Team { get; init; }
}

/// <summary>Someone opened the app's Home (or Messages) tab; <c>tab</c> says which.</summary>
public sealed record AppHomeOpenedEvent : SlackEvent
{
    [JsonPropertyName("user")] public string User { get; init; } = "";
    [JsonPropertyName("channel")] public string? Channel { get; init; }
    [JsonPropertyName("tab")] public string? Tab { get; init; }
}

/// <summary>The app was uninstalled from the workspace (or organisation): its tokens no longer work.</summary>
public sealed record AppUninstalledEvent : SlackEvent;

/// <summary>Tokens of the app were revoked: <c>tokens.bot</c> lists the bot users whose tokens went.</summary>
public sealed record TokensRevokedEvent : SlackEvent
{
    [JsonPropertyName("tokens")] public RevokedTokens? Tokens { get; init; }
}

public sealed record RevokedTokens
{
    [JsonPropertyName("oauth")] public IReadOnlyList<string>? OAuth { get; init; }
    [JsonPropertyName("bot")] public IReadOnlyList<string>? Bot { get; init; }
}

/// <summary>Someone shared (or is typing, <c>source: composer</c>) a message with links on a domain the app unfurls.</summary>
public sealed record LinkSharedEvent : SlackEvent
{
    [JsonPropertyName("channel")] public string? Channel { get; init; }
    [JsonPropertyName("user")] public string? User { get; init; }
    [JsonPropertyName("message_ts")] public string? MessageTs { get; init; }
    [JsonPropertyName("unfurl_id")] public string? UnfurlId { get; init; }
    [JsonPropertyName("source")] public string? Source { get; init; }
    [JsonPropertyName("links")] public IReadOnlyList<SharedLink> Links { get; init; } = [];
}

public sealed record SharedLink
{
    [JsonPropertyName("url")] public string? Url { get; init; }
    [JsonPropertyName("domain")] public string? Domain { get; init; }
}
