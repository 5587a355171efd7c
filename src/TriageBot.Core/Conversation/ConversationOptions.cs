namespace TriageBot.Core.Conversation;

/// <summary>Settings the conversation needs from the host.</summary>
public sealed class ConversationOptions
{
    /// <summary>Public base URL of this deployment (e.g. <c>https://triagebot.example.com</c>), for dashboard links; null = no links.</summary>
    public string? PublicBaseUrl { get; set; }
}
