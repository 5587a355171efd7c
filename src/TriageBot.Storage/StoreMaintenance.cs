namespace TriageBot.Storage;

/// <summary>
/// Housekeeping both stores offer beyond Core's ports. Sent outbox messages are kept after delivery so a
/// developer can see what was posted and with which platform id; the host purges them, and old inbox records, after a
/// retention period.
/// </summary>
public interface IStoreMaintenance
{
    /// <summary>Deletes Sent outbox messages created before <paramref name="createdBefore"/>; returns how many.</summary>
    Task<int> PurgeSentOutboxAsync(DateTimeOffset createdBefore, CancellationToken ct);

    /// <summary>
    /// Deletes inbox records of deliveries recorded before <paramref name="recordedBefore"/> (platforms stop retrying within
    /// minutes; one record per Slack event and Teams activity would otherwise pile up); returns how many. Azure Tables keeps
    /// the inbox in day partitions and drops whole days, those before the cutoff's day.
    /// </summary>
    Task<int> PurgeInboxAsync(DateTimeOffset recordedBefore, CancellationToken ct);
}
