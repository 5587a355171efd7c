using TriageBot.Core.Ceremonies;

namespace TriageBot.Core.Tests.Ceremonies;

/// <summary>Typed ledger entry kinds: written and read in one place, in the format stored ledgers already hold.</summary>
public sealed class LedgerIdsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 2, 13, 3, 7, 123, TimeSpan.Zero);

    [Fact]
    public void EachKind_IsWrittenInTheStoredFormat()
    {
        LedgerIds.Occurrence("2026-12-02T14:00").ToString().ShouldBe("2026-12-02T14:00");
        LedgerIds.Reminder("2026-12-02T14:00").ToString().ShouldBe("2026-12-02T14:00:reminder");
        LedgerIds.ClinicSummary("2026-12-02T14:00").ToString().ShouldBe("2026-12-02T14:00:summary");
        LedgerIds.ManualClinic(At).ToString().ShouldBe("manual:2026-12-02T13:03:07.123");
        LedgerIds.HourlyNudges(At.ToOffset(TimeSpan.FromHours(1))).ToString().ShouldBe("nudges:2026-12-02T13");
        LedgerIds.HourStart(At).ShouldBe(new DateTimeOffset(2026, 12, 2, 13, 0, 0, TimeSpan.Zero));
        LedgerIds.TimeboxNudge(42, At).ToString().ShouldBe($"nudge:timebox:42:{At.UtcTicks}");
        new Occurrence(CeremonyKind.TriageClinic, At, "2026-12-02T14:00").ReminderId.ShouldBe("2026-12-02T14:00:reminder");
        new Occurrence(CeremonyKind.TriageClinic, At, "2026-12-02T14:00").SummaryId.ShouldBe("2026-12-02T14:00:summary");
    }

    [Fact]
    public void EveryId_ReadsBackIntoItsKind()
    {
        LedgerId[] ids =
        [
            LedgerIds.Occurrence("2026-12-02T14:00"), LedgerIds.Reminder("2026-12-02T14:00"), LedgerIds.ClinicSummary("2026-12-02T14:00"),
            LedgerIds.ManualClinic(At), LedgerIds.HourlyNudges(At), LedgerIds.TimeboxNudge(7, At),
        ];

        ids.Select(id => LedgerIds.Parse(id.ToString())).ShouldBe(ids);
        ids.Select(id => id.Kind).ShouldBe(Enum.GetValues<LedgerEntryKind>());
    }

    [Theory]
    [InlineData("2026-12-02T14:00", true)]
    [InlineData("manual:2026-12-02T13:03:07.123", true)]
    [InlineData("2026-12-02T14:00:reminder", false)]
    [InlineData("2026-12-02T14:00:summary", false)]
    public void OnlyScheduledAndManualStarts_AreClinicStarts(string id, bool start) => LedgerIds.IsClinicStart(id).ShouldBe(start);
}
