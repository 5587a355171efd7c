namespace TriageBot.Storage.Sqlite;

public sealed partial class SqliteTriageStore : IBacklogAdministration
{
    private static readonly string[] DeleteStatements =
    [
        "DELETE FROM members WHERE backlog_id = $b",
        "DELETE FROM bindings WHERE backlog_id = $b",
        "DELETE FROM items WHERE backlog_id = $b",
        "DELETE FROM history WHERE backlog_id = $b",
        "DELETE FROM item_events WHERE backlog_id = $b",
        "DELETE FROM votes WHERE backlog_id = $b",
        "DELETE FROM ledger WHERE backlog_id = $b",
        "DELETE FROM counters WHERE backlog_id = $b",
        "DELETE FROM item_requests WHERE backlog_id = $b",
        "DELETE FROM backlogs WHERE id = $b",
    ];

    public Task RaiseItemCounterAsync(string backlogId, int number, CancellationToken ct) =>
        db.WriteAsync("counter.raise", c => c.ExecAsync(
            "INSERT INTO counters (backlog_id, last) VALUES ($b, $n) ON CONFLICT (backlog_id) DO UPDATE SET last = max(last, excluded.last)",
            ct, ("$b", backlogId), ("$n", number)), ct);

    public Task DeleteBacklogAsync(string backlogId, CancellationToken ct) =>
        db.WriteAsync("backlog.delete", async c =>
        {
            using var tx = c.BeginTransaction();
            foreach (var sql in DeleteStatements)
            {
                using var command = c.Command(sql, ("$b", backlogId));
                command.Transaction = tx;
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            tx.Commit();
        }, ct);
}
