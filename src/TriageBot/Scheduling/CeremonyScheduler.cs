using System.Diagnostics;
using Microsoft.Extensions.Options;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Ports;
using TriageBot.Core.Telemetry;
using TriageBot.Telemetry;

namespace TriageBot.Scheduling;

/// <summary>Scheduler settings (section <c>Ceremonies</c>).</summary>
public sealed class SchedulerOptions
{
    public bool Enabled { get; set; } = true;
    public TimeSpan Tick { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How far back a tick looks for occurrences it has not handled (late posts and skips).</summary>
    public TimeSpan LookBack { get; set; } = TimeSpan.FromDays(3);
    /// <summary>An occurrence posted more than this after its time is marked late.</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromMinutes(5);
    public string? InstanceId { get; set; }
}

/// <summary>
/// Posts each backlog's ceremonies on their schedules, exactly once across any number of instances: every
/// occurrence (and its reminder, and the clinic's closing summary) is claimed in the ledger by insert, and only the
/// instance whose insert wins posts it. Occurrences missed while down are posted once, marked late; older than the
/// backlog's missed window, they are recorded as skipped.
/// </summary>
public sealed partial class CeremonyScheduler(
    ITriageStore store,
    ICeremonyPoster poster,
    TimeProvider time,
    IOptions<SchedulerOptions> options,
    ILogger<CeremonyScheduler> logger,
    TriageMetrics? metrics = null,
    OperationsTelemetry? telemetry = null) : BackgroundService
{
    private readonly SchedulerOptions _options = options.Value;
    private readonly string _owner = options.Value.InstanceId ?? $"{Environment.MachineName}:{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.Tick, time);
        do
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogTickFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass over every backlog; public so tests can drive it with a fake clock.</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        await foreach (var backlog in store.Backlogs.ListAsync(ct))
        {
            try
            {
                await TickBacklogAsync(backlog, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogBacklogFailed(logger, backlog.Id, e);
            }
        }
    }

    private async Task TickBacklogAsync(Backlog backlog, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (!IanaZone.TryFind(backlog.TimeZone, out var zone, out _))
        {
            return;
        }

        var schedules = Schedules(backlog, zone);
        var since = now - _options.LookBack;
        var claimed = new Dictionary<(CeremonyKind, string), LedgerEntry>();
        await foreach (var entry in store.Ledger.ListAsync(backlog.Id, since - TimeSpan.FromDays(1), ct))
        {
            claimed[(entry.Ceremony, entry.Occurrence)] = entry;
        }

        var window = TimeSpan.FromHours(backlog.Settings.MissedWindowHours);
        foreach (var due in CeremonyCalendar.Due(schedules, zone, now, _options.LookBack, _options.Grace))
        {
            var occurrence = due.Occurrence;
            if (occurrence.Kind is not { } kind || occurrence.At < CeremonyCalendar.PostableFrom(backlog, kind) || claimed.ContainsKey((kind, occurrence.Id)))
            {
                continue;
            }

            await OccurrenceAsync(backlog, kind, occurrence, due.Late, now - occurrence.At > window, ct);
        }

        foreach (var reminder in CeremonyCalendar.DueReminders(schedules, zone, now, backlog.Settings.ReminderLeadMinutes, _options.LookBack))
        {
            // A reminder whose ceremony has already started is pointless: claim it as skipped so no instance sends it later.
            if (reminder.Kind is not { } kind || reminder.At < CeremonyCalendar.PostableFrom(backlog, kind) || claimed.ContainsKey((kind, reminder.ReminderId)))
            {
                continue;
            }

            var stale = now >= reminder.At;
            if (await ClaimAsync(backlog, kind, reminder.ReminderId, CeremonyCalendar.ReminderAt(reminder, backlog.Settings.ReminderLeadMinutes),
                    stale ? OccurrenceOutcome.Skipped : OccurrenceOutcome.Posted, ct) && !stale)
            {
                await poster.RemindAsync(backlog, kind, reminder, ct);
            }
        }

        // Nudges (capability notes waiting, timeboxes ended) at most once an hour per backlog, by whichever instance claims the hour.
        var hour = LedgerIds.HourlyNudges(now).ToString();
        if (!claimed.ContainsKey((CeremonyKind.WeeklyStreamReview, hour))
            && await ClaimAsync(backlog, CeremonyKind.WeeklyStreamReview, hour, LedgerIds.HourStart(now), OccurrenceOutcome.Posted, ct))
        {
            await poster.NudgeAsync(backlog, ct);
        }

        // The clinic's closing summary goes into its thread once the clinic's length has passed.
        if (schedules.TryGetValue(CeremonyKind.TriageClinic, out var clinic) && clinic.Enabled)
        {
            var length = TimeSpan.FromMinutes(clinic.LengthMinutes);
            foreach (var occurrence in CeremonyCalendar.Occurrences(CeremonyKind.TriageClinic, clinic, zone, now - _options.LookBack - length, now - length + TimeSpan.FromTicks(1)))
            {
                var id = occurrence.SummaryId;
                var clinicPosted = claimed.TryGetValue((CeremonyKind.TriageClinic, occurrence.Id), out var start) && start.Outcome != OccurrenceOutcome.Skipped;
                if (!clinicPosted || claimed.ContainsKey((CeremonyKind.TriageClinic, id)))
                {
                    continue;
                }

                // A clinic posted late still gets its full length before the summary: the summary closes the clinic people had.
                var end = (start!.Outcome == OccurrenceOutcome.PostedLate && start.ClaimedAt > occurrence.At ? start.ClaimedAt : occurrence.At) + length;
                if (end > now)
                {
                    continue;
                }

                var skipped = now - end > window;
                if (await ClaimAsync(backlog, CeremonyKind.TriageClinic, id, end, skipped ? OccurrenceOutcome.Skipped : OccurrenceOutcome.Posted, ct) && !skipped)
                {
                    await poster.PostClinicSummaryAsync(backlog, occurrence, ct);
                }
            }
        }
    }

    /// <summary>One due occurrence in its own span (<c>triagebot.ceremony.occurrence</c>): claim it, then post or skip it.</summary>
    private async Task OccurrenceAsync(Backlog backlog, CeremonyKind kind, Occurrence occurrence, bool late, bool skipped, CancellationToken ct)
    {
        using var span = OperationsTelemetry.Source.StartActivity("triagebot.ceremony.occurrence", ActivityKind.Internal);
        span?.SetTag("triagebot.backlog.id", backlog.Id);
        span?.SetTag("triagebot.ceremony", kind.ToString());
        span?.SetTag("triagebot.ceremony.occurrence", occurrence.Id);
        span?.SetTag("triagebot.ceremony.scheduled_at", occurrence.At.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        var outcome = "failed";
        try
        {
            var planned = skipped ? OccurrenceOutcome.Skipped : late ? OccurrenceOutcome.PostedLate : OccurrenceOutcome.Posted;
            if (!await ClaimAsync(backlog, kind, occurrence.Id, occurrence.At, planned, ct))
            {
                // Another instance claimed it: its own span records what happened.
                outcome = "claimed_elsewhere";
                return;
            }

            if (skipped)
            {
                LogSkipped(logger, backlog.Id, kind, occurrence.Id);
                outcome = "skipped";
                return;
            }

            await poster.PostCeremonyAsync(backlog, kind, occurrence, late, ct);
            metrics?.CeremonyPosted(kind, late);
            LogPosted(logger, backlog.Id, kind, occurrence.Id, late);
            outcome = late ? "posted_late" : "posted";
        }
        catch (Exception e)
        {
            span?.AddException(e);
            throw;
        }
        finally
        {
            span?.SetTag("triagebot.ceremony.outcome", outcome);
            span?.SetStatus(outcome == "failed" ? ActivityStatusCode.Error : ActivityStatusCode.Ok);
            if (outcome != "claimed_elsewhere")
            {
                telemetry?.OccurrenceHandled(kind.ToString(), outcome);
            }
        }
    }

    private Task<bool> ClaimAsync(Backlog backlog, CeremonyKind kind, string occurrenceId, DateTimeOffset scheduledAt, OccurrenceOutcome outcome, CancellationToken ct) =>
        store.Ledger.TryClaimAsync(new LedgerEntry(backlog.Id, kind, occurrenceId, scheduledAt, time.GetUtcNow(), _owner, outcome), ct);

    /// <summary>The backlog's schedules, or the defaults anchored on the week the backlog was created.</summary>
    public static IReadOnlyDictionary<CeremonyKind, CeremonySchedule> Schedules(Backlog backlog, TimeZoneInfo zone) =>
        CeremonyCalendar.InForce(backlog, zone);

    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Posted {Ceremony} {Occurrence} for backlog {BacklogId} (late: {Late})")]
    private static partial void LogPosted(ILogger logger, string backlogId, CeremonyKind ceremony, string occurrence, bool late);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Skipped {Ceremony} {Occurrence} for backlog {BacklogId}: missed by more than the backlog's window")]
    private static partial void LogSkipped(ILogger logger, string backlogId, CeremonyKind ceremony, string occurrence);

    [LoggerMessage(EventId = 202, Level = LogLevel.Error, Message = "Scheduling backlog {BacklogId} failed; it is retried on the next tick")]
    private static partial void LogBacklogFailed(ILogger logger, string backlogId, Exception e);

    [LoggerMessage(EventId = 203, Level = LogLevel.Error, Message = "A scheduler tick failed; it is retried on the next tick")]
    private static partial void LogTickFailed(ILogger logger, Exception e);
}

/// <summary>Registers the ceremony scheduler.</summary>
public static class SchedulingExtensions
{
    public static WebApplicationBuilder AddCeremonies(this WebApplicationBuilder builder)
    {
        // A ceremony kind without its registry entry stops the host here, never posts as another ceremony.
        CeremonyRegistry.EnsureComplete();
        builder.Services.Configure<SchedulerOptions>(builder.Configuration.GetSection("Ceremonies"));
        builder.Services.AddSingleton<CeremonyScheduler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CeremonyScheduler>());
        return builder;
    }
}
