using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TriageBot.Core.Ports;
using TriageBot.Hosting;
using TriageBot.Trackers.Tests.Fakes;

namespace TriageBot.Trackers.Tests;

/// <summary>Housekeeping of tracker data through the real host's maintenance service.</summary>
public sealed class CleanupTests : IAsyncDisposable
{
    private readonly FakeGitHub github = new("acme/app");

    [Fact]
    public async Task TheMaintenancePurge_DeletesHandledWebhookDeliveriesOlderThanAWeek_SoTheirIdsNoLongerPileUp()
    {
        await using var host = new TrackerHost(github);
        var now = DateTimeOffset.UtcNow;
        TrackerDelivery Delivery(string id, TimeSpan age) => new()
        {
            Kind = TrackerKind.GitHub, DeliveryId = id, ReceivedAt = now - age, IssueId = "9", IssueKey = "acme/app#9", Change = TrackerChangeKind.Reopened,
        };
        var old = Delivery("week-old", TimeSpan.FromDays(7.5));
        var recent = Delivery("yesterday", TimeSpan.FromDays(1));
        foreach (var d in new[] { old, recent })
        {
            (await host.Trackers.TryRecordDeliveryAsync(d, CancellationToken.None)).ShouldBeTrue();
            await host.Trackers.MarkDeliveryHandledAsync(d, CancellationToken.None);
        }

        var maintenance = host.Services.GetServices<IHostedService>().OfType<MaintenanceService>().Single();
        await maintenance.RunOnceAsync(CancellationToken.None);

        (await host.Trackers.TryRecordDeliveryAsync(recent, CancellationToken.None)).ShouldBeFalse("yesterday's id still refuses a replay");
        (await host.Trackers.TryRecordDeliveryAsync(old, CancellationToken.None)).ShouldBeTrue("the week-old record was purged");
    }

    public async ValueTask DisposeAsync() => await github.DisposeAsync();
}
