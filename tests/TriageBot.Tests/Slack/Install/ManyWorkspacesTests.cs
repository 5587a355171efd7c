using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Slack.Installations;
using TriageBot.Slack.Tests.Fakes;
using static TriageBot.Tests.Slack.Install.Workspaces;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack.Install;

/// <summary>Issue 20: one deployment installed in many workspaces, each call with its own workspace's token, through the real host.</summary>
public sealed class ManyWorkspacesTests
{
    [Fact]
    public async Task Two_workspaces_on_one_deployment_each_set_up_a_backlog_in_a_channel_of_the_same_id_and_each_sees_only_its_own()
    {
        await using var h = await SlackHost.StartAsync(On);
        await InstallAsync(h, GrantA);
        await InstallAsync(h, GrantB);

        await SetUpAsync(h, Team, "Payments");
        await SetUpAsync(h, Other, "Search");
        await ReportAsync(h, Team, "Refunds double-charge");
        await ReportAsync(h, Other, "Ranking ignores typos");

        // Same channel id, two workspaces: two bindings, two backlogs.
        (await h.Store.Bindings.GetAsync(Platform.Slack, Team, Channel, default)).ShouldNotBeNull().BacklogId.ShouldBe("payments");
        (await h.Store.Bindings.GetAsync(Platform.Slack, Other, Channel, default)).ShouldNotBeNull().BacklogId.ShouldBe("search");
        var listA = TextOf(await JsonBody(await CommandAsync(h, Team, Ada, "list")));
        var listB = TextOf(await JsonBody(await CommandAsync(h, Other, Ada, "list")));
        listA.ShouldContain("Refunds double-charge");
        listA.ShouldNotContain("Ranking ignores typos");
        listB.ShouldContain("Ranking ignores typos");
        listB.ShouldNotContain("Refunds double-charge");

        // Every call for a workspace carried that workspace's token, never the other's nor Slack:BotToken.
        var a = await h.WaitForAsync("chat.postMessage", c => Mentions(c, "Refunds double-charge"), "A's intake confirmation");
        var b = await h.WaitForAsync("chat.postMessage", c => Mentions(c, "Ranking ignores typos"), "B's intake confirmation");
        a.Authorization.ShouldBe("Bearer " + GrantA.AccessToken);
        b.Authorization.ShouldBe("Bearer " + GrantB.AccessToken);
        var opens = h.Api.CallsTo("views.open");
        opens.Select(c => c.Authorization).ShouldBe([.. new[] { GrantA, GrantB, GrantA, GrantB }.Select(g => "Bearer " + g.AccessToken)]);
        h.Api.Calls.ShouldNotContain(c => c.Authorization == "Bearer xoxb-e2e-test-token");
    }

    [Fact]
    public async Task The_stored_installation_holds_its_tokens_sealed_and_never_in_clear_text()
    {
        var withRotation = GrantA with { RefreshToken = "xoxe-1-refresh-secret", ExpiresIn = 43200 };
        await using var h = await SlackHost.StartAsync(On);
        await InstallAsync(h, withRotation);

        var stored = (await h.Services.GetRequiredService<IInstallationStore>().GetAsync("T:" + Team, default)).ShouldNotBeNull().Value;
        stored.SealedBotToken.ShouldStartWith("aesgcm1.");
        stored.SealedRefreshToken!.ShouldStartWith("aesgcm1.");
        stored.BotUserId.ShouldBe("UBOTA");
        stored.InstallerUserId.ShouldBe("U1");
        stored.TokenExpiresAt.ShouldNotBeNull();

        var path = h.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["Storage:SqlitePath"]!;
        await using (var c = new SqliteConnection($"Data Source={path};Mode=ReadOnly"))
        {
            await c.OpenAsync();
            using var read = c.CreateCommand();
            read.CommandText = "SELECT json FROM installations";
            var row = (string)(await read.ExecuteScalarAsync())!;
            row.ShouldContain(stored.SealedBotToken);
            row.ShouldNotContain(GrantA.AccessToken);
            row.ShouldNotContain("xoxe-1-refresh-secret");
        }

        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(path)!))
        {
            var bytes = System.Text.Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file));
            bytes.ShouldNotContain(GrantA.AccessToken, customMessage: file);
            bytes.ShouldNotContain("xoxe-1-refresh-secret", customMessage: file);
        }
    }

    [Fact]
    public async Task An_uninstalled_workspace_loses_its_tokens_its_queued_messages_fail_for_good_its_commands_are_refused_and_the_other_goes_on()
    {
        await using var h = await SlackHost.StartAsync(On);
        await InstallAsync(h, GrantA);
        await InstallAsync(h, GrantB);
        await SetUpAsync(h, Team, "Payments");
        await SetUpAsync(h, Other, "Search");

        var uninstalled = await h.EventAsync(Event(Other, new JsonObject { ["type"] = "app_uninstalled" }));

        uninstalled.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await h.Services.GetRequiredService<IInstallationStore>().GetAsync("T:" + Other, default)).ShouldBeNull();
        (await h.Services.GetRequiredService<IInstallationStore>().GetAsync("T:" + Team, default)).ShouldNotBeNull();
        var callsWithB = h.Api.Calls.With(GrantB.AccessToken).Count();

        await QueueAsync(h, Other, "search", "after-uninstall-b");
        await QueueAsync(h, Team, "payments", "after-uninstall-a");

        await h.WaitForAsync("chat.postMessage", c => Mentions(c, "after-uninstall-a") && c.Authorization == "Bearer " + GrantA.AccessToken, "A's message");
        var failed = await Eventually.Async(async () =>
            (await h.Store.Outbox.ListFailedAsync(DateTimeOffset.UtcNow.AddHours(-1), default)).FirstOrDefault(m => m.Id.Contains("after-uninstall-b", StringComparison.Ordinal)),
            "B's message to fail");
        failed.LastError.ShouldNotBeNull().ShouldContain("not_installed");
        failed.Attempts.ShouldBe(1, "a workspace without an installation is not retried");
        h.Api.Calls.With(GrantB.AccessToken).Count().ShouldBe(callsWithB);
        (await h.Store.Bindings.GetAsync(Platform.Slack, Other, Channel, default)).ShouldNotBeNull().Active.ShouldBeFalse();

        var refused = await CommandAsync(h, Other, Ada, "new bug");
        TextOf(await JsonBody(refused)).ShouldContain("not installed in this workspace");
        h.Api.Calls.With(GrantB.AccessToken).Count().ShouldBe(callsWithB);
        (await CommandAsync(h, Team, Ada, "list")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_revoked_token_fails_the_message_for_good_and_the_tokens_revoked_event_deletes_the_installation()
    {
        await using var h = await SlackHost.StartAsync(On);
        await InstallAsync(h, GrantA);
        await InstallAsync(h, GrantB);
        await SetUpAsync(h, Other, "Search");
        h.Api.OAuth.Revoke(GrantB.AccessToken);

        await QueueAsync(h, Other, "search", "after-revoke-b");

        var failed = await Eventually.Async(async () =>
            (await h.Store.Outbox.ListFailedAsync(DateTimeOffset.UtcNow.AddHours(-1), default)).FirstOrDefault(m => m.Id.Contains("after-revoke-b", StringComparison.Ordinal)),
            "B's message to fail");
        failed.LastError.ShouldNotBeNull().ShouldContain("token_revoked");
        failed.Attempts.ShouldBe(1);

        var revoked = await h.EventAsync(Event(Other, new JsonObject
        {
            ["type"] = "tokens_revoked",
            ["tokens"] = new JsonObject { ["oauth"] = new JsonArray(), ["bot"] = new JsonArray("UBOTB") },
        }));

        revoked.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await h.Services.GetRequiredService<IInstallationStore>().GetAsync("T:" + Other, default)).ShouldBeNull();
        (await h.Services.GetRequiredService<IInstallationStore>().GetAsync("T:" + Team, default)).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_rotated_token_about_to_expire_is_refreshed_once_by_two_instances_on_one_store_and_both_then_use_the_new_one()
    {
        var folder = Directory.CreateTempSubdirectory("triagebot-rotation-").FullName;
        var file = Path.Combine(folder, "shared.db");
        await using var api = await FakeSlackApi.StartAsync();
        void Shared(Microsoft.AspNetCore.Hosting.IWebHostBuilder b)
        {
            On(b);
            b.UseSetting("Storage:SqlitePath", file);
        }

        await using var one = await SlackHost.StartAsync(Shared, api);
        await using var two = await SlackHost.StartAsync(Shared, api);
        // Expires in 5 minutes, inside the 10-minute refresh margin: due now, still valid.
        await InstallAsync(one, GrantA with { RefreshToken = "xoxe-1-first", ExpiresIn = 300 });
        api.OAuth.AddRefresh("xoxe-1-first", GrantA with { AccessToken = "xoxb-team-a-rotated", RefreshToken = "xoxe-1-second", ExpiresIn = 43200 });

        var tenant = new SlackTenant(Team);
        var tokens = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            (i % 2 == 0 ? one : two).Services.GetRequiredService<SlackInstallations>().BotTokenAsync(tenant, default)));

        var refreshes = api.CallsTo("oauth.v2.access").Where(c => c.Form.GetValueOrDefault("grant_type") == "refresh_token").ToList();
        refreshes.Count.ShouldBe(1);
        refreshes[0].Form["refresh_token"].ShouldBe("xoxe-1-first");
        tokens.ShouldAllBe(t => t == GrantA.AccessToken || t == "xoxb-team-a-rotated");
        tokens.ShouldContain("xoxb-team-a-rotated");

        // Afterwards both instances call Slack with the new token, without refreshing again.
        var opened = api.CallsTo("views.open").Count;
        (await CommandAsync(two, Team, Ada, "setup")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await CommandAsync(one, Team, Ada, "setup")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var calls = await two.WaitForCallsAsync("views.open", opened + 2);
        calls.Skip(opened).ShouldAllBe(c => c.Authorization == "Bearer xoxb-team-a-rotated");
        api.CallsTo("oauth.v2.access").Count(c => c.Form.GetValueOrDefault("grant_type") == "refresh_token").ShouldBe(1);
        var stored = (await one.Services.GetRequiredService<IInstallationStore>().GetAsync("T:" + Team, default))!.Value;
        stored.RefreshLeaseOwner.ShouldBeNull();
        stored.TokenExpiresAt.ShouldNotBeNull().ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddHours(11));
    }

    [Fact]
    public async Task A_workspace_of_an_org_wide_install_is_served_with_the_organisations_token_inbound_and_outbound()
    {
        await using var h = await SlackHost.StartAsync(On);
        await InstallAsync(h, new FakeGrant("", "xoxb-org-token", Enterprise: "E0ORG", OrgInstall: true, BotUserId: "UBOTORG"));

        var fields = TriageBot.Tests.Hostile.SlackWire.CommandFields(Ada, "setup", Channel, h.NextTrigger());
        fields[fields.FindIndex(f => f.Key == "is_enterprise_install")] = new("is_enterprise_install", "true");
        fields.Add(new("enterprise_id", "E0ORG"));
        (await h.PostSignedAsync("/slack/commands", TriageBot.Tests.Hostile.SlackWire.Form(fields), "application/x-www-form-urlencoded")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await h.WaitForCallsAsync("views.open", 1))[0].Authorization.ShouldBe("Bearer xoxb-org-token");

        // A message queued for the workspace (it names only the workspace) finds the organisation's install.
        await QueueAsync(h, Team, null, "org-outbound");
        (await h.WaitForAsync("chat.postMessage", c => Mentions(c, "org-outbound"), "the org's message")).Authorization.ShouldBe("Bearer xoxb-org-token");
    }

    private static async Task QueueAsync(SlackHost h, string team, string? backlogId, string marker)
    {
        var now = DateTimeOffset.UtcNow;
        await h.Store.Outbox.EnqueueAsync(new OutboxMessage
        {
            Id = marker + "-" + Guid.NewGuid().ToString("N")[..6],
            Kind = OutboxKind.Post,
            Target = new ConversationAddress { Platform = Platform.Slack, Workspace = team, ChannelId = Channel },
            Payload = OutboxViews.Payload(new TextView("Delivery check " + marker)),
            BacklogId = backlogId,
            CreatedAt = now,
            NextAttemptAt = now,
        }, default);
        h.Services.GetRequiredService<IOutboxSignal>().Notify();
    }
}
