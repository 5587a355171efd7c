using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Rubric;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>
/// The ballot as one person sees it (issue 19): their own vote, shown to them alone until reveal, the picks to vote with,
/// and Reveal/Finalize only for facilitators; and a facilitator's re-score of a finalized item (a new round, announced).
/// Channels with user-specific views (Teams' card refresh) ask for it per person.
/// </summary>
internal sealed class PersonalBallots(UseCaseContext context, Ballots ballots) : IUseCase
{
    public void Register(Handlers h)
    {
        h.OnAction(ButtonIds.ViewBallot, async (c, arg) => new UpdateCardOutcome(await ForViewerAsync(c, await context.LoadAsync(c, arg))));
        h.OnAction(ButtonIds.ReopenScoring, ReopenAsync);
    }

    public async Task<BallotView> ForViewerAsync(RequestContext c, Item item)
    {
        var ballot = await ballots.BuildAsync(c, item);
        var facilitator = Permissions.Allows(c.Role, Permission.Finalize);
        if (ballot.Final is not null)
        {
            return ballot with
            {
                Viewer = c.Actor,
                Actions = facilitator ? [.. ballot.Actions, new(ButtonIds.ReopenScoring, "Re-score", ballot.Item.Ref)] : ballot.Actions,
            };
        }

        var votes = await context.Store.Votes.ListAsync(item.BacklogId, item.Number, item.Round, c.Ct);
        var mine = votes.Where(v => v.Voter.Key == c.Actor.Key).MaxBy(v => v.At);
        var picks = ballot.InlineVote is { } form && Permissions.Allows(c.Role, Permission.Vote)
            ? form with
            {
                Values = mine is null
                    ? form.Values
                    : RubricRules.Dimensions.ToDictionary(d => Forms.ScoreField(d), d => mine.Scores[d].ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparer.Ordinal),
            }
            : null;
        return ballot with
        {
            Viewer = c.Actor,
            ViewerVote = mine?.Scores,
            InlineVote = picks,
            Actions = facilitator ? [.. ballot.Actions.Where(a => a.ActionId is ButtonIds.Reveal or ButtonIds.Finalize)] : [],
        };
    }

    private async Task<Outcome> ReopenAsync(RequestContext c, string? argument)
    {
        Permissions.Require(c.Role, Permission.Finalize, "open a new scoring round");
        var item = await context.LoadAsync(c, argument);
        if (item.Score?.Round != item.Round)
        {
            return Answers.Error($"Round {item.Round} of {item.Key} is still open: vote in it.");
        }

        item = await context.UpdateAsync(c, item.Number, i => Task.FromResult(
            i.Score?.Round == i.Round ? ScoringRules.OpenNewRound(i, c.Actor, c.Now) : new ItemChange(i, [])));
        await context.EnqueueAsync(c, OutboxKind.Post, c.Interaction.Place, new TextView(
            $"{c.Actor.DisplayName} opened round {item.Round} of {item.Key} for re-scoring. Votes stay hidden until the facilitator reveals them; round {item.Round - 1} stays in the history."));
        await ballots.RefreshAsync(c, item);
        return new UpdateCardOutcome(await ForViewerAsync(c, item));
    }
}
