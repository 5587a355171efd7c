using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Core.Ports;
using TriageBot.Slack.Installations;
using TriageBot.Slack.Tests.Fakes;
using TriageBot.Tests.Cli;
using static TriageBot.Tests.Slack.Install.Workspaces;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack.Install;

/// <summary>
/// Issue 20: rotating <c>Slack:InstallationKey</c> loses no installation: the previous key still opens what it sealed, rows
/// are sealed again with the new key on use or by <c>reseal-installations</c>, and a start with no key for a stored row is refused.
/// </summary>
public sealed class KeyRotationTests
{
    private static readonly byte[] NewKeyBytes = [.. Enumerable.Range(101, 32).Select(i => (byte)i)];
    private static readonly string NewKey = Convert.ToBase64String(NewKeyBytes);
    private static readonly string OldKeyId = TokenCipher.KeyId(Convert.FromBase64String(InstallationKey));

    private static Action<IWebHostBuilder> OnFile(string file, string key, params string[] previous) => b =>
    {
        On(b);
        b.UseSetting("Storage:SqlitePath", file);
        b.UseSetting("Slack:InstallationKey", key);
        for (var i = 0; i < previous.Length; i++)
        {
            b.UseSetting($"Slack:PreviousInstallationKeys:{i}", previous[i]);
        }
    };

    private static async Task<Installation> RowAsync(SlackHost h, string team) =>
        (await h.Services.GetRequiredService<IInstallationStore>().GetAsync("T:" + team, default)).ShouldNotBeNull().Value;

    /// <summary>Two workspaces installed by a deployment whose key is <see cref="Workspaces.InstallationKey"/>; returns the SQLite file.</summary>
    private static async Task<string> InstalledWithOldKeyAsync(FakeSlackApi api, CliRun cli)
    {
        var file = cli.DatabasePath;
        await using var before = await SlackHost.StartAsync(OnFile(file, InstallationKey), api);
        await InstallAsync(before, GrantA with { RefreshToken = "xoxe-1-refresh-a", ExpiresIn = 43200 });
        await InstallAsync(before, GrantB);
        return file;
    }

    private static async Task<List<Versioned<Installation>>> ListAsync(string file)
    {
        var store = new Storage.Sqlite.SqliteTriageStore(file);
        await store.InitializeAsync(default);
        return await store.Backend.Installations.ListAsync(default).ToListAsync();
    }

    [Fact]
    public async Task After_a_rotation_the_previous_key_opens_old_rows_a_used_row_is_sealed_again_and_reseal_installations_does_the_rest()
    {
        await using var api = await FakeSlackApi.StartAsync();
        using var cli = new CliRun();
        var file = await InstalledWithOldKeyAsync(api, cli);

        await using (var rotated = await SlackHost.StartAsync(OnFile(file, NewKey, InstallationKey), api))
        {
            await SetUpAsync(rotated, Team, "Payments");

            api.CallsTo("views.open").Last().Authorization.ShouldBe("Bearer " + GrantA.AccessToken);
            var a = await RowAsync(rotated, Team);
            a.SealedBotToken.ShouldStartWith($"aesgcm1.{TokenCipher.KeyId(NewKeyBytes)}.");
            a.SealedRefreshToken.ShouldNotBeNull().ShouldStartWith($"aesgcm1.{TokenCipher.KeyId(NewKeyBytes)}.");
            (await RowAsync(rotated, Other)).SealedBotToken.ShouldStartWith($"aesgcm1.{OldKeyId}.", customMessage: "a row nobody used is still sealed with the old key");
        }

        cli.Settings["Slack:InstallationKey"] = NewKey;
        cli.Settings["Slack:PreviousInstallationKeys:0"] = InstallationKey;
        var resealed = await cli.RunAsync("reseal-installations");
        resealed.ExitCode.ShouldBe(0, resealed.Error);
        resealed.Out.ShouldContain("2 installation(s): 1 sealed again with key " + TokenCipher.KeyId(NewKeyBytes) + ", 1 already were.");

        // The old key can now be dropped: a deployment with only the new one serves both workspaces.
        await using var newOnly = await SlackHost.StartAsync(OnFile(file, NewKey), api);
        await SetUpAsync(newOnly, Other, "Search");
        api.CallsTo("views.open").Last().Authorization.ShouldBe("Bearer " + GrantB.AccessToken);
    }

    [Fact]
    public async Task A_deployment_whose_keys_open_no_stored_installation_refuses_to_start_naming_the_key_that_sealed_them_and_changes_nothing()
    {
        await using var api = await FakeSlackApi.StartAsync();
        using var cli = new CliRun();
        var file = await InstalledWithOldKeyAsync(api, cli);
        var before = await ListAsync(file);

        var refused = await Should.ThrowAsync<Exception>(async () =>
        {
            await using var h = await SlackHost.StartAsync(OnFile(file, NewKey), api);
        });

        var why = refused.ToString();
        why.ShouldContain($"2 of 2 Slack installation(s) were sealed with an installation key this instance does not have: key id {OldKeyId} (2 rows)");
        why.ShouldContain("Slack:PreviousInstallationKeys");
        var after = await ListAsync(file);
        after.Select(r => r.ETag).Order().ShouldBe(before.Select(r => r.ETag).Order());
    }

    [Fact]
    public async Task Reseal_installations_without_the_key_that_sealed_a_row_names_the_row_exits_1_and_leaves_it_as_it_was()
    {
        await using var api = await FakeSlackApi.StartAsync();
        using var cli = new CliRun();
        var file = await InstalledWithOldKeyAsync(api, cli);
        cli.Settings["Slack:InstallationKey"] = NewKey;

        var result = await cli.RunAsync("reseal-installations");

        result.ExitCode.ShouldBe(1);
        result.Error.ShouldContain("key id " + OldKeyId);
        result.Error.ShouldContain("T:" + Team);
        var rows = await ListAsync(file);
        rows.ShouldAllBe(r => r.Value.SealedBotToken.StartsWith($"aesgcm1.{OldKeyId}.", StringComparison.Ordinal));
    }
}
