using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Reports;
using TriageBot.Core.Views;

namespace TriageBot.Core.Conversation;

/// <summary>Reports on demand and on schedule, clinics, reminders and nudges (SPEC §5, §6).</summary>
public sealed partial class TriageConversation : ICeremonyPoster
{
    private static readonly ItemState[] OpenStates = [ItemState.New, ItemState.Sprint, ItemState.Ready, ItemState.Icebox, ItemState.Active];

    private void RegisterReportHandlers()
    {
        OnCommand<ReportCommand>(async (c, cmd) =>
        {
            var backlog = c.RequireBacklog();
            Permissions.Require(c.Role, Permission.RunReports, "run reports");
            await EnqueueAsync(c, OutboxKind.Post, c.Interaction.Place with { UserId = null }, new LiveReportView(backlog.Id, cmd.Kind));
            return Info(cmd.Kind == ReportKind.Icebox
                ? "Posting the icebox sweep list (a preview: nothing changes until someone acts on it)…"
                : $"Posting the {cmd.Kind.ToString().ToLowerInvariant()} report…");
        });
        OnCommand<ClinicCommand>(async (c, _) =>
        {
            var backlog = c.RequireBacklog();
            Permissions.Require(c.Role, Permission.StartClinic, "start a clinic");
            var id = $"manual:{c.Now:yyyy-MM-ddTHH:mm:ss.fff}";
            await _store.Ledger.TryClaimAsync(new LedgerEntry(backlog.Id, CeremonyKind.TriageClinic, id, c.Now, c.Now, c.Actor.Key, OccurrenceOutcome.Posted), c.Ct);
            var count = await StartClinicAsync(backlog, [c.Interaction.Place with { UserId = null, ThreadId = null }], id, c.Now, late: false, c.Ct);
            return Info(count == 0 ? "Clinic started: the agenda is empty." : $"Clinic started with {count} item(s) on the agenda. Ballots follow in the thread.", Tone.Success);
        });
    }

    public async Task PostCeremonyAsync(Backlog backlog, CeremonyKind kind, Occurrence occurrence, bool late, CancellationToken ct)
    {
        var role = kind == CeremonyKind.TriageClinic ? ChannelRoles.Clinic : ChannelRoles.Reports;
        var channels = await ChannelsAsync(backlog.Id, role, ct);
        if (channels.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        if (kind == CeremonyKind.TriageClinic)
        {
            await StartClinicAsync(backlog, channels, occurrence.Id, now, late, ct);
            return;
        }

        var report = kind switch
        {
            CeremonyKind.WeeklyStreamReview => ReportKind.Weekly,
            CeremonyKind.AllocationReview => ReportKind.Allocation,
            _ => ReportKind.Icebox,
        };
        var context = SystemContext(backlog, now, ct);
        foreach (var channel in channels)
        {
            await EnqueueAsync(context, OutboxKind.Post, channel, new LiveReportView(backlog.Id, report) { Late = late });
        }
    }

    public async Task RemindAsync(Backlog backlog, CeremonyKind kind, Occurrence occurrence, CancellationToken ct)
    {
        var role = kind == CeremonyKind.TriageClinic ? ChannelRoles.Clinic : ChannelRoles.Reports;
        var schedules = CeremonyCalendar.InForce(backlog, IanaZone.Find(backlog.TimeZone));
        var length = schedules.TryGetValue(kind, out var s) ? s.LengthMinutes : 30;
        var context = SystemContext(backlog, _time.GetUtcNow(), ct);
        foreach (var channel in await ChannelsAsync(backlog.Id, role, ct))
        {
            await EnqueueAsync(context, OutboxKind.Post, channel, ReportViews.Reminder(kind, ZoneClock.InZone(occurrence.At, IanaZone.Find(backlog.TimeZone)), length));
        }
    }

    public async Task PostClinicSummaryAsync(Backlog backlog, Occurrence occurrence, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var start = occurrence.At;
        var finalized = new List<Item>();
        var iced = new List<Item>();
        var unscored = new List<Item>();
        var onAgenda = (await AgendaAsync(backlog, await LastClinicBeforeAsync(backlog.Id, start, ct), start, ct)).Items.Select(a => a.Item.Number).ToHashSet();
        await foreach (var item in _store.Items.QueryAsync(new ItemQuery(backlog.Id) { Outline = true }, ct))
        {
            var scoredInClinic = item.Score is { } sc && sc.At >= start && sc.At <= now;
            if (scoredInClinic)
            {
                (item.Score!.Placement == Queue.Icebox ? iced : finalized).Add(item);
            }
            else if (onAgenda.Contains(item.Number) && item.State is not (ItemState.Closed or ItemState.Done))
            {
                unscored.Add(item);
            }
        }

        var sections = new List<ReportSection>
        {
            new("Finalized", finalized.Count == 0 ? [new ReportLine("No item was finalized.")] :
                [.. finalized.Take(25).Select(i => new ReportLine($"{i.Key} {i.Title}: {i.Score!.Total} → {(i.HeldPlacement is { } h ? $"{h} (waiting for capability note)" : i.Score.Placement.ToString())}", ItemRules.Summarize(i, now)))]),
            new("Moved to the icebox", iced.Count == 0 ? [new ReportLine("None.")] :
                [.. iced.Take(25).Select(i => new ReportLine($"{i.Key} {i.Title}: {i.Score!.Total}", ItemRules.Summarize(i, now)))]),
            new("Left unscored", unscored.Count == 0 ? [new ReportLine("Everything on the agenda was scored.")] :
                [.. unscored.Take(25).Select(i => new ReportLine($"{i.Key} {i.Title}", ItemRules.Summarize(i, now), Problem: true))]),
        };
        var view = WithItemLinks(new ReportView("Triage clinic summary", sections), backlog) with { Subtitle = $"{finalized.Count + iced.Count} finalized, {unscored.Count} left unscored", DashboardUrl = DashboardUrl(backlog) };
        var context = SystemContext(backlog, now, ct);
        foreach (var channel in await ChannelsAsync(backlog.Id, ChannelRoles.Clinic, ct))
        {
            await EnqueueAsync(context, OutboxKind.Post, channel, view, threadRef: ClinicRef(backlog.Id, occurrence.Id, channel));
        }
    }

    /// <summary>Batched nudges: capability notes unanswered for 2 working days (once, to the engineers) and ended timeboxes (to the owner).</summary>
    public async Task NudgeAsync(Backlog backlog, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var zone = IanaZone.Find(backlog.TimeZone);
        var context = SystemContext(backlog, now, ct);
        var notesDue = new List<Item>();
        var timeboxesEnded = new List<Item>();
        await foreach (var item in _store.Items.QueryAsync(new ItemQuery(backlog.Id) { States = OpenStates, Outline = true }, ct))
        {
            if (CapabilityNoteReminders.Due([item], zone, now).Any())
            {
                notesDue.Add(item);
            }

            if (item.State == ItemState.Active && item.Model?.Timebox is { } tb && tb.End <= now && item.Owner is not null
                && await _store.Ledger.TryClaimAsync(new LedgerEntry(backlog.Id, CeremonyKind.WeeklyStreamReview, $"nudge:timebox:{item.Number}:{tb.End.UtcTicks}", tb.End, now, "nudge", OccurrenceOutcome.Posted), ct))
            {
                timeboxesEnded.Add(item);
            }
        }

        foreach (var item in notesDue)
        {
            await UpdateAsync(context, item.Number, i => Task.FromResult(new ItemChange(i.Feature is { } f ? i with { Feature = f with { CapabilityNoteReminded = true } } : i, [])));
        }

        if (notesDue.Count > 0)
        {
            var lines = notesDue.Select(i => new ReportSection($"{i.Key} {i.Title}", [new ReportLine("Waiting for a capability note for more than 2 working days.", ItemRules.Summarize(i, now), Problem: true)])
            {
                Actions = [new ActionButton(ActionIds.AddCapabilityNote, "Add capability note", $"{i.BacklogId}/{i.Number}", ButtonStyle.Primary)],
            }).ToList();
            foreach (var engineer in await EngineersAsync(backlog.Id, ct))
            {
                await EnqueueAsync(context, OutboxKind.Direct, DirectTo(engineer), new ReportView("Capability notes waiting for you", lines));
            }
        }

        foreach (var group in timeboxesEnded.GroupBy(i => i.Owner!.Key))
        {
            var owner = group.First().Owner!;
            var sections = group.Select(i => new ReportSection($"{i.Key} {i.Title}", [new ReportLine($"The timebox ended {i.Model!.Timebox!.End:yyyy-MM-dd}. Re-scope it: extend with a reason, close with a rationale, or mark it done.", ItemRules.Summarize(i, now), Problem: true)])
            {
                Actions =
                [
                    new ActionButton(ActionIds.Extend, "Extend…", $"{i.BacklogId}/{i.Number}"),
                    new ActionButton(ActionIds.Close, "Close…", $"{i.BacklogId}/{i.Number}", ButtonStyle.Danger),
                    new ActionButton(ActionIds.Done, "Done", $"{i.BacklogId}/{i.Number}"),
                ],
            }).ToList();
            await EnqueueAsync(context, OutboxKind.Direct, DirectTo(owner), new ReportView("Timeboxes that ended", sections));
        }
    }

    /// <summary>Posts the clinic kickoff with its agenda and a ballot per agenda item in its thread; returns the agenda's size.</summary>
    private async Task<int> StartClinicAsync(Backlog backlog, IReadOnlyList<ConversationAddress> channels, string occurrenceId, DateTimeOffset now, bool late, CancellationToken ct)
    {
        var agenda = await AgendaAsync(backlog, await LastClinicBeforeAsync(backlog.Id, now, ct, excluding: occurrenceId), now, ct);
        var kickoff = WithItemLinks(ReportViews.Agenda(agenda), backlog) with { Late = late, DashboardUrl = DashboardUrl(backlog) };
        var context = SystemContext(backlog, now, ct);
        foreach (var channel in channels)
        {
            var clinicRef = ClinicRef(backlog.Id, occurrenceId, channel);
            await EnqueueAsync(context, OutboxKind.Post, channel, kickoff, messageRef: clinicRef);
            // One ballot per agenda item in the kickoff's thread. A busy fortnight puts thousands of items on the agenda, so
            // the ballots' names are reserved (so later votes update them) and their posts queued in two batches.
            await _store.MessageRefs.SetManyAsync([.. agenda.Items.Select(e => (BallotRef(e.Item), channel, ""))], ct);
            await _store.Outbox.EnqueueManyAsync(
                [.. agenda.Items.Select(e => NewOutbox(context, OutboxKind.Post, channel, new LiveBallotView(e.Item.BacklogId, e.Item.Number), BallotRef(e.Item), clinicRef))], ct);
            _signal?.Notify();
        }

        return agenda.Items.Count;
    }

    private async Task<ClinicAgenda> AgendaAsync(Backlog backlog, DateTimeOffset? lastClinic, DateTimeOffset now, CancellationToken ct)
    {
        var builder = new ClinicAgendaBuilder(lastClinic, now);
        await foreach (var item in _store.Items.QueryAsync(new ItemQuery(backlog.Id) { States = OpenStates, Outline = true }, ct))
        {
            builder.Add(item);
        }

        return builder.Build();
    }

    private async Task<DateTimeOffset?> LastClinicBeforeAsync(string backlogId, DateTimeOffset before, CancellationToken ct, string? excluding = null)
    {
        DateTimeOffset? last = null;
        await foreach (var entry in _store.Ledger.ListAsync(backlogId, before.AddDays(-90), ct))
        {
            if (entry.Ceremony == CeremonyKind.TriageClinic && entry.Outcome != OccurrenceOutcome.Skipped && entry.ScheduledAt < before
                && entry.Occurrence != excluding && IsClinicStart(entry.Occurrence)
                && (last is null || entry.ScheduledAt > last))
            {
                last = entry.ScheduledAt;
            }
        }

        return last;
    }

    /// <summary>Builds a report from storage, streaming items and history: never the whole backlog in memory.</summary>
    internal async Task<ReportView> BuildReportAsync(Backlog backlog, ReportKind kind, DateTimeOffset now, CancellationToken ct)
    {
        var zone = IanaZone.Find(backlog.TimeZone);
        ReportView view;
        switch (kind)
        {
            case ReportKind.Weekly:
                var weekly = new WeeklyReportBuilder(backlog.Settings, zone, now);
                await foreach (var entry in _store.History.ReadAsync(backlog.Id, weekly.HistorySince, now.AddTicks(1), ct))
                {
                    weekly.Add(entry);
                }

                await foreach (var item in _store.Items.QueryAsync(new ItemQuery(backlog.Id) { States = OpenStates, Outline = true }, ct))
                {
                    weekly.Add(item);
                }

                // A year of done and closed work would dominate the read; only recent bugs among them count (inflow).
                var closedBugs = new ItemQuery(backlog.Id) { States = [ItemState.Done, ItemState.Closed], Stream = WorkStream.Bug, CreatedAfter = weekly.ClosedBugsSince.AddTicks(-1), Outline = true };
                await foreach (var item in _store.Items.QueryAsync(closedBugs, ct))
                {
                    weekly.Add(item);
                }

                view = ReportViews.Weekly(weekly.Build());
                break;
            case ReportKind.Allocation:
                // The chart link carries the report's instant, so the picture shows the figures this message shows.
                view = ReportViews.Allocation(await BuildAllocationAsync(backlog, now, ct)) with { ChartUrl = ChartLinks.Url(_options.PublicBaseUrl, backlog, now) };
                break;
            default:
                var sweep = new IceboxSweepBuilder(now);
                await foreach (var item in _store.Items.QueryAsync(new ItemQuery(backlog.Id) { States = [ItemState.Icebox], Outline = true }, ct))
                {
                    sweep.Add(item);
                }

                view = ReportViews.Sweep(sweep.Build());
                break;
        }

        return WithItemLinks(view, backlog) with { DashboardUrl = DashboardUrl(backlog) };
    }

    /// <summary>Points every line about an item at the item's dashboard page, so channels can link each problem line to its item.</summary>
    private ReportView WithItemLinks(ReportView view, Backlog backlog) => DashboardUrl(backlog) is null ? view : view with
    {
        Sections = [.. view.Sections.Select(s => s with
        {
            Lines = [.. s.Lines.Select(l => l.Item is { } i ? l with { Item = i with { Url = ItemUrl(backlog, i.Number) } } : l)],
        })],
    };

    /// <summary>The allocation review as of <paramref name="now"/>, from history and the items active now; the allocation chart draws it.</summary>
    public async Task<AllocationReview> BuildAllocationAsync(Backlog backlog, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backlog);
        var allocation = new AllocationReviewBuilder(backlog.Settings, IanaZone.Find(backlog.TimeZone), now);
        await foreach (var entry in _store.History.ReadAsync(backlog.Id, allocation.HistorySince, now.AddTicks(1), ct))
        {
            allocation.Add(entry);
        }

        await foreach (var item in _store.Items.QueryAsync(new ItemQuery(backlog.Id) { States = [ItemState.Active], Outline = true }, ct))
        {
            allocation.Add(item);
        }

        return allocation.Build();
    }

    /// <summary>Clinic ledger ids name starts (scheduled or manual); reminders and summaries carry a suffix.</summary>
    private static bool IsClinicStart(string occurrence) =>
        !occurrence.EndsWith(":reminder", StringComparison.Ordinal) && !occurrence.EndsWith(":summary", StringComparison.Ordinal);

    private async Task<IReadOnlyList<ConversationAddress>> ChannelsAsync(string backlogId, ChannelRoles role, CancellationToken ct)
    {
        var result = new List<ConversationAddress>();
        await foreach (var binding in _store.Bindings.ListForBacklogAsync(backlogId, ct))
        {
            if (binding.Active && binding.Roles.HasFlag(role))
            {
                result.Add(binding.Address with { ThreadId = null, UserId = null });
            }
        }

        return result;
    }

    private static string ClinicRef(string backlogId, string occurrenceId, ConversationAddress channel) =>
        $"clinic:{backlogId}:{occurrenceId}:{channel.Platform}:{channel.ChannelId}";

    private static ConversationAddress DirectTo(UserRef user) => new()
    {
        Platform = user.Platform,
        Workspace = "",
        ChannelId = "",
        UserId = user.UserId,
    };

    private Context SystemContext(Backlog backlog, DateTimeOffset now, CancellationToken ct)
    {
        var system = new UserRef(Platform.Playground, "triagebot", "TriageBot");
        var place = new ConversationAddress { Platform = Platform.Playground, Workspace = "", ChannelId = "" };
        return new Context(new Interaction(system, place, new CommandIntent(""), now), null, new Versioned<Backlog>(backlog, ""), Role.Facilitator, ct);
    }
}
