using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Trackers.Tests.Fakes;

namespace TriageBot.Trackers.Tests;

/// <summary>
/// Large imports through the real host: the fake trackers page their searches as GitHub (100 a page, 1,000 reachable,
/// <c>total_count</c>) and Jira (<c>nextPageToken</c>, <c>search/approximate-count</c>) do; one run imports at most 500,
/// posts progress, and says how to continue; running it again continues without importing anything twice.
/// </summary>
public sealed class ImportProgressTests : IAsyncDisposable
{
    private readonly FakeGitHub github = new("acme/app");
    private readonly FakeJira jira = new("PAY");

    [Fact]
    public async Task AGitHubImportOf1340Issues_PostsProgress_StopsAt500_AndRunningItAgainContinues_UpToWhatGitHubsSearchReaches()
    {
        for (var i = 1; i <= 1340; i++)
        {
            github.AddIssue("acme/app", $"Flaky test {i}");
        }

        await using var host = new TrackerHost(github);
        await host.SeedAsync();
        (await host.SayAsync("priya", "connect github acme/app")).ShouldContain("Connected");

        var first = await host.SayAsync("priya", "import github flaky");
        first.ShouldContain("Imported 500 issues from acme/app as New items.");
        first.ShouldContain("About 840 more match: one import brings in at most 500");
        first.ShouldContain("import github flaky"); // in a code span (the card escapes its backticks)
        first.ShouldContain("again to continue; nothing is imported twice.");
        using var http = host.Http();
        var feed = await TrackerHost.EventuallyAsync(async () => await http.GetStringAsync("/playground/api/feed?as=priya") is var f && f.Contains("Imported 400 of 1,340", StringComparison.Ordinal) ? f : null,
            "the progress posts");
        foreach (var n in new[] { "100", "200", "300", "400" })
        {
            feed.Split($"Imported {n} of 1,340 issues from acme/app…").Length.ShouldBe(2, $"progress at {n}, once");
        }

        github.CallsTo("GET", "/search/issues").ShouldAllBe(c => c.Path.Contains("per_page=100", StringComparison.Ordinal));

        var second = await host.SayAsync("priya", "import github flaky");
        second.ShouldContain("Imported 500 issues");
        second.ShouldContain("500 were already here.");
        second.ShouldContain("GitHub's search reaches only the first 1,000 of its 1,340 matches: for the rest, narrow the search");

        var third = await host.SayAsync("priya", "import github flaky");
        third.ShouldContain("Imported 0 issues");
        third.ShouldContain("1,000 were already here.");
        third.ShouldContain("GitHub's search reaches only the first 1,000 of its 1,340 matches: for the rest, narrow the search");
        github.CallsTo("GET", "/search/issues").ShouldAllBe(c => !c.Path.Contains("page=11", StringComparison.Ordinal));

        var imported = await ImportIdsAsync(host, "github:");
        imported.Count.ShouldBe(1000);
        imported.Distinct().Count().ShouldBe(1000, "no issue imported twice");
    }

    [Fact]
    public async Task AJiraImportOf1240Issues_PostsProgress_AndThreeRunsImportEachIssueOnce()
    {
        for (var i = 1; i <= 1240; i++)
        {
            jira.AddIssue("PAY", $"Slow report {i}");
        }

        await using var host = new TrackerHost(github, jira: jira);
        await host.SeedAsync();
        (await host.SayAsync("priya", "connect jira PAY")).ShouldContain("Connected");
        const string Import = "import jira \"project = PAY AND summary ~ \\\"slow\\\"\"";

        var first = await host.SayAsync("priya", Import);
        first.ShouldContain("Imported 500 issues from PAY as New items.");
        first.ShouldContain("About 740 more match");
        using var http = host.Http();
        await TrackerHost.EventuallyAsync(async () => (await http.GetStringAsync("/playground/api/feed?as=priya")).Contains("Imported 400 of 1,240 issues from PAY…", StringComparison.Ordinal),
            "the progress posts");
        jira.CallsTo("POST", "/rest/api/3/search/jql").Count.ShouldBeGreaterThanOrEqualTo(5, "pages of 100");

        (await host.SayAsync("priya", Import)).ShouldContain("About 240 more match");
        var third = await host.SayAsync("priya", Import);
        third.ShouldContain("Imported 240 issues");
        third.ShouldContain("1,000 were already here.");
        third.ShouldNotContain("more match");
        (await host.SayAsync("priya", Import)).ShouldContain("Imported 0 issues from PAY as New items. 1,240 were already here.");

        var imported = await ImportIdsAsync(host, "jira:");
        imported.Count.ShouldBe(1240);
        imported.Distinct().Count().ShouldBe(1240, "no issue imported twice");
    }

    private static async Task<List<string>> ImportIdsAsync(TrackerHost host, string prefix)
    {
        var ids = new List<string>();
        await foreach (var i in host.Store.Items.QueryAsync(new ItemQuery("demo") { States = [ItemState.New] }, CancellationToken.None))
        {
            if (i.ImportId?.StartsWith(prefix, StringComparison.Ordinal) == true)
            {
                ids.Add(i.ImportId);
            }
        }

        return ids;
    }

    public async ValueTask DisposeAsync()
    {
        await jira.DisposeAsync();
        await github.DisposeAsync();
    }
}
