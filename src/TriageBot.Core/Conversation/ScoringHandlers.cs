using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Rubric;
using TriageBot.Core.Views;
using TriageBot.Core.Voting;

namespace TriageBot.Core.Conversation;

/// <summary>Scoring: the ballot, hidden votes, reveal and finalize (SPEC §4).</summary>
public sealed partial class TriageConversation
{
    private void RegisterScoringHandlers()
    {
        OnCommand<ScoreCommand>(async (c, cmd) => await OpenVoteAsync(c, await LoadAsync(c, cmd.Key)));
        OnAction(ActionIds.Vote, async (c, arg) => await OpenVoteAsync(c, await LoadAsync(c, arg)));
        OnAction(ActionIds.Score, async (c, arg) => await OpenVoteAsync(c, await LoadAsync(c, arg)));
        OnForm(FormIds.Vote, SubmitVoteAsync);
        OnAction(ActionIds.Reveal, RevealAsync);
        OnAction(ActionIds.Finalize, OpenFinalizeAsync);
        OnForm(FormIds.Finalize, SubmitFinalizeAsync);
    }

    private async Task<Outcome> OpenVoteAsync(Context c, Item item)
    {
        Permissions.Require(c.Role, Permission.Vote, "vote");
        if (item.State is ItemState.Done or ItemState.Closed)
        {
            return Error($"{item.Key} is {item.State}; it can't be scored.");
        }

        // A finalized round is closed: scoring again starts a new round, and the earlier one stays in history.
        if (item.Score?.Round == item.Round)
        {
            item = await UpdateAsync(c, item.Number, i => Task.FromResult(
                i.Score?.Round == i.Round ? ItemRules.OpenNewRound(i, c.Actor, c.Now) : new ItemChange(i, [])));
        }

        var votes = await _store.Votes.ListAsync(item.BacklogId, item.Number, item.Round, c.Ct);
        var mine = votes.Where(v => v.Voter.Key == c.Actor.Key).MaxBy(v => v.At);
        return new OpenFormOutcome(Forms.Vote(Summarize(c, item), item.Round, mine));
    }

    private async Task<Outcome> SubmitVoteAsync(Context c, FormSubmitIntent f)
    {
        Permissions.Require(c.Role, Permission.Vote, "vote");
        var item = await LoadAsync(c, f.Argument);
        var round = ItemRef.TryParse(f.Argument, out var r) && r.Round is { } rr ? rr : item.Round;
        if (round != item.Round || VotingRules.IsRoundFinalized(item))
        {
            return new CloseFormOutcome(new TextView($"Scoring round {round} of {item.Key} is closed; your vote was not recorded. Open the ballot again to vote in the current round.", Tone.Warning));
        }

        Vote vote;
        try
        {
            vote = VotingRules.CastFromForm(item, c.Actor, f.Values, c.Now, round);
        }
        catch (ValidationException e)
        {
            return new FormErrorsOutcome(Forms.Vote(Summarize(c, item), round, null) with { Values = f.Values, Errors = e.Errors });
        }

        await _store.Votes.UpsertAsync(vote, c.Ct);
        _metrics?.VoteCast(item.Stream);
        await RefreshBallotAsync(c, item);
        return new CloseFormOutcome(new TextView($"Your vote on {item.Key} is in. It stays hidden until the facilitator reveals the votes.", Tone.Success));
    }

    private async Task<Outcome> RevealAsync(Context c, string? argument)
    {
        Permissions.Require(c.Role, Permission.Reveal, "reveal votes");
        var item = await LoadAsync(c, argument);
        var votes = await _store.Votes.ListAsync(item.BacklogId, item.Number, item.Round, c.Ct);
        if (votes.Count == 0)
        {
            return Error($"Nobody has voted on {item.Key} yet.");
        }

        if (!item.RoundRevealed)
        {
            item = await UpdateAsync(c, item.Number, i => Task.FromResult(i.RoundRevealed ? new ItemChange(i, []) : ItemRules.MarkRevealed(i, c.Actor, c.Now)));
        }

        // The card the button was on changes at once; every other copy (and, in Teams, everyone else's view) through the outbox.
        await RefreshBallotAsync(c, item);
        return new UpdateCardOutcome(await BuildBallotAsync(c, item));
    }

    private async Task<Outcome> OpenFinalizeAsync(Context c, string? argument)
    {
        Permissions.Require(c.Role, Permission.Finalize, "finalize scores");
        var item = await LoadAsync(c, argument);
        if (item.Score?.Round == item.Round)
        {
            return Error($"{item.Key} was already finalized in round {item.Round}: {item.Score.Total} → {item.Score.Placement}.");
        }

        var votes = await _store.Votes.ListAsync(item.BacklogId, item.Number, item.Round, c.Ct);
        if (votes.Count == 0)
        {
            return Error($"Nobody has voted on {item.Key} yet; there is nothing to finalize.");
        }

        return new OpenFormOutcome(Forms.Finalize(Summarize(c, item), item.Round, Tally.Compute(votes)));
    }

    private async Task<Outcome> SubmitFinalizeAsync(Context c, FormSubmitIntent f)
    {
        Permissions.Require(c.Role, Permission.Finalize, "finalize scores");
        var backlog = c.RequireBacklog();
        var item = await LoadAsync(c, f.Argument);
        var round = ItemRef.TryParse(f.Argument, out var r) && r.Round is { } rr ? rr : item.Round;
        if (round != item.Round || item.Score?.Round == item.Round)
        {
            return new CloseFormOutcome(new TextView($"Round {round} of {item.Key} was already finalized.", Tone.Warning));
        }

        var votes = await _store.Votes.ListAsync(item.BacklogId, item.Number, item.Round, c.Ct);
        if (votes.Count == 0)
        {
            return new CloseFormOutcome(new TextView($"Nobody has voted on {item.Key}; nothing was finalized.", Tone.Warning));
        }

        var tally = Tally.Compute(votes);
        var overrides = new Dictionary<Dimension, (int Score, string Reason)>();
        var justifications = new Dictionary<Dimension, string>();
        var errors = new List<FieldError>();
        foreach (var d in Enum.GetValues<Dimension>())
        {
            var raw = Value(f, Forms.ScoreField(d));
            var reason = Value(f, Forms.ReasonField(d));
            if (raw is not ("1" or "2" or "3"))
            {
                errors.Add(new FieldError(Forms.ScoreField(d), $"Choose 1, 2 or 3 for {RubricText.Name(d).ToLowerInvariant()}."));
                continue;
            }

            var score = raw[0] - '0';
            if (score != tally.Medians[d])
            {
                if (reason.Length == 0)
                {
                    errors.Add(new FieldError(Forms.ReasonField(d), $"You changed {RubricText.Name(d).ToLowerInvariant()} from the median {tally.Medians[d]} to {score}: say why."));
                    continue;
                }

                overrides[d] = (score, reason);
            }

            if (reason.Length > 0)
            {
                justifications[d] = reason;
            }
        }

        if (errors.Count > 0)
        {
            return new FormErrorsOutcome(Forms.Finalize(Summarize(c, item), round, tally) with { Values = f.Values, Errors = errors });
        }

        var final = VotingRules.Finalize(item, tally, overrides, justifications, c.Actor, c.Now, backlog.Settings);
        var saved = await UpdateAsync(c, item.Number, i => Task.FromResult(ItemRules.ApplyScore(i, final, c.Actor, c.Now)));
        await RefreshBallotAsync(c, saved);

        var consequences = RubricRules.Consequences(final.Scores, saved.Stream);
        var placement = saved.HeldPlacement is { } held
            ? $"{held}, held until a capability note arrives"
            : saved.State.ToString();
        var text = $"{saved.Key} finalized: {final.Total} → {placement}." + (consequences.Count > 0 ? " " + string.Join(" ", consequences) : "");
        return new CloseFormOutcome(new TextView(text, Tone.Success));
    }

    /// <summary>The ballot as it stands: who voted (never how) until reveal; then every vote, medians, spread; then the outcome.</summary>
    internal async Task<BallotView> BuildBallotAsync(Context c, Item item)
    {
        var votes = await _store.Votes.ListAsync(item.BacklogId, item.Number, item.Round, c.Ct);
        var counted = votes.GroupBy(v => v.Voter.Key).Select(g => g.MaxBy(v => v.At)!).OrderBy(v => v.At).ToList();
        var finalized = item.Score?.Round == item.Round ? item.Score : null;
        var summary = Summarize(c, item);
        var ballot = new BallotView(summary, item.Round, [.. counted.Select(v => v.Voter)]);
        if ((item.RoundRevealed || finalized is not null) && counted.Count > 0)
        {
            var tally = Tally.Compute(counted);
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
                Consequences = RubricRules.Consequences(finalized.Scores, item.Stream),
                Actions = [new(ActionIds.Show, "Show item", summary.Ref)],
            };
        }

        return ballot with
        {
            InlineVote = Forms.InlineVote(summary, item.Round),
            Actions =
            [
                new(ActionIds.Vote, "Vote", summary.Ref, ButtonStyle.Primary),
                new(ActionIds.Reveal, "Reveal", summary.Ref),
                new(ActionIds.Finalize, "Finalize", summary.Ref),
            ],
        };
    }

    internal static string BallotRef(Item item) => $"ballot:{item.BacklogId}/{item.Number}";

    /// <summary>Queues an update of the item's clinic ballot, if one was posted; the update renders live state when sent.</summary>
    private async Task RefreshBallotAsync(Context c, Item item)
    {
        var posted = await _store.MessageRefs.GetAsync(BallotRef(item), c.Ct);
        if (posted is { } p)
        {
            await EnqueueAsync(c, OutboxKind.Update, p.Where, new LiveBallotView(item.BacklogId, item.Number), messageRef: BallotRef(item));
        }
    }

    public async Task<View?> ResolveAsync(View view, CancellationToken ct)
    {
        switch (view)
        {
            case LiveBallotView live:
                var backlog = await _store.Backlogs.GetAsync(live.BacklogId, ct);
                var item = await _store.Items.GetAsync(live.BacklogId, live.Number, ct);
                return backlog is null || item is null ? null : await BuildBallotAsync(SystemContext(backlog.Value, _time.GetUtcNow(), ct), item.Value);
            case LiveReportView report:
                var b = await _store.Backlogs.GetAsync(report.BacklogId, ct);
                return b is null ? null : await BuildReportAsync(b.Value, report.Kind, _time.GetUtcNow(), ct) with { Late = report.Late };
            default:
                return view;
        }
    }
}
