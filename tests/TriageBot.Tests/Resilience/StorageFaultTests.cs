using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using TriageBot.Core.Backlogs;
using TriageBot.Storage.Tests.Azurite;
using TriageBot.Teams.Tests.Fakes;
using TriageBot.Tests.Hostile;
using TriageBot.Tests.Slack;
using static TriageBot.Tests.Hostile.SlackWire;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Resilience;

/// <summary>
/// Storage faults injected into the Azure SDK pipeline (503s and hung calls cut by the network timeout): a request that
/// cannot be stored is answered 503 with Retry-After, never acknowledged, leaves nothing behind, and its retry is
/// handled exactly once when storage is back.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageFaultTests(AzuriteFixture azurite, LocalOpenIdIssuer issuer)
{
    [Theory]
    [InlineData(StorageFault.ServiceUnavailable)]
    [InlineData(StorageFault.Timeout)]
    public async Task SlackRequests_ThatCannotBeStored_Get503WithRetryAfter_AndTheirRetriesAreHandledOnce(StorageFault fault)
    {
        var prefix = AzuriteFixture.UniquePrefix("sf");
        var faults = new StorageFaultPolicy(seed: 11);
        var logs = new LogCapture();
        await using var h = await SlackHost.StartAsync(b => { AzureStorage.Use(b, azurite, prefix, faults); b.ConfigureLogging(l => l.AddProvider(logs)); });
        await SlackFlows.SetUpChannelAsync(h);
        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the set-up messages to go out");
        var before = await AzureStorage.CensusAsync(azurite, prefix);
        var posts = h.Api.CallsTo("chat.postMessage").Count;

        var requests = new (string Path, byte[] Body, string Type)[]
        {
            ("/slack/commands", SlackHostileRequestTests.RoleCommand(), FormType),
            ("/slack/interactivity", SlackHostileRequestTests.IntakeSubmission(), FormType),
            ("/slack/events", Utf8(Mention("EvSTOREDOWN1", Ada, "report weekly").ToJsonString()), JsonType),
        };

        faults.Fault = fault;
        foreach (var (path, body, type) in requests)
        {
            using var refused = await h.Client.SendAsync(Signed(path, body, type));
            refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, $"{path}: {await refused.Content.ReadAsStringAsync()} (faults injected: {faults.Injected}) {string.Join("\n", logs.Errors)}");
            refused.Headers.RetryAfter.ShouldNotBeNull(path).Delta.ShouldNotBeNull(path).ShouldBeGreaterThan(TimeSpan.Zero);
        }

        faults.Fault = StorageFault.None;
        faults.Injected.ShouldBeGreaterThanOrEqualTo(requests.Length);
        (await AzureStorage.CensusAsync(azurite, prefix)).ShouldBe(before, "nothing half-done may be left behind");

        // Slack retries the event; the person runs the command and submits the form again.
        foreach (var (path, body, type) in requests)
        {
            using var retried = await h.Client.SendAsync(Signed(path, body, type));
            retried.StatusCode.ShouldBe(HttpStatusCode.OK, path);
        }

        (await SlackFlows.ItemsAsync(h.Store)).ShouldHaveSingleItem().Title.ShouldBe("Hostile item");
        (await h.Store.Members.GetAsync(SlackFlows.BacklogId, "slack:U3", default)).ShouldNotBeNull().Role.ShouldBe(Role.Facilitator);
        await h.WaitForAsync("chat.postMessage", c => SlackFlows.Mentions(c, "eekly"), "the weekly report the retried event asked for");
        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the outbox to drain");
        h.Api.CallsTo("chat.postMessage").Count(c => SlackFlows.Mentions(c, "eekly")).ShouldBe(1);
        h.Api.CallsTo("chat.postMessage").Count.ShouldBeGreaterThan(posts);
    }

    [Fact]
    public async Task SlackEvent_RecordedButNotHandled_Gets503_AndIsForgotten_SoSlacksRetryIsHandledOnce()
    {
        var prefix = AzuriteFixture.UniquePrefix("se");
        var faults = new StorageFaultPolicy(seed: 17) { Spares = "Inbox" };
        await using var h = await SlackHost.StartAsync(b => AzureStorage.Use(b, azurite, prefix, faults));
        await SlackFlows.SetUpChannelAsync(h);
        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the set-up messages to go out");
        var mention = Utf8(Mention("EvHANDLING1", Ada, "report weekly").ToJsonString());

        // The inbox records the event, then handling it fails: acknowledging now would lose it.
        faults.Fault = StorageFault.ServiceUnavailable;
        using (var refused = await h.Client.SendAsync(Signed("/slack/events", mention, JsonType)))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            refused.Headers.RetryAfter.ShouldNotBeNull();
        }

        faults.Injected.ShouldBeGreaterThan(0);
        faults.Fault = StorageFault.None;

        using (var retried = await h.Client.SendAsync(Signed("/slack/events", mention, JsonType)))
        {
            retried.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var again = await h.Client.SendAsync(Signed("/slack/events", mention, JsonType)))
        {
            again.StatusCode.ShouldBe(HttpStatusCode.OK, "a later retry of a handled event is a duplicate");
        }

        await h.WaitForAsync("chat.postMessage", c => SlackFlows.Mentions(c, "eekly"), "the weekly report the retried event asked for");
        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the outbox to drain");
        h.Api.CallsTo("chat.postMessage").Count(c => SlackFlows.Mentions(c, "eekly")).ShouldBe(1);
    }

    [Theory]
    [InlineData(StorageFault.ServiceUnavailable)]
    [InlineData(StorageFault.Timeout)]
    public async Task IntakeSubmission_FailingAfterItsItemWasStored_IsFinishedByTheRetry_NotReportedTwice(StorageFault fault)
    {
        var prefix = AzuriteFixture.UniquePrefix("hw");
        // Only batches fail — on this path, the history append (entity group transactions go to /$batch): the item is stored,
        // then its history is not.
        var faults = new StorageFaultPolicy(seed: 23) { Only = "$batch" };
        await using var h = await SlackHost.StartAsync(b => AzureStorage.Use(b, azurite, prefix, faults));
        await SlackFlows.SetUpChannelAsync(h);
        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the set-up messages to go out");
        var opened = h.Api.CallsTo("views.open").Count;
        (await h.CommandAsync(Ada, "new bug")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var modal = await h.OpenedModalAsync(opened + 1);
        var body = Utf8(Interactivity(Submission(Ada, modal, new Dictionary<string, string?> { ["title"] = "Half-written report" })));

        faults.Fault = fault;
        using (var refused = await h.Client.SendAsync(Signed("/slack/interactivity", body, FormType)))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        }

        faults.Fault = StorageFault.None;
        faults.Injected.ShouldBeGreaterThan(0);
        (await SlackFlows.ItemsAsync(h.Store)).ShouldHaveSingleItem("the first attempt stored the item before it failed");

        // The person submits again; then once more, as a double click would.
        foreach (var attempt in new[] { "retry", "double click" })
        {
            using var answer = await h.Client.SendAsync(Signed("/slack/interactivity", body, FormType));
            answer.StatusCode.ShouldBe(HttpStatusCode.OK, attempt);
            SlackFlows.Confirmed(await SlackFlows.JsonBody(answer)).ShouldContain("Reported TRI-1: Half-written report", Case.Sensitive, attempt);
        }

        var item = (await SlackFlows.ItemsAsync(h.Store)).ShouldHaveSingleItem();
        item.Key.ShouldBe("TRI-1");
        (await h.Store.History.ForItemAsync(SlackFlows.BacklogId, 1, default).ToListAsync()).ShouldHaveSingleItem().Kind.ShouldBe(Core.Items.HistoryKind.Created);
        await h.WaitForAsync("chat.postMessage", c => SlackFlows.Mentions(c, "TRI-1"), "the TRI-1 confirmation");
        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the outbox to drain");
        h.Api.CallsTo("chat.postMessage").Count(c => SlackFlows.Mentions(c, "TRI-1")).ShouldBe(1);
        (await h.Store.Items.AllocateNumberAsync(SlackFlows.BacklogId, default)).ShouldBe(2, "no number was spent on the retries");
    }

    [Theory]
    [InlineData(StorageFault.ServiceUnavailable)]
    [InlineData(StorageFault.Timeout)]
    public async Task TeamsActivity_ThatCannotBeStored_Gets503_AndTheConnectorsRetryIsAnsweredOnce(StorageFault fault)
    {
        var prefix = AzuriteFixture.UniquePrefix("tf");
        var faults = new StorageFaultPolicy(seed: 13);
        await using var h = await TeamsHostileHost.StartAsync(issuer, b => AzureStorage.Use(b, azurite, prefix, faults));
        var before = await AzureStorage.CensusAsync(azurite, prefix);
        var activity = h.Message("help", id: "1700000000999");

        faults.Fault = fault;
        using (var refused = await h.Client.SendAsync(h.Request(activity)))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            refused.Headers.RetryAfter.ShouldNotBeNull();
        }

        faults.Fault = StorageFault.None;
        (await AzureStorage.CensusAsync(azurite, prefix)).ShouldBe(before, "nothing half-done may be left behind");
        h.Connector.Calls.ShouldBeEmpty();

        using (var retried = await h.Client.SendAsync(h.Request(activity)))
        {
            retried.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var again = await h.Client.SendAsync(h.Request(activity)))
        {
            again.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await Eventually.Async(() => h.Connector.Calls.Any(c => c.Method == "POST"), () => "the answer to the retried activity");
        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the outbox to drain");
        h.Connector.Calls.Count(c => c.Method == "POST" && c.Path.Contains("/activities", StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public async Task UnderRandomStorageFaults_EveryAcknowledgedSubmissionIsStoredOnce_AndNothingIsAnswered500()
    {
        var prefix = AzuriteFixture.UniquePrefix("rf");
        var faults = new StorageFaultPolicy(seed: 20_261_126);
        await using var h = await SlackHost.StartAsync(b => AzureStorage.Use(b, azurite, prefix, faults));
        await SlackFlows.SetUpChannelAsync(h);

        // About one call in twelve fails: most submissions need a retry or two, as in a real storage incident.
        faults.Share = 0.08;
        var statuses = new List<HttpStatusCode>();
        var acknowledged = new List<string>();
        for (var n = 1; n <= 20; n++)
        {
            // The form opens while storage works; submitting it meets the faults, and each retry sends it again as it was.
            faults.Fault = StorageFault.None;
            var who = Members[n % Members.Length];
            var opened = h.Api.CallsTo("views.open").Count;
            (await h.CommandAsync(who, "new bug")).StatusCode.ShouldBe(HttpStatusCode.OK);
            var modal = await h.OpenedModalAsync(opened + 1);
            faults.Fault = StorageFault.ServiceUnavailable;
            var title = $"Flaky storage report {n}";
            var body = Utf8(Interactivity(Submission(who, modal, new Dictionary<string, string?> { ["title"] = title })));
            for (var attempt = 1; attempt <= 25; attempt++)
            {
                using var response = await h.Client.SendAsync(Signed("/slack/interactivity", body, FormType));
                statuses.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    response.Headers.RetryAfter.ShouldNotBeNull();
                    continue;
                }

                response.StatusCode.ShouldBe(HttpStatusCode.OK, $"'{title}', attempt {attempt}");
                acknowledged.Add(title);
                break;
            }
        }

        faults.Fault = StorageFault.None;
        statuses.ShouldContain(HttpStatusCode.ServiceUnavailable, "the faults must have hit some requests");
        acknowledged.Count.ShouldBe(20);
        // Each report once: a retry finishes what an attempt that failed part-way had stored.
        (await SlackFlows.ItemsAsync(h.Store)).Select(i => i.Title).ShouldBe(acknowledged, ignoreOrder: true);
    }
}
