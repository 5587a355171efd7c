using TriageBot.Core.Ceremonies;

namespace TriageBot.Core.Conversation;

/// <summary>
/// Adapter until the use cases read the ceremony registry directly: the on-demand report a ceremony's
/// <see cref="CeremonyReport"/> is. Replaces the switch in <c>PostCeremonyAsync</c> that fell back to the icebox sweep
/// for any other kind. Remove once <c>ReportKind</c> lives with the domain's reports.
/// </summary>
public static class CeremonyReportKinds
{
    /// <summary>The report kind a ceremony posts; an <see cref="ArgumentOutOfRangeException"/> for the clinic (it starts a clinic, not a report) or an unknown report.</summary>
    public static ReportKind ToReportKind(this CeremonyReport report) => report switch
    {
        CeremonyReport.WeeklyReview => ReportKind.Weekly,
        CeremonyReport.AllocationReview => ReportKind.Allocation,
        CeremonyReport.IceboxSweep => ReportKind.Icebox,
        _ => throw new ArgumentOutOfRangeException(nameof(report), report, "This ceremony posts no on-demand report: it has its own use case (the clinic starts a clinic)."),
    };
}
