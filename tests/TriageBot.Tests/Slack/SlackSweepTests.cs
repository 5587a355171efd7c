using System.Net;
using System.Text.Json.Nodes;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>
/// The icebox sweep in Slack, through the real host with signed requests and the fake Slack API (issues 17, 19): one post
/// (the acknowledgement updated into the sweep), each row one block with its "Decide…", the dialog deciding the row, and the
/// post updated in place (<c>chat.update</c>) until every row says what happened and who did it.
/// </summary>
public sealed class SlackSweepTests
{
    [Fact]
    public async Task EachRowsDecideOpensTheDialog_AndThePostedSweepIsUpdatedInPlace_UntilEveryRowIsDecided()
    {
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);
        var backlog = (await h.Store.Backlogs.GetAsync(BacklogId, default))!.Value;
        var at = DateTimeOffset.UtcNow.AddMonths(-9);
        foreach (var n in Enumerable.Range(900, 3))
        {
            await h.Store.Writes.WriteAsync(new ItemWrite
            {
                Item = new Item
                {
                    BacklogId = BacklogId, Number = n, Key = $"{backlog.KeyPrefix}-{n}", Title = $"Old request {n}", Stream = WorkStream.Bug,
                    Reporter = new UserRef(Platform.Slack, Ada.Id, Ada.Name), CreatedAt = at, State = ItemState.Icebox, StateSince = at, UpdatedAt = at, Bug = new BugFields(),
                },
            }, default);
        }

        (await h.CommandAsync(Ada, "report icebox")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var ack = await h.WaitForAsync("chat.postMessage", c => Mentions(c, "Preparing the icebox sweep"), "the acknowledgement");
        var ts = ack.AnsweredTs.ShouldNotBeNull();
        var message = Message(await h.WaitForAsync("chat.update", c => Mentions(c, "Icebox sweep") && Str(c, "ts") == ts, "the sweep, in the acknowledgement's place"));
        Buttons(message).Count().ShouldBe(3);

        string[] decisions = ["close", "keep", "rescore"];
        var opened = h.Api.CallsTo("views.open").Count; // the setup form
        for (var i = 0; i < decisions.Length; i++)
        {
            var updatesBefore = h.Api.CallsTo("chat.update").Count;
            (await h.PressAsync(Ada, message, ts, "sweepDecide")).StatusCode.ShouldBe(HttpStatusCode.OK);
            var modal = await h.OpenedModalAsync(opened + i + 1);
            TextOf(modal["blocks"]).ShouldContain($"{backlog.KeyPrefix}-{900 + i}");
            (await h.SubmitAsync(Ada, modal, new Dictionary<string, string?> { ["decision"] = decisions[i], ["rationale"] = $"Decided in the sweep ({i})." })).StatusCode.ShouldBe(HttpStatusCode.OK);
            var update = await Eventually.Async(() => Task.FromResult(h.Api.CallsTo("chat.update").Skip(updatesBefore).LastOrDefault(c => Str(c, "ts") == ts && c.Status == 200)),
                $"the sweep updated after decision {i + 1}");
            message = Message(update);
            Buttons(message).Count().ShouldBe(decisions.Length - i - 1);
        }

        var text = TextOf(message["blocks"]);
        text.ShouldContain("Closed by");
        text.ShouldContain("Kept in the icebox by");
        text.ShouldContain("Sent to re-scoring by");
        text.ShouldContain("all 3 decided");
        h.Api.CallsTo("chat.postMessage").Count(c => Mentions(c, "Icebox sweep")).ShouldBe(0, "the sweep is never a second message");
    }
}
