using System.Net;
using System.Text;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Storage.Tests.Azurite;
using TriageBot.Trackers.Tests.Fakes;

namespace TriageBot.Trackers.Tests;

public sealed class JiraSyncOnSqliteTests() : JiraSyncTests(null);

public sealed class JiraSyncOnAzureTablesTests(AzuriteFixture azurite) : JiraSyncTests(azurite.ConnectionString);

/// <summary>Jira sync end to end: the real host (playground commands), its sync worker, and a fake Jira Cloud on loopback.</summary>
public abstract class JiraSyncTests(string? azurite) : IAsyncLifetime
{
    private readonly FakeGitHub github = new("acme/app");
    private readonly FakeJira jira = new("PAY");
    private TrackerHost host = null!;

    public async ValueTask InitializeAsync()
    {
        host = new TrackerHost(github, azurite, jira);
        await host.SeedAsync();
        (await host.SayAsync("priya", "connect jira pay ready")).ShouldContain("Connected");
    }

    public async ValueTask DisposeAsync()
    {
        await host.DisposeAsync();
        await jira.DisposeAsync();
        await github.DisposeAsync();
    }

    private Task<Versioned<TrackerLink>> LinkedAsync(int number) =>
        TrackerHost.EventuallyAsync(async () => await host.Trackers.GetLinkAsync("demo", number, TrackerKind.Jira, CancellationToken.None) is { Value.IssueId: not null, Value.Pending: false } l ? l : null,
            $"item {number} linked to a Jira issue and pushed");

    [Fact]
    public async Task PlacingAnItem_CreatesOneJiraIssue_WithBasicAuth_AndStartingIt_RelabelsAndComments()
    {
        var item = await host.FirstAsync(ItemState.Icebox);

        await host.SayAsync("priya", $"promote {item.Key}");
        var link = await LinkedAsync(item.Number);

        var issue = jira.Issues[link.Value.IssueKey!];
        issue["fields"]!["summary"]!.GetValue<string>().ShouldStartWith($"[{item.Key}] ");
        issue["fields"]!["labels"]!.ToJsonString().ShouldContain("triage-ready");
        FakeJira.Text(issue["fields"]!["description"]).ShouldContain("https://triage.example/d/");
        link.Value.IssueUrl.ShouldBe($"{jira.SiteUrl}/browse/{link.Value.IssueKey}");
        jira.CallsTo("POST", "/rest/api/3/issue").First().Authorization
            .ShouldBe("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("priya@example.com:jira-api-token")));

        await host.SayAsync("priya", $"start {item.Key} override the tracker test needs it");

        await TrackerHost.EventuallyAsync(() => Task.FromResult(jira.Comments.Any(c => c.Key == link.Value.IssueKey && c.Body.Contains("State: Ready → Active", StringComparison.Ordinal))), "a comment on the Jira issue");
        jira.Issues[link.Value.IssueKey!]["fields"]!["labels"]!.ToJsonString().ShouldContain("triage-active");
        jira.Issues.Count.ShouldBe(1);
    }

    [Fact]
    public async Task ALostAnswerToTheCreate_IsFollowedByAJqlSearchForTheKey_AndNeverASecondIssue()
    {
        var item = await host.FirstAsync(ItemState.Icebox);
        jira.Inject("POST", "/rest/api/3/issue", Fault.LostAnswer);

        await host.SayAsync("priya", $"promote {item.Key}");
        await LinkedAsync(item.Number);

        jira.Issues.Count.ShouldBe(1);
        jira.CallsTo("POST", "/rest/api/3/issue").Count(c => c.Path.EndsWith("/issue", StringComparison.Ordinal)).ShouldBe(1);
        jira.CallsTo("POST", "/rest/api/3/search/jql").ShouldContain(c => c.Body.Contains($"[{item.Key}]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASignedWebhook_ResolvingTheIssueAsDone_MarksTheItemDone_AndItsReplayAndAForgeryChangeNothing()
    {
        var item = await host.FirstAsync(ItemState.Active);
        var issue = jira.AddIssue("PAY", "Refunds stall");
        (await host.SayAsync("priya", $"link {item.Key} {jira.SiteUrl}/browse/{issue["key"]}")).ShouldContain("is linked to");
        await LinkedAsync(item.Number);

        (await host.JiraWebhookAsync("j-1", Updated(issue, done: true, "Done"))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await TrackerHost.EventuallyAsync(async () => (await host.ItemAsync(item.Number)).State == ItemState.Done, "the item is Done");
        // The delivery is marked handled just after the item changes: wait for it, so the replay below meets a handled delivery.
        await TrackerHost.EventuallyAsync(async () => (await host.Trackers.PendingDeliveriesAsync(10, CancellationToken.None)).Count == 0, "the delivery handled");
        var done = await host.ItemAsync(item.Number);

        (await host.JiraWebhookAsync("j-1", Updated(issue, done: false, null))).StatusCode.ShouldBe(HttpStatusCode.OK, "a replayed delivery");
        (await host.JiraWebhookAsync("j-2", Updated(issue, done: false, null), secret: "guessed")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await host.Trackers.PendingDeliveriesAsync(10, CancellationToken.None)).ShouldBeEmpty();
        (await host.ItemAsync(item.Number)).HistoryCount.ShouldBe(done.HistoryCount);
    }

    [Fact]
    public async Task AWebhookResolvingAsWontDo_ClosesTheItemWithThatResolution()
    {
        var item = await host.FirstAsync(ItemState.Ready);
        var issue = jira.AddIssue("PAY", "Dark mode");
        (await host.SayAsync("priya", $"link {item.Key} {issue["key"]}")).ShouldContain("is linked to");
        await LinkedAsync(item.Number);

        (await host.JiraWebhookAsync("w-1", Updated(issue, done: true, "Won't Do"))).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var closed = await TrackerHost.EventuallyAsync(async () => await host.ItemAsync(item.Number) is { State: ItemState.Closed } i ? i : null, "the item is Closed");
        closed.ClosedRationale.ShouldBe($"Closed in {issue["key"]}: Won't Do");
    }

    [Fact]
    public async Task ImportByJql_CreatesNewItemsOnce_OnlyFromTheConnectedProject()
    {
        jira.Projects.Add("OPS");
        jira.AddIssue("PAY", "Checkout times out", "bug");
        jira.AddIssue("PAY", "Checkout in one click");
        jira.AddIssue("OPS", "Checkout dashboards");

        (await host.SayAsync("priya", "import jira \"summary ~ \\\"checkout\\\"\"")).ShouldContain("Imported 2 issues");
        (await host.SayAsync("priya", "import jira \"summary ~ \\\"checkout\\\"\"")).ShouldContain("2 were already here");

        var imported = new List<Item>();
        await foreach (var i in host.Store.Items.QueryAsync(new ItemQuery("demo") { States = [ItemState.New] }, CancellationToken.None))
        {
            if (i.ImportId?.StartsWith("jira:", StringComparison.Ordinal) == true)
            {
                imported.Add(i);
            }
        }

        imported.Select(i => i.Title).ShouldBe(["Checkout times out", "Checkout in one click"], ignoreOrder: true);
        imported.ShouldContain(i => i.Stream == WorkStream.Bug && i.Links.Single() == $"{jira.SiteUrl}/browse/PAY-1");
    }

    [Fact]
    public async Task ALostAnswerToAComment_IsFollowedByALookAtTheIssuesRecentComments_AndNeverASecondComment()
    {
        var item = await host.FirstAsync(ItemState.Icebox);
        await host.SayAsync("priya", $"promote {item.Key}");
        var key = (await LinkedAsync(item.Number)).Value.IssueKey!;
        jira.Inject("POST", $"/issue/{key}/comment", Fault.LostAnswer);

        await host.SayAsync("priya", $"start {item.Key} override the tracker test needs it");

        await TrackerHost.EventuallyAsync(async () => await host.Trackers.GetLinkAsync("demo", item.Number, TrackerKind.Jira, CancellationToken.None) is { Value: { Pending: false, Pushed.State: ItemState.Active } },
            "the start pushed after the lost answer");
        var comment = jira.Comments.ShouldHaveSingleItem();
        comment.Body.ShouldContain("State: Ready → Active");
        comment.Body.ShouldContain($"(TriageBot {item.Key}/");
        jira.CallsTo("POST", $"/issue/{key}/comment").Count.ShouldBe(1, "the retry found the comment and did not post it again");
        jira.CallsTo("GET", $"/issue/{key}/comment").ShouldHaveSingleItem().Path.ShouldContain("orderBy=-created");
    }

    [Fact]
    public async Task TheOwner_IsPushedAsTheIssuesAssignee_ThroughTheMembersLinkedAccountId()
    {
        (await host.SayAsync("priya", "link @priya jira 5b10ac8d82e05b22cc7d4ef5")).ShouldContain("5b10ac8d82e05b22cc7d4ef5");
        var item = await host.FirstAsync(ItemState.Icebox);
        await host.SayAsync("priya", $"promote {item.Key}");
        var key = (await LinkedAsync(item.Number)).Value.IssueKey!;
        jira.Issues[key]["fields"]!["assignee"].ShouldBeNull();

        (await host.SayAsync("priya", $"start {item.Key} override the tracker test needs it")).ShouldContain("Active");

        await TrackerHost.EventuallyAsync(() => Task.FromResult(jira.Issues[key]["fields"]!["assignee"]?["accountId"]?.GetValue<string>() == "5b10ac8d82e05b22cc7d4ef5"), "Priya's account assigned");
        jira.CallsTo("PUT", $"/issue/{key}/assignee").ShouldHaveSingleItem().Body.ShouldContain("5b10ac8d82e05b22cc7d4ef5");
    }

    private static object Updated(System.Text.Json.Nodes.JsonObject issue, bool done, string? resolution) => new
    {
        webhookEvent = "jira:issue_updated",
        user = new { accountId = "5b10ac8d82e05b22cc7d4ef5" },
        issue = new
        {
            id = issue["id"]!.GetValue<string>(),
            key = issue["key"]!.GetValue<string>(),
            fields = new
            {
                status = new { name = done ? "Done" : "To Do", statusCategory = new { key = done ? "done" : "new" } },
                resolution = resolution is null ? null : new { name = resolution },
            },
        },
        changelog = new { items = new[] { new { field = "resolution" }, new { field = "status" } } },
    };
}
