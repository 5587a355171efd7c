namespace TriageBot.Storage;

/// <summary>
/// Housekeeping both stores offer beyond Core's ports. Sent outbox messages are kept after delivery so a
/// developer can see what was posted and with which platform id; the host purges them after a retention period.
/// </summary>
public interface IStoreMaintenance
{
    /// <summary>Deletes Sent outbox messages created before <paramref name="createdBefore"/>; returns how many.</summary>
    Task<int> PurgeSentOutboxAsync(DateTimeOffset createdBefore, CancellationToken ct);
}
