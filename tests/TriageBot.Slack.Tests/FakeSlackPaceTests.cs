using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TriageBot.Slack.Tests.Fakes;

namespace TriageBot.Slack.Tests;

/// <summary>The fake Slack's per-channel pace (used by the ceremonies benchmark): like Slack, about one post per second per channel.</summary>
public sealed class FakeSlackPaceTests
{
    [Fact]
    public async Task With_the_pace_on_a_second_post_to_a_channel_within_the_second_gets_429_with_retry_after_while_another_channel_is_accepted()
    {
        var now = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
        await using var api = await FakeSlackApi.StartAsync();
        api.Clock = () => now;
        api.PacePosts(TimeSpan.FromSeconds(1));
        using var http = new HttpClient { BaseAddress = new Uri(api.BaseUrl) };
        Task<HttpResponseMessage> Post(string channel) => http.PostAsJsonAsync("chat.postMessage", new JsonObject { ["channel"] = channel, ["text"] = "report" });

        var first = await Post("C0001");
        var second = await Post("C0001");
        var other = await Post("C0002");
        now += TimeSpan.FromSeconds(1);
        var later = await Post("C0001");

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        second.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        second.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(1));
        other.StatusCode.ShouldBe(HttpStatusCode.OK);
        later.StatusCode.ShouldBe(HttpStatusCode.OK);
        api.CallsTo("chat.postMessage").Select(c => (FakeSlackApi.ChannelOf(c.Body), c.Status)).ShouldBe([("C0001", 200), ("C0001", 429), ("C0002", 200), ("C0001", 200)]);
    }
}
