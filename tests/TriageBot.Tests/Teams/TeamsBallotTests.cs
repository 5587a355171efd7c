using System.Text.Json.Nodes;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Teams;

/// <summary>
/// Issue 19: per-person ballots (Universal Actions user-specific views) through the real host — the ballot's refresh,
/// each person's own card from the refresh invoke, and re-scoring a finalized item only by a facilitator, announced.
/// </summary>
public sealed class TeamsBallotTests(LocalOpenIdIssuer issuer) : TeamsFlow(issuer)
{
    private static readonly Dictionary<string, string> Threes = new() { ["impact"] = "3", ["confidence"] = "3", ["rollback"] = "2", ["delay"] = "2" };

    private async Task<PostedCard> BallotAsync(TeamsPerson reporter)
    {
        var (post, form) = await CommandFormAsync(reporter, "new bug");
        await DeliveredAsync(async () => Cards.DialogMessage(await SubmitAsync(reporter, post, form, new Dictionary<string, string> { ["title"] = "Answers cite deleted pages" }))
            .ShouldContain("Reported TRI-1"));
        return (await CommandAsync(People.Ada, "clinic")).Single(p => p.Text.Contains("Scoring TRI-1", StringComparison.Ordinal));
    }

    /// <summary>The card a person gets from the "Refresh card" menu (a manual refresh): what anyone not yet listed sees of their own ballot.</summary>
    private async Task<PostedCard> RefreshByHandAsync(TeamsPerson who, PostedCard on) =>
        on with { Card = Cards.ExecutedCard(await P.PostOkAsync(A.Execute(who, on.ThreadConversation, on.ActivityId, on.Card["refresh"]!["action"]!.AsObject()))) };

    private static List<string> Verbs(JsonObject card) => [.. Cards.Actions(card).Select(a => a["verb"]?.GetValue<string>() ?? a["data"]?["actionId"]?.GetValue<string>() ?? "")];

    [Fact]
    public async Task EachPersonGetsTheirOwnBallot_PicksInlineAndOneVote_TheirVoteShownToThemAlone_RevealAndFinalizeOnlyForTheFacilitator()
    {
        var backlogId = await SetUpAsync(People.Ada);
        var shared = await BallotAsync(People.Grace);

        // The shared copy: who voted, one Vote that opens a dialog, no inputs, and a refresh for the facilitator.
        Cards.ShouldHaveNoInputs(shared.Card);
        Verbs(shared.Card).ShouldBe(["vote"]);
        shared.Card["refresh"]!["userIds"]!.AsArray().Select(u => u!.GetValue<string>()).ShouldBe([People.Ada.Id]);

        // Grace (a member, not yet listed) refreshes by hand: her own card, with the picks and one Vote, no facilitator buttons.
        var gracesOwn = await RefreshByHandAsync(People.Grace, shared);
        gracesOwn.Text.ShouldContain("You have not voted in this round yet.");
        Cards.Inputs(gracesOwn.Card).Keys.ShouldBe(["impact", "confidence", "rollback", "delay"], ignoreOrder: true);
        Verbs(gracesOwn.Card).ShouldBe(["submit"]);

        // She votes from her card: it comes back as her ballot with her vote; the shared copy names her, never her scores.
        var updates = await DeliveredAsync(async () =>
        {
            var afterVote = Cards.ExecutedCard(await P.PostOkAsync(A.Execute(People.Grace, gracesOwn.ThreadConversation, gracesOwn.ActivityId,
                Cards.SubmitAction(gracesOwn.Card), Cards.Fill(gracesOwn.Card, Cards.SubmitAction(gracesOwn.Card), Threes))));
            Cards.Text(afterVote).ShouldContain("Your vote, shown to you alone until reveal: impact 3, confidence 3, rollback 2, delay 2");
            Cards.Inputs(afterVote)["impact"]["value"]!.GetValue<string>().ShouldBe("3");
        });
        var sharedNow = updates.Single(u => u.Call.Method == "PUT" && u.Text.Contains("Scoring TRI-1", StringComparison.Ordinal));
        sharedNow.Text.ShouldContain("Grace Hopper");
        sharedNow.Text.ShouldNotContain("impact 3");
        sharedNow.Card["refresh"]!["userIds"]!.AsArray().Select(u => u!.GetValue<string>()).ShouldBe([People.Grace.Id, People.Ada.Id], ignoreOrder: true);

        // Now listed, Grace's client refreshes on its own: her vote again, and still no Reveal/Finalize.
        var gracesAgain = await MyViewAsync(People.Grace, sharedNow);
        gracesAgain.Text.ShouldContain("impact 3, confidence 3, rollback 2, delay 2");
        Verbs(gracesAgain.Card).ShouldBe(["submit"]);

        // Ada, the facilitator, sees who voted but not how, her own "not voted", and Reveal and Finalize.
        var adasOwn = await MyViewAsync(People.Ada, sharedNow);
        adasOwn.Text.ShouldContain("Grace Hopper");
        adasOwn.Text.ShouldNotContain("impact 3");
        adasOwn.Text.ShouldContain("You have not voted in this round yet.");
        Verbs(adasOwn.Card).ShouldBe(["submit", "reveal", "finalize"]);

        (await P.Store.Votes.ListAsync(backlogId, 1, 1, Ct)).ShouldHaveSingleItem().Voter.UserId.ShouldBe(People.Grace.Id);
        foreach (var call in P.Calls)
            foreach (var card in Cards.InActivity(call.Body)) Cards.ShouldHaveNoInputs(card);
        await P.ShouldAllBeValidCardsAsync();
    }

    [Fact]
    public async Task VotingOnAFinalizedItem_IsRefused_UntilAFacilitatorRescores_WhichOpensANewRoundAndAnnouncesIt()
    {
        var backlogId = await SetUpAsync(People.Ada);
        var shared = await BallotAsync(People.Grace);
        var vote = await OpenFormAsync(People.Ada, shared, "vote");
        await DeliveredAsync(async () => await SubmitAsync(People.Ada, shared, vote, Threes));
        var finalize = await OpenFormAsync(People.Ada, await MyViewAsync(People.Ada, shared), "finalize");
        var finalUpdates = await DeliveredAsync(async () => await SubmitAsync(People.Ada, shared, finalize, new Dictionary<string, string>()));
        // The ballot's copy is updated to the result (the item's intake confirmation is updated too: posts stay true).
        var finalized = finalUpdates.Single(u => u.Call.Method == "PUT" && u.Text.Contains("Scoring TRI-1", StringComparison.Ordinal));
        finalized.Text.ShouldContain("Finalized: total");

        // Grace tries to vote again: refused, nothing reopened.
        var refused = Cards.DialogMessage(await P.PostOkAsync(A.TaskFetch(People.Grace, shared.ThreadConversation, shared.ActivityId,
            new JsonObject { ["msteams"] = new JsonObject { ["type"] = "task/fetch" }, ["actionId"] = "vote", ["arg"] = $"{backlogId}/1" })));
        refused.ShouldContain("finalized in round 1");
        refused.ShouldContain("facilitator");
        (await P.Store.Items.GetAsync(backlogId, 1, Ct))!.Value.Round.ShouldBe(1);
        Verbs((await RefreshByHandAsync(People.Grace, finalized)).Card).ShouldNotContain("reopenScoring");

        // Ada re-scores from her own card: round 2 opens, announced in the thread, and every copy shows the new round.
        var adasOwn = await MyViewAsync(People.Ada, finalized);
        var announced = await DeliveredAsync(async () =>
        {
            var round2 = Cards.Text(Cards.ExecutedCard(await ClickAsync(People.Ada, adasOwn, "reopenScoring")));
            round2.ShouldContain("round 2");
            round2.ShouldContain("You have not voted in this round yet.");
        });
        announced.ShouldContain(p => p.Text.Contains("Ada Lovelace opened round 2 of TRI-1 for re-scoring", StringComparison.Ordinal));
        announced.Single(p => p.Call.Method == "PUT").Text.ShouldContain("round 2");
        var item = (await P.Store.Items.GetAsync(backlogId, 1, Ct))!.Value;
        item.Round.ShouldBe(2);
        item.Score!.Round.ShouldBe(1);
        await P.ShouldAllBeValidCardsAsync();
    }
}
