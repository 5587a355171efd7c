namespace TriageBot.Core.Ceremonies;

/// <summary>
/// One ceremony occurrence: when it happens and its stable id. The id is the scheduled local wall time
/// (<c>2026-12-02T14:00</c>), computed from the schedule and the calendar only, so every instance derives
/// the same id and the ledger can claim it once. A time moved out of a daylight-saving gap keeps the
/// id of the time it was scheduled for.
/// </summary>
public sealed record Occurrence(CeremonyKind? Kind, DateTimeOffset At, string Id)
{
    /// <summary>The ledger id of this occurrence's reminder.</summary>
    public string ReminderId => LedgerIds.Reminder(Id).ToString();

    /// <summary>The ledger id of this occurrence's closing summary (clinics).</summary>
    public string SummaryId => LedgerIds.ClinicSummary(Id).ToString();
}

/// <summary>An occurrence the scheduler should post now; <see cref="Late"/> when it is being posted after its grace period (the bot was down).</summary>
public sealed record DueOccurrence(Occurrence Occurrence, bool Late);
