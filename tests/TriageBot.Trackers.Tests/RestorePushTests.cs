using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Cli;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Storage.Tests.Azurite;
using TriageBot.Trackers.Sync;
using TriageBot.Trackers.Tests.Fakes;

namespace TriageBot.Trackers.Tests;

public sealed class RestorePushOnSqliteTests() : RestorePushTests(null);

public sealed class RestorePushOnAzureTablesTests(AzuriteFixture azurite) : RestorePushTests(azurite.ConnectionString);

/// <summary>
/// A backlog restored from a backup (the real <c>restore</c> command, against the running host's store): a linked item whose
/// restored state differs from what was last pushed is pushed again — once — without waiting for its next change.
/// </summary>
public abstract class RestorePushTests(string? azurite) : IAsyncLifetime
{
    private const string Repo = "acme/app";
    private readonly FakeGitHub github = new(Repo);
    private readonly string folder = Directory.CreateTempSubdirectory("triagebot-restore-push-").FullName;
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
        Directory.Delete(folder, recursive: true);
    }

    private async Task<string> CliAsync(params string[] args)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(host.StorageSettings).Build();
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await Cli.Cli.RunAsync(args, configuration, new CliContext { Out = output, Error = error, ErrorIsTerminal = false, ContentRoot = folder },
            TestContext.Current.CancellationToken);
        code.ShouldBe(ExitCodes.Ok, $"{string.Join(' ', args)}: {error}");
        return error.ToString();
    }

    private Task<Versioned<TrackerLink>> PushedAsync(int number, ItemState state) =>
        TrackerHost.EventuallyAsync(async () => await host.Trackers.GetLinkAsync("demo", number, TrackerKind.GitHub, CancellationToken.None)
            is { Value: { IssueId: not null, Pending: false, Pushed.State: var pushed } } l && pushed == state ? l : null, $"item {number} pushed as {state}");

    [Fact]
    public async Task ARestoredItem_WhoseStateDiffersFromWhatWasPushed_IsPushedAgainOnce_WithoutWaitingForItsNextChange()
    {
        (await host.SayAsync("priya", $"connect github {Repo} ready")).ShouldContain("Connected");
        var item = await host.FirstAsync(ItemState.Icebox);
        await host.SayAsync("priya", $"promote {item.Key}");
        await PushedAsync(item.Number, ItemState.Ready);
        var backup = Path.Combine(folder, "demo.json");
        await CliAsync("backup", "--backlog", "demo", "--out", backup);

        (await host.SayAsync("priya", $"start {item.Key} override the restore test needs it")).ShouldContain("Active");
        await PushedAsync(item.Number, ItemState.Active);
        var issue = github.Issues.Values.Single(i => i["title"]!.GetValue<string>().StartsWith($"[{item.Key}] ", StringComparison.Ordinal));
        var number = issue["number"]!.GetValue<long>();
        github.Issues[(Repo, number)]["labels"]!.ToJsonString().ShouldContain("triage: active");
        var patchesBefore = github.CallsTo("PATCH", $"/repos/{Repo}/issues/{number}").Count;

        (await CliAsync("restore", backup, "--replace")).ShouldContain("Restored 'demo'");

        (await host.ItemAsync(item.Number)).State.ShouldBe(ItemState.Ready, "the backup's state is back");
        await PushedAsync(item.Number, ItemState.Ready);
        await TrackerHost.EventuallyAsync(() => Task.FromResult(github.Issues[(Repo, number)]["labels"]!.ToJsonString().Contains("triage: ready", StringComparison.Ordinal)),
            "the issue labelled with the restored placement");
        github.Issues[(Repo, number)]["labels"]!.ToJsonString().ShouldNotContain("triage: active");
        github.Comments.Count(c => c.Number == number && c.Body.Contains("State: Active → Ready", StringComparison.Ordinal)).ShouldBe(1);

        // Never twice: more rounds of the worker (its event overlap re-reads the restored events) change nothing more.
        var patchesAfter = github.CallsTo("PATCH", $"/repos/{Repo}/issues/{number}").Count;
        patchesAfter.ShouldBe(patchesBefore + 1);
        var sync = host.Services.GetRequiredService<TrackerSync>();
        await sync.RunOnceAsync(CancellationToken.None);
        await sync.RunOnceAsync(CancellationToken.None);

        github.CallsTo("PATCH", $"/repos/{Repo}/issues/{number}").Count.ShouldBe(patchesAfter);
        github.Comments.Count(c => c.Number == number && c.Body.Contains("State: Active → Ready", StringComparison.Ordinal)).ShouldBe(1);
        github.CallsTo("POST", $"/repos/{Repo}/issues").Count(c => !c.Path.Contains("comments", StringComparison.Ordinal)).ShouldBe(1, "no second issue");
    }
}
