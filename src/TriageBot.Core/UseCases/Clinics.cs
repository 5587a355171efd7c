using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Reports;
using TriageBot.Core.Views;
using TriageBot.Core.Voting;

namespace TriageBot.Core.UseCases;

/// <summary>The triage clinic: its agenda (every item still New, the ready queue's top, items due for re-scoring), and its kickoff with one ballot per agenda item.</summary>
internal sealed class Clinics(UseCaseContext context, ReportBuilder reports, Ballots ballots)
{
    private static readonly ItemState[] OpenStates = [ItemState.New, ItemState.Sprint, ItemState.Ready, ItemState.Icebox, ItemState.Active];

    /// <summary>Posts the clinic kickoff with its agenda and a ballot per agenda item in its thread; returns the agenda's size.</summary>
    public async Task<int> StartAsync(Backlog backlog, IReadOnlyList<ConversationAddress> channels, string occurrenceId, DateTimeOffset now, bool late, CancellationToken ct)
    {
        var agenda = await AgendaAsync(backlog, await LastBeforeAsync(backlog.Id, now, ct, excluding: occurrenceId), now, ct);
        var kickoff = reports.WithItemLinks(ReportViews.Agenda(agenda), backlog) with { Late = late, DashboardUrl = context.DashboardUrl(backlog) };
        var system = RequestContext.System(backlog, now, ct);
        // Posts stay true: an item's ballot from an earlier clinic is closed (and kept true) before the new one is posted.
        foreach (var entry in agenda.Items)
        {
            await ballots.KeepEarlierAsync(system, entry.Item);
        }

        await OpenRescoringRoundsAsync(system, agenda);
        // Each channel's ballot has its own name, so votes and the outcome keep every channel's post true, not only the last.
        var posts = channels.Count;
        if (posts > 0)
        {
            await context.Store.MessageRefs.SetManyAsync(
                [.. agenda.Items.Select(e => (Ballots.PostCountRef(e.Item), channels[0], posts.ToString(System.Globalization.CultureInfo.InvariantCulture)))], ct);
        }

        for (var index = 0; index < posts; index++)
        {
            var channel = channels[index];
            var clinicRef = Ref(backlog.Id, occurrenceId, channel);
            await context.EnqueueAsync(system, OutboxKind.Post, channel, kickoff, messageRef: clinicRef);
            // One ballot per agenda item in the kickoff's thread. A busy fortnight puts thousands of items on the agenda, so
            // the ballots' names are reserved (so later votes update them) and their posts queued in two batches.
            await context.Store.MessageRefs.SetManyAsync([.. agenda.Items.Select(e => (Ballots.PostRef(e.Item, index), channel, ""))], ct);
            await context.Store.Outbox.EnqueueManyAsync(
                [.. agenda.Items.Select(e => UseCaseContext.NewOutbox(system, OutboxKind.Post, channel, new LiveBallotView(e.Item.BacklogId, e.Item.Number), Ballots.PostRef(e.Item, index), clinicRef))], ct);
            context.Notify();
        }

        return agenda.Items.Count;
    }

    /// <summary>
    /// Re-scoring in the thread: every scored item on the agenda (the ready queue's top, items due or asked for re-scoring)
    /// gets a new, open round, so its ballot can be voted, revealed and finalized like a new item's. A round still open
    /// from an earlier clinic is kept as it is.
    /// </summary>
    private async Task OpenRescoringRoundsAsync(RequestContext system, ClinicAgenda agenda)
    {
        foreach (var entry in agenda.Items.Where(e => VotingRules.IsRoundFinalized(e.Item)))
        {
            await context.UpdateAsync(system, entry.Item.Number, i => Task.FromResult(
                VotingRules.IsRoundFinalized(i) && i.State is not (ItemState.Done or ItemState.Closed)
                    ? ScoringRules.OpenNewRound(i, system.Actor, system.Now)
                    : new ItemChange(i, [])));
        }
    }

    public async Task<ClinicAgenda> AgendaAsync(Backlog backlog, DateTimeOffset? lastClinic, DateTimeOffset now, CancellationToken ct)
    {
        var builder = new ClinicAgendaBuilder(lastClinic, now);
        await foreach (var item in context.Store.Items.QueryAsync(new ItemQuery(backlog.Id) { States = OpenStates, Outline = true }, ct))
        {
            builder.Add(item);
        }

        return builder.Build();
    }

    public async Task<DateTimeOffset?> LastBeforeAsync(string backlogId, DateTimeOffset before, CancellationToken ct, string? excluding = null)
    {
        DateTimeOffset? last = null;
        await foreach (var entry in context.Store.Ledger.ListAsync(backlogId, before.AddDays(-90), ct))
        {
            if (entry.Ceremony == CeremonyKind.TriageClinic && entry.Outcome != OccurrenceOutcome.Skipped && entry.ScheduledAt < before
                && entry.Occurrence != excluding && LedgerIds.IsClinicStart(entry.Occurrence)
                && (last is null || entry.ScheduledAt > last))
            {
                last = entry.ScheduledAt;
            }
        }

        return last;
    }

    public static string Ref(string backlogId, string occurrenceId, ConversationAddress channel) =>
        $"clinic:{backlogId}:{occurrenceId}:{channel.Platform}:{channel.ChannelId}";
}
