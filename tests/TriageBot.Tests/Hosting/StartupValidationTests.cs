using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Delivery;
using TriageBot.Hosting;
using TriageBot.Scheduling;

namespace TriageBot.Tests.Hosting;

public sealed class StartupValidationTests
{
    /// <summary>
    /// Starts the host with <paramref name="settings"/> and returns the validation failure that stops it. WebApplicationFactory
    /// now and then reports a host that failed to start as ObjectDisposedException (it looks at the host while the failed start
    /// tears it down, seen on a loaded machine); the same settings are then started again, and that start reports the cause.
    /// </summary>
    internal static OptionsValidationException StartupFailure(Dictionary<string, string?> settings)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var host = new TestHost(settings);
            try
            {
                host.CreateClient();
            }
            catch (OptionsValidationException e)
            {
                return e;
            }
            catch (ObjectDisposedException) when (attempt < 3)
            {
                continue;
            }

            throw new ShouldAssertException("The host started although its settings are invalid: " + string.Join(", ", settings.Select(kv => $"{kv.Key}={kv.Value}")));
        }
    }

    [Theory]
    [InlineData("https://triagebot.example.com")]
    [InlineData("https://example-tunnel-5170.devtunnels.ms/")]
    [InlineData("http://127.0.0.1:5170")]
    [InlineData("http://localhost:5170")]
    public void PublicBaseUrl_HttpsOrLoopbackHttp_IsAccepted(string url) =>
        HostSettingsValidator.CheckPublicBaseUrl(url).ShouldBeNull();

    [Theory]
    [InlineData("triagebot.example.com", "is not an absolute URL")]
    [InlineData("http://triagebot.example.com", "uses http: people open these links from chat, so use https")]
    [InlineData("ftp://triagebot.example.com", "must start with https://")]
    [InlineData("https://triagebot.example.com/?x=1", "must not have a query or fragment")]
    public void PublicBaseUrl_Wrong_SaysWhatToSetItTo(string url, string message)
    {
        var problem = HostSettingsValidator.CheckPublicBaseUrl(url);

        problem.ShouldNotBeNull();
        problem.ShouldStartWith($"PublicBaseUrl '{url}'");
        problem.ShouldContain(message);
    }

    [Fact]
    public void Host_WithAnHttpPublicBaseUrl_RefusesToStart_NamingTheSetting()
    {
        var e = StartupFailure(new() { ["PublicBaseUrl"] = "http://triagebot.example.com" });

        e.Message.ShouldContain("PublicBaseUrl 'http://triagebot.example.com' uses http");
    }

    [Fact]
    public void Host_WithSlackSecretButNoToken_RefusesToStart_NamingTheSetting()
    {
        var e = StartupFailure(new() { ["Slack:SigningSecret"] = "0123456789abcdef0123456789abcdef" });

        e.Message.ShouldContain("Slack:BotToken is empty");
    }

    [Fact]
    public void Host_WithUserAssignedMsiButNoClientId_RefusesToStart_NamingTheSetting()
    {
        var e = StartupFailure(new() { ["MicrosoftAppType"] = "UserAssignedMSI" });

        e.Message.ShouldContain("MicrosoftAppId is missing: for UserAssignedMSI set it to the managed identity's client id");
    }

    [Theory]
    [InlineData("Delivery:PollInterval", "00:00:00", "Delivery:PollInterval '00:00:00' must be more than 0")]
    [InlineData("Delivery:BatchSize", "0", "Delivery:BatchSize 0 must be between 1 and 500")]
    [InlineData("Delivery:LeaseFor", "00:00:01", "Delivery:LeaseFor '00:00:01' must be at least 00:00:05")]
    [InlineData("Delivery:MaxAttempts", "0", "Delivery:MaxAttempts 0 must be at least 1")]
    [InlineData("Ceremonies:Tick", "00:10:00", "Ceremonies:Tick '00:10:00' must be more than 0 and at most 00:05:00")]
    [InlineData("Ceremonies:LookBack", "00:00:01", "Ceremonies:LookBack '00:00:01' must be at least Ceremonies:Tick")]
    [InlineData("Ceremonies:Grace", "-00:01:00", "Ceremonies:Grace '-00:01:00' must not be negative")]
    public void Host_WithAWrongDeliveryOrSchedulerSetting_RefusesToStart_NamingIt(string key, string value, string message)
    {
        var e = StartupFailure(new() { [key] = value });

        e.Message.ShouldContain(message);
    }

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "TriageBot";
        public string ContentRootPath { get; set; } = "/";
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }

    [Theory]
    [InlineData("Production", "true", true)]
    [InlineData("Production", "false", false)]
    [InlineData("Production", null, false)]
    [InlineData("Development", "true", false)]
    public void PlaygroundEnabledInProduction_IsWarnedAbout(string environment, string? enabled, bool warned)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Playground:Enabled"] = enabled }).Build();

        var warnings = StartupWarnings.For(configuration, new Environment(environment));

        if (warned)
        {
            warnings.ShouldHaveSingleItem().ShouldContain("Playground:Enabled is true in Production");
        }
        else
        {
            warnings.ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task Health_ReportsStorageAndConfigurationChecks()
    {
        using var host = new TestHost();
        var checks = host.Services.GetRequiredService<IOptions<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckServiceOptions>>().Value.Registrations.Select(r => r.Name);

        checks.ShouldContain("storage");
        checks.ShouldContain("configuration");
        (await host.CreateClient().GetStringAsync("/health", TestContext.Current.CancellationToken)).ShouldBe("Healthy");
    }

    [Fact]
    public async Task Maintenance_PurgesSentOutboxMessagesPastTheirRetention_AndKeepsTheRest()
    {
        using var host = new TestHost();
        _ = host.CreateClient();
        var ct = TestContext.Current.CancellationToken;
        var store = host.Services.GetRequiredService<ITriageStore>();
        var now = host.Time.GetUtcNow();
        OutboxMessage Message(string id, DateTimeOffset created) => new()
        {
            Id = id,
            Kind = OutboxKind.Post,
            Target = new ConversationAddress { Platform = Platform.Slack, Workspace = "w", ChannelId = "c" },
            Payload = OutboxViews.Payload(new TextView("x")),
            CreatedAt = created,
            NextAttemptAt = now.AddDays(1),
        };
        await store.Outbox.EnqueueAsync(Message("old", now.AddDays(-8)), ct);
        await store.Outbox.EnqueueAsync(Message("recent", now.AddDays(-1)), ct);
        foreach (var leased in await store.Outbox.LeaseAsync("test", now.AddDays(2), TimeSpan.FromMinutes(1), 10, ct))
        {
            await store.Outbox.UpdateAsync(leased.Value with { Status = OutboxStatus.Sent }, leased.ETag, ct);
        }

        (await store.Inbox.TryRecordAsync(Platform.Slack, "EvOLD", now.AddDays(-4), ct)).ShouldBeTrue();
        (await store.Inbox.TryRecordAsync(Platform.Teams, "recent-activity", now.AddHours(-1), ct)).ShouldBeTrue();

        var purged = await host.Services.GetServices<IHostedService>().OfType<MaintenanceService>().Single().RunOnceAsync(ct);

        purged.ShouldBe((SentMessages: 1, InboxRecords: 1));
        (await store.Inbox.GetAsync(Platform.Slack, "EvOLD", now, ct)).ShouldBeNull();
        (await store.Inbox.GetAsync(Platform.Teams, "recent-activity", now, ct)).ShouldNotBeNull();
    }

    [Fact]
    public void Host_WithAnInboxRetentionShorterThanSlacksRetries_RefusesToStart_NamingTheSetting() =>
        StartupFailure(new() { ["Maintenance:InboxRetention"] = "00:05:00" }).Message.ShouldContain("Maintenance:InboxRetention must be at least 01:00:00");
}
