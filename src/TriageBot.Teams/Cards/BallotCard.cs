using TriageBot.Core.Rubric;
using TriageBot.Core.Views;
using static TriageBot.Teams.Cards.CardBuilder;

namespace TriageBot.Teams.Cards;

/// <summary>The clinic ballot: who has voted (never how) until reveal, then the votes and medians, then the outcome.</summary>
internal static class BallotCard
{
    public static void Render(CardBuilder b, BallotView v)
    {
        b.Text(Invariant($"Scoring {v.Item.Key}: {v.Item.Title}"), weight: "Bolder", size: "Medium");
        b.Text(Invariant($"{Wording.Stream(v.Item.Stream)} · round {v.Round}"), subtle: true);
        if (v.Final is { } final)
        {
            b.Text(Invariant($"Finalized: total {final.Total} → {(v.Item.HeldPlacement is { } held ? Wording.HeldPlacement(held) : Wording.Queue(final.Placement))}"), weight: "Bolder", color: "Good", separator: true);
            b.Facts(Enum.GetValues<Dimension>().Select(d => (Wording.Dimension(d), Invariant($"{final.Scores[d]}") + (final.Justifications.TryGetValue(d, out var why) && !string.IsNullOrWhiteSpace(why) ? " — " + why : ""))));
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
        }
        else
        {
            b.Text((v.Voters.Count == 0
                ? Wording.NoVotesYet
                : Wording.VotedSoFar(Invariant($"{v.Voters.Count}"), string.Join(", ", v.Voters.Select(p => p.DisplayName)))) + ". " + Wording.VotesHidden, separator: true);
        }
        foreach (var c in v.Consequences) b.Text("⚠ " + c, color: "Warning");
        b.Buttons(v.Actions);
    }
}
