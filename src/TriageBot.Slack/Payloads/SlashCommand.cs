using Microsoft.Extensions.Primitives;

namespace TriageBot.Slack.Payloads;

/// <summary>A slash command invocation, read from the signed form body.</summary>
public sealed record SlashCommand(
    string Command,
    string Text,
    string UserId,
    string UserName,
    string TeamId,
    string ChannelId,
    string? TriggerId,
    string? ResponseUrl)
{
    /// <summary>Reads the fields Slack always sends; null when one of them is missing.</summary>
    public static SlashCommand? From(IReadOnlyDictionary<string, StringValues> form)
    {
        string? Get(string key) => form.TryGetValue(key, out var v) && v.Count == 1 ? v[0] : null;

        var command = Get("command");
        var userId = Get("user_id");
        var teamId = Get("team_id");
        var channelId = Get("channel_id");
        if (string.IsNullOrEmpty(command) || string.IsNullOrEmpty(userId) || string.IsNullOrEmpty(teamId) || string.IsNullOrEmpty(channelId))
        {
            return null;
        }

        return new SlashCommand(command, (Get("text") ?? "").Trim(), userId, Get("user_name") ?? userId, teamId, channelId, Get("trigger_id"), Get("response_url"));
    }
}
