namespace TriageBot.Core.Conversation;

/// <summary>On-demand reports and clinics (SPEC §6, §8).</summary>
public sealed partial class TriageConversation
{
    private void RegisterReportHandlers()
    {
    }
}
