using TriageBot.Core.Ceremonies;

namespace TriageBot.Core.Reports;

/// <summary>The reports that can be asked for on demand (and that the weekly review, allocation review and icebox sweep post).</summary>
public enum ReportKind { Weekly, Allocation, Icebox }

/// <summary>The on-demand report a ceremony's <see cref="CeremonyReport"/> is.</summary>
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
