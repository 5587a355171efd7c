using TriageBot.Core.Ports;
using TriageBot.Storage;

namespace TriageBot.Hosting;

/// <summary>Housekeeping settings (section <c>Maintenance</c>).</summary>
public sealed class MaintenanceOptions
{
    /// <summary>Sent outbox messages older than this are deleted; they are kept that long so a developer can see what was posted.</summary>
    public TimeSpan SentOutboxRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Inbox records (one per Slack event and Teams activity, for de-duplicating retries) older than this are deleted.</summary>
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromDays(3);

    /// <summary>
    /// Tracker webhook delivery records (their ids de-duplicate GitHub's and Jira's retries) older than this are deleted.
    /// GitHub lets a person redeliver a delivery from the past 3 days; a week keeps such a redelivery a replay.
    /// </summary>
    public TimeSpan TrackerDeliveryRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the purge runs.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromDays(1);
}

/// <summary>Deletes sent outbox messages and inbox records past their retention, once at start and then every <see cref="MaintenanceOptions.Interval"/>.</summary>
public sealed partial class MaintenanceService(
    IStoreMaintenance maintenance,
    TimeProvider time,
    Microsoft.Extensions.Options.IOptions<MaintenanceOptions> options,
    ILogger<MaintenanceService> logger,
    ITrackerStore? trackers = null) : BackgroundService
{
    /// <summary>One purge; returns how many sent messages and inbox records were deleted.</summary>
    public async Task<(int SentMessages, int InboxRecords)> RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var purged = await maintenance.PurgeSentOutboxAsync(now - options.Value.SentOutboxRetention, ct);
        var inbox = await maintenance.PurgeInboxAsync(now - options.Value.InboxRetention, ct);
        LogPurged(logger, purged, inbox);
        if (trackers is not null)
        {
            LogPurgedDeliveries(logger, await trackers.PurgeDeliveriesAsync(now - options.Value.TrackerDeliveryRetention, ct));
        }

        return (purged, inbox);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (StoreUnavailableException e)
            {
                LogFailed(logger, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Purged {Count} sent outbox messages and {InboxCount} inbox records past their retention")]
    private static partial void LogPurged(ILogger logger, int count, int inboxCount);

    [LoggerMessage(EventId = 32, Level = LogLevel.Information, Message = "Purged {Count} tracker webhook delivery records past their retention")]
    private static partial void LogPurgedDeliveries(ILogger logger, int count);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "Outbox purge failed; it runs again at the next interval: {Error}")]
    private static partial void LogFailed(ILogger logger, string error);
}
