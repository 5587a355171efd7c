using System.Text.Json.Nodes;

namespace TriageBot.Slack.Blocks;

/// <summary>A rendered Slack message: the notification fallback text and the Block Kit blocks.</summary>
public sealed record SlackMessage(string Text, JsonArray Blocks)
{
    /// <summary>The message as the JSON fields <c>text</c> and <c>blocks</c> (deep copies, so one rendering can be sent twice).</summary>
    public JsonObject ToJson() => new()
    {
        ["text"] = Text,
        ["blocks"] = Blocks.DeepClone(),
    };
}
