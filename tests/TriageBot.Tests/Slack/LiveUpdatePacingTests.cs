using System.Net;
using Microsoft.AspNetCore.Hosting;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>
/// A ballot is redrawn after each vote, but Slack allows <c>chat.update</c> about 50 times a minute per workspace: the
/// votes cast within a second of a redraw show together in the next one (<c>Delivery:LiveUpdateInterval</c>, 1 s).
/// </summary>
public sealed class LiveUpdatePacingTests
{
    [Fact]
    public async Task VotesCastWithinASecondOfARedraw_ShowTogetherInTheNextOne_NotOneRedrawPerVote()
    {
        // A long poll: the held redraw must go out when its pause ends, not when the worker next polls.
        await using var h = await SlackHost.StartAsync(b => b.UseSetting("Delivery:LiveUpdateInterval", "00:00:03").UseSetting("Delivery:PollInterval", "00:01:00"));
        await SetUpChannelAsync(h);
        await ReportAsync(h, Ada, "bug", "Refunds time out for large carts");
        (await h.CommandAsync(Ada, "clinic")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var ballotPost = await h.WaitForAsync("chat.postMessage", c => Mentions(c, "Scoring TRI-1"), "the ballot");
        var (ballot, ballotTs, kickoffTs) = (Message(ballotPost), ballotPost.AnsweredTs!, Str(ballotPost, "thread_ts")!);
        var scores = new Dictionary<string, string> { ["impact"] = "3", ["confidence"] = "2", ["rollback"] = "1", ["delay"] = "2" };
        int Redraws() => h.Api.CallsTo("chat.update").Count(c => Str(c, "ts") == ballotTs);

        // The first vote redraws the ballot at once.
        (await h.VoteInlineAsync(Members[0], ballot, ballotTs, scores, kickoffTs)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await h.WaitForAsync("chat.update", c => Str(c, "ts") == ballotTs && Mentions(c, "1* voted so far"), "the ballot naming the first voter");
        var afterFirst = Redraws();

        // Four more, one after another, within the pause: one more redraw shows all five, not one per vote.
        foreach (var voter in new[] { Members[1], Members[2], Members[3], Eli })
        {
            (await h.VoteInlineAsync(voter, ballot, ballotTs, scores, kickoffTs)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var last = await h.WaitForAsync("chat.update", c => Str(c, "ts") == ballotTs && Mentions(c, "5* voted so far"), "the ballot naming all five", TimeSpan.FromSeconds(20));
        foreach (var voter in new[] { Members[0], Members[1], Members[2], Members[3], Eli })
        {
            TextOf(last.Json["blocks"]).ShouldContain(voter.Name);
        }

        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the outbox to drain");
        (Redraws() - afterFirst).ShouldBe(1, "the four votes within the pause are shown by one redraw");
    }
}
