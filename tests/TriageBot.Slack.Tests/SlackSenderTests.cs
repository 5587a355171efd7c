using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Slack.Delivery;
using TriageBot.Slack.Tests.Fakes;
using TriageBot.Slack.WebApi;

namespace TriageBot.Slack.Tests;

public sealed class SlackSenderTests : IAsyncLifetime
{
    private FakeSlackApi _api = null!;
    private ServiceProvider _services = null!;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero));

    public async ValueTask InitializeAsync()
    {
        _api = await FakeSlackApi.StartAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Slack:SigningSecret"] = SlackTestApp.Secret,
            ["Slack:BotToken"] = SlackTestApp.Token,
            ["Slack:ApiBaseUrl"] = _api.BaseUrl,
        }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSlack(configuration);
        _services = services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _api.DisposeAsync();
    }

    private IChannelSender Sender => _services.GetServices<IChannelSender>().Single(s => s.Platform == Platform.Slack);

    private static OutboxMessage Message(OutboxKind kind, string channel = "C1", string? thread = null, string? user = null) => new()
    {
        Id = "m1",
        Kind = kind,
        Target = new ConversationAddress { Platform = Platform.Slack, Workspace = "T1", ChannelId = channel, ThreadId = thread, UserId = user },
        Payload = OutboxViews.Payload(new TextView("Weekly review is in 15 minutes")),
        CreatedAt = DateTimeOffset.UnixEpoch,
    };

    [Fact]
    public async Task Post_CallsChatPostMessageInTheThread_WithTheBotToken_AndReturnsTheTs()
    {
        var result = await Sender.SendAsync(Message(OutboxKind.Post, thread: "1700.0001"), null, CancellationToken.None);

        var sent = result.ShouldBeOfType<SendSucceeded>();
        sent.PlatformMessageId.ShouldStartWith("1700000000.");
        var call = _api.CallsTo("chat.postMessage").Single();
        call.Authorization.ShouldBe("Bearer " + SlackTestApp.Token);
        call.ContentType.ShouldStartWith("application/json");
        ((string)call.Json["channel"]!).ShouldBe("C1");
        ((string)call.Json["thread_ts"]!).ShouldBe("1700.0001");
        ((string)call.Json["text"]!).ShouldContain("Weekly review");
        call.Json["blocks"]!.AsArray().Count.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Update_CallsChatUpdateWithTheExistingTs()
    {
        var result = await Sender.SendAsync(Message(OutboxKind.Update), "1700.0042", CancellationToken.None);

        result.ShouldBe(new SendSucceeded("1700.0042"));
        var call = _api.CallsTo("chat.update").Single();
        ((string)call.Json["ts"]!).ShouldBe("1700.0042");
        ((string)call.Json["channel"]!).ShouldBe("C1");
    }

    [Fact]
    public async Task Update_WithoutAnExistingTs_FailsPermanentlyWithoutCallingSlack()
    {
        var result = await Sender.SendAsync(Message(OutboxKind.Update), null, CancellationToken.None);

        result.ShouldBeOfType<SendFailedPermanently>().ChannelLost.ShouldBeFalse();
        _api.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task Ephemeral_GoesToTheTargetUser()
    {
        var result = await Sender.SendAsync(Message(OutboxKind.Ephemeral, user: "U7"), null, CancellationToken.None);

        result.ShouldBeOfType<SendSucceeded>();
        ((string)_api.CallsTo("chat.postEphemeral").Single().Json["user"]!).ShouldBe("U7");
    }

    [Fact]
    public async Task Direct_OpensTheDmThenPostsInIt()
    {
        var result = await Sender.SendAsync(Message(OutboxKind.Direct, channel: "", user: "U7"), null, CancellationToken.None);

        result.ShouldBeOfType<SendSucceeded>();
        _api.Calls.Select(c => c.Method).ShouldBe(["conversations.open", "chat.postMessage"]);
        _api.CallsTo("conversations.open").Single().Form["users"].ShouldBe("U7");
        ((string)_api.CallsTo("chat.postMessage").Single().Json["channel"]!).ShouldBe("D42");
    }

    [Fact]
    public async Task RateLimited_IsRetryLaterWithSlacksRetryAfter()
    {
        _api.Answer("chat.postMessage", FakeAnswer.RateLimited(30));

        var result = await Sender.SendAsync(Message(OutboxKind.Post), null, CancellationToken.None);

        result.ShouldBeOfType<SendRetryLater>().After.ShouldBe(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task ServerError_IsRetryLaterWithoutADelay(int status)
    {
        _api.Answer("chat.postMessage", FakeAnswer.ServerError(status));

        var result = await Sender.SendAsync(Message(OutboxKind.Post), null, CancellationToken.None);

        result.ShouldBeOfType<SendRetryLater>().After.ShouldBeNull();
    }

    [Fact]
    public async Task ConnectionRefused_IsATransientFailure()
    {
        var address = _api.BaseUrl;
        await _api.DisposeAsync();
        _api = await FakeSlackApi.StartAsync();

        var client = new SlackApiClient(new HttpClient { BaseAddress = new Uri(address) }, Microsoft.Extensions.Logging.Abstractions.NullLogger<SlackApiClient>.Instance);
        await Should.ThrowAsync<SlackTransientException>(() => client.PostMessageAsync("C1", Blocks.BlockKitRenderer.Render(new TextView("x")), null, CancellationToken.None));
    }

    [Theory]
    [InlineData("channel_not_found")]
    [InlineData("not_in_channel")]
    [InlineData("is_archived")]
    [InlineData("account_inactive")]
    [InlineData("token_revoked")]
    [InlineData("invalid_auth")]
    public async Task ErrorsThatMeanTheChannelIsGone_FailPermanentlyAsChannelLost(string error)
    {
        _api.Answer("chat.postMessage", FakeAnswer.Error(error));

        var result = await Sender.SendAsync(Message(OutboxKind.Post), null, CancellationToken.None);

        var failed = result.ShouldBeOfType<SendFailedPermanently>();
        failed.ChannelLost.ShouldBeTrue();
        failed.Reason.ShouldContain(error);
    }

    [Fact]
    public async Task OtherOkFalseErrors_FailPermanentlyButTheChannelIsNotLost()
    {
        _api.Answer("chat.postMessage", FakeAnswer.Error("invalid_blocks"));

        var result = await Sender.SendAsync(Message(OutboxKind.Post), null, CancellationToken.None);

        var failed = result.ShouldBeOfType<SendFailedPermanently>();
        failed.ChannelLost.ShouldBeFalse();
        failed.Reason.ShouldContain("invalid_blocks");
    }

    [Fact]
    public async Task TwoPostsToOneChannel_AreASecondApart_WhileOtherChannelsAreNotHeldUp()
    {
        (await Sender.SendAsync(Message(OutboxKind.Post, channel: "C1"), null, CancellationToken.None)).ShouldBeOfType<SendSucceeded>();

        var second = Sender.SendAsync(Message(OutboxKind.Post, channel: "C1"), null, CancellationToken.None);
        (await Sender.SendAsync(Message(OutboxKind.Post, channel: "C2"), null, CancellationToken.None)).ShouldBeOfType<SendSucceeded>();
        second.IsCompleted.ShouldBeFalse();
        _api.CallsTo("chat.postMessage").Count.ShouldBe(2);

        _time.Advance(TimeSpan.FromMilliseconds(999));
        second.IsCompleted.ShouldBeFalse();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        (await second.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBeOfType<SendSucceeded>();
        _api.CallsTo("chat.postMessage").Count.ShouldBe(3);
    }

    [Fact]
    public async Task ApiClient_ReadsPermalinkUserAndOpensViews()
    {
        var client = _services.GetRequiredService<SlackApiClient>();

        (await client.GetPermalinkAsync("C1", "1700.1", CancellationToken.None)).ShouldStartWith("https://example.slack.com/");
        (await client.GetUserAsync("U1", CancellationToken.None)).DisplayName.ShouldBe("Ada Lovelace");
        (await client.OpenViewAsync("trig", new System.Text.Json.Nodes.JsonObject { ["type"] = "modal" }, CancellationToken.None)).ShouldStartWith("V");
        (await client.PushViewAsync("trig", new System.Text.Json.Nodes.JsonObject { ["type"] = "modal" }, CancellationToken.None)).ShouldStartWith("V");
        await client.UpdateViewAsync("V1", new System.Text.Json.Nodes.JsonObject { ["type"] = "modal" }, "h1", CancellationToken.None);
        ((string)_api.CallsTo("views.update").Single().Json["hash"]!).ShouldBe("h1");
        _api.CallsTo("chat.getPermalink").Single().Form.ShouldBe(new Dictionary<string, string> { ["channel"] = "C1", ["message_ts"] = "1700.1" });
    }
}
