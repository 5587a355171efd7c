using System.Net;
using TriageBot.Core.Items;
using TriageBot.Slack.Tests;
using TriageBot.Slack.Tests.Fakes;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>Flows 7 and 8: reports on demand through the outbox, and what delivery does when Slack says no.</summary>
public sealed class DeliveryTests
{
    [Fact]
    public async Task ReportWeekly_IsOnePostInTheChannel_TheAcknowledgementUpdatedIntoTheReport_AsValidBlockKit()
    {
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);
        await ReportAsync(h, Ada, "bug", "Search returns stale prices");

        var response = await h.CommandAsync(Ada, "report weekly");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBeEmpty(); // nothing said apart: the answer is the one post
        var ack = await h.WaitForAsync("chat.postMessage", c => Mentions(c, "Preparing the weekly report"), "the acknowledgement");
        Str(ack, "channel").ShouldBe(Channel);
        var report = await h.WaitForAsync("chat.update", c => Mentions(c, "Weekly stream review"), "the acknowledgement updated into the report");
        Str(report, "channel").ShouldBe(Channel);
        Str(report, "ts").ShouldBe(ack.AnsweredTs);
        TextOf(report.Json["blocks"]).ShouldContain("Bug");
        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the outbox to drain");
        h.Api.CallsTo("chat.postMessage").Count(c => Mentions(c, "Preparing the weekly report")).ShouldBe(1);
        h.Api.CallsTo("chat.postMessage").ShouldNotContain(c => Mentions(c, "Weekly stream review"), "the report is never a second message");
        h.Api.CallsTo("chat.update").Count(c => Mentions(c, "Weekly stream review")).ShouldBe(1);

        var (code, output) = await BlockKitTypeCheck.CompileAsync([BlockKitTypeCheck.Message("weekly", Message(report))]);
        code.ShouldBe(0, output);
    }

    [Fact]
    public async Task RateLimitedPost_IsRetriedAfterRetryAfter_AndPostedOnce()
    {
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);
        h.Api.Answer("chat.postMessage", FakeAnswer.RateLimited(1));

        await h.CommandAsync(Ada, "report weekly");

        var posted = await h.WaitForAsync("chat.postMessage", c => Mentions(c, "Preparing the weekly report") && c.Status == 200, "the acknowledgement after the 429");
        var report = await h.WaitForAsync("chat.update", c => Mentions(c, "Weekly stream review"), "the report, once its post is there");
        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the outbox to drain");
        var attempts = h.Api.CallsTo("chat.postMessage").Where(c => Mentions(c, "Preparing the weekly report")).ToList();
        attempts.Select(c => c.Status).ShouldBe([429, 200]);
        attempts[1].Body.ShouldBe(attempts[0].Body);
        posted.AnsweredTs.ShouldNotBeNull();
        Str(report, "ts").ShouldBe(posted.AnsweredTs);
    }

    [Fact]
    public async Task ChannelNotFound_MarksTheBindingInactive_AndTellsTheFacilitatorByDirectMessage()
    {
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);
        h.Api.Answer("chat.postMessage", FakeAnswer.Error("channel_not_found"));

        await h.CommandAsync(Ada, "report weekly");

        var open = await h.WaitForAsync("conversations.open", c => c.Form.GetValueOrDefault("users") == Ada.Id, "a DM opened with the facilitator");
        open.ShouldNotBeNull();
        var notice = await h.WaitForAsync("chat.postMessage", c => Str(c, "channel") == "D42", "the notice in the DM");
        Mentions(notice, "can no longer post").ShouldBeTrue();
        Mentions(notice, "channel_not_found").ShouldBeTrue();
        var binding = (await h.Store.Bindings.GetAsync(Platform.Slack, Team, Channel, default)).ShouldNotBeNull();
        binding.Active.ShouldBeFalse();
        binding.InactiveReason.ShouldNotBeNull().ShouldContain("channel_not_found");
        h.Api.CallsTo("chat.postMessage").Count(c => Mentions(c, "Preparing the weekly report")).ShouldBe(1);
        // The report would have updated that post: with the channel lost it is failed, not left waiting.
        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the outbox to drain");
        h.Api.CallsTo("chat.update").ShouldBeEmpty();
    }
}
