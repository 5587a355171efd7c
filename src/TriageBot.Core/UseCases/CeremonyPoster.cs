using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Reports;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>What the scheduler posts: ceremonies, their reminders, the clinic summary and the hourly nudges (SPEC §5, §6).</summary>
internal sealed class CeremonyPoster(UseCaseContext context, Clinics clinics, ReportBuilder reports, Sweeps sweeps) : ICeremonyPoster
{
    private static readonly ItemState[] OpenStates = [ItemState.New, ItemState.Sprint, ItemState.Ready, ItemState.Icebox, ItemState.Active];

    public async Task PostCeremonyAsync(Backlog backlog, CeremonyKind kind, Occurrence occurrence, bool late, CancellationToken ct)
    {
        var ceremony = CeremonyRegistry.Of(kind);
        var channels = await context.ChannelsAsync(backlog.Id, ceremony.ChannelRole, ct);
        if (channels.Count == 0)
        {
            return;
        }

        var now = context.Time.GetUtcNow();
        if (kind == CeremonyKind.TriageClinic)
        {
            await clinics.StartAsync(backlog, channels, occurrence.Id, now, late, ct);
            return;
        }

        if (kind == CeremonyKind.IceboxSweep)
        {
            // Posted with a reference from each listed item, so every row is updated in place once it is decided.
            await sweeps.PostAsync(backlog, channels, now, late, ct);
            return;
        }

        // Built once for the occurrence and fanned out: every bound channel gets the same report.
        var view = await reports.BuildAsync(backlog, ceremony.Report.ToReportKind(), now, ct) with { Late = late };
        var system = RequestContext.System(backlog, now, ct);
        foreach (var channel in channels)
        {
            await context.EnqueueAsync(system, OutboxKind.Post, channel, view);
        }
    }

    public async Task RemindAsync(Backlog backlog, CeremonyKind kind, Occurrence occurrence, CancellationToken ct)
    {
        var role = CeremonyRegistry.Of(kind).ChannelRole;
        var schedules = CeremonyCalendar.InForce(backlog, IanaZone.Find(backlog.TimeZone));
        var length = schedules.TryGetValue(kind, out var s) ? s.LengthMinutes : 30;
        var system = RequestContext.System(backlog, context.Time.GetUtcNow(), ct);
        foreach (var channel in await context.ChannelsAsync(backlog.Id, role, ct))
        {
            await context.EnqueueAsync(system, OutboxKind.Post, channel, ReportViews.Reminder(kind, ZoneClock.InZone(occurrence.At, IanaZone.Find(backlog.TimeZone)), length));
        }
    }

    public async Task PostClinicSummaryAsync(Backlog backlog, Occurrence occurrence, CancellationToken ct)
    {
        var now = context.Time.GetUtcNow();
        var start = occurrence.At;
        var finalized = new List<Item>();
        var iced = new List<Item>();
        var unscored = new List<Item>();
        var rescoringOpen = new List<Item>();
        var onAgenda = (await clinics.AgendaAsync(backlog, await clinics.LastBeforeAsync(backlog.Id, start, ct), start, ct)).Items.Select(a => a.Item.Number).ToHashSet();
        await foreach (var item in context.Store.Items.QueryAsync(new ItemQuery(backlog.Id) { Outline = true }, ct))
        {
            var scoredInClinic = item.Score is { } sc && sc.At >= start && sc.At <= now;
            if (scoredInClinic)
            {
                (item.Score!.Placement == Queue.Icebox ? iced : finalized).Add(item);
            }
            else if (onAgenda.Contains(item.Number) && item.State is not (ItemState.Closed or ItemState.Done))
            {
                // A ready-queue or due item keeps its earlier score: its re-scoring is open, it is not "unscored".
                (item.Score is null ? unscored : rescoringOpen).Add(item);
            }
        }

        var sections = new List<ReportSection>
        {
            new("Finalized", finalized.Count == 0 ? [new ReportLine("No item was finalized.")] :
                [.. finalized.Take(25).Select(i => new ReportLine($"{i.Key} {i.Title}: {i.Score!.Total} → {(i.HeldPlacement is { } h ? Wording.HeldPlacement(h) : i.Score.Placement.ToString())}", ItemSummaries.Of(i, now))), .. More(finalized.Count - 25)]),
            new("Moved to the icebox", iced.Count == 0 ? [new ReportLine("None.")] :
                [.. iced.Take(25).Select(i => new ReportLine($"{i.Key} {i.Title}: {i.Score!.Total}", ItemSummaries.Of(i, now))), .. More(iced.Count - 25)]),
            new("Left unscored", unscored.Count == 0 ? [new ReportLine("Everything on the agenda was scored.")] :
                [.. unscored.Take(25).Select(i => new ReportLine($"{i.Key} {i.Title}", ItemSummaries.Of(i, now), Problem: true)), .. More(unscored.Count - 25)]),
        };
        if (rescoringOpen.Count > 0)
        {
            sections.Add(new("Re-scoring still open (earlier scores stand)",
                [.. rescoringOpen.Take(25).Select(i => new ReportLine($"{i.Key} {i.Title}: {i.Score!.Total} → {i.State}", ItemSummaries.Of(i, now))), .. More(rescoringOpen.Count - 25)]));
        }

        var subtitle = $"{finalized.Count + iced.Count} finalized, {unscored.Count} left unscored" + (rescoringOpen.Count > 0 ? $", {rescoringOpen.Count} re-scoring still open" : "");
        var view = reports.WithItemLinks(new ReportView("Triage clinic summary", sections), backlog) with { Subtitle = subtitle, DashboardUrl = context.DashboardUrl(backlog) };
        var system = RequestContext.System(backlog, now, ct);
        foreach (var channel in await context.ChannelsAsync(backlog.Id, ChannelRoles.Clinic, ct))
        {
            await context.EnqueueAsync(system, OutboxKind.Post, channel, view, threadRef: Clinics.Ref(backlog.Id, occurrence.Id, channel));
        }
    }

    private static IEnumerable<ReportLine> More(int more) => more > 0 ? [new ReportLine($"…and {more} more.")] : [];

    /// <summary>Batched nudges: capability notes unanswered for 2 working days (once, to the engineers) and ended timeboxes (to the owner).</summary>
    public async Task NudgeAsync(Backlog backlog, CancellationToken ct)
    {
        var now = context.Time.GetUtcNow();
        var zone = IanaZone.Find(backlog.TimeZone);
        var system = RequestContext.System(backlog, now, ct);
        var notesDue = new List<Item>();
        var timeboxesEnded = new List<Item>();
        await foreach (var item in context.Store.Items.QueryAsync(new ItemQuery(backlog.Id) { States = OpenStates, Outline = true }, ct))
        {
            if (CapabilityNoteReminders.Due([item], zone, now).Any())
            {
                notesDue.Add(item);
            }

            if (item.State == ItemState.Active && item.Model?.Timebox is { } tb && tb.End <= now && item.Owner is not null
                && await context.Store.Ledger.TryClaimAsync(new LedgerEntry(backlog.Id, CeremonyKind.WeeklyStreamReview, LedgerIds.TimeboxNudge(item.Number, tb.End).ToString(), tb.End, now, "nudge", OccurrenceOutcome.Posted), ct))
            {
                timeboxesEnded.Add(item);
            }
        }

        foreach (var item in notesDue)
        {
            await context.UpdateAsync(system, item.Number, i => Task.FromResult(new ItemChange(i.Feature is { } f ? i with { Feature = f with { CapabilityNoteReminded = true } } : i, [])));
        }

        if (notesDue.Count > 0)
        {
            var lines = notesDue.Select(i => new ReportSection($"{i.Key} {i.Title}", [new ReportLine("Waiting for a capability note for more than 2 working days.", ItemSummaries.Of(i, now), Problem: true)])
            {
                Actions = [new ActionButton(ButtonIds.AddCapabilityNote, Wording.AddCapabilityNote, $"{i.BacklogId}/{i.Number}", ButtonStyle.Primary)],
            }).ToList();
            foreach (var engineer in await context.EngineersAsync(backlog.Id, ct))
            {
                await context.EnqueueAsync(system, OutboxKind.Direct, Direct(engineer), new ReportView("Capability notes waiting for you", lines));
            }
        }

        foreach (var group in timeboxesEnded.GroupBy(i => i.Owner!.Key))
        {
            var owner = group.First().Owner!;
            var sections = group.Select(i => new ReportSection($"{i.Key} {i.Title}", [new ReportLine($"The timebox ended {i.Model!.Timebox!.End:yyyy-MM-dd}. Re-scope it: extend with a reason, close with a rationale, or mark it done.", ItemSummaries.Of(i, now), Problem: true)])
            {
                Actions =
                [
                    new ActionButton(ButtonIds.Extend, "Extend…", $"{i.BacklogId}/{i.Number}"),
                    new ActionButton(ButtonIds.Close, "Close…", $"{i.BacklogId}/{i.Number}", ButtonStyle.Danger),
                    new ActionButton(ButtonIds.Done, "Done", $"{i.BacklogId}/{i.Number}"),
                ],
            }).ToList();
            await context.EnqueueAsync(system, OutboxKind.Direct, Direct(owner), new ReportView("Timeboxes that ended", sections));
        }
    }

    private static ConversationAddress Direct(UserRef user) => new()
    {
        Platform = user.Platform,
        Workspace = "",
        ChannelId = "",
        UserId = user.UserId,
    };
}
