using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Slack.Tests.Fakes;
using TriageBot.Slack.WebApi;
using TriageBot.Tests.Slack;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Resilience;

/// <summary>
/// Issue 9, delivery faults on Slack: the real host (its delivery worker running, SQLite store, time from a
/// <see cref="FakeTimeProvider"/> pumped forward) against a fake Slack Web API that answers 429 with Retry-After, 500,
/// 503, holds calls past the client's timeout without performing them, or refuses for good.
/// </summary>
public sealed class SlackDeliveryFaultTests
{
    private const string OtherChannel = "C2";
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public Task Storm_OfNinetyTwoMessages_WithRateLimitsErrorsAndTimeouts_DeliversEachExactlyOnce_NeverBeforeRetryAfter()
    {
        var seed = FaultPlan.SeedOr(20_261_201);
        return Seeded.RunAsync(seed, async () =>
        {
            var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
            await using var h = await StartAsync(time);
            await SetUpChannelAsync(h);
            await OutboxEmptyAsync(h);

            // Slack from here on answers a seeded mix; a call's answer depends only on the call and its attempt number.
            var plan = new FaultPlan(seed);
            h.Api.FailWith((method, body, attempt) => method is "chat.postMessage" or "chat.update" or "chat.postEphemeral"
                ? Answer(plan.For(method + "\n" + body, attempt))
                : null);

            // Replies: ten mentions in ten threads, through the signed Events API.
            var threads = Enumerable.Range(1, 10).Select(i => $"1712345100.{i:000000}").ToList();
            foreach (var (thread, i) in threads.Select((t, i) => (t, i)))
            {
                var mention = Hostile.SlackWire.Mention($"EvStorm{i:000}", Ada, "help");
                mention["event"]!["thread_ts"] = thread;
                mention["event"]!["ts"] = $"1712345200.{i:000000}";
                (await h.EventAsync(mention)).StatusCode.ShouldBe(HttpStatusCode.OK);
            }

            // A clinic's worth of traffic, queued as the conversation layer queues it: 12 kickoffs, each with two posts in
            // its thread and a ballot there that is updated twice, and 10 direct messages to the facilitator.
            var storm = new List<PlannedMessage>();
            var n = 0;
            for (var k = 0; k < 12; k++)
            {
                var root = $"storm:root:{k}";
                storm.Add(await QueueAsync(h, time, ++n, OutboxKind.Post, InChannel(), messageRef: root));
                storm.Add(await QueueAsync(h, time, ++n, OutboxKind.Post, InChannel(), threadRef: root, root: root));
                storm.Add(await QueueAsync(h, time, ++n, OutboxKind.Post, InChannel(), threadRef: root, root: root));
                var ballot = $"storm:ballot:{k}";
                // As the scoring handlers do: the ballot's name is reserved before its post, so updates wait for the post.
                await h.Store.MessageRefs.SetAsync(ballot, InChannel(), "", default);
                storm.Add(await QueueAsync(h, time, ++n, OutboxKind.Post, InChannel(), messageRef: ballot, threadRef: root, root: root));
                storm.Add(await QueueAsync(h, time, ++n, OutboxKind.Update, InChannel(), messageRef: ballot));
                storm.Add(await QueueAsync(h, time, ++n, OutboxKind.Update, InChannel(), messageRef: ballot));
            }

            for (var d = 0; d < 10; d++)
            {
                storm.Add(await QueueAsync(h, time, ++n, OutboxKind.Direct, Dm(Ada)));
            }

            (storm.Count + threads.Count).ShouldBe(92);
            await using (new ClockPump(time, TimeSpan.FromMilliseconds(100)))
            {
                await Eventually.Async(
                    async () => await h.Store.Outbox.CountPendingAsync(default) == 0 && ThreadReplies(h, threads).All(r => r.Count > 0) ? "" : null,
                    "the storm to be delivered", Patience);
            }

            var chat = h.Api.Calls.Where(c => c.Method.StartsWith("chat.", StringComparison.Ordinal)).ToList();
            var ok = chat.Where(c => c.Status == 200).ToList();

            // Every post landed exactly once; thread posts in their kickoff's thread; DMs in the DM.
            var postedTs = new Dictionary<string, string>();
            foreach (var p in storm.Where(p => p.Kind != OutboxKind.Update))
            {
                var landed = ok.Where(c => c.Body.Contains(p.Marker, StringComparison.Ordinal)).ToList();
                landed.Count.ShouldBe(1, $"{p.Marker} ({p.Kind}) lands exactly once");
                landed[0].Method.ShouldBe("chat.postMessage");
                if (p.MessageRef is not null)
                {
                    postedTs[p.MessageRef] = landed[0].AnsweredTs!;
                }

                if (p.Kind == OutboxKind.Direct)
                {
                    Str(landed[0], "channel").ShouldBe("D42");
                }
            }

            foreach (var p in storm.Where(p => p.Root is not null))
            {
                Str(ok.Single(c => c.Body.Contains(p.Marker, StringComparison.Ordinal)), "thread_ts").ShouldBe(postedTs[p.Root!], $"{p.Marker} goes into its kickoff's thread");
            }

            // Updates land on the ballot they update, at most once each; the newest of each ballot always lands.
            foreach (var ballot in storm.Where(p => p.Kind == OutboxKind.Update).GroupBy(p => p.MessageRef!))
            {
                foreach (var update in ballot)
                {
                    var landed = ok.Where(c => c.Body.Contains(update.Marker, StringComparison.Ordinal)).ToList();
                    landed.Count.ShouldBeLessThanOrEqualTo(1, $"{update.Marker} is never sent twice");
                    landed.ShouldAllBe(c => c.Method == "chat.update" && Str(c, "ts") == postedTs[ballot.Key]);
                }

                ok.Count(c => c.Body.Contains(ballot.Last().Marker, StringComparison.Ordinal)).ShouldBe(1, $"the newest update of {ballot.Key} lands");
            }

            // One reply per mention, in its thread.
            foreach (var (thread, replies) in threads.Zip(ThreadReplies(h, threads)))
            {
                replies.Count.ShouldBe(1, $"the reply in thread {thread}");
            }

            // No call for a message came before the Retry-After its previous call was given had passed (on the host's clock).
            var rateLimited = plan.ShouldHonourRetryAfter(chat.GroupBy(c => c.Method + "\n" + c.Body), c => c.Status, c => c.At);
            rateLimited.ShouldBeGreaterThan(5, "the storm rate-limited calls");
            chat.Count(c => c.Status == 500).ShouldBeGreaterThan(0);
            chat.Count(c => c.Status == 503).ShouldBeGreaterThan(0);
            chat.Count(c => c.TimedOut).ShouldBeGreaterThan(0);
            chat.Where(c => c.TimedOut).ShouldAllBe(c => c.Status == 0);

            // The outbox is empty, nothing failed, and each message's attempts are the calls it took.
            (await h.Store.Outbox.CountPendingAsync(default)).ShouldBe(0);
            (await h.Store.Outbox.ListFailedAsync(DateTimeOffset.MinValue, default)).ShouldBeEmpty();
            var rows = await OutboxRows.ReadAsync(h.Services);
            foreach (var p in storm)
            {
                var row = rows.Single(r => r.Id == p.Id);
                row.Status.ShouldBe(OutboxStatus.Sent);
                var method = p.Kind == OutboxKind.Update ? "chat.update" : "chat.postMessage";
                row.Attempts.ShouldBe(chat.Count(c => c.Method == method && c.Body.Contains(p.Marker, StringComparison.Ordinal)), $"attempts recorded for {p.Marker}");
            }

            foreach (var thread in threads)
            {
                var row = rows.Single(r => r.Target.ThreadId == thread);
                row.Attempts.ShouldBe(chat.Count(c => Str(c, "thread_ts") == thread), $"attempts recorded for the reply in {thread}");
                row.Attempts.ShouldBeGreaterThan(0);
            }
        });
    }

    [Theory]
    [InlineData("channel_not_found")]
    [InlineData("not_in_channel")]
    public async Task ChannelLost_FailsEachMessageOnce_UnbindsTheChannel_TellsEachFacilitatorOnce_AndOtherChannelsKeepFlowing(string error)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await StartAsync(time);
        await SetUpWithTwoFacilitatorsAndASecondChannelAsync(h);
        var root = await QueueAsync(h, time, 1, OutboxKind.Post, InChannel(), messageRef: "lost:root");
        await OutboxEmptyAsync(h);

        h.Api.FailWith((method, body, _) => method is "chat.postMessage" or "chat.update" && (string?)JsonNode.Parse(body)?["channel"] == Channel
            ? FakeAnswer.Error(error)
            : null);
        var lost = new List<PlannedMessage>
        {
            await QueueAsync(h, time, 2, OutboxKind.Post, InChannel()),
            await QueueAsync(h, time, 3, OutboxKind.Update, InChannel(), messageRef: root.MessageRef),
            await QueueAsync(h, time, 4, OutboxKind.Post, InChannel()),
        };
        var flowing = new List<PlannedMessage>();
        for (var i = 5; i <= 7; i++)
        {
            flowing.Add(await QueueAsync(h, time, i, OutboxKind.Post, InChannel(OtherChannel)));
        }

        await using (new ClockPump(time, TimeSpan.FromMilliseconds(100)))
        {
            await OutboxEmptyAsync(h);
        }

        var rows = await OutboxRows.ReadAsync(h.Services);
        foreach (var p in lost)
        {
            var row = rows.Single(r => r.Id == p.Id);
            row.Status.ShouldBe(OutboxStatus.Failed, p.Marker);
            row.LastError.ShouldNotBeNull().ShouldContain(error);
            row.Attempts.ShouldBe(1);
            h.Api.Calls.Count(c => c.Body.Contains(p.Marker, StringComparison.Ordinal)).ShouldBe(1, $"{p.Marker} is not retried");
        }

        var binding = (await h.Store.Bindings.GetAsync(Platform.Slack, Team, Channel, default)).ShouldNotBeNull();
        binding.Active.ShouldBeFalse();
        binding.InactiveReason.ShouldNotBeNull().ShouldContain(error);
        (await h.Store.Bindings.GetAsync(Platform.Slack, Team, OtherChannel, default)).ShouldNotBeNull().Active.ShouldBeTrue();

        // Three messages failed; each facilitator hears about the lost channel once.
        var notices = await NoticesAsync(h, 2);
        h.Api.CallsTo("conversations.open").Select(c => c.Form["users"]).Order().ShouldBe([Ada.Id, Eli.Id]);
        notices.ShouldAllBe(c => Mentions(c, "can no longer post") && Mentions(c, error));

        foreach (var p in flowing)
        {
            h.Api.Calls.Count(c => c.Status == 200 && c.Body.Contains(p.Marker, StringComparison.Ordinal)).ShouldBe(1, $"{p.Marker} in the other channel is delivered");
        }
    }

    [Fact]
    public async Task Http403_IsAPermanentFailure_RecordedAndReportedOnce_WithoutUnbinding()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await StartAsync(time);
        await SetUpWithTwoFacilitatorsAndASecondChannelAsync(h);
        h.Api.FailWith((method, body, _) => method == "chat.postMessage" && (string?)JsonNode.Parse(body)?["channel"] == Channel ? new FakeAnswer(403, null) : null);

        var refused = await QueueAsync(h, time, 1, OutboxKind.Post, InChannel());
        var other = await QueueAsync(h, time, 2, OutboxKind.Post, InChannel(OtherChannel));
        await using (new ClockPump(time, TimeSpan.FromMilliseconds(100)))
        {
            await OutboxEmptyAsync(h);
        }

        var row = (await OutboxRows.ReadAsync(h.Services)).Single(r => r.Id == refused.Id);
        row.Status.ShouldBe(OutboxStatus.Failed);
        row.LastError.ShouldNotBeNull().ShouldContain("http_403");
        h.Api.Calls.Count(c => c.Body.Contains(refused.Marker, StringComparison.Ordinal)).ShouldBe(1, "a refusal is not retried");
        var notices = await NoticesAsync(h, 2);
        notices.ShouldAllBe(c => Mentions(c, "could not deliver") && Mentions(c, "http_403"));

        // Slack reports a lost channel as ok:false with a code (channel_not_found…); a bare HTTP 403 names no channel
        // condition, so the binding stays: the next message to it is tried again.
        (await h.Store.Bindings.GetAsync(Platform.Slack, Team, Channel, default)).ShouldNotBeNull().Active.ShouldBeTrue();
        h.Api.Calls.Count(c => c.Status == 200 && c.Body.Contains(other.Marker, StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public async Task KeepsGetting503_GivesUpAfterMaxAttempts_BackingOff_AndReportsItOnce()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await StartAsync(time, b => b.UseSetting("Delivery:MaxAttempts", "4"));
        await SetUpWithTwoFacilitatorsAndASecondChannelAsync(h);
        var doomed = await QueueAsync(h, time, 1, OutboxKind.Post, InChannel());
        h.Api.FailWith((method, body, _) => method == "chat.postMessage" && body.Contains(doomed.Marker, StringComparison.Ordinal) ? FakeAnswer.ServerError(503) : null);
        var fine = await QueueAsync(h, time, 2, OutboxKind.Post, InChannel());

        await using (new ClockPump(time, TimeSpan.FromMilliseconds(100)))
        {
            await OutboxEmptyAsync(h);
        }

        var row = (await OutboxRows.ReadAsync(h.Services)).Single(r => r.Id == doomed.Id);
        row.Status.ShouldBe(OutboxStatus.Failed);
        row.Attempts.ShouldBe(4);
        row.LastError.ShouldNotBeNull().ShouldStartWith("Gave up after 4 attempts");
        var attempts = h.Api.Calls.Where(c => c.Body.Contains(doomed.Marker, StringComparison.Ordinal)).ToList();
        attempts.Select(c => c.Status).ShouldBe([503, 503, 503, 503]);
        for (var i = 1; i < attempts.Count; i++)
        {
            // Backoff of 1 s, 2 s, 4 s with ±20 % jitter between attempts.
            (attempts[i].At - attempts[i - 1].At).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(0.8 * Math.Pow(2, i - 1)));
        }

        var notices = await NoticesAsync(h, 2);
        notices.ShouldAllBe(c => Mentions(c, "could not deliver") && Mentions(c, "Gave up after 4 attempts"));
        (await h.Store.Bindings.GetAsync(Platform.Slack, Team, Channel, default)).ShouldNotBeNull().Active.ShouldBeTrue();
        h.Api.Calls.Count(c => c.Status == 200 && c.Body.Contains(fine.Marker, StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public async Task Burst_ToOneChannel_IsPacedAtOneMessagePerSecond_AsSeenBySlack()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await StartAsync(time, b => b.UseSetting("Slack:ChannelPostInterval", "00:00:01"));
        await SetUpChannelAsync(h);
        await OutboxEmptyAsync(h);
        time.Advance(TimeSpan.FromSeconds(2)); // past any slot the set-up's own posts took

        var start = time.GetUtcNow();
        var burst = new List<PlannedMessage>();
        for (var i = 1; i <= 16; i++)
        {
            burst.Add(await QueueAsync(h, time, i, OutboxKind.Post, InChannel(i % 2 == 0 ? OtherChannel : Channel), advance: false));
        }

        await using (new ClockPump(time, TimeSpan.FromMilliseconds(50)))
        {
            await OutboxEmptyAsync(h);
        }

        foreach (var channel in new[] { Channel, OtherChannel })
        {
            var posts = h.Api.CallsTo("chat.postMessage")
                .Where(c => Str(c, "channel") == channel && burst.Any(p => c.Body.Contains(p.Marker, StringComparison.Ordinal)))
                .OrderBy(c => c.At).ToList();
            posts.Count.ShouldBe(8);
            posts.ShouldAllBe(c => c.Status == 200);
            for (var k = 0; k < posts.Count; k++)
            {
                // The pacer gives the k-th post of the burst a slot k seconds after the first one at the earliest.
                (posts[k].At - start).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(k), $"post {k} to {channel}");
            }
        }
    }

    [Fact]
    public async Task InteractiveCardUpdate_RateLimited_IsRetriedThroughTheOutbox_OnTheSameMessage()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await StartAsync(time);
        await SetUpChannelAsync(h);
        await ReportAsync(h, Ada, "bug", "Refunds time out for large carts");
        time.Advance(TimeSpan.FromSeconds(1)); // the agenda holds items reported before the clinic starts
        (await h.CommandAsync(Ada, "clinic")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The ballot waits (on the host's clock) for the kickoff it goes under; nudge the clock a little at a time, well
        // within the 5 minutes the request signatures allow.
        await Eventually.Async(() =>
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            return h.Api.CallsTo("chat.postMessage").Any(c => Mentions(c, "Scoring TRI-1"));
        }, () => "the ballot", Patience);
        var ballotPost = await h.WaitForAsync("chat.postMessage", c => Mentions(c, "Scoring TRI-1"), "the ballot");
        var (ballot, ballotTs, kickoffTs) = (Message(ballotPost), ballotPost.AnsweredTs!, Str(ballotPost, "thread_ts")!);
        var opened = h.Api.CallsTo("views.open").Count;
        (await h.PressAsync(Ada, ballot, ballotTs, "vote", kickoffTs)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var modal = await h.OpenedModalAsync(opened + 1);
        (await h.SubmitAsync(Ada, modal, new Dictionary<string, string?> { ["impact"] = "3", ["confidence"] = "2", ["rollback"] = "3", ["delay"] = "2" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await OutboxEmptyAsync(h);

        // Revealing updates the clicked card at once (chat.update while Slack waits) and queues a refresh of the ballot:
        // the first two updates showing the medians are rate-limited, so the interactive one must go to the outbox.
        h.Api.FailWith((method, body, attempt) => method == "chat.update" && body.Contains("median", StringComparison.Ordinal) && attempt < 2 ? FakeAnswer.RateLimited(3) : null);
        (await h.PressAsync(Ada, ballot, ballotTs, "reveal", kickoffTs)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await using (new ClockPump(time, TimeSpan.FromMilliseconds(100)))
        {
            await h.WaitForAsync("chat.update", c => Str(c, "ts") == ballotTs && Mentions(c, "median"), "the revealed ballot");
            await OutboxEmptyAsync(h);
        }

        // The interactive update, handed to the outbox, is delivered on the card it was for, not dropped as "nothing to update".
        var handedOver = (await OutboxRows.ReadAsync(h.Services)).Where(r => r.MessageRef == $"slack:{Channel}:{ballotTs}").ShouldHaveSingleItem();
        handedOver.Status.ShouldBe(OutboxStatus.Sent);
        handedOver.LastError.ShouldBeNull();
        handedOver.PlatformMessageId.ShouldBe(ballotTs);
        var updates = h.Api.CallsTo("chat.update").Where(c => Mentions(c, "median")).ToList();
        updates.ShouldAllBe(c => Str(c, "ts") == ballotTs && Str(c, "channel") == Channel);
        updates.Count(c => c.Status == 429).ShouldBe(2);
        var firstLimited = updates.First(c => c.Status == 429);
        updates.Where(c => c.Status == 200).ShouldAllBe(c => c.At >= firstLimited.At + TimeSpan.FromSeconds(3));
    }

    // ---- helpers ---------------------------------------------------------------------------------------

    /// <summary>A message the test queued: its outbox id and the marker that identifies it in what Slack receives.</summary>

    private static async Task<SlackHost> StartAsync(FakeTimeProvider time, Action<IWebHostBuilder>? more = null)
    {
        var host = await SlackHost.StartAsync(b =>
        {
            b.ConfigureTestServices(s =>
            {
                s.AddSingleton<TimeProvider>(time);
                // A timeout the tests can wait for: the fake holds a "timed out" call until the client gives up.
                s.AddHttpClient<SlackApiClient>(c => c.Timeout = ClientTimeout);
            });
            more?.Invoke(b);
        });
        host.Api.Clock = time.GetUtcNow;
        return host;
    }

    private static FakeAnswer? Answer(PlannedFault fault) => fault.Kind switch
    {
        FaultKind.RateLimited => FakeAnswer.RateLimited(fault.RetryAfterSeconds),
        FaultKind.ServerError500 => FakeAnswer.ServerError(500),
        FaultKind.Unavailable503 => FakeAnswer.ServerError(503),
        FaultKind.Timeout => FakeAnswer.TimedOut(),
        _ => null,
    };

    private static ConversationAddress InChannel(string channel = Channel) =>
        new() { Platform = Platform.Slack, Workspace = Team, ChannelId = channel };

    private static ConversationAddress Dm(SlackPerson who) =>
        new() { Platform = Platform.Slack, Workspace = Team, ChannelId = "", UserId = who.Id };

    /// <summary>Queues a message as the conversation layer does; each gets a later creation time, so the queue keeps their order.</summary>
    private static async Task<PlannedMessage> QueueAsync(
        SlackHost h, FakeTimeProvider time, int n, OutboxKind kind, ConversationAddress target,
        string? messageRef = null, string? threadRef = null, string? root = null, bool advance = true)
    {
        if (advance)
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
        }

        var (message, planned) = PlannedMessage.Create(n, kind, target, messageRef, threadRef, root, BacklogId, time.GetUtcNow());
        await h.Store.Outbox.EnqueueAsync(message, default);
        h.Services.GetRequiredService<IOutboxSignal>().Notify();
        return planned;
    }

    /// <summary>
    /// The notices the facilitators got by DM (the fake answers every DM as D42), once <paramref name="expected"/> arrived and
    /// the outbox is empty; a failure is recorded a moment before its notices are queued, so the outbox alone can look done early.
    /// </summary>
    private static async Task<List<SlackApiCall>> NoticesAsync(SlackHost h, int expected)
    {
        List<SlackApiCall> Notices() => [.. h.Api.CallsTo("chat.postMessage").Where(c => c.Status == 200 && Str(c, "channel") == "D42")];
        await Eventually.Async(async () => Notices().Count >= expected && await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null,
            $"{expected} notice(s) to the facilitators", Patience);
        return Notices();
    }

    private static Task OutboxEmptyAsync(SlackHost h) =>
        Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the outbox to drain", Patience);

    /// <summary>Successful replies posted into each mention's thread (posts or ephemeral answers).</summary>
    private static List<List<SlackApiCall>> ThreadReplies(SlackHost h, IEnumerable<string> threads) =>
        [.. threads.Select(t => h.Api.Calls.Where(c => c.Status == 200 && c.Method is "chat.postMessage" or "chat.postEphemeral" && Str(c, "thread_ts") == t).ToList())];

    /// <summary>Ada sets the channel up, names Eli facilitator too, and the backlog gets a second channel.</summary>
    private static async Task SetUpWithTwoFacilitatorsAndASecondChannelAsync(SlackHost h)
    {
        await SetUpChannelAsync(h);
        var response = await h.CommandAsync(Ada, $"role <@{Eli.Id}|{Eli.Name}> facilitator");
        TextOf(await JsonBody(response)).ShouldContain("facilitator");
        var binding = (await h.Store.Bindings.GetAsync(Platform.Slack, Team, Channel, default)).ShouldNotBeNull();
        await h.Store.Bindings.UpsertAsync(binding with { Address = binding.Address with { ChannelId = OtherChannel } }, default);
        await OutboxEmptyAsync(h);
    }
}
