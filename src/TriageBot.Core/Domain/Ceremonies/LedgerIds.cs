using System.Globalization;

namespace TriageBot.Core.Ceremonies;

/// <summary>What a ledger entry claims. Stored as the entry's occurrence id (the format below never changes: it is in stored ledgers).</summary>
public enum LedgerEntryKind
{
    /// <summary>A scheduled occurrence: <c>2026-12-02T14:00</c> (its local wall time).</summary>
    Occurrence,
    /// <summary>The reminder before an occurrence: <c>2026-12-02T14:00:reminder</c>.</summary>
    Reminder,
    /// <summary>A clinic's closing summary: <c>2026-12-02T14:00:summary</c>.</summary>
    ClinicSummary,
    /// <summary>A clinic started by hand: <c>manual:2026-12-02T14:03:07.123</c>.</summary>
    ManualClinic,
    /// <summary>One backlog's hourly nudges: <c>nudges:2026-12-02T14</c>.</summary>
    HourlyNudges,
    /// <summary>The nudge about one ended timebox: <c>nudge:timebox:{number}:{end ticks}</c>.</summary>
    TimeboxNudge,
}

/// <summary>A ledger entry's id, typed: its kind and the occurrence (or hour, or item) it is about.</summary>
public sealed record LedgerId(LedgerEntryKind Kind, string Value)
{
    /// <summary>The id as stored in the ledger.</summary>
    public override string ToString() => Kind switch
    {
        LedgerEntryKind.Occurrence => Value,
        LedgerEntryKind.Reminder => Value + LedgerIds.ReminderSuffix,
        LedgerEntryKind.ClinicSummary => Value + LedgerIds.SummarySuffix,
        LedgerEntryKind.ManualClinic => LedgerIds.ManualPrefix + Value,
        LedgerEntryKind.HourlyNudges => LedgerIds.NudgesPrefix + Value,
        LedgerEntryKind.TimeboxNudge => LedgerIds.TimeboxNudgePrefix + Value,
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown ledger entry kind."),
    };
}

/// <summary>
/// The one place that writes and reads ledger ids: every claim is made with a typed <see cref="LedgerId"/> and every
/// stored id is read back into one, so no caller parses suffixes.
/// </summary>
public static class LedgerIds
{
    internal const string ReminderSuffix = ":reminder";
    internal const string SummarySuffix = ":summary";
    internal const string ManualPrefix = "manual:";
    internal const string NudgesPrefix = "nudges:";
    internal const string TimeboxNudgePrefix = "nudge:timebox:";

    public static LedgerId Occurrence(string occurrenceId) => new(LedgerEntryKind.Occurrence, occurrenceId);

    public static LedgerId Reminder(string occurrenceId) => new(LedgerEntryKind.Reminder, occurrenceId);

    public static LedgerId ClinicSummary(string occurrenceId) => new(LedgerEntryKind.ClinicSummary, occurrenceId);

    /// <summary>A clinic started by hand at <paramref name="at"/> (UTC, to the millisecond).</summary>
    public static LedgerId ManualClinic(DateTimeOffset at) =>
        new(LedgerEntryKind.ManualClinic, at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture));

    /// <summary>The hour (UTC) of a backlog's nudges.</summary>
    public static LedgerId HourlyNudges(DateTimeOffset now) =>
        new(LedgerEntryKind.HourlyNudges, now.UtcDateTime.ToString("yyyy-MM-ddTHH", CultureInfo.InvariantCulture));

    /// <summary>The start of the hour <see cref="HourlyNudges"/> names.</summary>
    public static DateTimeOffset HourStart(DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    public static LedgerId TimeboxNudge(int itemNumber, DateTimeOffset timeboxEnd) =>
        new(LedgerEntryKind.TimeboxNudge, string.Create(CultureInfo.InvariantCulture, $"{itemNumber}:{timeboxEnd.UtcTicks}"));

    /// <summary>A stored id read back into its kind and value.</summary>
    public static LedgerId Parse(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (id.StartsWith(ManualPrefix, StringComparison.Ordinal))
        {
            return new(LedgerEntryKind.ManualClinic, id[ManualPrefix.Length..]);
        }

        if (id.StartsWith(NudgesPrefix, StringComparison.Ordinal))
        {
            return new(LedgerEntryKind.HourlyNudges, id[NudgesPrefix.Length..]);
        }

        if (id.StartsWith(TimeboxNudgePrefix, StringComparison.Ordinal))
        {
            return new(LedgerEntryKind.TimeboxNudge, id[TimeboxNudgePrefix.Length..]);
        }

        if (id.EndsWith(ReminderSuffix, StringComparison.Ordinal))
        {
            return new(LedgerEntryKind.Reminder, id[..^ReminderSuffix.Length]);
        }

        return id.EndsWith(SummarySuffix, StringComparison.Ordinal)
            ? new(LedgerEntryKind.ClinicSummary, id[..^SummarySuffix.Length])
            : new(LedgerEntryKind.Occurrence, id);
    }

    /// <summary>Whether a clinic ledger id names a clinic's start (scheduled or by hand), not its reminder or summary.</summary>
    public static bool IsClinicStart(string id) => Parse(id).Kind is LedgerEntryKind.Occurrence or LedgerEntryKind.ManualClinic;
}
