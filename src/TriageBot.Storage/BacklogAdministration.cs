namespace TriageBot.Storage;

/// <summary>
/// Whole-backlog operations for the host's restore command, which Core's ports deliberately lack: a chat request
/// never deletes a backlog or moves its item counter.
/// </summary>
public interface IBacklogAdministration
{
    /// <summary>Makes sure the backlog's next allocated item number is above <paramref name="number"/> (restored or imported items keep theirs).</summary>
    Task RaiseItemCounterAsync(string backlogId, int number, CancellationToken ct);

    /// <summary>Deletes the backlog and everything stored under it: members, its bindings, items, history, votes, ledger and counter.</summary>
    Task DeleteBacklogAsync(string backlogId, CancellationToken ct);
}
