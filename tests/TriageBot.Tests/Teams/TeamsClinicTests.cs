using TriageBot.Core.Items;
using TriageBot.Core.Rubric;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Teams;

/// <summary>Issue 5, flow 3: a clinic thread, hidden votes, a changed vote, reveal and finalize, every copy of the ballot updated.</summary>
public sealed class TeamsClinicTests(LocalOpenIdIssuer issuer) : TeamsFlow(issuer)
{
    private static Dictionary<string, string> Scores(int impact, int confidence, int rollback, int delay, string? impactWhy = null)
    {
        var scores = new Dictionary<string, string>
        {
            ["impact"] = impact.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["confidence"] = confidence.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["rollback"] = rollback.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["delay"] = delay.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (impactWhy is not null) scores["impactReason"] = impactWhy;
        return scores;
    }

    /// <summary>Reports a bug through the <c>new bug</c> form.</summary>
    private async Task ReportBugAsync(TeamsPerson who, string title)
    {
        var (post, form) = await CommandFormAsync(who, "new bug");
        await DeliveredAsync(async () => Cards.DialogMessage(await SubmitAsync(who, post, form, new Dictionary<string, string> { ["title"] = title }))
            .ShouldContain("Reported"));
    }

    /// <summary>Votes through the ballot's Vote button and the vote form it opens; returns the confirmation text.</summary>
    private async Task<string> VoteAsync(TeamsPerson who, PostedCard ballot, Dictionary<string, string> scores)
    {
        var form = await OpenFormAsync(who, ballot, "vote");
        Cards.Text(form).ShouldContain("Your vote stays hidden until the facilitator reveals the votes.");
        return Cards.DialogMessage(await SubmitAsync(who, ballot, form, scores));
    }

    [Fact]
    public async Task Clinic_FiveVoters_OneChangesTheirVote_MemberCannotReveal_FacilitatorRevealsAndFinalizes_EveryCopyUpdated()
    {
        var backlogId = await SetUpAsync(People.Ada);
        await CommandAsync(People.Ada, "role {0} engineer", People.Eli);
        await ReportBugAsync(People.Barbara, "Streaming answers stop after 30 seconds");

        // The clinic: a kickoff that starts a thread, the ballot as a reply in it, and the starter's confirmation.
        var clinic = A.Command(People.Ada, "clinic");
        var posted = await DeliveredAsync(() => P.PostOkAsync(clinic));
        posted.Count.ShouldBe(3);
        posted.Single(p => p.Conversation == clinic["conversation"]!["id"]!.GetValue<string>()).Text.ShouldContain("Clinic started with 1 item on the agenda");
        var kickoff = posted.Single(p => p.Call.Path == "/teams/v3/conversations");
        kickoff.Text.ShouldContain("TRI-1 Streaming answers stop after 30 seconds");
        var ballot = posted.Single(p => p.Text.Contains("Scoring TRI-1", StringComparison.Ordinal));
        ballot.Conversation.ShouldBe(Activities.Thread(kickoff.ActivityId), "ballots are replies in the kickoff's thread");
        ballot.Text.ShouldContain("No votes yet");
        var ballotPut = $"/teams/v3/conversations/{Activities.Thread(kickoff.ActivityId)}/activities/{ballot.ActivityId}";

        // Five people vote; the ballot copy in the channel shows who voted, never how.
        var votes = new (TeamsPerson Who, Dictionary<string, string> Scores)[]
        {
            (People.Ada, Scores(3, 2, 2, 2)),
            (People.Eli, Scores(3, 3, 2, 2)),
            (People.Grace, Scores(1, 1, 1, 1)),
            (People.Alan, Scores(2, 2, 2, 1)),
            (People.Barbara, Scores(2, 2, 2, 3)),
        };
        PostedCard? latest = null;
        foreach (var (who, scores) in votes)
        {
            var updates = await DeliveredAsync(async () => (await VoteAsync(who, ballot, scores)).ShouldContain("Your vote on TRI-1 is in"));
            latest = updates.ShouldHaveSingleItem();
            latest.Call.Method.ShouldBe("PUT");
            latest.Call.Path.ShouldBe(ballotPut);
            latest.Text.ShouldContain(who.Name);
            latest.Text.ShouldNotContain("impact 3");
        }
        latest!.Text.ShouldContain("5 voted so far: Ada Lovelace, Eli Whitney, Grace Hopper, Alan Turing, Barbara Liskov");

        // Grace changes her vote: the form comes back with her vote, and the new one replaces it.
        var again = await OpenFormAsync(People.Grace, ballot, "vote");
        Cards.Inputs(again)["impact"]["value"]!.GetValue<string>().ShouldBe("1");
        await DeliveredAsync(async () => await SubmitAsync(People.Grace, ballot, again, Scores(3, 2, 2, 2, impactWhy: "Every long answer is cut")));

        // Reveal and Finalize are only on the facilitator's own card; a member who sends a reveal anyway is refused.
        Cards.Actions(latest.Card).Select(a => a["verb"]?.GetValue<string>()).ShouldNotContain("reveal");
        var graces = Cards.Actions((await MyViewAsync(People.Grace, latest)).Card);
        graces.Select(a => a["verb"]?.GetValue<string>()).ShouldNotContain("reveal");
        var adas = await MyViewAsync(People.Ada, latest);
        var refused = Cards.ExecutedMessage(await P.PostOkAsync(A.Execute(People.Ken, adas.ThreadConversation, adas.ActivityId, Cards.Button(adas.Card, "reveal"))));
        refused.ShouldContain("facilitator");
        (await P.Store.Items.GetAsync(backlogId, 1, Ct))!.Value.RoundRevealed.ShouldBeFalse();

        // The facilitator reveals from her own card: it changes at once, every copy through an update of the posted activity.
        PostedCard? revealedCopy = null;
        var revealUpdates = await DeliveredAsync(async () =>
        {
            var revealed = Cards.Text(Cards.ExecutedCard(await ClickAsync(People.Ada, adas, "reveal")));
            revealed.ShouldContain("Votes (5)");
            revealed.ShouldContain("Grace Hopper: impact 3, confidence 2, rollback 2, delay 2");
            revealed.ShouldContain("User impact: median 3 (spread 2–3)");
            revealed.ShouldContain("Implied total: 19");
        });
        revealedCopy = revealUpdates.ShouldHaveSingleItem();
        revealedCopy.Call.Path.ShouldBe(ballotPut);
        revealedCopy.Text.ShouldContain("Grace Hopper: impact 3, confidence 2, rollback 2, delay 2");
        revealedCopy.Text.ShouldNotContain("impact 1");

        // The facilitator finalizes with the medians, from her own card.
        var finalizeForm = await OpenFormAsync(People.Ada, await MyViewAsync(People.Ada, revealedCopy), "finalize");
        Cards.Inputs(finalizeForm)["impact"]["value"]!.GetValue<string>().ShouldBe("3");
        var finalUpdates = await DeliveredAsync(async () =>
            Cards.DialogMessage(await SubmitAsync(People.Ada, ballot, finalizeForm, new Dictionary<string, string>()))
                .ShouldContain("TRI-1 finalized: 19 → Sprint."));

        var item = (await P.Store.Items.GetAsync(backlogId, 1, Ct))!.Value;
        item.State.ShouldBe(ItemState.Sprint);
        item.Score!.Total.ShouldBe(19);
        item.Score.Scores.ShouldBe(new Scores(3, 2, 2, 2));
        item.Score.FinalizedBy.UserId.ShouldBe(People.Ada.Id);
        item.Score.Justifications[Dimension.Impact].ShouldBe("Every long answer is cut");
        var stored = await P.Store.Votes.ListAsync(backlogId, 1, 1, Ct);
        stored.GroupBy(v => v.Voter.Key).Count().ShouldBe(5);
        stored.Where(v => v.Voter.UserId == People.Grace.Id).MaxBy(v => v.At)!.Scores.ShouldBe(new Scores(3, 2, 2, 2));
        // The ballot is updated once; the intake confirmation is updated too (posts stay true), and is not the ballot.
        var finalCopy = finalUpdates.Where(u => u.Text.Contains("Scoring TRI-1", StringComparison.Ordinal)).ShouldHaveSingleItem();
        finalCopy.Call.Path.ShouldBe(ballotPut);
        finalCopy.Text.ShouldContain("Finalized: total 19 → Sprint");
        finalCopy.Text.ShouldContain("Finalized by Ada Lovelace.");
        Cards.Actions(finalCopy.Card).ShouldNotContain(a => a["verb"] != null && a["verb"]!.GetValue<string>() == "vote");
        await P.ShouldAllBeValidCardsAsync();
    }

    [Fact]
    public async Task Vote_AfterFinalize_IsNotRecorded()
    {
        var backlogId = await SetUpAsync(People.Ada);
        await ReportBugAsync(People.Ada, "Citations link to 404 pages");
        var ballot = (await CommandAsync(People.Ada, "clinic")).Single(p => p.Text.Contains("Scoring TRI-1", StringComparison.Ordinal));
        var lateForm = await OpenFormAsync(People.Grace, ballot, "vote");
        await DeliveredAsync(async () => await VoteAsync(People.Ada, ballot, Scores(2, 2, 2, 2)));
        var finalize = await OpenFormAsync(People.Ada, await MyViewAsync(People.Ada, ballot), "finalize");
        await DeliveredAsync(async () => await SubmitAsync(People.Ada, ballot, finalize, new Dictionary<string, string>()));

        var answer = Cards.DialogMessage(await SubmitAsync(People.Grace, ballot, lateForm, Scores(3, 3, 3, 3)));

        answer.ShouldContain("is closed; your vote was not recorded");
        (await P.Store.Votes.ListAsync(backlogId, 1, 1, Ct)).ShouldHaveSingleItem().Voter.UserId.ShouldBe(People.Ada.Id);
    }
}
