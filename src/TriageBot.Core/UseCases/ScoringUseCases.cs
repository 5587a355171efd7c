using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;
using TriageBot.Core.Views;
using TriageBot.Core.Voting;

namespace TriageBot.Core.UseCases;

/// <summary>Scoring: the ballot, hidden votes, reveal and finalize (SPEC §4).</summary>
internal sealed class ScoringUseCases(UseCaseContext context, Ballots ballots) : IUseCase
{
    public void Register(Handlers h)
    {
        h.OnCommand<ScoreCommand>(async (c, cmd) => await OpenVoteAsync(c, await context.LoadAsync(c, cmd.Key)));
        h.OnAction(ButtonIds.Vote, async (c, arg) => await OpenVoteAsync(c, await context.LoadAsync(c, arg)));
        h.OnAction(ButtonIds.Score, async (c, arg) => await OpenVoteAsync(c, await context.LoadAsync(c, arg)));
        h.OnForm(FormIds.Vote, SubmitVoteAsync);
        h.OnAction(ButtonIds.Reveal, RevealAsync);
        h.OnAction(ButtonIds.Finalize, OpenFinalizeAsync);
        h.OnForm(FormIds.Finalize, SubmitFinalizeAsync);
        h.OnAction(ButtonIds.KeepScore, KeepScoresAsync);
    }

    /// <summary>Re-scoring in one click: the facilitator records the earlier round's scores again, with a reason, and the ballot shows the result.</summary>
    private async Task<Outcome> KeepScoresAsync(RequestContext c, string? argument)
    {
        Permissions.Require(c.Role, Permission.Finalize, "keep an item's scores");
        var backlog = c.RequireBacklog();
        var item = await context.LoadAsync(c, argument);
        if (item.Score is not { } previous)
        {
            return Answers.Error($"{item.Key} has never been scored: there are no scores to keep. Vote on it instead.");
        }

        if (VotingRules.IsRoundFinalized(item))
        {
            return Answers.Error($"Round {item.Round} of {item.Key} was already finalized: {previous.Total} → {previous.Placement}.");
        }

        var reason = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"still hold at re-scoring (last scored {previous.At:yyyy-MM-dd})");
        var saved = await context.UpdateAsync(c, item.Number, i => Task.FromResult(ScoringRules.KeepScore(i, c.Actor, c.Now, backlog.Settings, reason)),
            await ballots.RefreshMessagesAsync(c, item));
        return new UpdateCardOutcome(await ballots.BuildAsync(c, saved));
    }

    private async Task<Outcome> OpenVoteAsync(RequestContext c, Item item)
    {
        Permissions.Require(c.Role, Permission.Vote, "vote");
        if (item.State is ItemState.Done or ItemState.Closed)
        {
            return Answers.Error($"{item.Key} is {item.State}; it can't be scored.");
        }

        // A finalized round is closed: voting again needs a facilitator's re-score (a new round, announced), never a silent reopen.
        if (item.Score?.Round == item.Round)
        {
            return Answers.Error($"{item.Key} was finalized in round {item.Round} (total {item.Score.Total}). A facilitator can open a new round with Re-score on its ballot.");
        }

        var votes = await context.Store.Votes.ListAsync(item.BacklogId, item.Number, item.Round, c.Ct);
        var mine = votes.Where(v => v.Voter.Key == c.Actor.Key).MaxBy(v => v.At);
        return new OpenFormOutcome(Forms.Vote(context.Summarize(c, item), item.Round, mine, OffersScoreAndPlace(c, votes)));
    }

    private async Task<Outcome> SubmitVoteAsync(RequestContext c, FormSubmitIntent f)
    {
        Permissions.Require(c.Role, Permission.Vote, "vote");
        var item = await context.LoadAsync(c, f.Argument);
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
            return new FormErrorsOutcome(Forms.Vote(context.Summarize(c, item), round, null, f.Values.ContainsKey(Forms.ScoreAndPlace)) with { Values = f.Values, Errors = e.Errors });
        }

        if (Answers.Value(f, Forms.ScoreAndPlace) == Forms.PlaceNow)
        {
            return await ScoreAndPlaceAsync(c, f, item, vote);
        }

        await context.Store.Votes.UpsertAsync(vote, c.Ct);
        context.Metrics?.VoteCast(item.Stream);
        await ballots.RefreshAsync(c, item);
        return new CloseFormOutcome(new TextView($"Your vote on {item.Key} is in. It stays hidden until the facilitator reveals the votes.", Tone.Success));
    }

    /// <summary>"Score and place" is offered to a facilitator while nobody else has voted in the round.</summary>
    private static bool OffersScoreAndPlace(RequestContext c, IReadOnlyList<Vote> votes) =>
        Permissions.Allows(c.Role, Permission.Finalize) && votes.All(v => v.Voter.Key == c.Actor.Key);

    /// <summary>Scoring outside a clinic by one facilitator: the vote is recorded and finalized at once as the round's only vote.</summary>
    private async Task<Outcome> ScoreAndPlaceAsync(RequestContext c, FormSubmitIntent f, Item item, Vote vote)
    {
        var backlog = c.RequireBacklog();
        var votes = await context.Store.Votes.ListAsync(item.BacklogId, item.Number, item.Round, c.Ct);
        if (!OffersScoreAndPlace(c, votes))
        {
            var why = Permissions.Allows(c.Role, Permission.Finalize)
                ? $"Others have voted on {item.Key} in this round: vote, then reveal and finalize with theirs."
                : $"Only {Permissions.WhoMay(Permission.Finalize)} can score and place an item alone.";
            return new FormErrorsOutcome(Forms.Vote(context.Summarize(c, item), item.Round, null, offerScoreAndPlace: true) with
            {
                Values = f.Values,
                Errors = [new FieldError(Forms.ScoreAndPlace, why)],
            });
        }

        await context.Store.Votes.UpsertAsync(vote, c.Ct);
        context.Metrics?.VoteCast(item.Stream);
        var final = VotingRules.Finalize(item, Tally.Compute([vote]), new Dictionary<Dimension, (int, string)>(), vote.Reasons, c.Actor, c.Now, backlog.Settings);
        var saved = await context.UpdateAsync(c, item.Number, i => Task.FromResult(ScoringRules.ApplyScore(i, final, c.Actor, c.Now)), await ballots.RefreshMessagesAsync(c, item));
        var placement = saved.HeldPlacement is { } held ? $"{held}, held until a capability note arrives" : saved.State.ToString();
        return new CloseFormOutcome(new TextView($"{saved.Key} scored and placed: {final.Total} → {placement}.", Tone.Success));
    }

    private async Task<Outcome> RevealAsync(RequestContext c, string? argument)
    {
        Permissions.Require(c.Role, Permission.Reveal, "reveal votes");
        var item = await context.LoadAsync(c, argument);
        var votes = await context.Store.Votes.ListAsync(item.BacklogId, item.Number, item.Round, c.Ct);
        if (votes.Count == 0)
        {
            return Answers.Error($"Nobody has voted on {item.Key} yet.");
        }

        if (!item.RoundRevealed)
        {
            item = await context.UpdateAsync(c, item.Number, i => Task.FromResult(i.RoundRevealed ? new ItemChange(i, []) : ScoringRules.MarkRevealed(i, c.Actor, c.Now)));
        }

        // The card the button was on changes at once; every other copy (and, in Teams, everyone else's view) through the outbox.
        await ballots.RefreshAsync(c, item);
        return new UpdateCardOutcome(await ballots.BuildAsync(c, item));
    }

    private async Task<Outcome> OpenFinalizeAsync(RequestContext c, string? argument)
    {
        Permissions.Require(c.Role, Permission.Finalize, "finalize scores");
        var item = await context.LoadAsync(c, argument);
        if (item.Score?.Round == item.Round)
        {
            return Answers.Error($"{item.Key} was already finalized in round {item.Round}: {item.Score.Total} → {item.Score.Placement}.");
        }

        var votes = await context.Store.Votes.ListAsync(item.BacklogId, item.Number, item.Round, c.Ct);
        if (votes.Count == 0)
        {
            return Answers.Error($"Nobody has voted on {item.Key} yet; there is nothing to finalize.");
        }

        return new OpenFormOutcome(Forms.Finalize(context.Summarize(c, item), item.Round, Tally.Compute(votes)));
    }

    private async Task<Outcome> SubmitFinalizeAsync(RequestContext c, FormSubmitIntent f)
    {
        Permissions.Require(c.Role, Permission.Finalize, "finalize scores");
        var backlog = c.RequireBacklog();
        var item = await context.LoadAsync(c, f.Argument);
        var round = ItemRef.TryParse(f.Argument, out var r) && r.Round is { } rr ? rr : item.Round;
        if (round != item.Round || item.Score?.Round == item.Round)
        {
            return new CloseFormOutcome(new TextView($"Round {round} of {item.Key} was already finalized.", Tone.Warning));
        }

        var votes = await context.Store.Votes.ListAsync(item.BacklogId, item.Number, item.Round, c.Ct);
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
            var raw = Answers.Value(f, Forms.ScoreField(d));
            var reason = Answers.Value(f, Forms.ReasonField(d));
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
            return new FormErrorsOutcome(Forms.Finalize(context.Summarize(c, item), round, tally) with { Values = f.Values, Errors = errors });
        }

        var final = VotingRules.Finalize(item, tally, overrides, justifications, c.Actor, c.Now, backlog.Settings);
        var saved = await context.UpdateAsync(c, item.Number, i => Task.FromResult(ScoringRules.ApplyScore(i, final, c.Actor, c.Now)), await ballots.RefreshMessagesAsync(c, item));

        var consequences = RubricRules.Consequences(final.Scores, saved.Stream);
        var placement = saved.HeldPlacement is { } held
            ? $"{held}, held until a capability note arrives"
            : saved.State.ToString();
        var text = $"{saved.Key} finalized: {final.Total} → {placement}." + (consequences.Count > 0 ? " " + string.Join(" ", consequences) : "");
        return new CloseFormOutcome(new TextView(text, Tone.Success));
    }
}
