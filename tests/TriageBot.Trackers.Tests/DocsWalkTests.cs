using System.Net;
using System.Text.RegularExpressions;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Rubric;
using TriageBot.Trackers.Tests.Fakes;

namespace TriageBot.Trackers.Tests;

/// <summary>
/// docs/trackers.md, "Set up GitHub" → "With a fine-grained token", walked as written through the real host: the settings,
/// the webhook's ping, `connect` (shown to anyone), `link @person`, `link TRI-n #12`, an item placed in Sprint getting
/// `[TRI-n] …` with the labels the page names, GitHub closing issues (completed → Done, not planned → Closed with the
/// resolution), and `disconnect`.
/// </summary>
public sealed partial class DocsWalkTests : IAsyncDisposable
{
    private const string Repo = "acme/app";
    private readonly FakeGitHub github = new(Repo);

    [Fact]
    public async Task TheTokenSetupAndCommands_AsDocsTrackersMdWordsThem_DoWhatItSays()
    {
        // Step 4: Trackers__GitHub__Token, Trackers__GitHub__WebhookSecret, PublicBaseUrl (the host's settings).
        await using var host = new TrackerHost(github);
        await host.SeedAsync();

        // Step 6: the webhook's Recent Deliveries show GitHub's ping answered 200 (signed with the secret; unsigned refused).
        using (var ping = await host.GitHubWebhookAsync("ping-1", new { zen = "Keep it logically awesome.", hook_id = 1 }, @event: "ping"))
        {
            ping.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var forged = await host.GitHubWebhookAsync("ping-2", new { zen = "x" }, secret: "not the secret", @event: "ping"))
        {
            forged.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        // Step 5: connect (facilitators), then link each engineer; `connect` alone is for anyone.
        (await host.SayAsync("priya", $"connect github {Repo}")).ShouldContain("Connected");
        (await host.SayAsync("mei", "link @arjun github arjun-gh")).ShouldContain("facilitator");
        (await host.SayAsync("priya", "link @arjun github arjun-gh")).ShouldContain("arjun-gh");
        var shown = await host.SayAsync("mei", "connect");
        shown.ShouldContain($"GitHub: {Repo}");
        shown.ShouldContain("1 person's account is linked");

        // The commands table: `link TRI-42 <issue>` with the short `#12` form, by an engineer.
        var existing = github.AddIssue(Repo, "Search is slow");
        var active = await host.FirstAsync(ItemState.Active);
        (await host.SayAsync("arjun", $"link {active.Key} #{existing["number"]}")).ShouldContain($"{active.Key} is linked to {Repo}#{existing["number"]}");

        // Step 6: "Place an item in Sprint: within a few seconds the repository has [TRI-n] …", labelled as the page says.
        var item = await FirstNewBugAsync(host);
        var form = await host.SayAsync("priya", $"score {item.Key}");
        var arg = ArgPattern().Match(form).Groups[1].Value;
        var values = Enum.GetValues<Dimension>().ToDictionary(Forms.ScoreField, _ => "3");
        values[Forms.ReasonField(Dimension.Impact)] = "Every checkout on Safari fails";
        values[Forms.ScoreAndPlace] = Forms.PlaceNow;
        (await host.SubmitAsync("priya", FormIds.Vote, arg, values)).ShouldNotContain("formErrors");
        (await host.ItemAsync(item.Number)).State.ShouldBe(ItemState.Sprint);
        var link = await TrackerHost.EventuallyAsync(async () => await host.Trackers.GetLinkAsync("demo", item.Number, TrackerKind.GitHub, CancellationToken.None) is { Value.IssueId: not null, Value.Pending: false } l ? l : null,
            "the issue created");
        var number = long.Parse(link.Value.IssueKey!.Split('#')[1], System.Globalization.CultureInfo.InvariantCulture);
        var issue = github.Issues[(Repo, number)];
        issue["title"]!.GetValue<string>().ShouldBe($"[{item.Key}] {item.Title}");
        var labels = issue["labels"]!.ToJsonString();
        foreach (var label in new[] { "triagebot", "stream: bug", "triage: sprint" })
        {
            labels.ShouldContain($"\"{label}\"");
        }

        // "Pull": closed as not planned → Closed with the resolution as its rationale; reopened → Active; completed → Done.
        object Event(string action, string? reason, int n) => new
        {
            action,
            issue = new { id = issue["id"]!.GetValue<long>(), number, state_reason = reason, title = issue["title"]!.GetValue<string>() },
            repository = new { full_name = Repo },
            sender = new { login = "arjun-gh" },
        };
        (await host.GitHubWebhookAsync("walk-1", Event("closed", "not_planned", 1))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var closed = await TrackerHost.EventuallyAsync(async () => await host.ItemAsync(item.Number) is { State: ItemState.Closed } i ? i : null, "the item Closed");
        closed.ClosedRationale.ShouldNotBeNull().ShouldContain("not planned");
        (await host.GitHubWebhookAsync("walk-2", Event("reopened", null, 2))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await TrackerHost.EventuallyAsync(async () => (await host.ItemAsync(item.Number)).State == ItemState.Active, "the item Active again");
        (await host.GitHubWebhookAsync("walk-3", Event("closed", "completed", 3))).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await TrackerHost.EventuallyAsync(async () => (await host.ItemAsync(item.Number)).State == ItemState.Done, "the item Done");

        // disconnect: stops syncing; links stay.
        (await host.SayAsync("priya", "disconnect github")).ShouldContain("is no longer connected to GitHub");
        (await host.Trackers.GetLinkAsync("demo", item.Number, TrackerKind.GitHub, CancellationToken.None)).ShouldNotBeNull();
        github.CallsTo("POST", $"/repos/{Repo}/issues").Count(c => !c.Path.Contains("comments", StringComparison.Ordinal)).ShouldBe(1);
    }

    private static async Task<Item> FirstNewBugAsync(TrackerHost host)
    {
        await foreach (var i in host.Store.Items.QueryAsync(new ItemQuery("demo") { States = [ItemState.New] }, CancellationToken.None))
        {
            if (i.Stream == WorkStream.Bug && i.ImportId is null)
            {
                return i;
            }
        }

        throw new InvalidOperationException("No New bug in the demo backlog.");
    }

    public async ValueTask DisposeAsync() => await github.DisposeAsync();

    [GeneratedRegex("\"arg\":\"([^\"]+)\"")]
    private static partial Regex ArgPattern();
}
