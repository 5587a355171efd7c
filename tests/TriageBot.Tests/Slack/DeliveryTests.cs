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
    public async Task ReportWeekly_IsPostedToTheChannelThroughTheOutbox_AsValidBlockKit()
    {
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);
        await ReportAsync(h, Ada, "bug", "Search returns stale prices");

        var response = await h.CommandAsync(Ada, "report weekly");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var ack = (await JsonBody(response)).ShouldNotBeNull();
        ack["response_type"]!.ToString().ShouldBe("ephemeral");
        TextOf(ack).ShouldContain("Posting the weekly report");
        var report = await h.WaitForAsync("chat.postMessage", c => Mentions(c, "Weekly stream review"), "the weekly report");
        Str(report, "channel").ShouldBe(Channel);
        Str(report, "thread_ts").ShouldBeNull();
        TextOf(report.Json["blocks"]).ShouldContain("Bug");

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

        var posted = await h.WaitForAsync("chat.postMessage", c => Mentions(c, "Weekly stream review"), "the report after the 429");
        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the outbox to drain");
        var attempts = h.Api.CallsTo("chat.postMessage").Where(c => Mentions(c, "Weekly stream review")).ToList();
        attempts.Select(c => c.Status).ShouldBe([429, 200]);
        // The same message; a report is drawn when sent, so only its "As of" minute may have moved on between the tries.
        static string WithoutTime(string body) => System.Text.RegularExpressions.Regex.Replace(body, "As of [^\"]*", "As of …");
        WithoutTime(attempts[1].Body).ShouldBe(WithoutTime(attempts[0].Body));
        posted.AnsweredTs.ShouldNotBeNull();
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
        h.Api.CallsTo("chat.postMessage").Count(c => Mentions(c, "Weekly stream review")).ShouldBe(1);
    }
}
