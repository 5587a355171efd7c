using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace TriageBot.Teams;

/// <summary>How the bot's Microsoft Entra identity is set up (the conventional <c>MicrosoftAppType</c> setting).</summary>
public enum TeamsAppType { NotSet, SingleTenant, MultiTenant, UserAssignedMsi }

/// <summary>
/// Settings of the Teams channel: the conventional root-level <c>MicrosoftApp*</c> settings plus the <c>Teams</c> section.
/// When nothing is configured the channel still starts, and refuses every request (fail closed).
/// </summary>
public sealed class TeamsOptions
{
    public const string SectionName = "Teams";
    public const string PublicOpenIdMetadataUrl = "https://login.botframework.com/v1/.well-known/openidconfiguration";
    public const string PublicIssuer = "https://api.botframework.com";
    public const string DefaultTokenScope = "https://api.botframework.com/.default";

    /// <summary>False turns the channel off: every request is refused.</summary>
    public bool Enabled { get; set; } = true;
    public TeamsAppType AppType { get; set; }
    /// <summary>The bot's app id (GUID); for <see cref="TeamsAppType.UserAssignedMsi"/> the managed identity's client id.</summary>
    public string? AppId { get; set; }
    public string? AppPassword { get; set; }
    public string? TenantId { get; set; }
    /// <summary>Optional certificate (PFX/PEM path) used instead of the password.</summary>
    public string? CertificatePath { get; set; }
    public string? CertificatePassword { get; set; }

    public string OpenIdMetadataUrl { get; set; } = PublicOpenIdMetadataUrl;
    public List<string> ValidIssuers { get; set; } = [];
    /// <summary>Hosts the bot may send its token to without having seen them in a validated activity. <c>*.x</c> matches sub-domains.</summary>
    public List<string> AllowedServiceUrlHosts { get; set; } = [];
    /// <summary>
    /// Tenants whose activities a <see cref="TeamsAppType.MultiTenant"/> bot accepts (directory ids). A SingleTenant or
    /// UserAssignedMSI bot accepts only <c>MicrosoftAppTenantId</c> and must leave this empty.
    /// </summary>
    public List<string> AllowedTenants { get; set; } = [];
    /// <summary>
    /// Development only: also accept activities whose <c>channelId</c> is <c>emulator</c> (the Bot Framework Emulator),
    /// from a loopback service URL and with a key that need not be endorsed. Logged as a warning at start.
    /// </summary>
    public bool DangerouslyAcceptEmulator { get; set; }
    /// <summary>Override of the Entra authority host for outbound tokens (tests, sovereign clouds).</summary>
    public string? TokenAuthority { get; set; }
    public string TokenScope { get; set; } = DefaultTokenScope;
    /// <summary>Largest inbound activity accepted, in bytes; larger requests get 413.</summary>
    public int MaxActivityBytes { get; set; } = 256 * 1024;
    /// <summary>How often the signing keys are refreshed at the latest (Bot Framework asks for at least daily).</summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromHours(12);
    /// <summary>Retries of a throttled or failed Connector call inside one delivery attempt.</summary>
    public int MaxConnectorRetries { get; set; } = 3;
    /// <summary>A Retry-After longer than this ends the attempt: the delivery worker retries later instead of holding the call.</summary>
    public TimeSpan MaxRetryWait { get; set; } = TimeSpan.FromSeconds(10);

    internal static readonly string[] DefaultServiceUrlHosts =
    [
        "smba.trafficmanager.net",
        "smba.infra.gcc.teams.microsoft.com",
        "smba.infra.gov.teams.microsoft.us",
        "smba.infra.dod.teams.microsoft.us",
        "*.botframework.com",
    ];

    public IReadOnlyList<string> EffectiveIssuers => ValidIssuers.Count > 0 ? ValidIssuers : [PublicIssuer];
    /// <summary>The tenants activities are accepted from: the app's own tenant, or the MultiTenant allow-list.</summary>
    public IReadOnlyList<string> EffectiveTenants => AppType == TeamsAppType.MultiTenant
        ? AllowedTenants.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).ToList()
        : string.IsNullOrWhiteSpace(TenantId) ? [] : [TenantId.Trim()];

    public IReadOnlyList<string> EffectiveServiceUrlHosts => AllowedServiceUrlHosts.Count > 0 ? AllowedServiceUrlHosts : DefaultServiceUrlHosts;

    /// <summary>True when someone tried to configure the channel (so a mistake should stop the start-up).</summary>
    public bool IsAttempted => AppType != TeamsAppType.NotSet || !string.IsNullOrWhiteSpace(AppId);

    /// <summary>Reads the root-level <c>MicrosoftApp*</c> settings and the <c>Teams</c> section.</summary>
    public static void Bind(IConfiguration configuration, TeamsOptions options)
    {
        configuration.GetSection(SectionName).Bind(options);
        options.AppType = ParseAppType(configuration["MicrosoftAppType"]);
        options.AppId = Blank(configuration["MicrosoftAppId"]) ?? options.AppId;
        options.AppPassword = Blank(configuration["MicrosoftAppPassword"]) ?? options.AppPassword;
        options.TenantId = Blank(configuration["MicrosoftAppTenantId"]) ?? options.TenantId;
    }

    internal static TeamsAppType ParseAppType(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        null or "" => TeamsAppType.NotSet,
        "SINGLETENANT" => TeamsAppType.SingleTenant,
        "MULTITENANT" => TeamsAppType.MultiTenant,
        "USERASSIGNEDMSI" => TeamsAppType.UserAssignedMsi,
        _ => throw new OptionsValidationException(nameof(TeamsOptions), typeof(TeamsOptions),
            [$"MicrosoftAppType '{value}' is not known: use SingleTenant, MultiTenant or UserAssignedMSI."]),
    };

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    /// <summary>Everything wrong with the settings, each with how to fix it. Empty means usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!Enabled) problems.Add("Teams:Enabled is false: set it to true to accept Teams traffic.");
        if (AppType == TeamsAppType.NotSet)
            problems.Add("MicrosoftAppType is not set: use SingleTenant (recommended), UserAssignedMSI or MultiTenant, as registered for the Azure Bot.");
        if (string.IsNullOrWhiteSpace(AppId))
            problems.Add(AppType == TeamsAppType.UserAssignedMsi
                ? "MicrosoftAppId is missing: for UserAssignedMSI set it to the managed identity's client id (the Azure Bot's app id)."
                : "MicrosoftAppId is missing: set it to the Azure Bot's Microsoft App ID (a GUID).");
        else if (!Guid.TryParse(AppId, out _))
            problems.Add($"MicrosoftAppId '{AppId}' is not a GUID: copy the Microsoft App ID from the Azure Bot's Configuration page.");
        if (AppType == TeamsAppType.SingleTenant && string.IsNullOrWhiteSpace(TenantId))
            problems.Add("MicrosoftAppTenantId is missing: a SingleTenant bot needs the directory (tenant) id of its app registration.");
        if (AppType == TeamsAppType.UserAssignedMsi && string.IsNullOrWhiteSpace(TenantId))
            problems.Add("MicrosoftAppTenantId is missing: a UserAssignedMSI bot accepts activities only from its own tenant; set the managed identity's directory (tenant) id.");
        if (AppType == TeamsAppType.MultiTenant && !AllowedTenants.Any(t => !string.IsNullOrWhiteSpace(t)))
            problems.Add("Teams:AllowedTenants is empty: a MultiTenant bot accepts activities only from listed tenants; add each customer's directory (tenant) id (Teams:AllowedTenants:0, :1, …).");
        if (AppType is TeamsAppType.SingleTenant or TeamsAppType.UserAssignedMsi && AllowedTenants.Any(t => !string.IsNullOrWhiteSpace(t)))
            problems.Add($"Teams:AllowedTenants is set, but a {AppType} bot accepts only MicrosoftAppTenantId: remove Teams:AllowedTenants (it applies to MultiTenant bots).");
        if (AppType is TeamsAppType.SingleTenant or TeamsAppType.MultiTenant
            && string.IsNullOrWhiteSpace(AppPassword) && string.IsNullOrWhiteSpace(CertificatePath))
            problems.Add($"MicrosoftAppPassword is missing: a {AppType} bot needs the app registration's client secret (or Teams:CertificatePath).");
        if (!Uri.TryCreate(OpenIdMetadataUrl, UriKind.Absolute, out var meta) || (meta.Scheme != Uri.UriSchemeHttps && !meta.IsLoopback))
            problems.Add($"Teams:OpenIdMetadataUrl '{OpenIdMetadataUrl}' must be an absolute https URL (default {PublicOpenIdMetadataUrl}).");
        if (TokenAuthority is not null && !Uri.TryCreate(TokenAuthority, UriKind.Absolute, out _))
            problems.Add($"Teams:TokenAuthority '{TokenAuthority}' must be an absolute URL such as https://login.microsoftonline.com/.");
        if (MaxActivityBytes < 4096)
            problems.Add("Teams:MaxActivityBytes must be at least 4096: Teams activities are several KB.");
        if (KeyRefreshInterval <= TimeSpan.Zero || KeyRefreshInterval > TimeSpan.FromDays(1))
            problems.Add("Teams:KeyRefreshInterval must be between 00:00:01 and 1.00:00:00: Bot Framework asks for a key refresh at least daily.");
        return problems;
    }
}

/// <summary>Stops the start-up when Teams was configured with mistakes; an unconfigured channel starts and refuses traffic.</summary>
internal sealed class TeamsOptionsValidator : IValidateOptions<TeamsOptions>
{
    public ValidateOptionsResult Validate(string? name, TeamsOptions options)
    {
        if (!options.IsAttempted || !options.Enabled) return ValidateOptionsResult.Success;
        var problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
