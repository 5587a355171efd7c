using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Delivery;
using TriageBot.Teams.Connector;
using TriageBot.Teams.Tests.Fakes;
using TriageBot.Tests.Teams;

namespace TriageBot.Tests.Resilience;

/// <summary>
/// Issue 9, delivery faults on Teams: the real host (SQLite store, JWT-validated activities, time from a
/// FakeTimeProvider) drains its outbox into a fake Bot Connector that answers 429 with Retry-After, 500, 503, holds
/// calls past the client's timeout without performing them, or refuses with 403/404. The test drives the delivery worker
/// and moves the clock while a drain waits (Retry-After held inside the call, backoff, pacing).
/// </summary>
public sealed class TeamsDeliveryFaultTests(LocalOpenIdIssuer issuer) : TeamsFlow(issuer)
{
    private const int MaxAttempts = 6;
    private const int InlineRetries = 3; // Teams:MaxConnectorRetries, the default
    private const string OtherChannelId = "19:other-channel-0002@thread.tacv2";
    private const string Throttled = """{"error":{"code":"Throttled","message":"Too many requests"}}""";

    protected override void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Delivery:MaxAttempts", MaxAttempts.ToString(CultureInfo.InvariantCulture));
        builder.UseSetting("Delivery:BatchSize", "20");
        // A timeout the tests can wait for: the fake holds a "timed out" call until the client gives up.
        builder.ConfigureTestServices(s => s.AddHttpClient<BotConnectorClient>(c => c.Timeout = TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public Task Storm_OfEightyEightMessages_WithRateLimitsErrorsAndTimeouts_DeliversEachExactlyOnce_NeverBeforeRetryAfter()
    {
        var seed = FaultPlan.SeedOr(20_261_202);
        return Seeded.RunAsync(seed, async () =>
        {
            P.Connector.Clock = P.Time.GetUtcNow;
            await SetUpAsync(People.Ada);
            var channel = await ChannelAsync();

            // Replies: eight commands, each in its own thread, answered through the outbox.
            var replyPaths = new List<string>();
            for (var i = 0; i < 8; i++)
            {
                var command = A.Command(People.Grace, "help");
                replyPaths.Add($"/teams/v3/conversations/{command["conversation"]!["id"]}/activities");
                (await P.PostOkAsync(command)).ShouldBeNull();
            }

            var plan = new FaultPlan(seed);
            P.Connector.Fault = (call, attempt) => call.Body?["members"] is not null ? null : Answer(plan.For(Key(call), attempt));

            var storm = new List<PlannedMessage>();
            var n = 0;
            for (var k = 0; k < 12; k++)
            {
                var root = $"storm:root:{k}";
                storm.Add(await QueueAsync(++n, OutboxKind.Post, channel, messageRef: root));
                storm.Add(await QueueAsync(++n, OutboxKind.Post, channel, threadRef: root, root: root));
                storm.Add(await QueueAsync(++n, OutboxKind.Post, channel, threadRef: root, root: root));
                var ballot = $"storm:ballot:{k}";
                // As the scoring handlers do: the ballot's name is reserved before its post, so updates wait for the post.
                await P.Store.MessageRefs.SetAsync(ballot, channel, "", Ct);
                storm.Add(await QueueAsync(++n, OutboxKind.Post, channel, messageRef: ballot, threadRef: root, root: root));
                storm.Add(await QueueAsync(++n, OutboxKind.Update, channel, messageRef: ballot));
                storm.Add(await QueueAsync(++n, OutboxKind.Update, channel, messageRef: ballot));
            }

            for (var d = 0; d < 8; d++)
            {
                storm.Add(await QueueAsync(++n, OutboxKind.Direct, new ConversationAddress { Platform = Platform.Teams, Workspace = "", ChannelId = "", UserId = People.Ada.Id }));
            }

            (storm.Count + replyPaths.Count).ShouldBe(88);
            await DrainMovingTheClockAsync(TimeSpan.FromMilliseconds(100));

            var calls = P.Calls.Where(c => c.Body?["members"] is null).ToList();
            var ok = calls.Where(c => c.Status == 201).ToList();
            bool Has(ConnectorCall c, PlannedMessage p) => c.Body?.ToJsonString().Contains(p.Marker, StringComparison.Ordinal) == true;

            var posted = new Dictionary<string, string>();
            foreach (var p in storm.Where(p => p.Kind != OutboxKind.Update))
            {
                var landed = ok.Where(c => Has(c, p)).ToList();
                landed.Count.ShouldBe(1, $"{p.Marker} ({p.Kind}) lands exactly once");
                landed[0].Method.ShouldBe("POST");
                if (p.MessageRef is not null)
                {
                    posted[p.MessageRef] = landed[0].AnsweredId!;
                }

                if (p.Kind == OutboxKind.Direct)
                {
                    landed[0].Path.ShouldStartWith("/teams/v3/conversations/created-conversation");
                }
            }

            foreach (var p in storm.Where(p => p.Root is not null))
            {
                ok.Single(c => Has(c, p)).Path.ShouldBe($"/teams/v3/conversations/{Activities.Thread(posted[p.Root!])}/activities", $"{p.Marker} goes into its kickoff's thread");
            }

            foreach (var ballot in storm.Where(p => p.Kind == OutboxKind.Update).GroupBy(p => p.MessageRef!))
            {
                foreach (var update in ballot)
                {
                    var landed = ok.Where(c => Has(c, update)).ToList();
                    landed.Count.ShouldBeLessThanOrEqualTo(1, $"{update.Marker} is never sent twice");
                    landed.ShouldAllBe(c => c.Method == "PUT" && c.Path.EndsWith("/activities/" + posted[ballot.Key], StringComparison.Ordinal));
                }

                ok.Count(c => Has(c, ballot.Last())).ShouldBe(1, $"the newest update of {ballot.Key} lands");
            }

            foreach (var path in replyPaths)
            {
                ok.Count(c => c.Path == path).ShouldBe(1, $"the reply at {path}");
            }

            // Retry-After is honoured whether the retry happens inside the call (short waits) or in the delivery worker.
            var rateLimited = plan.ShouldHonourRetryAfter(calls.GroupBy(Key), c => c.Status, c => c.At);
            rateLimited.ShouldBeGreaterThan(5, "the storm rate-limited calls");
            calls.Count(c => c.Status == 500).ShouldBeGreaterThan(0);
            calls.Count(c => c.Status == 503).ShouldBeGreaterThan(0);
            calls.Count(c => c.Status == 0).ShouldBeGreaterThan(0, "some calls timed out");

            (await P.Store.Outbox.CountPendingAsync(Ct)).ShouldBe(0);
            (await P.Store.Outbox.ListFailedAsync(DateTimeOffset.MinValue, Ct)).ShouldBeEmpty();
            var rows = await OutboxRows.ReadAsync(P.Services);
            foreach (var p in storm)
            {
                var row = rows.Single(r => r.Id == p.Id);
                row.Status.ShouldBe(OutboxStatus.Sent);
                row.Attempts.ShouldBe(WorkerAttempts(calls.Where(c => Has(c, p)).Select(c => c.Status).ToList()), $"attempts recorded for {p.Marker}");
            }
        });
    }

    [Theory]
    [InlineData(403, "BotNotInConversationRoster")]
    [InlineData(404, "ConversationNotFound")]
    public async Task ChannelLost_FailsEachMessageOnce_UnbindsTheChannel_TellsEachFacilitatorOnce_AndOtherChannelsKeepFlowing(int status, string code)
    {
        P.Connector.Clock = P.Time.GetUtcNow;
        var channel = await SetUpWithTwoFacilitatorsAndASecondChannelAsync();
        await P.Store.MessageRefs.SetAsync("lost:root", channel, "", Ct);
        await QueueAsync(1, OutboxKind.Post, channel, messageRef: "lost:root");
        await DrainMovingTheClockAsync(TimeSpan.FromMilliseconds(100));
        var before = P.Calls.Count;

        P.Connector.Fault = (call, _) => call.Path.Contains(TeamsProduct.ChannelId, StringComparison.Ordinal)
            || call.Body?["channelData"]?["channel"]?["id"]?.GetValue<string>() == TeamsProduct.ChannelId
                ? new ConnectorAnswer(status, Body: "{\"error\":{\"code\":\"" + code + "\",\"message\":\"gone\"}}")
                : null;
        var lost = new List<PlannedMessage>
        {
            await QueueAsync(2, OutboxKind.Post, channel),
            await QueueAsync(3, OutboxKind.Update, channel, messageRef: "lost:root"),
            await QueueAsync(4, OutboxKind.Post, channel),
        };
        var other = channel with { ChannelId = OtherChannelId };
        var flowing = new List<PlannedMessage>();
        for (var i = 5; i <= 7; i++)
        {
            flowing.Add(await QueueAsync(i, OutboxKind.Post, other));
        }

        await DrainMovingTheClockAsync(TimeSpan.FromMilliseconds(100));

        var calls = P.Calls.Skip(before).ToList();
        var rows = await OutboxRows.ReadAsync(P.Services);
        foreach (var p in lost)
        {
            var row = rows.Single(r => r.Id == p.Id);
            row.Status.ShouldBe(OutboxStatus.Failed, p.Marker);
            row.LastError.ShouldNotBeNull().ShouldContain(code);
            row.Attempts.ShouldBe(1);
            calls.Where(c => c.Body?.ToJsonString().Contains(p.Marker, StringComparison.Ordinal) == true).Select(c => c.Status).ShouldBe([status], $"{p.Marker} is not retried");
        }

        var binding = (await P.Store.Bindings.GetAsync(Platform.Teams, TeamsProduct.TenantId, TeamsProduct.ChannelId, Ct)).ShouldNotBeNull();
        binding.Active.ShouldBeFalse();
        binding.InactiveReason.ShouldNotBeNull().ShouldContain(code);
        (await P.Store.Bindings.GetAsync(Platform.Teams, TeamsProduct.TenantId, OtherChannelId, Ct)).ShouldNotBeNull().Active.ShouldBeTrue();

        // Three messages failed; each facilitator gets one 1:1 notice.
        calls.Where(c => c.Body?["members"] is not null).Select(c => c.Body!["members"]![0]!["id"]!.GetValue<string>()).Order()
            .ShouldBe(new[] { People.Ada.Id, People.Barbara.Id }.Order());
        var notices = calls.Where(c => c.Status == 201 && c.Path.StartsWith("/teams/v3/conversations/created-conversation", StringComparison.Ordinal)).ToList();
        notices.Count.ShouldBe(2);
        notices.ShouldAllBe(c => Cards.Text(Cards.InActivity(c.Body).Single()).Contains("can no longer post", StringComparison.Ordinal));

        foreach (var p in flowing)
        {
            calls.Count(c => c.Status == 201 && c.Body?.ToJsonString().Contains(p.Marker, StringComparison.Ordinal) == true).ShouldBe(1, $"{p.Marker} in the other channel is delivered");
        }
    }

    [Fact]
    public async Task KeepsGetting503_GivesUpAfterMaxAttempts_EachWithItsInlineRetries_AndReportsItOnce()
    {
        P.Connector.Clock = P.Time.GetUtcNow;
        var channel = await SetUpWithTwoFacilitatorsAndASecondChannelAsync();
        var before = P.Calls.Count;
        var doomed = await QueueAsync(1, OutboxKind.Post, channel);
        P.Connector.Fault = (call, _) => call.Body?.ToJsonString().Contains(doomed.Marker, StringComparison.Ordinal) == true ? new ConnectorAnswer(503) : null;
        var fine = await QueueAsync(2, OutboxKind.Post, channel);

        await DrainMovingTheClockAsync(TimeSpan.FromMilliseconds(100));

        var row = (await OutboxRows.ReadAsync(P.Services)).Single(r => r.Id == doomed.Id);
        row.Status.ShouldBe(OutboxStatus.Failed);
        row.Attempts.ShouldBe(MaxAttempts);
        row.LastError.ShouldNotBeNull().ShouldStartWith($"Gave up after {MaxAttempts} attempts");
        var calls = P.Calls.Skip(before).ToList();
        calls.Where(c => c.Body?.ToJsonString().Contains(doomed.Marker, StringComparison.Ordinal) == true).Select(c => c.Status)
            .ShouldBe(Enumerable.Repeat(503, MaxAttempts * (InlineRetries + 1)));
        var notices = calls.Where(c => c.Status == 201 && c.Path.StartsWith("/teams/v3/conversations/created-conversation", StringComparison.Ordinal)).ToList();
        notices.Count.ShouldBe(2, "one notice per facilitator");
        notices.ShouldAllBe(c => Cards.Text(Cards.InActivity(c.Body).Single()).Contains("could not deliver", StringComparison.Ordinal));
        (await P.Store.Bindings.GetAsync(Platform.Teams, TeamsProduct.TenantId, TeamsProduct.ChannelId, Ct)).ShouldNotBeNull().Active.ShouldBeTrue();
        calls.Count(c => c.Status == 201 && c.Body?.ToJsonString().Contains(fine.Marker, StringComparison.Ordinal) == true).ShouldBe(1);
    }

    [Fact]
    public async Task Burst_IntoOneThread_IsPacedAtSevenPerSecond_AsSeenByTheConnector()
    {
        P.Connector.Clock = P.Time.GetUtcNow;
        await SetUpAsync(People.Ada);
        var channel = await ChannelAsync();
        await P.Store.MessageRefs.SetAsync("burst:root", channel, "", Ct);
        await QueueAsync(1, OutboxKind.Post, channel, messageRef: "burst:root");
        await DrainMovingTheClockAsync(TimeSpan.FromMilliseconds(20));
        P.Time.Advance(TimeSpan.FromSeconds(2)); // past the window the root's own post used

        var start = P.Time.GetUtcNow();
        var burst = new List<PlannedMessage>();
        for (var i = 2; i <= 22; i++)
        {
            burst.Add(await QueueAsync(i, OutboxKind.Post, channel, threadRef: "burst:root", advance: false));
        }

        await DrainMovingTheClockAsync(TimeSpan.FromMilliseconds(20));

        var posts = P.Calls.Where(c => burst.Any(p => c.Body?.ToJsonString().Contains(p.Marker, StringComparison.Ordinal) == true)).OrderBy(c => c.At).ToList();
        posts.Count.ShouldBe(21);
        posts.ShouldAllBe(c => c.Status == 201);
        posts.Select(c => c.Path).Distinct().ShouldHaveSingleItem("one conversation: the thread");
        for (var k = 0; k < posts.Count; k++)
        {
            // The pacer gives the k-th post of the burst a slot no earlier than k / 7 whole seconds after the burst began.
            (posts[k].At - start).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(k / ConnectorPacer.PerConversationPerSecond), $"post {k}");
        }

        (posts[^1].At - start).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(2), "21 posts need three one-second windows");
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    /// <summary>A message the test queued: its outbox id and the marker that identifies it in what the Connector receives.</summary>

    private static string Key(ConnectorCall call) => call.Method + " " + call.Path + " " + call.Body?.ToJsonString();

    private static ConnectorAnswer? Answer(PlannedFault fault) => fault.Kind switch
    {
        FaultKind.RateLimited => new ConnectorAnswer(429, fault.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture), Throttled),
        FaultKind.ServerError500 => new ConnectorAnswer(500),
        FaultKind.Unavailable503 => new ConnectorAnswer(503),
        FaultKind.Timeout => ConnectorAnswer.TimedOut(),
        _ => null,
    };

    /// <summary>
    /// How many delivery attempts a message's calls add up to: the Connector client retries 429 and 503 inside one attempt
    /// (up to <see cref="InlineRetries"/> times); anything else, or a timeout, ends the attempt.
    /// </summary>
    private static int WorkerAttempts(IReadOnlyList<int> statuses)
    {
        var attempts = 0;
        for (var i = 0; i < statuses.Count;)
        {
            attempts++;
            for (var inline = 0; ; inline++)
            {
                var status = statuses[i++];
                if (status is not (429 or 503) || inline >= InlineRetries || i >= statuses.Count)
                {
                    break;
                }
            }
        }

        return attempts;
    }

    private async Task<ConversationAddress> ChannelAsync() =>
        (await P.Store.Bindings.GetAsync(Platform.Teams, TeamsProduct.TenantId, TeamsProduct.ChannelId, Ct)).ShouldNotBeNull().Address;

    /// <summary>Ada sets the channel up and names Barbara facilitator too; the backlog gets a second channel in the team.</summary>
    private async Task<ConversationAddress> SetUpWithTwoFacilitatorsAndASecondChannelAsync()
    {
        await SetUpAsync(People.Ada);
        await CommandAsync(People.Ada, "role {0} facilitator", People.Barbara);
        var binding = (await P.Store.Bindings.GetAsync(Platform.Teams, TeamsProduct.TenantId, TeamsProduct.ChannelId, Ct)).ShouldNotBeNull();
        await P.Store.Bindings.UpsertAsync(binding with { Address = binding.Address with { ChannelId = OtherChannelId } }, Ct);
        return binding.Address;
    }

    /// <summary>Queues a message as the conversation layer does; each gets a later creation time, so the queue keeps their order.</summary>
    private async Task<PlannedMessage> QueueAsync(int n, OutboxKind kind, ConversationAddress target, string? messageRef = null, string? threadRef = null, string? root = null, bool advance = true)
    {
        if (advance)
        {
            P.Time.Advance(TimeSpan.FromMilliseconds(1));
        }

        var backlog = (await P.Store.Bindings.GetAsync(Platform.Teams, TeamsProduct.TenantId, TeamsProduct.ChannelId, Ct))!.BacklogId;
        var (message, planned) = PlannedMessage.Create(n, kind, target, messageRef, threadRef, root, backlog, P.Time.GetUtcNow());
        await P.Store.Outbox.EnqueueAsync(message, Ct);
        return planned;
    }

    /// <summary>
    /// Runs the delivery worker until the outbox is empty. While a drain waits on the host's clock (Retry-After held inside
    /// a call, pacing) the clock moves by <paramref name="step"/>; between drains it moves half a second toward the next retry.
    /// </summary>
    private async Task DrainMovingTheClockAsync(TimeSpan step)
    {
        var worker = P.Services.GetRequiredService<DeliveryWorker>();
        for (var round = 0; round < 5_000; round++)
        {
            var drain = worker.DrainOnceAsync(CancellationToken.None);
            while (!drain.IsCompleted)
            {
                await Task.WhenAny(drain, Task.Delay(2, Ct));
                if (!drain.IsCompleted)
                {
                    P.Time.Advance(step);
                }
            }

            if (await drain == 0)
            {
                if (await P.Store.Outbox.CountPendingAsync(Ct) == 0)
                {
                    return;
                }

                P.Time.Advance(TimeSpan.FromMilliseconds(500));
            }
        }

        throw new TimeoutException("The outbox still had work after 5,000 drains.");
    }
}
