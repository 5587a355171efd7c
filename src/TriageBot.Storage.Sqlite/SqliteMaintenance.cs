namespace TriageBot.Storage.Sqlite;

/// <summary>Housekeeping on SQLite (<see cref="IStoreMaintenance"/>): purges of sent messages and old inbox records.</summary>
internal sealed class SqliteMaintenance(SqliteDb db) : IStoreMaintenance
{
    public Task<int> PurgeInboxAsync(DateTimeOffset recordedBefore, CancellationToken ct) =>
        db.WriteAsync("inbox.purge", c => c.ExecAsync("DELETE FROM inbox WHERE recorded_at < $before", ct, ("$before", recordedBefore.UtcTicks)), ct);

    public Task<int> PurgeSentOutboxAsync(DateTimeOffset createdBefore, CancellationToken ct) =>
        db.WriteAsync("outbox.purge", c => c.ExecAsync(
            "DELETE FROM outbox WHERE status = 'Sent' AND created_at < $before", ct, ("$before", createdBefore.UtcTicks)), ct);
}
