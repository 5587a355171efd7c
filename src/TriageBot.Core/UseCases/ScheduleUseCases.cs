using System.Globalization;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>The <c>schedule</c> command: the ceremony schedules in force, and a facilitator's changes to them (SPEC §6).</summary>
internal sealed class ScheduleUseCases(UseCaseContext context) : IUseCase
{
    public void Register(Handlers h) => h.OnCommand<ScheduleCommand>(ScheduleAsync);

    private async Task<Outcome> ScheduleAsync(RequestContext c, ScheduleCommand cmd)
    {
        var backlog = c.RequireBacklog();
        if (cmd.Change is null)
        {
            return new ReplyOutcome(await SchedulesViewAsync(backlog, c.Now, null, c.Ct));
        }

        Permissions.Require(c.Role, Permission.ChangeSettings, "change the ceremony schedules");
        string said = "";
        var updated = await context.UpdateBacklogAsync(backlog.Id, b =>
        {
            var (settings, text) = ApplySchedule(b, cmd.Change, c.Now);
            said = text;
            return b with { Settings = settings };
        }, c.Ct);
        return new ReplyOutcome(await SchedulesViewAsync(updated, c.Now, said, c.Ct), Private: false);
    }

    /// <summary>The backlog's settings with the change applied, and one sentence saying what changed.</summary>
    internal static (BacklogSettings Settings, string Said) ApplySchedule(Backlog backlog, ScheduleChange change, DateTimeOffset now)
    {
        var zone = IanaZone.Find(backlog.TimeZone);
        var settings = backlog.Settings;
        if (change is SetReminderLead lead)
        {
            return (settings with { ReminderLeadMinutes = lead.Minutes },
                lead.Minutes == 0 ? "Reminders now go out when each ceremony starts." : $"Reminders now go out {Plural.Of(lead.Minutes, "minute")} before each ceremony.");
        }

        var schedules = new Dictionary<CeremonyKind, CeremonySchedule>(CeremonyCalendar.InForce(backlog, zone));
        CeremonyKind kind;
        string said;
        switch (change)
        {
            case SetCeremonyEnabled onOff:
                kind = onOff.Kind;
                schedules[kind] = schedules[kind] with { Enabled = onOff.Enabled };
                said = $"{CeremonyNames.Of(kind)} is {(onOff.Enabled ? "on again" : "off: nothing is posted for it")}.";
                break;
            case SetCeremonyRecurrence set:
                kind = set.Kind;
                Recurrence recurrence = set.When switch
                {
                    WeeklySpec w => new WeeklyRecurrence(w.Day, w.TimeOfDay, w.EveryWeeks, NextDate(now, zone, w.Day, w.TimeOfDay)),
                    MonthlySpec m => new MonthlyNthWeekdayRecurrence(m.N, m.Day, m.TimeOfDay, m.Months),
                    _ => throw new RuleViolationException("That schedule is not one I understand. " + ScheduleParser.Usage),
                };
                var schedule = new CeremonySchedule(recurrence, set.LengthMinutes ?? schedules[kind].LengthMinutes);
                var problems = CeremonyCalendar.Problems(schedule);
                if (problems.Count > 0)
                {
                    throw new RuleViolationException(string.Join(" ", problems));
                }

                schedules[kind] = schedule;
                said = $"{CeremonyNames.Of(kind)}: {ScheduleText.Describe(schedule)}.";
                break;
            default:
                throw new RuleViolationException("That schedule change is not one I understand. " + ScheduleParser.Usage);
        }

        // Occurrences of the new schedule before now were never due under the old one: they must not be posted as "missed".
        var changedAt = new Dictionary<CeremonyKind, DateTimeOffset>(settings.ScheduleChangedAt ?? new Dictionary<CeremonyKind, DateTimeOffset>())
        {
            [kind] = now,
        };
        return (settings with { Schedules = schedules, ScheduleChangedAt = changedAt }, said);
    }

    /// <summary>The first local date on <paramref name="day"/> whose <paramref name="time"/> is still ahead: the first week of a new weekly schedule.</summary>
    private static DateOnly NextDate(DateTimeOffset now, TimeZoneInfo zone, DayOfWeek day, TimeOnly time)
    {
        var local = ZoneClock.InZone(now, zone);
        var date = DateOnly.FromDateTime(local.DateTime);
        if (date.DayOfWeek == day && TimeOnly.FromDateTime(local.DateTime) < time)
        {
            return date;
        }

        do
        {
            date = date.AddDays(1);
        }
        while (date.DayOfWeek != day);
        return date;
    }

    private async Task<ReportView> SchedulesViewAsync(Backlog backlog, DateTimeOffset now, string? said, CancellationToken ct)
    {
        var zone = IanaZone.Find(backlog.TimeZone);
        var schedules = CeremonyCalendar.InForce(backlog, zone);
        var sections = new List<ReportSection>();
        foreach (var (kind, schedule) in schedules.OrderBy(p => p.Key))
        {
            var lines = new List<ReportLine> { new(ScheduleText.Describe(schedule)) };
            var next = CeremonyCalendar.Occurrences(kind, schedule, zone, now, now.AddDays(400)).FirstOrDefault();
            if (next is not null)
            {
                lines.Add(new($"Next: {ZoneClock.InZone(next.At, zone).ToString("ddd d MMM yyyy, HH:mm", CultureInfo.InvariantCulture)}"));
            }

            var role = CeremonyRegistry.Of(kind).ChannelRole;
            if ((await context.ChannelsAsync(backlog.Id, role, ct)).Count == 0)
            {
                lines.Add(new($"No channel of this backlog takes {(role == ChannelRoles.Clinic ? "the clinic" : "reports")}: run `setup` in one to post it.", Problem: true));
            }

            sections.Add(new ReportSection(CeremonyNames.Of(kind), lines));
        }

        var lead = backlog.Settings.ReminderLeadMinutes;
        sections.Add(new ReportSection("Reminders", [new(lead == 0 ? "When each ceremony starts." : $"{Plural.Of(lead, "minute")} before each ceremony.")]));
        return new ReportView("Ceremony schedules", sections)
        {
            Subtitle = said is null ? $"Times are in {backlog.TimeZone}. Facilitators change them with `schedule`." : $"{said} Times are in {backlog.TimeZone}.",
        };
    }
}
