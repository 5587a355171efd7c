using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Conversation;
using TriageBot.Core.Views;

namespace TriageBot.Tests.Ceremonies;

/// <summary>The <c>schedule</c> command: parsing, showing, changing (facilitators only), and what the scheduler does after a change.</summary>
public sealed class ScheduleCommandTests
{
    // Tuesday 2 March 2027, 12:00 in Berlin (CET, UTC+1).
    private static readonly DateTimeOffset Now = new(2027, 3, 2, 11, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("schedule clinic wed 14:00 every 2 weeks", CeremonyKind.TriageClinic, DayOfWeek.Wednesday, "14:00", 2)]
    [InlineData("schedule weekly mon 09:30", CeremonyKind.WeeklyStreamReview, DayOfWeek.Monday, "09:30", 1)]
    [InlineData("schedule review Thursday 9:05 every other week", CeremonyKind.WeeklyStreamReview, DayOfWeek.Thursday, "09:05", 2)]
    public void Parse_AWeeklySchedule(string text, CeremonyKind kind, DayOfWeek day, string time, int every)
    {
        var (command, error) = CommandParser.Parse(text);

        error.ShouldBeNull();
        var change = command.ShouldBeOfType<ScheduleCommand>().Change.ShouldBeOfType<SetCeremonyRecurrence>();
        change.Kind.ShouldBe(kind);
        change.When.ShouldBe(new WeeklySpec(day, TimeOnly.Parse(time, System.Globalization.CultureInfo.InvariantCulture), every));
    }

    [Fact]
    public void Parse_AMonthlyScheduleWithMonthsAndLength()
    {
        var (command, _) = CommandParser.Parse("schedule sweep first tue jan,apr,jul,oct 15:00 for 60");

        var change = command.ShouldBeOfType<ScheduleCommand>().Change.ShouldBeOfType<SetCeremonyRecurrence>();
        change.Kind.ShouldBe(CeremonyKind.IceboxSweep);
        var spec = change.When.ShouldBeOfType<MonthlySpec>();
        (spec.N, spec.Day, spec.TimeOfDay).ShouldBe((1, DayOfWeek.Tuesday, new TimeOnly(15, 0)));
        spec.Months.ShouldBe([1, 4, 7, 10]);
        change.LengthMinutes.ShouldBe(60);
    }

    [Theory]
    [InlineData("schedule", null)]
    [InlineData("schedule clinic off", "off")]
    [InlineData("schedule lead 30", "lead")]
    public void Parse_ShowOffAndLead(string text, string? what)
    {
        var change = CommandParser.Parse(text).Command.ShouldBeOfType<ScheduleCommand>().Change;
        switch (what)
        {
            case null: change.ShouldBeNull(); break;
            case "off": change.ShouldBe(new SetCeremonyEnabled(CeremonyKind.TriageClinic, false)); break;
            default: change.ShouldBe(new SetReminderLead(30)); break;
        }
    }

    [Theory]
    [InlineData("schedule standup mon 10:00", "not a ceremony")]
    [InlineData("schedule weekly mon 25:00", "time of day")]
    [InlineData("schedule clinic wed 14:00 every 0 weeks", "every <n> weeks")]
    [InlineData("schedule sweep first tue foo,bar 15:00", "not a list of months")]
    [InlineData("schedule lead soon", "schedule lead <minutes>")]
    [InlineData("schedule allocation fifth mon 11:00", "neither a weekday")]
    public void Parse_Refused_SaysWhatWasExpected(string text, string expected)
    {
        var (command, error) = CommandParser.Parse(text);

        command.ShouldBeNull();
        error!.Message.ShouldContain(expected);
    }

    [Fact]
    public void Help_ListsTheScheduleCommand() =>
        CommandParser.Help.ShouldContain(h => h.Usage.StartsWith("schedule", StringComparison.Ordinal));

    [Fact]
    public async Task Schedule_ShowsTheDefaultsInForce_WithTheNextOccurrence()
    {
        await using var host = TestHost.Sqlite(Now);
        await Seed.BacklogAsync(host.Store, "show", "Europe/Berlin", Now.AddDays(-1));

        var view = Report(await host.SayAsync(Seed.Member, Seed.Channel("C-show"), "schedule"));

        var lines = view.Sections.ToDictionary(s => s.Heading, s => s.Lines.Select(l => l.Text).ToList());
        lines["Weekly stream review"].ShouldBe(["Every Monday at 10:00, 30 minutes", "Next: Mon 8 Mar 2027, 10:00"]);
        lines["Stream allocation review"].ShouldBe(["First Monday of every month at 11:00, 45 minutes", "Next: Mon 5 Apr 2027, 11:00"]);
        lines["Icebox sweep"].ShouldBe(["First Tuesday of Jan, Apr, Jul, Oct at 15:00, 90 minutes", "Next: Tue 6 Apr 2027, 15:00"]);
        lines["Triage clinic"][1].ShouldBe("Next: Wed 3 Mar 2027, 14:00");
        lines["Reminders"].ShouldBe(["15 minutes before each ceremony."]);
    }

    [Fact]
    public async Task Schedule_ChangesAreStoredInTheBacklogSettings()
    {
        await using var host = TestHost.Sqlite(Now);
        await Seed.BacklogAsync(host.Store, "chg", "Europe/Berlin", Now.AddDays(-1));
        var here = Seed.Channel("C-chg");

        foreach (var command in new[]
                 {
                     "schedule clinic thu 15:00 every 2 weeks", "schedule weekly mon 09:30", "schedule allocation first mon 11:00",
                     "schedule sweep first tue jan,apr,jul,oct 15:00", "schedule lead 30", "schedule allocation off",
                 })
        {
            (await host.SayAsync(Seed.Facilitator, here, command)).ShouldBeOfType<ReplyOutcome>().Private.ShouldBeFalse(command);
        }

        var settings = (await host.Store.Backlogs.GetAsync("chg", CancellationToken.None))!.Value.Settings;
        settings.ReminderLeadMinutes.ShouldBe(30);
        settings.Schedules![CeremonyKind.TriageClinic].ShouldBe(new CeremonySchedule(new WeeklyRecurrence(DayOfWeek.Thursday, new(15, 0), 2, new DateOnly(2027, 3, 4)), 60));
        settings.Schedules[CeremonyKind.WeeklyStreamReview].Recurrence.ShouldBe(new WeeklyRecurrence(DayOfWeek.Monday, new(9, 30), 1, new DateOnly(2027, 3, 8)));
        settings.Schedules[CeremonyKind.AllocationReview].Enabled.ShouldBeFalse();
        var sweep = settings.Schedules[CeremonyKind.IceboxSweep].Recurrence.ShouldBeOfType<MonthlyNthWeekdayRecurrence>();
        sweep.Months.ShouldBe([1, 4, 7, 10]);
        settings.ScheduleChangedAt![CeremonyKind.TriageClinic].ShouldBe(Now);
    }

    [Fact]
    public async Task Schedule_ChangeByAMember_IsRefused()
    {
        await using var host = TestHost.Sqlite(Now);
        await Seed.BacklogAsync(host.Store, "ref", "Europe/Berlin", Now.AddDays(-1));

        var reply = await host.SayAsync(Seed.Member, Seed.Channel("C-ref"), "schedule clinic off");

        reply.ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<TextView>().Tone.ShouldBe(Tone.Error);
        (await host.Store.Backlogs.GetAsync("ref", CancellationToken.None))!.Value.Settings.Schedules.ShouldBeNull();
    }

    [Fact]
    public async Task AfterAChange_TheNewSchedulesRecentPastIsNotPostedAsMissed_ButItsNextOccurrenceIs()
    {
        await using var host = TestHost.Sqlite(Now);
        await Seed.BacklogAsync(host.Store, "past", "Europe/Berlin", Now.AddDays(-1));

        // At 12:00 the review moves to Tuesdays 09:00: this morning's 09:00 was never due under the old schedule.
        await host.SayAsync(Seed.Facilitator, Seed.Channel("C-past"), "schedule weekly tue 09:00");
        await host.Scheduler.TickAsync(CancellationToken.None);
        await host.DrainAsync();
        host.Log.All.ShouldNotContain(s => s.Title == "Weekly stream review");

        host.SetTime(new DateTimeOffset(2027, 3, 9, 8, 0, 0, TimeSpan.Zero)); // next Tuesday 09:00 CET
        await host.Scheduler.TickAsync(CancellationToken.None);
        await host.DrainAsync();
        var review = host.Log.All.Where(s => s.Title == "Weekly stream review").ShouldHaveSingleItem();
        review.Report!.Late.ShouldBeFalse();
    }

    private static ReportView Report(Outcome outcome) => outcome.ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<ReportView>();
}
