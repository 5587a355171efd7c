using System.Net;
using System.Text.Json.Nodes;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Slack.Blocks;
using TriageBot.Slack.Payloads;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>Flows 5 and 6: retried events are handled once; forged, stale and future requests change nothing.</summary>
public sealed class InboundSafetyTests
{
    private static JsonObject Mention(string eventId, string text) => Hostile.SlackWire.Mention(eventId, Ada, text);

    [Fact]
    public async Task RetriedEvent_WithTheSameEventId_IsHandledOnce()
    {
        await using var h = await SlackHost.StartAsync();

        (await h.EventAsync(Mention("Ev0RETRY1", "rubric"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await h.EventAsync(Mention("Ev0RETRY1", "rubric"), new Dictionary<string, string> { ["X-Slack-Retry-Num"] = "1", ["X-Slack-Retry-Reason"] = "http_timeout" }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        // A different event after the retry: once its reply is out, the retry (queued before it, if at all) would be too.
        (await h.EventAsync(Mention("Ev0OTHER2", "rubric"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        await h.WaitForCallsAsync("chat.postMessage", 2);
        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the outbox to drain");
        var replies = h.Api.CallsTo("chat.postMessage").Where(c => Mentions(c, "rubric") || Mentions(c, "Rubric")).ToList();
        replies.Count.ShouldBe(2);
        replies.ShouldAllBe(c => Str(c, "channel") == Channel);
    }

    public static TheoryData<string, string, int> BadRequests => new()
    {
        { "forged", "not-the-signing-secret", 0 },
        { "stale", Secret, -10 },
        { "future", Secret, 10 },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task UnverifiableRequest_IsRefusedWith401_AndNothingIsStored(string why, string secret, int minutesOff)
    {
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);
        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the outbox to drain");
        var callsBefore = h.Api.Calls.Count;
        var at = DateTimeOffset.UtcNow.AddMinutes(minutesOff);

        // A new channel's setup, an intake submission for the bound channel, a role change and an event.
        var setup = ModalRenderer.Render(Forms.Setup([], null, null), new FormMetadata(FormIds.Setup, null, "C2", null));
        var intakeForm = Forms.Intake(WorkStream.Bug);
        var intake = ModalRenderer.Render(intakeForm, new FormMetadata(intakeForm.FormId, intakeForm.Argument, Channel, null));
        var responses = new[]
        {
            await h.CommandAsync(Ada, "setup", "C2", secret, at),
            await h.SubmitAsync(Ada, setup, new Dictionary<string, string?> { ["name"] = "Forged", ["timeZone"] = "UTC" }, secret, at),
            await h.SubmitAsync(Members[0], intake, new Dictionary<string, string?> { ["title"] = "Forged item" }, secret, at),
            await h.CommandAsync(Ada, "role <@U3|mia> facilitator", Channel, secret, at),
            await h.PostSignedAsync("/slack/events", Mention("Ev0FORGED", "report weekly").ToJsonString(), "application/json", secret, at),
        };

        foreach (var response in responses)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, why);
        }

        (await BacklogsAsync(h.Store)).Select(b => b.Id).ShouldBe([BacklogId]);
        (await h.Store.Bindings.GetAsync(Platform.Slack, Team, "C2", default)).ShouldBeNull();
        (await ItemsAsync(h.Store)).ShouldBeEmpty();
        (await h.Store.Members.ListAsync(BacklogId, default)).Select(m => (m.User.UserId, m.Role)).ShouldBe([("U1", Core.Backlogs.Role.Facilitator)]);
        (await h.Store.Outbox.CountPendingAsync(default)).ShouldBe(0);
        h.Api.Calls.Count.ShouldBe(callsBefore);
    }

    [Fact]
    public async Task TheSameRequests_SignedForReal_DoChangeThings()
    {
        // The control for the refusals above: proves those requests would have had an effect.
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);
        var intakeForm = Forms.Intake(WorkStream.Bug);
        var intake = ModalRenderer.Render(intakeForm, new FormMetadata(intakeForm.FormId, intakeForm.Argument, Channel, null));

        (await h.SubmitAsync(Members[0], intake, new Dictionary<string, string?> { ["title"] = "Forged item" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await h.CommandAsync(Ada, "role <@U3|mia> facilitator")).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await ItemsAsync(h.Store)).ShouldHaveSingleItem().Title.ShouldBe("Forged item");
        (await h.Store.Members.GetAsync(BacklogId, "slack:U3", default)).ShouldNotBeNull().Role.ShouldBe(Core.Backlogs.Role.Facilitator);
    }
}
