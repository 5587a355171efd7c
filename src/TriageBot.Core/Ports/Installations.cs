namespace TriageBot.Core.Ports;

/// <summary>
/// A chat app's installation in one workspace, or in a whole organisation (an org-wide install): who installed it, with
/// which scopes, and its credentials <b>sealed</b> (encrypted by the channel before they reach the store; the store never
/// sees a token in clear). <see cref="Key"/> is the lookup key (<see cref="InstallationKeys.For"/>).
/// </summary>
public sealed record Installation
{
    public required string Key { get; init; }
    /// <summary>The workspace (Slack team id); null for an org-wide install.</summary>
    public string? TeamId { get; init; }
    /// <summary>The organisation (Slack Enterprise Grid id), when there is one.</summary>
    public string? EnterpriseId { get; init; }
    public bool IsEnterpriseInstall { get; init; }
    public required string BotUserId { get; init; }
    /// <summary>Comma-separated scopes granted to the bot.</summary>
    public required string Scopes { get; init; }
    public string? InstallerUserId { get; init; }
    /// <summary>The bot token, sealed by the channel (never clear text).</summary>
    public required string SealedBotToken { get; init; }
    /// <summary>With token rotation: the refresh token, sealed; null without rotation.</summary>
    public string? SealedRefreshToken { get; init; }
    /// <summary>With token rotation: when the bot token expires.</summary>
    public DateTimeOffset? TokenExpiresAt { get; init; }
    public required DateTimeOffset InstalledAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>An instance refreshing the token holds the row until then (so one instance refreshes, once).</summary>
    public DateTimeOffset? RefreshLeaseUntil { get; init; }
    public string? RefreshLeaseOwner { get; init; }
}

/// <summary>The lookup keys of installations: an org-wide install is found by its organisation, any other by its workspace.</summary>
public static class InstallationKeys
{
    public static string For(string? teamId, string? enterpriseId, bool isEnterpriseInstall) =>
        isEnterpriseInstall && !string.IsNullOrEmpty(enterpriseId) ? Enterprise(enterpriseId)
        : !string.IsNullOrEmpty(teamId) ? Team(teamId)
        : throw new ArgumentException("An installation needs a team id, or an enterprise id for an org-wide install.");

    public static string Team(string teamId) => "T:" + teamId;

    public static string Enterprise(string enterpriseId) => "E:" + enterpriseId;
}

/// <summary>Installations of the chat app, and the one-use marks of install flows (OAuth <c>state</c>), across instances.</summary>
public interface IInstallationStore
{
    Task<Versioned<Installation>?> GetAsync(string key, CancellationToken ct);

    /// <summary>Stores an installation, replacing any under its key (a re-install).</summary>
    Task SaveAsync(Installation installation, CancellationToken ct);

    /// <summary>Replaces the installation if it is still at <paramref name="etag"/>; null when it changed or is gone.</summary>
    Task<Versioned<Installation>?> TryReplaceAsync(Installation installation, string etag, CancellationToken ct);

    /// <summary>Removes the installation (uninstall, revoked tokens); false when there was none.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken ct);

    /// <summary>
    /// Marks <paramref name="nonce"/> used: true the first time across every instance, false ever after (until
    /// <paramref name="expiresAt"/> has long passed and the mark may be purged).
    /// </summary>
    Task<bool> TryUseOnceAsync(string nonce, DateTimeOffset expiresAt, CancellationToken ct);

    /// <summary>Every installation (and every workspace's note that its organisation's install serves it), in no particular order.</summary>
    IAsyncEnumerable<Versioned<Installation>> ListAsync(CancellationToken ct);
}
