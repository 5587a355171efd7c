using System.Globalization;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Storage.Tests.Azurite;
using TriageBot.Trackers.Tests.Fakes;

namespace TriageBot.Trackers.Tests;

public sealed class PolitenessOnSqliteTests() : PolitenessTests(null);

public sealed class PolitenessOnAzureTablesTests(AzuriteFixture azurite) : PolitenessTests(azurite.ConnectionString);

/// <summary>
/// "Polite": GitHub's primary rate limit (403, <c>x-ratelimit-remaining: 0</c>: wait until <c>x-ratelimit-reset</c>), its
/// secondary limit (403 with <c>Retry-After</c>) and Jira's 429 (<c>Retry-After</c>) make the push wait as told, not the
/// short backoff, and the issue is then created once.
/// </summary>
public abstract class PolitenessTests(string? azurite) : IAsyncLifetime
{
    private const string Repo = "acme/app";
    private readonly FakeGitHub github = new(Repo);
    private readonly FakeJira jira = new("PAY");
    private TrackerHost host = null!;

    public async ValueTask InitializeAsync()
    {
        host = new TrackerHost(github, azurite, jira);
        await host.SeedAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await host.DisposeAsync();
        await github.DisposeAsync();
        await jira.DisposeAsync();
    }

    /// <summary>Places an item (Ready, with a `ready` connection) and waits until the refused create is recorded; returns the wait it chose.</summary>
    private async Task<(Item Item, TimeSpan Wait)> RefusedOnceAsync(TrackerKind kind)
    {
        var item = await host.FirstAsync(ItemState.Icebox);
        await host.SayAsync("priya", $"promote {item.Key}");
        var link = await TrackerHost.EventuallyAsync(async () => await host.Trackers.GetLinkAsync("demo", item.Number, kind, CancellationToken.None) is { Value.LastError: not null } l ? l : null,
            "the rate limit recorded on the link");
        link.Value.LastError!.ShouldContain("rate limit");
        return (item, link.Value.NextAttemptAt - DateTimeOffset.UtcNow);
    }

    private Task CreatedAsync(Item item, TrackerKind kind) =>
        TrackerHost.EventuallyAsync(async () => await host.Trackers.GetLinkAsync("demo", item.Number, kind, CancellationToken.None) is { Value.IssueId: not null, Value.Pending: false } ? true : (bool?)null,
            "the issue created after the wait");

    [Fact]
    public async Task GitHubsPrimaryRateLimit_MakesThePushWaitUntilItsReset_ThenTheIssueIsCreatedOnce()
    {
        (await host.SayAsync("priya", $"connect github {Repo} ready")).ShouldContain("Connected");
        var reset = DateTimeOffset.UtcNow.AddSeconds(3).ToUnixTimeSeconds();
        github.Inject("POST", $"/repos/{Repo}/issues", Fault.Status, 403, new()
        {
            ["x-ratelimit-limit"] = "5000", ["x-ratelimit-remaining"] = "0", ["x-ratelimit-used"] = "5000",
            ["x-ratelimit-reset"] = reset.ToString(CultureInfo.InvariantCulture),
        });

        var (item, wait) = await RefusedOnceAsync(TrackerKind.GitHub);

        wait.ShouldBeGreaterThan(TimeSpan.FromSeconds(1), "until x-ratelimit-reset, not the 200 ms backoff");
        await CreatedAsync(item, TrackerKind.GitHub);
        github.CallsTo("POST", $"/repos/{Repo}/issues").Count.ShouldBe(2);
        github.Issues.Count.ShouldBe(1);
    }

    [Fact]
    public async Task GitHubsSecondaryRateLimit_MakesThePushWaitForRetryAfter_ThenTheIssueIsCreatedOnce()
    {
        (await host.SayAsync("priya", $"connect github {Repo} ready")).ShouldContain("Connected");
        github.Inject("POST", $"/repos/{Repo}/issues", Fault.Status, 403, new() { ["Retry-After"] = "2" });

        var (item, wait) = await RefusedOnceAsync(TrackerKind.GitHub);

        wait.ShouldBeGreaterThan(TimeSpan.FromSeconds(1), "Retry-After (2 s), not the 200 ms backoff");
        await CreatedAsync(item, TrackerKind.GitHub);
        github.CallsTo("POST", $"/repos/{Repo}/issues").Count.ShouldBe(2);
        github.Issues.Count.ShouldBe(1);
    }

    [Fact]
    public async Task JirasTooManyRequests_MakesThePushWaitForRetryAfter_ThenTheIssueIsCreatedOnce()
    {
        (await host.SayAsync("priya", "connect jira PAY ready")).ShouldContain("Connected");
        jira.Inject("POST", "/rest/api/3/issue", Fault.Status, 429, new() { ["Retry-After"] = "2" });

        var (item, wait) = await RefusedOnceAsync(TrackerKind.Jira);

        wait.ShouldBeGreaterThan(TimeSpan.FromSeconds(1), "Retry-After (2 s), not the 200 ms backoff");
        await CreatedAsync(item, TrackerKind.Jira);
        jira.CallsTo("POST", "/rest/api/3/issue").Count.ShouldBe(2);
        jira.Issues.Count.ShouldBe(1);
    }
}
