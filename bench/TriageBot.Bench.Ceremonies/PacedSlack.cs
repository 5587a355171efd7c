using System.Globalization;
using TriageBot.Slack.Tests.Fakes;

namespace TriageBot.Bench.Ceremonies;

/// <summary>
/// The tests' fake Slack Web API (<see cref="FakeSlackApi"/>, linked into this benchmark) with Slack's pace for
/// <c>chat.postMessage</c> on: about one message per second per channel, a post that comes sooner answered 429 with
/// <c>Retry-After: 1</c>. What the benchmark reports is read from the calls it recorded: per channel the accepted posts'
/// times, and whether each carried that channel's workspace token.
/// </summary>
internal sealed class PacedSlack : IAsyncDisposable
{
    private readonly FakeSlackApi _api;

    private PacedSlack(FakeSlackApi api) => _api = api;

    public string BaseUrl => _api.BaseUrl;

    /// <summary>The token each channel's workspace owns: channel <c>C0001</c> belongs to workspace <c>T0001</c>.</summary>
    public static string TokenOf(int n) => $"xoxb-bench-T{n:0000}";

    public static string Channel(int n) => $"C{n:0000}";

    public static string Team(int n) => $"T{n:0000}";

    public long RateLimited => _api.CallsTo("chat.postMessage").Count(c => c.Status == 429);

    public long WrongToken => Accepted().Count(p => p.Call.Authorization != ExpectedAuthorization(p.Channel));

    public long OtherCalls => _api.Calls.Count(c => c.Method != "chat.postMessage");

    /// <summary>Accepted posts by channel.</summary>
    public IReadOnlyDictionary<string, ChannelLog> Channels =>
        Accepted().GroupBy(p => p.Channel, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new ChannelLog([.. g.Select(p => p.Call.At).Order()]), StringComparer.Ordinal);

    public static async Task<PacedSlack> StartAsync()
    {
        var api = await FakeSlackApi.StartAsync();
        api.PacePosts(TimeSpan.FromSeconds(1));
        return new PacedSlack(api);
    }

    private IEnumerable<(SlackApiCall Call, string Channel)> Accepted() =>
        _api.CallsTo("chat.postMessage").Where(c => c.Status == 200).Select(c => (c, FakeSlackApi.ChannelOf(c.Body)));

    private static string? ExpectedAuthorization(string channel) =>
        channel.Length == 5 && int.TryParse(channel[1..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? "Bearer " + TokenOf(n) : null;

    public ValueTask DisposeAsync() => _api.DisposeAsync();
}

/// <summary>One channel's accepted posts, in time order.</summary>
internal sealed record ChannelLog(IReadOnlyList<DateTimeOffset> Posts);
