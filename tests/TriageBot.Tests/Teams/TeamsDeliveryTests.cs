using Microsoft.Extensions.DependencyInjection;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Teams;

/// <summary>Issue 5, flow 6 and the direct messages: throttling, a lost channel, and 1:1 chats with facilitators, engineers and owners.</summary>
public sealed class TeamsDeliveryTests(LocalOpenIdIssuer issuer) : TeamsFlow(issuer)
{
    private static bool IsCreate(ConnectorCall c) => c.Method == "POST" && c.Path == "/teams/v3/conversations";

    [Fact]
    public async Task Throttled_429WithRetryAfter_IsRetriedAfterThatTime_AndSentOnce()
    {
        await SetUpAsync(People.Ada);
        var command = A.Command(People.Grace, "help");
        var path = $"/teams/v3/conversations/{command["conversation"]!["id"]}/activities";
        P.Connector.Then(new ConnectorAnswer(429, RetryAfter: "30", Body: """{"error":{"code":"Throttled","message":"Too many requests"}}"""));

        await P.PostOkAsync(command);
        await P.DrainAsync();

        P.Calls.Where(c => c.Path == path).Select(c => c.Status).ShouldBe([429]);
        (await P.Store.Outbox.CountPendingAsync(Ct)).ShouldBe(1, "the reply waits for Retry-After");

        P.Time.Advance(TimeSpan.FromSeconds(25));
        await P.DrainAsync();

        var calls = P.Calls.Where(c => c.Path == path).ToList();
        calls.Select(c => c.Status).ShouldBe([429, 201]);
        Cards.Text(Cards.InActivity(calls[1].Body).Single()).ShouldContain("TriageBot commands");
        (await P.Store.Outbox.CountPendingAsync(Ct)).ShouldBe(0);

        P.Time.Advance(TimeSpan.FromMinutes(10));
        await P.DrainAsync();
        P.Calls.Count(c => c.Path == path).ShouldBe(2, "delivered once, never again");
    }

    [Fact]
    public async Task Forbidden_403_MarksTheChannelInactive_AndTellsTheFacilitatorsInA1To1Chat()
    {
        await SetUpAsync(People.Ada);
        await CommandAsync(People.Ada, "role {0} facilitator", People.Barbara);
        var (post, form) = await CommandFormAsync(People.Grace, "new bug");
        P.Connector.Then(new ConnectorAnswer(403, Body: """{"error":{"code":"BotNotInConversationRoster","message":"The bot is not part of the conversation roster."}}"""));
        var before = P.Calls.Count;

        // The confirmation of the new item is the one message that fails.
        Cards.DialogMessage(await SubmitAsync(People.Grace, post, form, new Dictionary<string, string> { ["title"] = "Tool calls time out" }))
            .ShouldContain("Reported TRI-1");
        await P.DrainAsync();

        var binding = (await P.Store.Bindings.GetAsync(Platform.Teams, TeamsProduct.TenantId, TeamsProduct.ChannelId, Ct))!;
        binding.Active.ShouldBeFalse();
        binding.InactiveReason.ShouldNotBeNull().ShouldContain("BotNotInConversationRoster");
        var calls = P.Calls.Skip(before).ToList();
        calls[0].Status.ShouldBe(403);
        calls.Count(c => c.Status == 403).ShouldBe(1, "a refusal is not retried");

        // Each facilitator gets a 1:1 chat, addressed by the Teams user id, with the notice.
        var creates = calls.Where(IsCreate).ToList();
        creates.Select(c => c.Body!["members"]![0]!["id"]!.GetValue<string>()).Order().ShouldBe(new[] { People.Ada.Id, People.Barbara.Id }.Order());
        creates.ShouldAllBe(c => c.Body!["channelData"]!["tenant"]!["id"]!.GetValue<string>() == TeamsProduct.TenantId);
        creates.ShouldAllBe(c => c.Body!["bot"]!["id"]!.GetValue<string>() == TeamsProduct.BotId);
        var notices = calls.Where(c => c.Status == 201 && !IsCreate(c)).ToList();
        notices.Count.ShouldBe(2);
        foreach (var notice in notices)
        {
            notice.Path.ShouldStartWith("/teams/v3/conversations/created-conversation");
            Cards.Text(Cards.InActivity(notice.Body).Single()).ShouldContain("TriageBot can no longer post to a channel of this backlog");
        }

        // The channel is no longer bound: commands there never act on the dead binding. Someone in no backlog is told how
        // to join one; a member gets their own backlog (from their memberships), as anywhere else not set up.
        (await CommandAsync(People.Ken, "new bug")).ShouldHaveSingleItem().Text.ShouldContain("You don't belong to a triage backlog yet");
        (await CommandAsync(People.Grace, "new bug")).ShouldHaveSingleItem().Text.ShouldContain("Report to triage");
        await P.ShouldAllBeValidCardsAsync();
    }

    [Fact]
    public async Task Forbidden_OnAReplyToACommand_AlsoTellsTheFacilitators()
    {
        await SetUpAsync(People.Ada);
        P.Connector.Then(new ConnectorAnswer(403, Body: """{"error":{"code":"ConversationBlockedByUser","message":"blocked"}}"""));
        var before = P.Calls.Count;

        await P.PostOkAsync(A.Command(People.Grace, "help"));
        await P.DrainAsync();

        (await P.Store.Bindings.GetAsync(Platform.Teams, TeamsProduct.TenantId, TeamsProduct.ChannelId, Ct))!.Active.ShouldBeFalse();
        var create = P.Calls.Skip(before).Single(IsCreate);
        create.Body!["members"]![0]!["id"]!.GetValue<string>().ShouldBe(People.Ada.Id);
    }

    [Fact]
    public async Task Forbidden_ForAWholeClinic_TellsEachFacilitatorOnce()
    {
        await SetUpAsync(People.Ada);
        var (post, form) = await CommandFormAsync(People.Grace, "new bug");
        await DeliveredAsync(async () => await SubmitAsync(People.Grace, post, form, new Dictionary<string, string> { ["title"] = "Retries double-charge tokens" }));
        var forbidden = new ConnectorAnswer(403, Body: """{"error":{"code":"BotNotInConversationRoster","message":"gone"}}""");
        P.Connector.Then(forbidden, forbidden);
        var before = P.Calls.Count;

        // The kickoff and the starter's confirmation fail; the ballot for the kickoff's thread is given up, not retried for an hour.
        await P.PostOkAsync(A.Command(People.Ada, "clinic"));
        await P.DrainAsync();

        var calls = P.Calls.Skip(before).ToList();
        calls.Count(c => c.Status == 403).ShouldBe(2);
        calls.Where(IsCreate).Where(c => c.Body!["members"] is not null).ShouldHaveSingleItem()
            .Body!["members"]![0]!["id"]!.GetValue<string>().ShouldBe(People.Ada.Id);
        (await P.Store.Outbox.CountPendingAsync(Ct)).ShouldBe(0);
        (await P.Store.Outbox.ListFailedAsync(TeamsProduct.Start, Ct)).Count.ShouldBe(3);
    }

    [Fact]
    public async Task Nudges_ReachTheEngineerAndTheOwner_InA1To1Chat_ByTheirTeamsUserId()
    {
        var backlogId = await SetUpAsync(People.Ada);
        await CommandAsync(People.Ada, "role {0} engineer", People.Eli);

        // TRI-1: a model item scored in a clinic, which Eli timeboxes and starts, so he owns it (the ballot follows each change).
        var (modelPost, modelForm) = await CommandFormAsync(People.Eli, "new model");
        await DeliveredAsync(async () => await SubmitAsync(People.Eli, modelPost, modelForm, new Dictionary<string, string> { ["title"] = "Summaries drop negations" }));
        var ballot = (await CommandAsync(People.Ada, "clinic")).Single(p => p.Text.Contains("Scoring TRI-1", StringComparison.Ordinal));
        var vote = await OpenFormAsync(People.Ada, ballot, "vote");
        await DeliveredAsync(async () => await SubmitAsync(People.Ada, ballot, vote, new Dictionary<string, string> { ["impact"] = "3", ["confidence"] = "3", ["rollback"] = "3", ["delay"] = "3" }));
        var finalize = await OpenFormAsync(People.Ada, await MyViewAsync(People.Ada, ballot), "finalize");
        await DeliveredAsync(async () => await SubmitAsync(People.Ada, ballot, finalize, new Dictionary<string, string>()));
        (await CommandAsync(People.Eli, "timebox TRI-1 3d")).Single(p => p.Call.Method == "POST").Text.ShouldContain("3-day timebox");
        (await CommandAsync(People.Eli, "start TRI-1")).Single(p => p.Call.Method == "POST").Text.ShouldContain("owner: Eli Whitney");
        (await P.Store.Items.GetAsync(backlogId, 1, Ct))!.Value.Owner!.UserId.ShouldBe(People.Eli.Id);

        // TRI-2: a feature waiting for a capability note.
        var (featurePost, featureForm) = await CommandFormAsync(People.Ken, "new feature");
        await DeliveredAsync(async () => await SubmitAsync(People.Ken, featurePost, featureForm, new Dictionary<string, string> { ["title"] = "Answers as slides" }));

        // Four days later (Monday → Friday) the timebox has ended and the note is 2 working days late.
        P.Time.Advance(TimeSpan.FromDays(4));
        var before = P.Calls.Count;
        var backlog = (await P.Store.Backlogs.GetAsync(backlogId, Ct))!.Value;
        await P.Services.GetRequiredService<TriageBot.Core.Ceremonies.ICeremonyPoster>().NudgeAsync(backlog, Ct);
        await P.DrainAsync();

        var calls = P.Calls.Skip(before).ToList();
        var creates = calls.Where(IsCreate).ToList();
        creates.Count.ShouldBe(2);
        creates.ShouldAllBe(c => c.Body!["members"]![0]!["id"]!.GetValue<string>() == People.Eli.Id);
        creates.ShouldAllBe(c => c.Body!["channelData"]!["tenant"]!["id"]!.GetValue<string>() == TeamsProduct.TenantId);
        var texts = calls.Where(c => !IsCreate(c)).Select(c => Cards.Text(Cards.InActivity(c.Body).Single())).ToList();
        texts.ShouldContain(t => t.Contains("Capability notes waiting for you", StringComparison.Ordinal) && t.Contains("TRI-2 Answers as slides", StringComparison.Ordinal));
        texts.ShouldContain(t => t.Contains("Timeboxes that ended", StringComparison.Ordinal) && t.Contains("TRI-1 Summaries drop negations", StringComparison.Ordinal));
        calls.ShouldAllBe(c => c.Status == 201);
        await P.ShouldAllBeValidCardsAsync();
    }
}
