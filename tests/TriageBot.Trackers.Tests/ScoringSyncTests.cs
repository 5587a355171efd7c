using System.Text.RegularExpressions;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Rubric;
using TriageBot.Trackers.Tests.Fakes;

namespace TriageBot.Trackers.Tests;

/// <summary>The default connection (Sprint only): scoring an item into Sprint creates the issue with its scores; a re-score updates it.</summary>
public sealed partial class ScoringSyncTests : IAsyncLifetime
{
    private const string Repo = "acme/app";
    private readonly FakeGitHub github = new(Repo);
    private TrackerHost host = null!;

    public async ValueTask InitializeAsync()
    {
        host = new TrackerHost(github);
        await host.SeedAsync();
        (await host.SayAsync("priya", $"connect github {Repo}")).ShouldContain("Connected");
    }

    public async ValueTask DisposeAsync()
    {
        await host.DisposeAsync();
        await github.DisposeAsync();
    }

    private string? itemRef;

    private async Task<string> ScoreAndPlaceAsync(Item item, int score, string why)
    {
        var form = await host.SayAsync("priya", $"score {item.Key}");
        var arg = ArgPattern().Match(form).Groups[1].Value;
        itemRef = arg;
        var values = Enum.GetValues<Dimension>().ToDictionary(Forms.ScoreField, _ => score.ToString(System.Globalization.CultureInfo.InvariantCulture));
        values[Forms.ReasonField(Dimension.Impact)] = why;
        values[Forms.ScoreAndPlace] = Forms.PlaceNow;
        return await host.SubmitAsync("priya", FormIds.Vote, arg, values);
    }

    [Fact]
    public async Task ScoringAnItemIntoSprint_CreatesTheIssueWithTheFourScoresAndTotal_AReadyPlacementCreatesNone_AndAReScoreComments()
    {
        var item = (await ItemsAsync(ItemState.New)).First(i => i.Stream == WorkStream.Bug);
        var other = (await ItemsAsync(ItemState.New)).First(i => i.Number != item.Number && i.Stream is WorkStream.Bug or WorkStream.Incident);

        await ScoreAndPlaceAsync(other, 1, "Nobody noticed");
        (await host.ItemAsync(other.Number)).State.ShouldNotBe(ItemState.Sprint);
        (await ScoreAndPlaceAsync(item, 3, "Every checkout | fails")).ShouldNotContain("formErrors");
        (await host.ItemAsync(item.Number)).State.ShouldBe(ItemState.Sprint);

        var link = await TrackerHost.EventuallyAsync(async () => await host.Trackers.GetLinkAsync("demo", item.Number, TrackerKind.GitHub, CancellationToken.None) is { Value.IssueId: not null, Value.Pending: false } l ? l : null, "the issue created");
        var body = github.Issues.Values.Single()["body"]!.GetValue<string>();
        body.ShouldContain($"| {RubricText.Name(Dimension.Impact)} | 3 | Every checkout \\| fails |");
        body.ShouldContain($"**Weighted total: {(await host.ItemAsync(item.Number)).Score!.Total}**");
        (await host.Trackers.GetLinkAsync("demo", other.Number, TrackerKind.GitHub, CancellationToken.None)).ShouldBeNull("Ready is not pushed unless the connection says `ready`");
        link.Value.Pushed!.Total.ShouldBe((await host.ItemAsync(item.Number)).Score!.Total);

        (await host.PressAsync("priya", Core.Views.ButtonIds.ReopenScoring, itemRef)).ShouldNotContain("Attention");
        var rescored = await ScoreAndPlaceAsync(item, 2, "Fewer people hit it than we thought");
        var total = (await host.ItemAsync(item.Number)).Score!.Total;
        total.ShouldBeLessThan(link.Value.Pushed!.Total!.Value, rescored);
        await TrackerHost.EventuallyAsync(() => Task.FromResult(github.Comments.Any(c => c.Body.Contains($"Re-scored: weighted total {link.Value.Pushed!.Total} → {total}", StringComparison.Ordinal))), "a re-score comment");
        github.Issues.Count.ShouldBe(1);
    }

    private async Task<List<Item>> ItemsAsync(ItemState state)
    {
        var list = new List<Item>();
        await foreach (var i in host.Store.Items.QueryAsync(new ItemQuery("demo") { States = [state] }, CancellationToken.None))
        {
            list.Add(i);
        }

        return list;
    }

    [GeneratedRegex("\"arg\":\"([^\"]+)\"")]
    private static partial Regex ArgPattern();
}
