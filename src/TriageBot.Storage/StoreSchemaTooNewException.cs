namespace TriageBot.Storage;

/// <summary>The store's schema is newer than this version knows (a newer version wrote it): it is refused, never changed.</summary>
public sealed class StoreSchemaTooNewException(string message) : Exception(message);
