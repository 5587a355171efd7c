using System.Net;
using System.Text.Json.Nodes;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;
using TriageBot.Slack.Tests.Fakes;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>Flow 4: a triage clinic in Slack — kickoff, ballot in its thread, hidden votes, reveal, finalize.</summary>
public sealed class ClinicTests
{
    [Fact]
    public async Task Clinic_FiveVoters_RevealByFacilitatorOnly_FinalizeWithOverride_StoresThePlacement()
    {
        await using var h = await SlackHost.StartAsync();
        await ClinicFlow.RunAsync(h);
    }

    [Fact]
    public async Task InlineVote_PickingScoresAndPressingVote_RecordsTheVoteInOneClick_MenusAloneRecordNothing()
    {
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);
        var item = await ReportAsync(h, Ada, "bug", "Refunds time out for large carts");
        (await h.CommandAsync(Ada, "clinic")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var ballotPost = await h.WaitForAsync("chat.postMessage", c => Mentions(c, "Scoring TRI-1"), "the ballot");
        var (ballot, ballotTs, kickoffTs) = (Message(ballotPost), ballotPost.AnsweredTs!, Str(ballotPost, "thread_ts")!);
        var mia = Members[0];

        // Choosing in a menu tells Slack's client, and us, nothing to record.
        var menu = h.InlineVote(mia, ballot, ballotTs, new Dictionary<string, string> { ["impact"] = "3" }, kickoffTs);
        menu["actions"]![0] = new JsonObject
        {
            ["type"] = "static_select", ["action_id"] = "impact", ["block_id"] = global::TriageBot.Slack.Blocks.ActionIdCodec.InlineFormBlock,
            ["selected_option"] = new JsonObject { ["value"] = "3", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "3" } },
            ["action_ts"] = "1700000001.000002",
        };
        using (var picked = await h.InteractAsync(menu))
        {
            picked.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await picked.Content.ReadAsStringAsync()).ShouldBeEmpty();
        }

        (await h.Store.Votes.ListAsync(BacklogId, item.Number, 1, default)).ShouldBeEmpty();

        // All four picked, Vote pressed: the vote is stored and the answer is an empty 200 — the ballot's update shows it.
        var scores = new Dictionary<string, string> { ["impact"] = "3", ["confidence"] = "2", ["rollback"] = "1", ["delay"] = "2" };
        using (var voted = await h.VoteInlineAsync(mia, ballot, ballotTs, scores, kickoffTs))
        {
            voted.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await voted.Content.ReadAsStringAsync()).ShouldBeEmpty();
        }

        var vote = (await h.Store.Votes.ListAsync(BacklogId, item.Number, 1, default)).ShouldHaveSingleItem();
        vote.Voter.UserId.ShouldBe(mia.Id);
        vote.Scores.ShouldBe(new Scores(3, 2, 1, 2));
        vote.Reasons.ShouldBeEmpty();
        var updated = await h.WaitForAsync("chat.update", c => Str(c, "ts") == ballotTs && Mentions(c, "1* voted so far"), "the ballot naming Mia");
        TextOf(updated.Json["blocks"]).ShouldContain(mia.Name);
        h.Api.CallsTo("views.open").Count.ShouldBe(2, "setup and intake only: voting in the ballot opens no form");

        // Changing one's mind in the ballot replaces the vote.
        (await h.VoteInlineAsync(mia, Message(updated), ballotTs, new Dictionary<string, string>(scores) { ["impact"] = "1" }, kickoffTs)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await h.Store.Votes.ListAsync(BacklogId, item.Number, 1, default)).ShouldHaveSingleItem().Scores.Impact.ShouldBe(1);

        // Vote pressed with a dimension left out: the whole form opens with what was picked and says what is missing.
        var opened = h.Api.CallsTo("views.open").Count;
        (await h.VoteInlineAsync(Eli, ballot, ballotTs, new Dictionary<string, string> { ["impact"] = "2", ["confidence"] = "3", ["rollback"] = "3" }, kickoffTs))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        var form = await h.OpenedModalAsync(opened + 1);
        ((string?)form["callback_id"]).ShouldBe("vote");
        ModalState.Initial(ModalState.Input(form, "impact")["element"]!.AsObject()).ShouldBe("2");
        ModalState.Initial(ModalState.Input(form, "rollback")["element"]!.AsObject()).ShouldBe("3");
        TextOf(form).ShouldContain("Cost of delay needs a score");
        (await h.Store.Votes.ListAsync(BacklogId, item.Number, 1, default)).Select(v => v.Voter.UserId).ShouldBe([mia.Id]);
    }
}

/// <summary>The clinic flow, shared with the payload check that runs every flow once.</summary>
public static class ClinicFlow
{
    private static readonly Dictionary<string, (int Impact, int Confidence, int Rollback, int Delay)> FinalVotes = new()
    {
        ["U1"] = (3, 2, 2, 2),
        ["U2"] = (3, 2, 2, 1),
        ["U3"] = (3, 3, 2, 2), // changed from 1,1,1,1
        ["U4"] = (2, 2, 3, 2),
        ["U5"] = (3, 2, 2, 2),
    };

    public static async Task RunAsync(SlackHost h)
    {
        await SetUpChannelAsync(h);
        await MakeEliEngineerAsync(h);
        var item = await ReportAsync(h, Ada, "bug", "Refunds time out for large carts");

        // Kickoff in the channel, the ballot in the kickoff's thread.
        var started = await h.CommandAsync(Ada, "clinic");
        TextOf(await JsonBody(started)).ShouldContain("Clinic started with 1 item on the agenda");
        var ballotPost = await h.WaitForAsync("chat.postMessage", c => Mentions(c, "Scoring TRI-1"), "the ballot");
        var kickoff = h.Api.CallsTo("chat.postMessage").Single(c => c.AnsweredTs == Str(ballotPost, "thread_ts"));
        Mentions(kickoff, "Triage clinic agenda").ShouldBeTrue();
        Str(kickoff, "thread_ts").ShouldBeNull();
        Str(kickoff, "channel").ShouldBe(Channel);
        Str(ballotPost, "channel").ShouldBe(Channel);
        var kickoffTs = kickoff.AnsweredTs!;
        var ballotTs = ballotPost.AnsweredTs!;
        var ballot = Message(ballotPost);
        TextOf(ballot["blocks"]).ShouldContain("No votes yet");

        // Mia votes low first, then changes her mind; the second modal shows her first vote.
        await VoteAsync(h, Members[0], ballot, ballotTs, kickoffTs, (1, 1, 1, 1), expectPrefill: null);
        var voters = new[] { Ada, Eli, Members[1], Members[2] };
        foreach (var voter in voters)
        {
            var v = FinalVotes[voter.Id];
            await VoteAsync(h, voter, ballot, ballotTs, kickoffTs, v, expectPrefill: null, reason: voter == Ada ? "secret-reason-ada" : null);
        }

        await VoteAsync(h, Members[0], ballot, ballotTs, kickoffTs, FinalVotes["U3"], expectPrefill: (1, 1, 1, 1));

        var votes = await h.Store.Votes.ListAsync(BacklogId, item.Number, 1, default);
        votes.Select(v => v.Voter.UserId).Order().ShouldBe(["U1", "U2", "U3", "U4", "U5"]);
        votes.Single(v => v.Voter.UserId == "U3").Scores[Dimension.Impact].ShouldBe(3);

        // The ballot shows who voted, never how.
        var fiveVoted = await h.WaitForAsync("chat.update", c => Str(c, "ts") == ballotTs && Mentions(c, "5* voted so far"), "the ballot with five voters");
        var shown = TextOf(fiveVoted.Json["blocks"]);
        foreach (var name in new[] { "ada", "eli", "mia", "noa", "ola" })
        {
            shown.ShouldContain(name);
        }

        shown.ShouldNotContain("median");
        shown.ShouldNotContain("secret-reason-ada");
        shown.ShouldNotContain("Impact 3");

        // A member cannot reveal: a private refusal, nothing changes.
        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the ballot updates to go out");
        var updatesBefore = h.Api.CallsTo("chat.update").Count;
        (await h.PressAsync(Members[1], ballot, ballotTs, "reveal", kickoffTs)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var refusal = await h.WaitForAsync("chat.postEphemeral", c => Str(c, "user") == Members[1].Id && Mentions(c, "reveal"), "the refusal");
        Str(refusal, "channel").ShouldBe(Channel);
        (await h.Store.Items.GetAsync(BacklogId, item.Number, default)).ShouldNotBeNull().Value.RoundRevealed.ShouldBeFalse();
        (await h.Store.Outbox.CountPendingAsync(default)).ShouldBe(0);
        h.Api.CallsTo("chat.update").Count.ShouldBe(updatesBefore);

        // The facilitator reveals: every vote, medians, spread and the implied total.
        (await h.PressAsync(Ada, ballot, ballotTs, "reveal", kickoffTs)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var revealed = await h.WaitForAsync("chat.update", c => Str(c, "ts") == ballotTs && Mentions(c, "median"), "the revealed ballot");
        var text = TextOf(revealed.Json["blocks"]);
        text.ShouldContain("Implied total: *19*");
        text.ShouldContain("secret-reason-ada");
        text.ShouldContain("spread 2–3");
        foreach (var name in new[] { "ada", "eli", "mia", "noa", "ola" })
        {
            text.ShouldContain(name + ":");
        }

        // Finalize: prefilled with the medians; an override needs a reason.
        var opened = h.Api.CallsTo("views.open").Count;
        (await h.PressAsync(Ada, Message(revealed), ballotTs, "finalize", kickoffTs)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var finalize = await h.OpenedModalAsync(opened + 1);
        ((string?)finalize["callback_id"]).ShouldBe("finalize");
        foreach (var (field, median) in new[] { ("impact", "3"), ("confidence", "2"), ("rollback", "2"), ("delay", "2") })
        {
            ModalState.Initial(ModalState.Input(finalize, field)["element"]!.AsObject()).ShouldBe(median);
        }

        var refused = await h.SubmitAsync(Ada, finalize, new Dictionary<string, string?> { ["delay"] = "3", ["delayReason"] = null });
        var errors = (await JsonBody(refused)).ShouldNotBeNull();
        errors["response_action"]!.ToString().ShouldBe("errors");
        errors["errors"]!.AsObject().Select(e => e.Key).ShouldBe(["delayReason"]);
        (await h.Store.Items.GetAsync(BacklogId, item.Number, default)).ShouldNotBeNull().Value.Score.ShouldBeNull();

        var accepted = await h.SubmitAsync(Ada, finalize, new Dictionary<string, string?> { ["delay"] = "3", ["delayReason"] = "The regulator's deadline is next month" });
        Confirmed(await JsonBody(accepted)).ShouldContain("TRI-1 finalized: 20 → Sprint");

        var scored = (await h.Store.Items.GetAsync(BacklogId, item.Number, default)).ShouldNotBeNull().Value;
        var score = scored.Score.ShouldNotBeNull();
        score.Total.ShouldBe(20);
        score.Placement.ShouldBe(Queue.Sprint);
        score.Scores[Dimension.Delay].ShouldBe(3);
        score.Justifications[Dimension.Delay].ShouldBe("The regulator's deadline is next month");
        scored.State.ShouldBe(ItemState.Sprint);

        var outcome = await h.WaitForAsync("chat.update", c => Str(c, "ts") == ballotTs && Mentions(c, "Finalized"), "the finalized ballot");
        TextOf(outcome.Json["blocks"]).ShouldContain("total *20* → *Sprint*");
    }

    private static async Task VoteAsync(
        SlackHost h, SlackPerson voter, JsonObject ballot, string ballotTs, string kickoffTs,
        (int Impact, int Confidence, int Rollback, int Delay) scores, (int, int, int, int)? expectPrefill, string? reason = null)
    {
        var opened = h.Api.CallsTo("views.open").Count;
        (await h.PressAsync(voter, ballot, ballotTs, "vote", kickoffTs)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var modal = await h.OpenedModalAsync(opened + 1);
        ((string?)modal["callback_id"]).ShouldBe("vote");
        var prefill = new[] { "impact", "confidence", "rollback", "delay" }.Select(f => ModalState.Initial(ModalState.Input(modal, f)["element"]!.AsObject())).ToArray();
        if (expectPrefill is { } p)
        {
            prefill.ShouldBe([p.Item1.ToString(), p.Item2.ToString(), p.Item3.ToString(), p.Item4.ToString()]);
        }
        else
        {
            prefill.ShouldAllBe(v => v == null);
        }

        var values = new Dictionary<string, string?>
        {
            ["impact"] = scores.Impact.ToString(),
            ["confidence"] = scores.Confidence.ToString(),
            ["rollback"] = scores.Rollback.ToString(),
            ["delay"] = scores.Delay.ToString(),
            ["impactReason"] = reason,
        };
        var submitted = await h.SubmitAsync(voter, modal, values);
        Confirmed(await JsonBody(submitted)).ShouldContain("is in. It stays hidden until the facilitator reveals the votes.");
    }

    /// <summary>Every successful call that carried a message or a modal.</summary>
    public static IEnumerable<SlackApiCall> BlockKitCalls(FakeSlackApi api) =>
        api.Calls.Where(c => c.Method is "chat.postMessage" or "chat.update" or "chat.postEphemeral" or "views.open" or "views.push" or "views.update");
}
