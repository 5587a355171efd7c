using System.Net;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Storage.Tests.Azurite;
using TriageBot.Trackers.Tests.Fakes;

[assembly: AssemblyFixture(typeof(AzuriteFixture))]

namespace TriageBot.Trackers.Tests;

public sealed class GitHubSyncOnSqliteTests() : GitHubSyncTests(null);

public sealed class GitHubSyncOnAzureTablesTests(AzuriteFixture azurite) : GitHubSyncTests(azurite.ConnectionString);

/// <summary>GitHub sync end to end: the real host (playground commands), its sync worker, and a fake GitHub on loopback.</summary>
public abstract class GitHubSyncTests(string? azurite) : IAsyncLifetime
{
    private const string Repo = "acme/app";
    private readonly FakeGitHub github = new(Repo);
    private TrackerHost host = null!;

    public async ValueTask InitializeAsync()
    {
        host = new TrackerHost(github, azurite);
        await host.SeedAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await host.DisposeAsync();
        await github.DisposeAsync();
    }

    private async Task ConnectAsync(string extra = " ready")
    {
        (await host.SayAsync("priya", $"connect github {Repo}{extra}")).ShouldContain("Connected");
    }

    private Task<Versioned<TrackerLink>> LinkedAsync(int number) =>
        TrackerHost.EventuallyAsync(async () => await host.Trackers.GetLinkAsync("demo", number, TrackerKind.GitHub, CancellationToken.None) is { Value.IssueId: not null, Value.Pending: false } l ? l : null,
            $"item {number} linked to an issue and pushed");

    [Fact]
    public async Task Connect_ByAMember_IsRefused_AndByAFacilitator_IsShownByConnect()
    {
        (await host.SayAsync("mei", $"connect github {Repo}")).ShouldContain("facilitator");
        (await host.Trackers.ListConnectionsAsync("demo", CancellationToken.None)).ShouldBeEmpty();

        await ConnectAsync("");

        (await host.SayAsync("mei", "connect")).ShouldContain($"GitHub: {Repo}");
        github.CallsTo("GET", $"/repos/{Repo}").ShouldNotBeEmpty();
    }

    [Fact]
    public async Task PlacingAnItem_CreatesOneIssue_WithItsKeyAndDashboardLink_AndStartingIt_UpdatesLabelsAndComments()
    {
        await ConnectAsync();
        var item = await host.FirstAsync(ItemState.Icebox);

        (await host.SayAsync("priya", $"promote {item.Key}")).ShouldNotContain("error", Case.Insensitive);
        var link = await LinkedAsync(item.Number);

        var issue = github.Issues.Values.Single(i => i["title"]!.GetValue<string>().StartsWith($"[{item.Key}] ", StringComparison.Ordinal));
        issue["body"]!.GetValue<string>().ShouldContain("https://triage.example/d/");
        issue["labels"]!.ToJsonString().ShouldContain("triage: ready");
        link.Value.IssueUrl.ShouldBe(issue["html_url"]!.GetValue<string>());
        (await host.ItemAsync(item.Number)).Links.ShouldNotBeNull();

        (await host.SayAsync("priya", $"start {item.Key} override the tracker test needs it")).ShouldContain("Active");

        await TrackerHost.EventuallyAsync(() => Task.FromResult(github.Comments.Any(c => c.Body.Contains("State: Ready → Active", StringComparison.Ordinal))), "a comment saying the item started");
        issue = github.Issues[(Repo, issue["number"]!.GetValue<long>())];
        issue["labels"]!.ToJsonString().ShouldContain("triage: active");
        github.CallsTo("POST", $"/repos/{Repo}/issues").Count(c => !c.Path.Contains("comments", StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public async Task ALostAnswerToTheCreate_IsFollowedByASearchForTheKey_AndNeverASecondIssue()
    {
        await ConnectAsync();
        var item = await host.FirstAsync(ItemState.Icebox);
        github.Inject("POST", $"/repos/{Repo}/issues", Fault.LostAnswer);

        await host.SayAsync("priya", $"promote {item.Key}");
        await LinkedAsync(item.Number);

        github.Issues.Values.Count(i => i["title"]!.GetValue<string>().StartsWith($"[{item.Key}]", StringComparison.Ordinal)).ShouldBe(1);
        github.CallsTo("POST", $"/repos/{Repo}/issues").Count.ShouldBe(1);
        github.CallsTo("GET", "/search/issues").ShouldContain(c => Uri.UnescapeDataString(c.Path).Contains($"[{item.Key}]", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARateLimitedCreate_WaitsForRetryAfter_ThenCreatesOnce()
    {
        await ConnectAsync();
        var item = await host.FirstAsync(ItemState.Icebox);
        github.Inject("POST", $"/repos/{Repo}/issues", Fault.Status, 429, new() { ["Retry-After"] = "1" });

        await host.SayAsync("priya", $"promote {item.Key}");
        await TrackerHost.EventuallyAsync(async () => (await host.Trackers.GetLinkAsync("demo", item.Number, TrackerKind.GitHub, CancellationToken.None))?.Value.LastError?.Contains("rate limit", StringComparison.Ordinal),
            "the rate limit recorded on the link");
        var waiting = (await host.Trackers.GetLinkAsync("demo", item.Number, TrackerKind.GitHub, CancellationToken.None))!.Value;
        (waiting.NextAttemptAt - DateTimeOffset.UtcNow).ShouldBeGreaterThan(TimeSpan.FromMilliseconds(300), "the retry waits for Retry-After (1 s), not the 200 ms backoff");

        await LinkedAsync(item.Number);
        github.CallsTo("POST", $"/repos/{Repo}/issues").Count.ShouldBe(2);
        github.Issues.Count.ShouldBe(1);
    }

    [Fact]
    public async Task ASignedWebhook_ClosingTheIssueAsCompleted_MarksTheItemDone_AndItsReplayAndAForgeryChangeNothing()
    {
        await ConnectAsync();
        var item = await host.FirstAsync(ItemState.Active);
        var existing = github.AddIssue(Repo, "Checkout fails on Safari");
        var number = existing["number"]!.GetValue<long>();
        (await host.SayAsync("priya", $"link {item.Key} {Repo}#{number}")).ShouldContain("is linked to");
        await LinkedAsync(item.Number);

        var closed = Payload("closed", existing, "completed");
        (await host.GitHubWebhookAsync("d-1", closed)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await TrackerHost.EventuallyAsync(async () => (await host.ItemAsync(item.Number)).State == ItemState.Done, "the item is Done");
        // The delivery is marked handled just after the item changes: wait for it, so the replay below meets a handled delivery.
        await TrackerHost.EventuallyAsync(async () => (await host.Trackers.PendingDeliveriesAsync(10, CancellationToken.None)).Count == 0, "the delivery handled");
        var done = await host.ItemAsync(item.Number);

        (await host.GitHubWebhookAsync("d-1", Payload("reopened", existing, null))).StatusCode.ShouldBe(HttpStatusCode.OK, "a replayed delivery id");
        (await host.GitHubWebhookAsync("d-2", Payload("reopened", existing, null), secret: "guessed")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await host.Trackers.PendingDeliveriesAsync(10, CancellationToken.None)).ShouldBeEmpty();
        var after = await host.ItemAsync(item.Number);
        after.State.ShouldBe(ItemState.Done);
        after.HistoryCount.ShouldBe(done.HistoryCount);
    }

    [Fact]
    public async Task AWebhookClosingAsNotPlanned_ClosesTheItemWithTheResolution_AndReopeningMakesItActive()
    {
        await ConnectAsync();
        var item = await host.FirstAsync(ItemState.Ready);
        var existing = github.AddIssue(Repo, "Export to CSV");
        (await host.SayAsync("priya", $"link {item.Key} {existing["html_url"]}")).ShouldContain("is linked to");
        await LinkedAsync(item.Number);

        (await host.GitHubWebhookAsync("n-1", Payload("closed", existing, "not_planned"))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var closed = await TrackerHost.EventuallyAsync(async () => await host.ItemAsync(item.Number) is { State: ItemState.Closed } i ? i : null, "the item is Closed");
        closed.ClosedRationale.ShouldBe($"Closed in {Repo}#{existing["number"]}: not planned");

        (await host.GitHubWebhookAsync("n-2", Payload("reopened", existing, null))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await TrackerHost.EventuallyAsync(async () => (await host.ItemAsync(item.Number)).State == ItemState.Active, "the item is Active again");
    }

    [Fact]
    public async Task Import_CreatesNewItemsWithBacklinks_OncePerIssue()
    {
        await ConnectAsync("");
        github.AddIssue(Repo, "Checkout fails on Safari", "Steps: open checkout", "bug");
        github.AddIssue(Repo, "Checkout should remember the card");
        github.AddIssue(Repo, "Unrelated");

        var first = await host.SayAsync("priya", "import github checkout");
        first.ShouldContain("Imported 2 issues");
        var again = await host.SayAsync("priya", "import github checkout");
        again.ShouldContain("Imported 0 issues");
        again.ShouldContain("2 were already here");

        var imported = new List<Item>();
        await foreach (var i in host.Store.Items.QueryAsync(new ItemQuery("demo") { States = [ItemState.New] }, CancellationToken.None))
        {
            if (i.ImportId?.StartsWith("github:", StringComparison.Ordinal) == true)
            {
                imported.Add(i);
            }
        }

        imported.Count.ShouldBe(2);
        imported.ShouldContain(i => i.Stream == WorkStream.Bug && i.Title == "Checkout fails on Safari" && i.Links.Single() == $"https://github.com/{Repo}/issues/1");
    }

    [Fact]
    public async Task AnIssueGoneFromGitHub_StopsTheLink_RecordsItOnTheItem_AndTellsTheFacilitatorsOnce()
    {
        await ConnectAsync();
        var item = await host.FirstAsync(ItemState.Icebox);
        await host.SayAsync("priya", $"promote {item.Key}");
        var link = await LinkedAsync(item.Number);
        github.Issues.Clear();

        await host.SayAsync("priya", $"start {item.Key} override the tracker test needs it");

        await TrackerHost.EventuallyAsync(async () => (await host.Trackers.GetLinkAsync("demo", item.Number, TrackerKind.GitHub, CancellationToken.None))?.Value.Failed, "the link stopped");
        var history = new List<HistoryEntry>();
        await foreach (var h in host.Store.History.ForItemAsync("demo", item.Number, CancellationToken.None))
        {
            history.Add(h);
        }

        history.Count(h => h.Reason?.StartsWith("Syncing with GitHub stopped", StringComparison.Ordinal) == true).ShouldBe(1);
        link.Value.IssueKey.ShouldNotBeNull();

        // The triage channel (the backlog's report channel) is told, through the outbox and the playground's sender.
        const string notice = "is no longer synced with GitHub";
        using var http = host.Http();
        var feed = await TrackerHost.EventuallyAsync(async () => await http.GetStringAsync("/playground/api/feed?as=priya") is var f && f.Contains(notice, StringComparison.Ordinal) ? f : null,
            "the facilitators told");
        feed.Split(notice).Length.ShouldBe(2, "told once");
    }

    [Fact]
    public async Task ATrackerThatHangsAndFails_LosesNothing_AndTheIssueIsCreatedOnceWhenItAnswers()
    {
        await ConnectAsync();
        var item = await host.FirstAsync(ItemState.Icebox);
        github.Inject("POST", $"/repos/{Repo}/issues", Fault.Hang);
        github.Inject("POST", $"/repos/{Repo}/issues", Fault.Status, 503);
        github.Inject("POST", $"/repos/{Repo}/issues", Fault.Status, 502);

        await host.SayAsync("priya", $"promote {item.Key}");
        var link = await LinkedAsync(item.Number);

        github.CallsTo("POST", $"/repos/{Repo}/issues").Count.ShouldBe(4, "a timeout, two failures, then the create that worked");
        github.Issues.Count.ShouldBe(1);
        link.Value.Attempts.ShouldBe(0);
        link.Value.LastError.ShouldBeNull();
    }

    [Fact]
    public async Task AnAssignedWebhook_MakesTheLinkedMemberTheOwner_AndAnUnknownLoginIsRecordedNotGuessed()
    {
        await ConnectAsync();
        var item = await host.FirstAsync(ItemState.Ready);
        var existing = github.AddIssue(Repo, "Slow search");
        (await host.SayAsync("priya", $"link {item.Key} {Repo}#{existing["number"]}")).ShouldContain("is linked to");
        (await host.SayAsync("priya", "link @arjun github arjun-gh")).ShouldContain("arjun-gh");
        await LinkedAsync(item.Number);

        (await host.GitHubWebhookAsync("a-1", Assigned(existing, "arjun-gh"))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await TrackerHost.EventuallyAsync(async () => (await host.ItemAsync(item.Number)).Owner?.UserId == "arjun", "Arjun owns the item");

        (await host.GitHubWebhookAsync("a-2", Assigned(existing, "stranger"))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await TrackerHost.EventuallyAsync(async () => (await host.Trackers.PendingDeliveriesAsync(10, CancellationToken.None)).Count == 0, "the delivery handled");
        (await host.ItemAsync(item.Number)).Owner!.UserId.ShouldBe("arjun");
        var notes = new List<string>();
        await foreach (var h in host.Store.History.ForItemAsync("demo", item.Number, CancellationToken.None))
        {
            notes.Add(h.Reason ?? "");
        }

        notes.ShouldContain(n => n.Contains("to stranger, who is not linked to a member", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ALostAnswerToAComment_IsFollowedByALookAtTheIssuesRecentComments_AndNeverASecondComment()
    {
        await ConnectAsync();
        var item = await host.FirstAsync(ItemState.Icebox);
        await host.SayAsync("priya", $"promote {item.Key}");
        var number = (await LinkedAsync(item.Number)).Value.IssueKey!.Split('#')[1];
        github.Inject("POST", $"/issues/{number}/comments", Fault.LostAnswer);

        await host.SayAsync("priya", $"start {item.Key} override the tracker test needs it");

        await TrackerHost.EventuallyAsync(async () => await host.Trackers.GetLinkAsync("demo", item.Number, TrackerKind.GitHub, CancellationToken.None) is { Value: { Pending: false, Pushed.State: ItemState.Active } },
            "the start pushed after the lost answer");
        var comment = github.Comments.ShouldHaveSingleItem();
        comment.Body.ShouldContain("State: Ready → Active");
        comment.Body.ShouldContain($"<!-- triagebot:{item.Key}/");
        github.CallsTo("POST", $"/issues/{number}/comments").Count.ShouldBe(1, "the retry found the comment and did not post it again");
        github.CallsTo("GET", $"/issues/{number}/comments").Count.ShouldBe(1);
        (await host.Trackers.GetLinkAsync("demo", item.Number, TrackerKind.GitHub, CancellationToken.None))!.Value.CommentSentAt.ShouldBeNull();
    }

    [Fact]
    public async Task TheOwner_IsPushedAsTheIssuesAssignee_ThroughTheMembersLinkedLogin()
    {
        await ConnectAsync();
        (await host.SayAsync("priya", "link @priya github priya-gh")).ShouldContain("priya-gh");
        var item = await host.FirstAsync(ItemState.Icebox);
        await host.SayAsync("priya", $"promote {item.Key}");
        var number = long.Parse((await LinkedAsync(item.Number)).Value.IssueKey!.Split('#')[1], System.Globalization.CultureInfo.InvariantCulture);
        github.Issues[(Repo, number)]["assignee"].ShouldBeNull();

        (await host.SayAsync("priya", $"start {item.Key} override the tracker test needs it")).ShouldContain("Active");

        await TrackerHost.EventuallyAsync(() => Task.FromResult(github.Issues[(Repo, number)]["assignee"]?["login"]?.GetValue<string>() == "priya-gh"), "Priya's login assigned");
        github.CallsTo("PATCH", $"/issues/{number}").Last().Body.ShouldContain("\"assignees\":[\"priya-gh\"]");
    }

    private static object Assigned(System.Text.Json.Nodes.JsonObject issue, string login) => new
    {
        action = "assigned",
        issue = new { id = issue["id"]!.GetValue<long>(), number = issue["number"]!.GetValue<long>(), title = issue["title"]!.GetValue<string>() },
        assignee = new { login },
        repository = new { full_name = Repo },
        sender = new { login = "octocat" },
    };

    private static object Payload(string action, System.Text.Json.Nodes.JsonObject issue, string? reason) => new
    {
        action,
        issue = new { id = issue["id"]!.GetValue<long>(), number = issue["number"]!.GetValue<long>(), state_reason = reason, title = issue["title"]!.GetValue<string>() },
        repository = new { full_name = Repo },
        sender = new { login = "octocat" },
    };
}
