using TriageBot.Core.Ports;

namespace TriageBot.Storage;

/// <summary>
/// One storage backend as the host registers it: the store the use cases read and write through (Core's ports), and
/// the capabilities beyond them as ports of their own. The host registers each as its own service; nothing finds a
/// capability by testing the store's type.
/// </summary>
/// <param name="Store">Core's ports.</param>
/// <param name="Maintenance">Purges of sent messages and old inbox records (the host's maintenance service).</param>
/// <param name="Administration">Whole-backlog operations (the command line's import and restore).</param>
public sealed record StorageBackend(ITriageStore Store, IStoreMaintenance Maintenance, IBacklogAdministration Administration)
{
    /// <summary>Installations of a chat app in many workspaces (Slack OAuth), with their sealed tokens.</summary>
    public required IInstallationStore Installations { get; init; }
    /// <summary>Issue-tracker connections, links and webhook deliveries (docs/trackers.md).</summary>
    public ITrackerStore? Trackers { get; init; }

    /// <summary>A backend is its store and the two capabilities; the tracker store is an extra that does not change which backend it is.</summary>
    public bool Equals(StorageBackend? other) =>
        other is not null && Equals(Store, other.Store) && Equals(Maintenance, other.Maintenance) && Equals(Administration, other.Administration);

    public override int GetHashCode() => HashCode.Combine(Store, Maintenance, Administration);
}
