using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Core.Ports;
using TriageBot.Slack.Blocks;
using TriageBot.Slack.Installations;
using TriageBot.Slack.Tests.Fakes;
using TriageBot.Slack.WebApi;
using TriageBot.Storage;
using static TriageBot.Tests.Slack.Install.Workspaces;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack.Install;

/// <summary>
/// Issue 20: an instance keeps its copy of an installation for <c>Slack:InstallationCacheTtl</c> (30 s), so requests and
/// their Web API calls do not each read the store; what another instance changes is seen within that bound, and at once when
/// Slack says the token no longer works.
/// </summary>
public sealed class InstallationCacheTests
{
    /// <summary>The store as the host has it, counting reads by key.</summary>
    private sealed class CountingInstallations(IInstallationStore inner) : IInstallationStore
    {
        public ConcurrentDictionary<string, int> Reads { get; } = new(StringComparer.Ordinal);

        public Task<Versioned<Installation>?> GetAsync(string key, CancellationToken ct)
        {
            Reads.AddOrUpdate(key, 1, (_, n) => n + 1);
            return inner.GetAsync(key, ct);
        }

        public Task SaveAsync(Installation installation, CancellationToken ct) => inner.SaveAsync(installation, ct);
        public Task<Versioned<Installation>?> TryReplaceAsync(Installation installation, string etag, CancellationToken ct) => inner.TryReplaceAsync(installation, etag, ct);
        public Task<bool> DeleteAsync(string key, CancellationToken ct) => inner.DeleteAsync(key, ct);
        public Task<bool> TryUseOnceAsync(string nonce, DateTimeOffset expiresAt, CancellationToken ct) => inner.TryUseOnceAsync(nonce, expiresAt, ct);
        public IAsyncEnumerable<Versioned<Installation>> ListAsync(CancellationToken ct) => inner.ListAsync(ct);
    }

    private static void Counting(IWebHostBuilder b) =>
        b.ConfigureTestServices(s => s.AddSingleton<IInstallationStore>(sp => new CountingInstallations(sp.GetRequiredService<StorageBackend>().Installations)));

    private static async Task<bool> AcceptedAsync(SlackHost h, string team = Team)
    {
        var answer = await CommandAsync(h, team, Ada, "help");
        answer.StatusCode.ShouldBe(HttpStatusCode.OK);
        return !TextOf(await JsonBody(answer)).Contains("not installed in this workspace", StringComparison.Ordinal);
    }

    /// <summary>An outbound Web API call for <paramref name="team"/> through the host's client (the path every delivery takes).</summary>
    private static async Task<string?> PostAsAsync(SlackHost h, string team, string text)
    {
        SlackWorkspace.Current = new SlackTenant(team);
        try
        {
            return await h.Services.GetRequiredService<SlackApiClient>().PostMessageAsync(Channel, new SlackMessage(text, []), null, default);
        }
        catch (SlackApiException e)
        {
            return e.Message;
        }
        finally
        {
            SlackWorkspace.Current = null;
        }
    }

    [Fact]
    public async Task Twelve_requests_of_one_workspace_and_the_web_api_calls_they_make_read_its_installation_from_the_store_once()
    {
        await using var h = await SlackHost.StartAsync(b => { On(b); Counting(b); b.UseSetting("Slack:InstallationCacheTtl", "00:05:00"); });
        await InstallAsync(h, GrantA);
        var store = (CountingInstallations)h.Services.GetRequiredService<IInstallationStore>();
        store.Reads.Clear();

        await SetUpAsync(h, Team, "Payments");
        await ReportAsync(h, Team, "Refunds double-charge");
        for (var i = 0; i < 8; i++)
        {
            (await AcceptedAsync(h)).ShouldBeTrue();
        }

        await h.WaitForAsync("chat.postMessage", c => Mentions(c, "Refunds double-charge"), "the intake confirmation");
        h.Api.Calls.With(GrantA.AccessToken).Count().ShouldBeGreaterThanOrEqualTo(3);
        store.Reads.GetValueOrDefault("T:" + Team).ShouldBe(1, string.Join(", ", store.Reads.Select(r => $"{r.Key}={r.Value}")));
    }

    [Fact]
    public async Task An_uninstall_on_one_instance_stops_the_other_instances_requests_and_web_api_calls_within_the_thirty_second_bound()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("triagebot-cache-").FullName, "shared.db");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var api = await FakeSlackApi.StartAsync();
        void Shared(IWebHostBuilder b)
        {
            On(b);
            b.UseSetting("Storage:SqlitePath", file);
        }

        await using var one = await SlackHost.StartAsync(Shared, api);
        await using var two = await SlackHost.StartAsync(b => { Shared(b); b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(time)); }, api);
        await InstallAsync(one, GrantA);
        (await AcceptedAsync(two)).ShouldBeTrue();
        (await PostAsAsync(two, Team, "before the uninstall")).ShouldNotBeNull().ShouldNotContain("not_installed");

        // Slack tells instance one; this fake Slack keeps accepting the old token, so only the bound stops instance two.
        (await one.EventAsync(Event(Team, new JsonObject { ["type"] = "app_uninstalled" }))).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await AcceptedAsync(one)).ShouldBeFalse("the instance that removed it knows at once");
        time.Advance(TimeSpan.FromSeconds(29));
        (await AcceptedAsync(two)).ShouldBeTrue("within the bound the other instance still uses its copy");
        time.Advance(TimeSpan.FromSeconds(2));
        (await AcceptedAsync(two)).ShouldBeFalse("after 30 s the other instance has read the store again");
        (await PostAsAsync(two, Team, "after the uninstall")).ShouldNotBeNull().ShouldContain("not_installed");
        api.CallsTo("chat.postMessage").ShouldNotContain(c => Mentions(c, "after the uninstall"));
    }

    /// <summary>Two instances on one SQLite file and one fake Slack, keeping their copies 5 minutes (so only Slack's answers make them read again).</summary>
    private static async Task<(SlackHost One, SlackHost Two)> TwoInstancesWithLongCopiesAsync(FakeSlackApi api)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("triagebot-cache-").FullName, "shared.db");
        void Shared(IWebHostBuilder b)
        {
            On(b);
            b.UseSetting("Storage:SqlitePath", file);
            b.UseSetting("Slack:InstallationCacheTtl", "00:05:00");
        }

        return (await SlackHost.StartAsync(Shared, api), await SlackHost.StartAsync(Shared, api));
    }

    [Fact]
    public async Task When_slack_answers_token_revoked_the_other_instance_forgets_its_copy_at_once_and_refuses_the_next_request()
    {
        await using var api = await FakeSlackApi.StartAsync();
        var (one, two) = await TwoInstancesWithLongCopiesAsync(api);
        await using var _ = one;
        await using var __ = two;
        await InstallAsync(one, GrantA);
        (await AcceptedAsync(two)).ShouldBeTrue();

        api.OAuth.Revoke(GrantA.AccessToken);
        (await one.EventAsync(Event(Team, new JsonObject
        {
            ["type"] = "tokens_revoked",
            ["tokens"] = new JsonObject { ["oauth"] = new JsonArray(), ["bot"] = new JsonArray("UBOTA") },
        }))).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await PostAsAsync(two, Team, "with the revoked token")).ShouldNotBeNull().ShouldContain("token_revoked");
        (await AcceptedAsync(two)).ShouldBeFalse("Slack's token_revoked made instance two read the store again, 5 minutes before its copy expired");
        (await PostAsAsync(two, Team, "after the revoke")).ShouldNotBeNull().ShouldContain("not_installed");
    }

    [Fact]
    public async Task A_reinstall_on_one_instance_is_used_by_the_other_after_slack_refuses_the_old_token()
    {
        await using var api = await FakeSlackApi.StartAsync();
        var (one, two) = await TwoInstancesWithLongCopiesAsync(api);
        await using var _ = one;
        await using var __ = two;
        await InstallAsync(one, GrantA);
        (await PostAsAsync(two, Team, "first token")).ShouldNotBeNull().ShouldNotContain("not_installed");

        // Re-installed (a new token) on instance one; Slack no longer accepts the old one.
        await InstallAsync(one, GrantA with { AccessToken = "xoxb-team-a-reinstalled" });
        api.OAuth.Revoke(GrantA.AccessToken);

        (await PostAsAsync(two, Team, "old token refused")).ShouldNotBeNull().ShouldContain("token_revoked");
        (await PostAsAsync(two, Team, "new token used")).ShouldNotBeNull().ShouldNotContain("token_revoked");
        api.CallsTo("chat.postMessage").Last().Authorization.ShouldBe("Bearer xoxb-team-a-reinstalled");
    }
}
