using TriageBot.Core.Ceremonies;

namespace TriageBot.Core.Tests.Ceremonies;

public class CeremonyCalendarTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    private static CeremonySchedule Weekly(DayOfWeek day, int hour, int minute, int everyWeeks = 1, DateOnly? anchor = null) =>
        new(new WeeklyRecurrence(day, new TimeOnly(hour, minute), everyWeeks, anchor ?? new DateOnly(2026, 1, 5)), 30);

    private static DateTimeOffset Utc(int y, int mo, int d, int h = 0, int mi = 0) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    private static List<Occurrence> Between(CeremonySchedule s, TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to) =>
        CeremonyCalendar.Occurrences(s, zone, from, to).ToList();

    public class DaylightSaving
    {
        [Fact]
        public void SpringForwardGap_InBerlin_HappensOnceAtTheTimeShiftedByTheGap()
        {
            var sunday0230 = Weekly(DayOfWeek.Sunday, 2, 30);

            var occurrences = Between(sunday0230, Berlin, Utc(2026, 3, 28), Utc(2026, 3, 30));

            occurrences.Count.ShouldBe(1);
            occurrences[0].At.ShouldBe(new DateTimeOffset(2026, 3, 29, 3, 30, 0, TimeSpan.FromHours(2)));
            occurrences[0].At.Offset.ShouldBe(TimeSpan.FromHours(2));
            occurrences[0].Id.ShouldBe("2026-03-29T02:30");
        }

        [Fact]
        public void SpringForwardGap_InNewYork_HappensOnceAtTheTimeShiftedByTheGap()
        {
            var sunday0230 = Weekly(DayOfWeek.Sunday, 2, 30);

            var occurrences = Between(sunday0230, NewYork, Utc(2026, 3, 7), Utc(2026, 3, 9));

            occurrences.Count.ShouldBe(1);
            occurrences[0].At.UtcDateTime.ShouldBe(new DateTime(2026, 3, 8, 7, 30, 0, DateTimeKind.Utc));
            occurrences[0].At.Offset.ShouldBe(TimeSpan.FromHours(-4));
            occurrences[0].Id.ShouldBe("2026-03-08T02:30");
        }

        [Fact]
        public void FallBackOverlap_InBerlin_HappensOnceAtTheFirstDaylightInstance()
        {
            var sunday0230 = Weekly(DayOfWeek.Sunday, 2, 30);

            var occurrences = Between(sunday0230, Berlin, Utc(2026, 10, 24), Utc(2026, 10, 26));

            occurrences.Count.ShouldBe(1);
            occurrences[0].At.ShouldBe(new DateTimeOffset(2026, 10, 25, 2, 30, 0, TimeSpan.FromHours(2)));
            occurrences[0].At.UtcDateTime.ShouldBe(new DateTime(2026, 10, 25, 0, 30, 0, DateTimeKind.Utc));
        }

        [Fact]
        public void FallBackOverlap_InNewYork_HappensOnceAtTheFirstDaylightInstance()
        {
            var sunday0130 = Weekly(DayOfWeek.Sunday, 1, 30);

            var occurrences = Between(sunday0130, NewYork, Utc(2026, 10, 31), Utc(2026, 11, 2));

            occurrences.Count.ShouldBe(1);
            occurrences[0].At.ShouldBe(new DateTimeOffset(2026, 11, 1, 1, 30, 0, TimeSpan.FromHours(-4)));
            occurrences[0].Id.ShouldBe("2026-11-01T01:30");
        }

        [Fact]
        public void WeeklyTime_KeepsItsWallClockAcrossTheChange()
        {
            var monday10 = Weekly(DayOfWeek.Monday, 10, 0);

            var occurrences = Between(monday10, Berlin, Utc(2026, 3, 23), Utc(2026, 4, 1));

            occurrences.Select(o => o.At.UtcDateTime).ShouldBe([
                new DateTime(2026, 3, 23, 9, 0, 0, DateTimeKind.Utc),
                new DateTime(2026, 3, 30, 8, 0, 0, DateTimeKind.Utc),
            ]);
            occurrences.Select(o => o.Id).ShouldBe(["2026-03-23T10:00", "2026-03-30T10:00"]);
        }

        [Theory]
        [InlineData("Europe/Berlin")]
        [InlineData("America/New_York")]
        public void AYearOfDailyTimesInsideTheGapAndOverlap_NeverRepeatsOrSkipsAnId(string zoneId)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
            var everyDay = Enum.GetValues<DayOfWeek>().Select(d => Weekly(d, zoneId == "Europe/Berlin" ? 2 : 1, 30));

            var ids = everyDay
                .SelectMany(s => CeremonyCalendar.Occurrences(s, zone, Utc(2026, 1, 1), Utc(2027, 1, 1)))
                .Select(o => o.Id)
                .ToList();

            ids.Count.ShouldBe(365);
            ids.Distinct().Count().ShouldBe(365);
        }
    }

    public class EveryOtherWeek
    {
        [Theory]
        [InlineData(2026, 1, 7)]   // the anchor is the Wednesday itself
        [InlineData(2026, 1, 5)]   // Monday of that week
        [InlineData(2026, 1, 9)]   // Friday of that week: fires on the Wednesday before it
        [InlineData(2026, 1, 11)]  // Sunday: still the same Monday–Sunday week
        [InlineData(2026, 3, 4)]   // eight weeks later: the same parity, so earlier dates also fire
        public void AnchorWeekFires_NextWeekDoesNot_WeekAfterFires(int y, int m, int d)
        {
            var clinic = Weekly(DayOfWeek.Wednesday, 14, 0, everyWeeks: 2, anchor: new DateOnly(y, m, d));

            var dates = Between(clinic, Berlin, Utc(2026, 1, 1), Utc(2026, 2, 1)).Select(o => o.Id).ToList();

            dates.ShouldBe(["2026-01-07T14:00", "2026-01-21T14:00"]);
        }

        [Fact]
        public void AnchorInTheFollowingWeek_ShiftsToTheOtherWednesdays()
        {
            var clinic = Weekly(DayOfWeek.Wednesday, 14, 0, everyWeeks: 2, anchor: new DateOnly(2026, 1, 12));

            var dates = Between(clinic, Berlin, Utc(2026, 1, 1), Utc(2026, 2, 1)).Select(o => o.Id).ToList();

            dates.ShouldBe(["2026-01-14T14:00", "2026-01-28T14:00"]);
        }
    }

    public class Monthly
    {
        [Fact]
        public void IceboxSweepDefault_IsTheFirstTuesdayOfEachQuarterMonthAt15()
        {
            var sweep = CeremonyCalendar.Defaults(new DateOnly(2026, 1, 7))[CeremonyKind.IceboxSweep];

            var occurrences = Between(sweep, Berlin, Utc(2026, 1, 1), Utc(2027, 1, 1));

            occurrences.Select(o => o.Id).ShouldBe(["2026-01-06T15:00", "2026-04-07T15:00", "2026-07-07T15:00", "2026-10-06T15:00"]);
            occurrences[1].At.ShouldBe(new DateTimeOffset(2026, 4, 7, 15, 0, 0, TimeSpan.FromHours(2)));
            sweep.LengthMinutes.ShouldBe(90);
        }

        [Fact]
        public void AllocationReviewDefault_IsTheFirstMondayOfEveryMonthAt11()
        {
            var review = CeremonyCalendar.Defaults(new DateOnly(2026, 1, 7))[CeremonyKind.AllocationReview];

            var ids = Between(review, Berlin, Utc(2026, 1, 1), Utc(2026, 4, 1)).Select(o => o.Id);

            ids.ShouldBe(["2026-01-05T11:00", "2026-02-02T11:00", "2026-03-02T11:00"]);
        }

        [Fact]
        public void LastWeekdayOfTheMonth_IsSupportedWithNMinusOne()
        {
            var lastFriday = new CeremonySchedule(new MonthlyNthWeekdayRecurrence(-1, DayOfWeek.Friday, new TimeOnly(16, 0), []), 30);

            var ids = Between(lastFriday, NewYork, Utc(2026, 1, 1), Utc(2026, 6, 1)).Select(o => o.Id);

            ids.ShouldBe(["2026-01-30T16:00", "2026-02-27T16:00", "2026-03-27T16:00", "2026-04-24T16:00", "2026-05-29T16:00"]);
        }
    }

    public class Defaults
    {
        [Fact]
        public void Defaults_MatchTheSpecTable()
        {
            var defaults = CeremonyCalendar.Defaults(new DateOnly(2026, 1, 7));

            defaults[CeremonyKind.WeeklyStreamReview].ShouldBe(new CeremonySchedule(new WeeklyRecurrence(DayOfWeek.Monday, new TimeOnly(10, 0), 1, new DateOnly(2026, 1, 7)), 30));
            defaults[CeremonyKind.TriageClinic].Recurrence.ShouldBe(new WeeklyRecurrence(DayOfWeek.Wednesday, new TimeOnly(14, 0), 2, new DateOnly(2026, 1, 7)));
            defaults[CeremonyKind.TriageClinic].LengthMinutes.ShouldBe(60);
            defaults[CeremonyKind.AllocationReview].LengthMinutes.ShouldBe(45);
            ((MonthlyNthWeekdayRecurrence)defaults[CeremonyKind.IceboxSweep].Recurrence).Months.ShouldBe([1, 4, 7, 10]);
        }

        [Fact]
        public void DisabledSchedule_HasNoOccurrences()
        {
            var off = Weekly(DayOfWeek.Monday, 10, 0) with { Enabled = false };

            Between(off, Berlin, Utc(2026, 1, 1), Utc(2026, 3, 1)).ShouldBeEmpty();
        }

        [Theory]
        [InlineData(0, "between 1 and 52")]
        [InlineData(-2, "between 1 and 52")]
        public void InvalidEveryWeeks_IsRefusedWithAMessageSayingTheRange(int everyWeeks, string expected)
        {
            var bad = Weekly(DayOfWeek.Monday, 10, 0, everyWeeks);

            Should.Throw<ArgumentException>(() => Between(bad, Berlin, Utc(2026, 1, 1), Utc(2026, 2, 1)))
                .Message.ShouldContain(expected);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(5)]
        [InlineData(-2)]
        public void InvalidWeekOfMonth_IsReported(int n)
        {
            var bad = new CeremonySchedule(new MonthlyNthWeekdayRecurrence(n, DayOfWeek.Monday, new TimeOnly(9, 0), []), 30);

            CeremonyCalendar.Problems(bad).ShouldHaveSingleItem().ShouldContain("1–4, or -1");
        }
    }

    public class MissedAndDue
    {
        private static readonly IReadOnlyDictionary<CeremonyKind, CeremonySchedule> Schedules = CeremonyCalendar.Defaults(new DateOnly(2026, 1, 7));

        [Fact]
        public void Missed_ListsEveryOccurrenceBetweenTwoInstants_ExcludingTheLowerBound()
        {
            var downSince = new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.FromHours(1)); // exactly the weekly review
            var now = new DateTimeOffset(2026, 1, 21, 14, 0, 0, TimeSpan.FromHours(1));      // exactly the clinic

            var review = CeremonyCalendar.Missed(CeremonyKind.WeeklyStreamReview, Schedules[CeremonyKind.WeeklyStreamReview], Berlin, downSince, now).Select(o => o.Id);
            var clinic = CeremonyCalendar.Missed(CeremonyKind.TriageClinic, Schedules[CeremonyKind.TriageClinic], Berlin, downSince, now).Select(o => o.Id);

            review.ShouldBe(["2026-01-12T10:00", "2026-01-19T10:00"]);
            clinic.ShouldBe(["2026-01-07T14:00", "2026-01-21T14:00"]);
        }

        [Fact]
        public void Due_AfterADowntime_ListsOnlyWhatIsInsideTheLookBackWindow_MarkedLate()
        {
            var now = new DateTimeOffset(2026, 1, 21, 15, 0, 0, TimeSpan.FromHours(1));

            var due = CeremonyCalendar.Due(Schedules, Berlin, now, TimeSpan.FromHours(24), CeremonyCalendar.DefaultGrace);

            var only = due.ShouldHaveSingleItem();
            only.Occurrence.Kind.ShouldBe(CeremonyKind.TriageClinic);
            only.Occurrence.Id.ShouldBe("2026-01-21T14:00");
            only.Late.ShouldBeTrue();
        }

        [Fact]
        public void Due_WithinTheGracePeriod_IsNotLate()
        {
            var now = new DateTimeOffset(2026, 1, 12, 10, 0, 30, TimeSpan.FromHours(1));

            var due = CeremonyCalendar.Due(Schedules, Berlin, now, TimeSpan.FromHours(24), CeremonyCalendar.DefaultGrace);

            var only = due.ShouldHaveSingleItem();
            only.Occurrence.Kind.ShouldBe(CeremonyKind.WeeklyStreamReview);
            only.Late.ShouldBeFalse();
        }

        [Fact]
        public void Due_BeforeTheTime_ListsNothing()
        {
            var now = new DateTimeOffset(2026, 1, 12, 9, 59, 59, TimeSpan.FromHours(1));

            CeremonyCalendar.Due(Schedules, Berlin, now, TimeSpan.FromHours(1), CeremonyCalendar.DefaultGrace).ShouldBeEmpty();
        }
    }

    public class Reminders
    {
        [Fact]
        public void ReminderAt_IsTheLeadTimeBeforeTheStart()
        {
            var clinic = new Occurrence(CeremonyKind.TriageClinic, new DateTimeOffset(2026, 1, 21, 14, 0, 0, TimeSpan.FromHours(1)), "2026-01-21T14:00");

            CeremonyCalendar.ReminderAt(clinic, 15).ShouldBe(new DateTimeOffset(2026, 1, 21, 13, 45, 0, TimeSpan.FromHours(1)));
            clinic.ReminderId.ShouldBe("2026-01-21T14:00:reminder");
        }

        [Fact]
        public void ReminderAt_AcrossTheSpringForwardChange_IsElapsedTimeBeforeTheStart()
        {
            var early = Between(Weekly(DayOfWeek.Sunday, 3, 30), Berlin, Utc(2026, 3, 28), Utc(2026, 3, 30)).Single();

            var reminder = CeremonyCalendar.ReminderAt(early, 120);

            reminder.UtcDateTime.ShouldBe(new DateTime(2026, 3, 28, 23, 30, 0, DateTimeKind.Utc));
            ZoneClock.InZone(reminder, Berlin).ShouldBe(new DateTimeOffset(2026, 3, 29, 0, 30, 0, TimeSpan.FromHours(1)));
        }

        [Fact]
        public void DueReminders_FireAtTheLeadTime_AndNotOnceTheCeremonyHasStarted()
        {
            var schedules = CeremonyCalendar.Defaults(new DateOnly(2026, 1, 7));
            var clinicAt = new DateTimeOffset(2026, 1, 21, 14, 0, 0, TimeSpan.FromHours(1));

            var atLead = CeremonyCalendar.DueReminders(schedules, Berlin, clinicAt.AddMinutes(-15), 15, TimeSpan.FromMinutes(30));
            var beforeLead = CeremonyCalendar.DueReminders(schedules, Berlin, clinicAt.AddMinutes(-16), 15, TimeSpan.FromMinutes(30));
            var started = CeremonyCalendar.DueReminders(schedules, Berlin, clinicAt, 15, TimeSpan.FromMinutes(30));

            atLead.ShouldHaveSingleItem().Kind.ShouldBe(CeremonyKind.TriageClinic);
            beforeLead.ShouldBeEmpty();
            started.ShouldBeEmpty();
        }
    }
}
