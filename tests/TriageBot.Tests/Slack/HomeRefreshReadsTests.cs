using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Storage;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>
/// What the App Home refresh costs a Slack request: after a change, only people who opened their home are refreshed, and
/// finding out who has one must not read one stored row per member of the backlog on every request (with 500 voters that
/// was 500 reads per vote).
/// </summary>
public sealed class HomeRefreshReadsTests
{
    private const int Crowd = 120;

    [Fact]
    public async Task AVote_InABacklogOfManySlackMembers_ReadsNoHomeRowPerMember_OnceTheirHomelessnessIsKnown()
    {
        var counting = (CountingStore?)null;
        await using var h = await SlackHost.StartAsync(b => b.ConfigureTestServices(s => s.AddSingleton<ITriageStore>(sp =>
            counting = new CountingStore(sp.GetRequiredService<StorageBackend>().Store))));
        await SetUpChannelAsync(h);
        await MakeEliEngineerAsync(h);
        await ReportAsync(h, Ada, "bug", "Refunds time out for large carts");
        for (var i = 0; i < Crowd; i++)
        {
            await h.Store.Members.UpsertAsync(new Member(BacklogId, new UserRef(Platform.Slack, $"UCROWD{i}", $"voter {i}"), Role.Member), default);
        }

        // Eli opens his home: what was remembered about the backlog's homes is forgotten, so the next request looks again.
        (await h.EventAsync(HomeOpened(Eli))).StatusCode.ShouldBe(HttpStatusCode.OK);
        await h.WaitForAsync("views.publish", c => (string?)c.Json["user_id"] == Eli.Id, "Eli's home");
        counting.ShouldNotBeNull();
        var beforeClinic = counting.HomeReads;
        (await h.CommandAsync(Ada, "clinic")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var ballotPost = await h.WaitForAsync("chat.postMessage", c => Mentions(c, "Scoring TRI-1"), "the TRI-1 ballot");

        // The clinic command looked each member up once: the counter sees the per-member lookups it is there to catch.
        (counting.HomeReads - beforeClinic).ShouldBeGreaterThanOrEqualTo(Crowd);

        var before = counting.HomeReads;
        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the outbox to drain");
        var eliBefore = EliPublishes(h);
        var scores = new Dictionary<string, string> { ["impact"] = "3", ["confidence"] = "2", ["rollback"] = "1", ["delay"] = "2" };
        (await h.VoteInlineAsync(Eli, Message(ballotPost), ballotPost.AnsweredTs!, scores, Str(ballotPost, "thread_ts"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        scores["impact"] = "1";
        (await h.VoteInlineAsync(Eli, Message(ballotPost), ballotPost.AnsweredTs!, scores, Str(ballotPost, "thread_ts"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var votes = await h.Store.Votes.ListAsync(BacklogId, 1, 1, default);
        votes.ShouldHaveSingleItem().Scores.Impact.ShouldBe(1, "both votes were handled, the second replacing the first");
        (counting.HomeReads - before).ShouldBeLessThan(Crowd / 10, $"two votes in a backlog of {Crowd + 2} Slack members read {counting.HomeReads - before} home rows");

        // Eli, who has a home, still has it refreshed after his vote.
        await Eventually.Async(() => EliPublishes(h) > eliBefore, () => "Eli's home published again after his vote");
    }

    private static int EliPublishes(SlackHost h) => h.Api.CallsTo("views.publish").Count(c => (string?)c.Json["user_id"] == Eli.Id);

    private static JsonObject HomeOpened(SlackPerson who) => new()
    {
        ["token"] = "deprecated-verification-token",
        ["team_id"] = Team,
        ["api_app_id"] = "A0E2E",
        ["type"] = "event_callback",
        ["event_id"] = $"EvHomeReads{Guid.NewGuid():N}",
        ["event_time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["authorizations"] = new JsonArray(new JsonObject { ["team_id"] = Team, ["user_id"] = "UBOT", ["is_bot"] = true }),
        ["event"] = new JsonObject { ["type"] = "app_home_opened", ["user"] = who.Id, ["channel"] = "D" + who.Id, ["tab"] = "home", ["event_ts"] = "1712345000.000300" },
    };

    /// <summary>The host's store, counting the lookups of App Home message refs (<c>home:…</c>).</summary>
    private sealed class CountingStore(ITriageStore inner) : ITriageStore
    {
        private readonly CountingRefs _refs = new(inner.MessageRefs);

        public int HomeReads => _refs.HomeReads;

        public IBacklogStore Backlogs => inner.Backlogs;
        public IMemberStore Members => inner.Members;
        public IBindingStore Bindings => inner.Bindings;
        public IItemStore Items => inner.Items;
        public IHistoryStore History => inner.History;
        public IVoteStore Votes => inner.Votes;
        public ICeremonyLedger Ledger => inner.Ledger;
        public IInbox Inbox => inner.Inbox;
        public IOutbox Outbox => inner.Outbox;
        public IMessageRefStore MessageRefs => _refs;
        public IItemWrites Writes => inner.Writes;
        public IItemEventFeed Events => inner.Events;

        public Task InitializeAsync(CancellationToken ct) => inner.InitializeAsync(ct);

        public Task PingAsync(CancellationToken ct) => inner.PingAsync(ct);
    }

    private sealed class CountingRefs(IMessageRefStore inner) : IMessageRefStore
    {
        private int _homeReads;

        public int HomeReads => Volatile.Read(ref _homeReads);

        public Task SetAsync(string messageRef, ConversationAddress where, string platformMessageId, CancellationToken ct) =>
            inner.SetAsync(messageRef, where, platformMessageId, ct);

        public Task SetManyAsync(IReadOnlyList<(string MessageRef, ConversationAddress Where, string PlatformMessageId)> refs, CancellationToken ct) =>
            inner.SetManyAsync(refs, ct);

        public Task<(ConversationAddress Where, string PlatformMessageId)?> GetAsync(string messageRef, CancellationToken ct)
        {
            if (messageRef.StartsWith("home:", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _homeReads);
            }

            return inner.GetAsync(messageRef, ct);
        }
    }
}
