using System.Text.Json.Nodes;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;
using TriageBot.Core.Views;
using static TriageBot.Teams.Cards.CardBuilder;

namespace TriageBot.Teams.Cards;

/// <summary>
/// The clinic ballot: who has voted (never how) until reveal, then the votes and medians, then the outcome.
/// In Teams it is a user-specific view (Universal Actions): the card carries <c>refresh</c> for the voters and facilitators
/// (<see cref="ButtonIds.ViewBallot"/>), and each of them gets their own card back — their picks inline with one Vote, their
/// vote shown to them alone, Reveal/Finalize only for facilitators. Beyond Teams' 60 refreshed users it falls back to
/// the shared card with every button (Vote opens the dialog).
/// </summary>
internal static class BallotCard
{
    /// <summary>Teams refreshes a card automatically for at most 60 listed users.</summary>
    public const int MaxRefreshUsers = 60;

    public static void Render(CardBuilder b, BallotView v)
    {
        b.Text(Invariant($"Scoring {v.Item.Key}: {v.Item.Title}"), weight: "Bolder", size: "Medium");
        b.Text(Invariant($"{Wording.Stream(v.Item.Stream)} · round {v.Round}"), subtle: true);
        if (v.Final is { } final)
        {
            b.Text(Invariant($"Finalized: total {final.Total} → {(v.Item.HeldPlacement is { } held ? Wording.HeldPlacement(held) : Wording.Queue(final.Placement))}"), weight: "Bolder", color: "Good", separator: true);
            b.Facts(Enum.GetValues<Dimension>().Select(d => (Wording.Dimension(d), Invariant($"{final.Scores[d]}") + (v.Overrides.FirstOrDefault(o => o.Dimension == d) is { } o ? " (" + Wording.OverrodeMedian(o.Median) + ")" : "") + (final.Justifications.TryGetValue(d, out var why) && !string.IsNullOrWhiteSpace(why) ? " — " + why : ""))));
            b.Text(Invariant($"Finalized by {final.FinalizedBy.DisplayName}."), subtle: true);
        }
        else if (v.Revealed)
        {
            b.Text(Invariant($"Votes ({v.Votes.Count})"), weight: "Bolder", separator: true);
            foreach (var vote in v.Votes.Take(60))
            {
                b.Text(vote.Voter.DisplayName + ": " + Wording.Scores(vote.Scores));
                var reasons = vote.Reasons.Where(r => !string.IsNullOrWhiteSpace(r.Value)).Select(r => Wording.Dimension(r.Key) + ": " + r.Value).ToList();
                if (reasons.Count > 0) b.Text(string.Join("\n", reasons), subtle: true);
            }
            if (v.Results.Count > 0)
            {
                b.Text("Result", weight: "Bolder", separator: true);
                b.Facts(v.Results.Select(r => (Wording.Dimension(r.Dimension), Invariant($"median {r.Median} (spread {r.Min}–{r.Max})"))));
            }
            if (v.ImpliedTotal is { } total) b.Text(Invariant($"Implied total: {total}"), weight: "Bolder");
            if (v.Previous is { } previous) b.Text(Wording.PreviousResult(previous), subtle: true);
        }
        else
        {
            b.Text((v.Voters.Count == 0
                ? Wording.NoVotesYet
                : Wording.VotedSoFar(Invariant($"{v.Voters.Count}"), string.Join(", ", v.Voters.Select(p => p.DisplayName)))) + ". " + Wording.VotesHidden, separator: true);
            if (v.Viewer is not null)
                b.Text(v.ViewerVote is { } mine ? "Your vote, shown to you alone until reveal: " + Wording.Scores(mine) : "You have not voted in this round yet.", weight: "Bolder");
        }
        foreach (var c in v.Consequences) b.Text("⚠ " + c, color: "Warning");
        if (v.ClosedNote is { } closed) b.Text(closed, weight: "Bolder", separator: true);

        var refresh = b.Host == CardHost.TeamsMessage ? Refresh(v) : null;
        b.Refresh = refresh;
        if (v.Viewer is not null)
        {
            // This person's own card, returned to them alone: their picks inline, one Vote.
            if (v.InlineVote is { } picks && v.Final is null)
            {
                foreach (var field in picks.Fields)
                {
                    picks.Values.TryGetValue(field.Id, out var value);
                    b.Add(FormCard.Input(field, value, picks.Errors.FirstOrDefault(e => e.Field == field.Id)?.Message));
                }
                var data = new JsonObject { ["formId"] = picks.FormId };
                if (picks.Argument is not null) data["arg"] = picks.Argument;
                b.AddAction(new JsonObject { ["type"] = "Action.Execute", ["title"] = CardText.Plain(picks.SubmitLabel, 40), ["verb"] = AdaptiveCardRenderer.SubmitVerb, ["data"] = data, ["style"] = "positive" });
            }
            b.Buttons(v.Actions);
        }
        else if (refresh is not null)
        {
            // The copy everyone shares: facilitators' Reveal/Finalize appear in their own refreshed view only.
            b.Buttons(v.Actions.Where(a => a.ActionId is not (ButtonIds.Reveal or ButtonIds.Finalize)));
        }
        else
        {
            b.Buttons(v.Actions);
        }
    }

    /// <summary>
    /// <c>refresh</c> for the voters and facilitators (their Teams user ids), or none when there are more than Teams refreshes,
    /// in which case everyone shares one card with every button.
    /// </summary>
    public static JsonObject? Refresh(BallotView v)
    {
        // An earlier clinic's ballot takes no votes: nobody's own view of it is asked for.
        if (v.ClosedNote is not null) return null;
        var users = v.Voters.Concat(v.Facilitators).Append(v.Viewer)
            .Where(u => u is { Platform: Platform.Teams })
            .Select(u => u!.UserId).Distinct(StringComparer.Ordinal).ToList();
        if (users.Count > MaxRefreshUsers) return null;
        return new JsonObject
        {
            ["action"] = new JsonObject
            {
                ["type"] = "Action.Execute",
                ["title"] = "Show my ballot",
                ["verb"] = ButtonIds.ViewBallot,
                ["data"] = new JsonObject { ["arg"] = v.Item.Ref },
            },
            ["userIds"] = new JsonArray([.. users.Select(u => (JsonNode)u)]),
        };
    }
}
