using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Voting;

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

    /// <summary>
    /// Puts a whole backlog in place of <see cref="BacklogRestore.Backlog"/>'s id, all or nothing: a failure or a crash at
    /// any point leaves the backlog that was there (or none), or — once the new one is complete — the new one, never a mix.
    /// SQLite writes it in one transaction. Azure Tables, which has no transactions across partitions, writes everything
    /// under a hidden staging id first, then records a commit marker, then moves it into place; a move that is cut short is
    /// finished by the next <see cref="ITriageStore.InitializeAsync"/> (every start of the server or the command line).
    /// Refused with <see cref="RestoreRefusedException"/> (nothing changed) when the backlog exists and
    /// <see cref="BacklogRestore.Replace"/> is false, or when one of its channels is bound to another backlog.
    /// </summary>
    Task RestoreAsync(BacklogRestore restore, CancellationToken ct);
}

/// <summary>
/// Everything a restore writes. The small parts are lists; items, history, votes and ledger entries stream from
/// <see cref="Records"/> (each an <see cref="Item"/>, <see cref="HistoryEntry"/>, <see cref="Vote"/> or <see cref="LedgerEntry"/>),
/// read once. Every record already names the target backlog; the caller has checked them all.
/// </summary>
public sealed record BacklogRestore
{
    public required Backlog Backlog { get; init; }
    public required IReadOnlyList<Member> Members { get; init; }
    public required IReadOnlyList<Binding> Bindings { get; init; }
    /// <summary>The item counter after the restore: the next allocated number is above it.</summary>
    public required int Counter { get; init; }
    public required IAsyncEnumerable<object> Records { get; init; }
    /// <summary>Replace a backlog with the same id; without it an existing backlog refuses the restore.</summary>
    public bool Replace { get; init; }
}

/// <summary>A restore that was refused before anything changed; the message says why.</summary>
public sealed class RestoreRefusedException(string message) : Exception(message);

/// <summary>Checks shared by both stores' restores.</summary>
internal static class RestoreChecks
{
    public static string Exists(string backlogId) =>
        $"A backlog '{backlogId}' already exists in this store. Restore under another id with --backlog NEW-ID, or add --replace to replace it.";

    public static string BoundElsewhere(Binding binding, string otherBacklog) =>
        $"bindings: the channel {binding.Address.Platform} {binding.Address.Workspace}/{binding.Address.ChannelId} is bound to another backlog, '{otherBacklog}'; a restore does not take it over. Run `setup` in that channel to move it, or remove it from the backup.";

    public static void Check(object record, string backlogId)
    {
        var named = record switch
        {
            Item i => i.BacklogId,
            HistoryEntry h => h.BacklogId,
            Vote v => v.BacklogId,
            LedgerEntry l => l.BacklogId,
            ItemEvent e => e.BacklogId,
            _ => throw new ArgumentException($"A restore cannot write a {record.GetType().Name}."),
        };
        if (named != backlogId)
        {
            throw new ArgumentException($"A restored {record.GetType().Name} names backlog '{named}', not '{backlogId}'.");
        }
    }
}
