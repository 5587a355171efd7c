using System.Net;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Dashboard;
using TriageBot.Playground;

namespace TriageBot.Tests.Playground;

public sealed class PlaygroundAccessTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("127.8.9.10", true)]
    [InlineData("10.0.0.5", false)]
    [InlineData("192.168.1.20", false)]
    [InlineData("::ffff:203.0.113.9", false)]
    public void OnlyLoopbackCallers_AreAllowed(string address, bool allowed) =>
        PlaygroundAccess.IsLoopbackCaller(IPAddress.Parse(address)).ShouldBe(allowed);

    [Theory]
    [InlineData("http://127.0.0.1:5170", "http://127.0.0.1:5170/playground")]
    [InlineData("http://[::]:8080", "http://localhost:8080/playground")]
    [InlineData("http://0.0.0.0:5000/", "http://localhost:5000/playground")]
    [InlineData("http://+:80", "http://localhost:80/playground")]
    public void TheReadyMessage_NamesAnAddressABrowserCanOpen(string listening, string shown) =>
        PlaygroundEndpoints.ReadyUrls([listening]).ShouldBe([shown]);

    [Fact]
    public void ACallerWithNoAddress_IsRefused() => PlaygroundAccess.IsLoopbackCaller(null).ShouldBeFalse();

    [Theory]
    [InlineData("localhost", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("[::1]", true)]
    [InlineData("triage.example.com", false)]
    [InlineData("127.0.0.1.nip.io", false)]
    [InlineData("", false)]
    public void OnlyLoopbackHostNames_AreAllowed(string host, bool allowed) => PlaygroundAccess.IsLoopbackHost(host).ShouldBe(allowed);

    [Theory]
    [InlineData(null, true)]
    [InlineData("http://127.0.0.1:5170", true)]
    [InlineData("http://evil.example", false)]
    [InlineData("http://127.0.0.1:9999", false)]
    public void AnOrigin_MustBeThisHost(string? origin, bool allowed) =>
        PlaygroundAccess.IsSameOrigin(origin, "http", "127.0.0.1:5170").ShouldBe(allowed);

    [Theory]
    [InlineData("X-Forwarded-For", true)]
    [InlineData("x-forwarded-host", true)]
    [InlineData("X-Forwarded-Proto", true)]
    [InlineData("Forwarded", true)]
    [InlineData("X-Real-IP", true)]
    [InlineData("Via", true)]
    [InlineData("X-Original-For", true)]
    [InlineData("Accept", false)]
    [InlineData("X-Requested-With", false)]
    public void HeadersAProxyAdds_MarkARequestAsProxied(string header, bool proxied) =>
        PlaygroundAccess.CameThroughAProxy(new Microsoft.AspNetCore.Http.HeaderDictionary { [header] = "x" }).ShouldBe(proxied);
}

public sealed class PlaygroundFeedTests
{
    private static readonly ConversationAddress Clinic = new() { Platform = Platform.Playground, Workspace = "local", ChannelId = "clinic" };

    [Fact]
    public async Task Sender_PostsIntoTheFeed_AndUpdatesInPlace()
    {
        var feed = new PlaygroundFeed(new FakeTimeProvider());
        var sender = new PlaygroundSender(feed);

        var posted = (SendSucceeded)await sender.SendAsync(Message(OutboxKind.Post, Clinic, "first"), null, CancellationToken.None);
        var (_, afterPost) = feed.Since(0);
        var updated = await sender.SendAsync(Message(OutboxKind.Update, Clinic, "second"), posted.PlatformMessageId, CancellationToken.None);

        updated.ShouldBe(new SendSucceeded(posted.PlatformMessageId));
        var (changes, _) = feed.Since(afterPost);
        changes.Single().Id.ShouldBe(posted.PlatformMessageId);
        changes.Single().Channel.ShouldBe("clinic");
        changes.Single().Card!.ToJsonString().ShouldContain("second");
        feed.Since(0).Entries.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Sender_PostsIntoAThread_UnderItsParent()
    {
        var feed = new PlaygroundFeed(new FakeTimeProvider());
        var sender = new PlaygroundSender(feed);
        var parent = (SendSucceeded)await sender.SendAsync(Message(OutboxKind.Post, Clinic, "agenda"), null, CancellationToken.None);

        var reply = (SendSucceeded)await sender.SendAsync(Message(OutboxKind.Post, Clinic.InThread(parent.PlatformMessageId), "ballot"), null, CancellationToken.None);

        feed.Find(reply.PlatformMessageId)!.Thread.ShouldBe(parent.PlatformMessageId);
    }

    [Fact]
    public async Task Sender_UpdatingAMessageTheFeedForgot_FailsPermanently()
    {
        var sender = new PlaygroundSender(new PlaygroundFeed(new FakeTimeProvider()));
        var result = await sender.SendAsync(Message(OutboxKind.Update, Clinic, "x"), "m404", CancellationToken.None);
        result.ShouldBeOfType<SendFailedPermanently>().ChannelLost.ShouldBeFalse();
    }

    [Fact]
    public void Feed_KeepsABoundedNumberOfMessages()
    {
        var feed = new PlaygroundFeed(new FakeTimeProvider());
        for (var i = 0; i < PlaygroundFeed.MaxEntries + 10; i++)
        {
            feed.PostText("triage", null, "Mei", "hello " + i);
        }

        var (entries, version) = feed.Since(0);
        entries.Count.ShouldBe(PlaygroundFeed.MaxEntries);
        version.ShouldBe(PlaygroundFeed.MaxEntries + 10);
        entries[0].Text.ShouldBe("hello 10");
    }

    private static OutboxMessage Message(OutboxKind kind, ConversationAddress target, string text) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Kind = kind,
        Target = target,
        Payload = OutboxViews.Payload(new TextView(text)),
        CreatedAt = DateTimeOffset.UnixEpoch,
    };
}

public sealed class HtmlEncodingTests
{
    [Fact]
    public void Text_IsEncoded_InElementsAndAttributes()
    {
        var html = new Html().Open("td", null, ("data-x", "\"><script>")).Text("<b>&'").Close("td").ToString();
        html.ShouldNotContain("<script>");
        html.ShouldNotContain("<b>");
        html.ShouldContain("&lt;b&gt;&amp;");
    }

}

public sealed class PlaygroundCardsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 18, 10, 0, 0, TimeSpan.Zero);

    private static ItemSummary Item(int number, WorkStream stream, ItemState state, int? total, int daysOld) => new()
    {
        BacklogId = "b1", Number = number, Key = "TRI-" + number, Title = "Item " + number, Stream = stream, State = state,
        Total = total, CreatedAt = Now.AddDays(-daysOld).AddHours(-1),
    };

    [Fact]
    public void AList_IsGroupedByStream_EachItemWithTotalStateAndAgeByThePlaygroundClock()
    {
        var view = new ItemListView("Open items", [Item(1, WorkStream.Bug, ItemState.Sprint, 21, 3), Item(2, WorkStream.Model, ItemState.New, null, 0), Item(3, WorkStream.Bug, ItemState.Ready, 15, 1)], 3);

        var json = string.Join("\n", Texts(PlaygroundCards.Render(view, Now)));

        json.ShouldContain("total 21 · Sprint · 3 days old");
        json.ShouldContain("total 15 · Ready queue · 1 day old");
        json.ShouldContain("not scored · New · reported today");
        json.IndexOf("Model quality (1)", StringComparison.Ordinal).ShouldBeLessThan(json.IndexOf("Engineering bugs (2)", StringComparison.Ordinal));
    }

    private static IEnumerable<string> Texts(System.Text.Json.Nodes.JsonNode? node) => node switch
    {
        System.Text.Json.Nodes.JsonObject o when o["type"]?.GetValue<string>() == "TextBlock" => [o["text"]!.GetValue<string>()],
        System.Text.Json.Nodes.JsonObject o => o.SelectMany(p => Texts(p.Value)),
        System.Text.Json.Nodes.JsonArray a => a.SelectMany(Texts),
        _ => [],
    };

    [Fact]
    public void AMembersCard_LosesTheFacilitatorsButtons_AFacilitatorKeepsThem()
    {
        var card = new System.Text.Json.Nodes.JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["actions"] = new System.Text.Json.Nodes.JsonArray(
                new System.Text.Json.Nodes.JsonObject { ["type"] = "Action.Execute", ["title"] = "Vote", ["verb"] = ButtonIds.Vote },
                new System.Text.Json.Nodes.JsonObject { ["type"] = "Action.Execute", ["title"] = "Reveal", ["verb"] = ButtonIds.Reveal },
                new System.Text.Json.Nodes.JsonObject { ["type"] = "Action.Execute", ["title"] = "Finalize", ["verb"] = ButtonIds.Finalize }),
        };

        PlaygroundCards.ForRole(card, Role.Member).ToJsonString().ShouldNotContain("Reveal");
        PlaygroundCards.ForRole(card, Role.Member).ToJsonString().ShouldContain("Vote");
        PlaygroundCards.ForRole(card, Role.Facilitator).ToJsonString().ShouldContain("Finalize");
        card.ToJsonString().ShouldContain("Reveal", customMessage: "the original card is left as it was");
    }
}
