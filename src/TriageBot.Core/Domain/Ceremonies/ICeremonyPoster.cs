using TriageBot.Core.Backlogs;

namespace TriageBot.Core.Ceremonies;

/// <summary>Builds and queues what a ceremony posts; called by the scheduler once an occurrence is claimed.</summary>
public interface ICeremonyPoster
{
    Task PostCeremonyAsync(Backlog backlog, CeremonyKind kind, Occurrence occurrence, bool late, CancellationToken ct);

    Task RemindAsync(Backlog backlog, CeremonyKind kind, Occurrence occurrence, CancellationToken ct);

    Task PostClinicSummaryAsync(Backlog backlog, Occurrence occurrence, CancellationToken ct);

    /// <summary>Batched nudges to the people concerned; called at most once an hour per backlog.</summary>
    Task NudgeAsync(Backlog backlog, CancellationToken ct);
}
