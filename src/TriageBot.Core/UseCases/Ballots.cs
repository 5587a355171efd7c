using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Rubric;
using TriageBot.Core.Views;
using TriageBot.Core.Voting;

namespace TriageBot.Core.UseCases;

/// <summary>An item's clinic ballot: built from the stored votes, and refreshed wherever it was posted.</summary>
internal sealed class Ballots(UseCaseContext context)
{
    /// <summary>The logical name of an item's ballot message.</summary>
    public static string Ref(Item item) => $"ballot:{item.BacklogId}/{item.Number}";

    /// <summary>The ballot as it stands: who voted (never how) until reveal; then every vote, medians, spread; then the outcome.</summary>
    public async Task<BallotView> BuildAsync(RequestContext c, Item item)
    {
        var votes = await context.Store.Votes.ListAsync(item.BacklogId, item.Number, item.Round, c.Ct);
        var counted = votes.GroupBy(v => v.Voter.Key).Select(g => g.MaxBy(v => v.At)!).OrderBy(v => v.At).ToList();
        var finalized = item.Score?.Round == item.Round ? item.Score : null;
        var summary = context.Summarize(c, item);
        var members = await context.Store.Members.ListAsync(item.BacklogId, c.Ct);
        var ballot = new BallotView(summary, item.Round, [.. counted.Select(v => v.Voter)])
        {
            Facilitators = [.. members.Where(m => m.Role == Backlogs.Role.Facilitator).Select(m => m.User)],
        };
        TallyResult? tally = null;
        if ((item.RoundRevealed || finalized is not null) && counted.Count > 0)
        {
            tally = Tally.Compute(counted);
            ballot = ballot with
            {
                Revealed = true,
                Votes = [.. counted.Select(v => new BallotVoteLine(v.Voter, v.Scores, v.Reasons))],
                Results = tally.Results,
                ImpliedTotal = tally.ImpliedTotal,
            };
        }

        if (finalized is not null)
        {
            return ballot with
            {
                Final = finalized,
                Overrides = tally is null ? [] : [.. RubricRules.Dimensions.Where(d => finalized.Scores[d] != tally.Medians[d]).Select(d => new ScoreOverride(d, tally.Medians[d], finalized.Scores[d]))],
                Consequences = RubricRules.Consequences(finalized.Scores, item.Stream),
                Actions = [new(ButtonIds.Show, "Show item", summary.Ref)],
            };
        }

        // A re-scoring round: the earlier result is for reference once the votes are revealed, never before (it would anchor them).
        var rescoring = item.Score is { } previous && previous.Round < item.Round;
        return ballot with
        {
            Previous = rescoring && item.RoundRevealed ? item.Score : null,
            InlineVote = Forms.InlineVote(summary, item.Round),
            Actions =
            [
                new(ButtonIds.Vote, "Vote", summary.Ref, ButtonStyle.Primary),
                new(ButtonIds.Reveal, "Reveal", summary.Ref),
                new(ButtonIds.Finalize, "Finalize", summary.Ref),
                .. rescoring ? [new ActionButton(ButtonIds.KeepScore, Wording.KeepScores, summary.Ref)] : Array.Empty<ActionButton>(),
            ],
        };
    }

    /// <summary>Queues an update of the item's clinic ballot, if one was posted; the update renders live state when sent.</summary>
    public async Task RefreshAsync(RequestContext c, Item item)
    {
        var posted = await context.Store.MessageRefs.GetAsync(Ref(item), c.Ct);
        if (posted is { } p)
        {
            await context.EnqueueAsync(c, OutboxKind.Update, p.Where, new LiveBallotView(item.BacklogId, item.Number), messageRef: Ref(item));
        }
    }

    /// <summary>The update of the item's clinic ballot, if one was posted, for a change to write with the item (none otherwise).</summary>
    public async Task<IReadOnlyList<OutboxMessage>> RefreshMessagesAsync(RequestContext c, Item item)
    {
        var messages = new List<OutboxMessage>();
        var posted = await context.Store.MessageRefs.GetAsync(Ref(item), c.Ct);
        if (posted is { } p)
        {
            messages.Add(UseCaseContext.NewOutbox(c, OutboxKind.Update, p.Where, new LiveBallotView(item.BacklogId, item.Number), messageRef: Ref(item)));
        }

        // Posts stay true: the intake confirmation and the capability-note request are rebuilt from the item when sent.
        var itemRef = $"{item.BacklogId}/{item.Number}";
        foreach (var kind in (string[])[LiveItemPostView.Created, LiveItemPostView.NoteRequest])
        {
            var name = LiveItemPostView.Ref(kind, itemRef);
            if (await context.Store.MessageRefs.GetAsync(name, c.Ct) is { } post)
            {
                messages.Add(UseCaseContext.NewOutbox(c, OutboxKind.Update, post.Where, new LiveItemPostView(item.BacklogId, item.Number, kind), messageRef: name));
            }
        }

        // The posted icebox sweep that lists the item: its row says what happened once the item is decided.
        messages.AddRange(await Sweeps.UpdatesAsync(context, c, item));
        return messages;
    }
}
