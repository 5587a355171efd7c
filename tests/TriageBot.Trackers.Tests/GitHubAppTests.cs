using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Trackers.GitHub;
using TriageBot.Trackers.Tests.Fakes;

namespace TriageBot.Trackers.Tests;

/// <summary>GitHub App authentication: app JWTs verified by the fake's public key, installation tokens that expire, revocation.</summary>
public sealed class GitHubAppTests : IAsyncDisposable
{
    private const string Repo = "acme/app";
    private const long Installation = 4242;
    private readonly FakeGitHub github = new(Repo);

    private static TrackerConnection Connection => new()
    {
        BacklogId = "demo",
        Kind = TrackerKind.GitHub,
        Target = Repo,
        ConnectedBy = new UserRef(Platform.Slack, "U1", "Priya"),
        ConnectedAt = DateTimeOffset.UnixEpoch,
    };

    private static Dictionary<string, string?> AppSettings(FakeGitHubApp app, bool withInstallation = true) => new()
    {
        ["Trackers:GitHub:Token"] = "",
        ["Trackers:GitHub:AppId"] = app.AppId,
        ["Trackers:GitHub:PrivateKey"] = app.PrivateKeyPem,
        ["Trackers:GitHub:InstallationId"] = withInstallation ? Installation.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
    };

    private GitHubTracker Tracker(FakeGitHubApp app, TimeProvider time, bool withInstallation = true, string? privateKey = null) =>
        new(Options.Create(new TrackerOptions
        {
            GitHub = new GitHubOptions
            {
                ApiBaseUrl = github.BaseUrl,
                AppId = app.AppId,
                PrivateKey = privateKey ?? app.PrivateKeyPem,
                InstallationId = withInstallation ? Installation : null,
            },
            RequestTimeout = TimeSpan.FromSeconds(10),
        }), time);

    [Fact]
    public async Task AFacilitatorConnectsWithAnApp_AndThePlacedItemsIssueIsCreated_WithOneInstallationTokenForEveryCall()
    {
        using var app = new FakeGitHubApp("Iv1.triagebot", Installation, TimeProvider.System);
        github.App = app;
        await using var host = new TrackerHost(github, extra: AppSettings(app));
        await host.SeedAsync();

        (await host.SayAsync("priya", $"connect github {Repo} ready")).ShouldContain("Connected");
        var item = await host.FirstAsync(ItemState.Icebox);
        await host.SayAsync("priya", $"promote {item.Key}");
        await TrackerHost.EventuallyAsync(async () => await host.Trackers.GetLinkAsync("demo", item.Number, TrackerKind.GitHub, CancellationToken.None) is { Value.IssueId: not null } ? true : (bool?)null,
            "the issue created as the app's installation");

        github.Issues.Values.ShouldHaveSingleItem()["title"]!.GetValue<string>().ShouldStartWith($"[{item.Key}]");
        app.Refusals.ShouldBeEmpty();
        app.Issued.Count.ShouldBe(1, "one installation token for the connect checks and the create");
        github.CallsTo("POST", $"/app/installations/{Installation}/access_tokens").Count.ShouldBe(1);
    }

    [Fact]
    public async Task TheInstallationToken_IsReusedUntilFiveMinutesBeforeItExpires_ThenExchangedForANewOne()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 9, 0, 0, TimeSpan.Zero));
        using var app = new FakeGitHubApp("123456", Installation, time);
        github.App = app;
        using var tracker = Tracker(app, time);

        await tracker.CheckAsync(Connection, CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(30));
        await tracker.CheckAsync(Connection, CancellationToken.None);
        (await tracker.GetIssueAsync(Connection, "#1", CancellationToken.None)).ShouldBeNull();
        app.Issued.Count.ShouldBe(1, "reused within its hour");

        time.Advance(TimeSpan.FromMinutes(26)); // 56 minutes in: less than 5 minutes left
        await tracker.CheckAsync(Connection, CancellationToken.None);
        app.Issued.Count.ShouldBe(2, "refreshed before expires_at");

        time.Advance(TimeSpan.FromHours(2)); // both expired: the next call exchanges again rather than sending a dead token
        await tracker.CheckAsync(Connection, CancellationToken.None);
        app.Issued.Count.ShouldBe(3);
        app.Refusals.ShouldBeEmpty();
        github.CallsTo("GET", $"/repos/{Repo}").Count.ShouldBe(5, "four checks and one issue read, each let in by the fake with a live token");
    }

    [Fact]
    public async Task WithoutAnInstallationId_TheRepositorysInstallationIsLookedUpOnce_WithTheAppJwt()
    {
        using var app = new FakeGitHubApp("123456", Installation, TimeProvider.System);
        github.App = app;
        using var tracker = Tracker(app, TimeProvider.System, withInstallation: false);

        await tracker.CheckAsync(Connection, CancellationToken.None);
        await tracker.CheckAsync(Connection, CancellationToken.None);

        github.CallsTo("GET", $"/repos/{Repo}/installation").Count.ShouldBe(1);
        app.Issued.Count.ShouldBe(1);
    }

    [Fact]
    public async Task AJwtSignedWithAnotherKey_IsRefusedByGitHub_AndTheCallFailsAsUnauthorized()
    {
        using var app = new FakeGitHubApp("123456", Installation, TimeProvider.System);
        using var other = System.Security.Cryptography.RSA.Create(2048);
        github.App = app;
        using var tracker = Tracker(app, TimeProvider.System, privateKey: other.ExportRSAPrivateKeyPem());

        var e = await Should.ThrowAsync<TrackerException>(() => tracker.CheckAsync(Connection, CancellationToken.None));

        e.Failure.ShouldBe(TrackerFailure.Unauthorized);
        e.Message.ShouldContain("installation token");
        app.Refusals.ShouldHaveSingleItem().ShouldContain("signature");
        app.Issued.ShouldBeEmpty();
    }

    [Fact]
    public async Task ARevokedApp_StopsTheLink_WithOneNoteOnTheItem_AndTellsTheFacilitatorsOnce()
    {
        using var app = new FakeGitHubApp("Iv1.triagebot", Installation, TimeProvider.System);
        github.App = app;
        await using var host = new TrackerHost(github, extra: AppSettings(app));
        await host.SeedAsync();
        (await host.SayAsync("priya", $"connect github {Repo} ready")).ShouldContain("Connected");
        var item = await host.FirstAsync(ItemState.Icebox);

        app.Revoked = true; // the cached token is refused too: exchanged again once, and that is refused
        await host.SayAsync("priya", $"promote {item.Key}");

        var link = await TrackerHost.EventuallyAsync(async () => await host.Trackers.GetLinkAsync("demo", item.Number, TrackerKind.GitHub, CancellationToken.None) is { Value.Failed: true } l ? l : null,
            "the link stopped");
        link.Value.LastError.ShouldNotBeNull().ShouldContain("revoked");
        github.Issues.ShouldBeEmpty();
        const string notice = "is no longer synced with GitHub";
        using var http = host.Http();
        var feed = await TrackerHost.EventuallyAsync(async () => await http.GetStringAsync("/playground/api/feed?as=priya") is var f && f.Contains(notice, StringComparison.Ordinal) ? f : null,
            "the facilitators told");
        feed.Split(notice).Length.ShouldBe(2, "told once");
        var notes = 0;
        await foreach (var h in host.Store.History.ForItemAsync("demo", item.Number, CancellationToken.None))
        {
            notes += h.Reason?.StartsWith("Syncing with GitHub stopped", StringComparison.Ordinal) == true ? 1 : 0;
        }

        notes.ShouldBe(1);
    }

    public async ValueTask DisposeAsync() => await github.DisposeAsync();
}
