using System.Net;
using Microsoft.AspNetCore.Hosting;
using static TriageBot.Tests.Slack.AnywhereIntakeTests;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>
/// Issue 16's last two journeys, through the real host with signed requests against the fake Slack: "Report to triage" on
/// a reply inside a thread, and on a message in a DM between two people (a conversation the bot is not in).
/// </summary>
public sealed class ThreadAndDmIntakeTests
{
    [Fact]
    public async Task ReportToTriage_OnAReplyInAThread_LinksToTheReplyInsideItsThread_AndConfirmsInThatThread()
    {
        await using var h = await SlackHost.StartAsync(b => b.UseSetting("Slack:ResponseUrlPrefix", "http://127.0.0.1"));
        await SetUpChannelAsync(h);
        const string parent = "1712345678.000700", reply = "1712345678.000710";

        (await h.InteractAsync(MessageAction(h, Members[1], Channel, reply, "The export button greys out after one click", threadTs: parent))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var modal = await h.OpenedModalAsync(2);
        const string permalink = "https://e2e.slack.com/archives/C1/p1712345678000710?thread_ts=1712345678.000700&cid=C1";
        ModalState.Initial(ModalState.Input(modal, "link")["element"]!.AsObject()).ShouldBe(permalink);
        Confirmed(await JsonBody(await h.SubmitAsync(Members[1], modal))).ShouldContain("Reported TRI-1");

        var item = await Eventually.Async(async () => await FindItemAsync(h.Store, "The export button greys out after one click"), "the item");
        item.Source.ShouldNotBeNull().MessageId.ShouldBe(reply);
        item.Source.Link.ShouldBe(permalink);
        var confirmation = await h.WaitForAsync("chat.postMessage", c => Mentions(c, "TRI-1 reported"), "the confirmation");
        Str(confirmation, "channel").ShouldBe(Channel);
        Str(confirmation, "thread_ts").ShouldBe(parent, "a reply's ts is no thread of its own: the confirmation goes into the thread it is in");
    }

    [Fact]
    public async Task ReportToTriage_OnAMessageInADmBetweenTwoPeople_TheBotIsNotIn_FilesIntoTheReportersBacklog_AndPostsNothingIntoTheDm()
    {
        await using var h = await SlackHost.StartAsync(b => b.UseSetting("Slack:ResponseUrlPrefix", "http://127.0.0.1"));
        await SetUpChannelAsync(h);
        await ReportAsync(h, Members[0], "bug", "Receipts print twice"); // Mia is a member of Payments.
        const string dm = "D0MIANOA", ts = "1712345678.000800";
        h.Api.DisplayNames["U4"] = "Noa Levi";

        (await h.InteractAsync(MessageAction(h, Members[0], dm, ts, "Noa says checkout shows <https://pay.example.com/err|error 502> for <@U4>"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var modal = await h.OpenedModalAsync(3);
        ModalState.Initial(ModalState.Input(modal, "link")["element"]!.AsObject()).ShouldBe("https://e2e.slack.com/archives/D0MIANOA/p1712345678000800");
        ModalState.Initial(ModalState.Input(modal, "description")["element"]!.AsObject())
            .ShouldBe("Noa says checkout shows error 502 (https://pay.example.com/err) for @Noa Levi");
        Confirmed(await JsonBody(await h.SubmitAsync(Members[0], modal, new Dictionary<string, string?> { ["title"] = "Checkout shows error 502" })))
            .ShouldContain("Reported TRI-2");

        var item = await Eventually.Async(async () => (await ItemsAsync(h.Store)).FirstOrDefault(i => i.Number == 2), "TRI-2");
        item.Source.ShouldNotBeNull().ChannelId.ShouldBe(dm);
        item.Reporter.UserId.ShouldBe(Members[0].Id);
        await h.WaitForAsync("chat.postMessage", c => Mentions(c, "TRI-2 reported") && Str(c, "channel") == Channel, "the confirmation in the intake channel");
        h.Api.CallsTo("chat.postMessage").Concat(h.Api.CallsTo("chat.postEphemeral")).Where(c => Str(c, "channel") == dm).ShouldBeEmpty("the bot is not in the DM: nothing is posted there");
    }
}
