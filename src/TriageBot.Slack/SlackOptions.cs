using Microsoft.Extensions.Options;

namespace TriageBot.Slack;

/// <summary>Settings of the Slack channel, bound from the <c>Slack</c> configuration section.</summary>
public sealed class SlackOptions
{
    public const string SectionName = "Slack";

    /// <summary>The app's signing secret (Basic Information → App Credentials). Without it every request is refused.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>The bot user OAuth token (<c>xoxb-…</c>) used for Web API calls.</summary>
    public string? BotToken { get; set; }

    /// <summary>Base URL of the Web API; tests point it at a local fake.</summary>
    public string ApiBaseUrl { get; set; } = "https://slack.com/api/";

    /// <summary>
    /// The only prefix a <c>response_url</c> may have for the bot to post to it (answers where the bot is not in the
    /// conversation); tests point it at a local fake.
    /// </summary>
    public string ResponseUrlPrefix { get; set; } = "https://hooks.slack.com/";

    /// <summary>
    /// Whether the channel is on. When unset it is on as soon as a signing secret or a bot token is set: a channel
    /// someone started to configure is validated (and a mistake stops the start); one with neither is off.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>Largest accepted body for slash commands.</summary>
    public int MaxCommandBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Largest accepted body for interactivity and events. A <c>view_submission</c> carries the whole modal
    /// (up to 250 kB of view, URL-encoded), so this is larger than the command limit.
    /// </summary>
    public int MaxPayloadBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Time budget for Web API calls made while Slack waits for our answer (3 s deadline).</summary>
    public TimeSpan InteractiveCallTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Minimum gap between two posts to the same channel (Slack allows about one per second).</summary>
    public TimeSpan ChannelPostInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long an event may take before it is answered 503 while its handling goes on: Slack then retries it, and the
    /// retries are answered by how the first handling ended (Slack waits 3 s).
    /// </summary>
    public TimeSpan EventAckBudget { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The app-level token (<c>xapp-…</c>, scope <c>connections:write</c>) that turns Socket Mode on: the bot opens a
    /// WebSocket to Slack and needs no public request URLs. With it the signing secret is optional (the socket is
    /// authenticated by this token); the HTTP endpoints stay mapped and, without a secret, refuse everything.
    /// </summary>
    public string? AppToken { get; set; }

    /// <summary>First wait before reopening a Socket Mode connection that failed; it doubles (with jitter) up to <see cref="SocketReconnectMaxDelay"/>.</summary>
    public TimeSpan SocketReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest wait between two attempts to reopen the Socket Mode connection.</summary>
    public TimeSpan SocketReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    public bool IsEnabled => Enabled ?? (!string.IsNullOrWhiteSpace(SigningSecret) || !string.IsNullOrWhiteSpace(BotToken) || !string.IsNullOrWhiteSpace(AppToken));

    /// <summary>Socket Mode is on: the channel is on and has an app-level token.</summary>
    public bool UsesSocketMode => IsEnabled && !string.IsNullOrWhiteSpace(AppToken);

    // ---- install to many workspaces (OAuth v2); docs/connect-slack.md "Install to many workspaces" ----

    /// <summary>The app's Client ID (Basic Information → App Credentials). Set, it turns on installs to many workspaces: tokens come from the installation store, not <see cref="BotToken"/>.</summary>
    public string? ClientId { get; set; }

    /// <summary>The app's Client Secret, sent to <c>oauth.v2.access</c>.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Key of the HMAC that signs the OAuth <c>state</c> (at least 32 characters; any instance can check what another signed).</summary>
    public string? StateSecret { get; set; }

    /// <summary>Base64 of 32 random bytes: the AES-GCM key that seals installation tokens at rest (in Azure: Key Vault secret slack-installation-key).</summary>
    public string? InstallationKey { get; set; }

    /// <summary>Earlier installation keys, still opening what they sealed after a rotation.</summary>
    public List<string> PreviousInstallationKeys { get; set; } = [];

    /// <summary>The bot scopes the install asks for (the manifest's <c>oauth_config.scopes.bot</c>).</summary>
    public string Scopes { get; set; } = "commands,chat:write,app_mentions:read,im:history,im:write,users:read,channels:read,groups:read,links:read,links:write";

    /// <summary>Slack's authorize page; tests point it elsewhere.</summary>
    public string AuthorizeUrl { get; set; } = "https://slack.com/oauth/v2/authorize";

    /// <summary>The redirect URL registered in the app (…/slack/oauth_redirect); unset, Slack uses the app's only one.</summary>
    public string? RedirectUrl { get; set; }

    /// <summary>With token rotation: a bot token is refreshed this long before it expires.</summary>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long an instance keeps its copy of an installation row (<see cref="Installations.InstallationCache"/>): a change
    /// made on another instance sharing the store (uninstall, revoke, re-install, token refresh) takes effect here within it.
    /// Zero: every request reads the store. At most 5 minutes.
    /// </summary>
    public TimeSpan InstallationCacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Installs to many workspaces are on (a Client ID is set).</summary>
    public bool IsMultiWorkspace => !string.IsNullOrWhiteSpace(ClientId);

    internal Uri ApiBaseUri => new(ApiBaseUrl.EndsWith('/') ? ApiBaseUrl : ApiBaseUrl + "/", UriKind.Absolute);
}

/// <summary>Refuses to start with Slack settings that cannot work, saying which setting to fix and how.</summary>
internal sealed class SlackOptionsValidator : IValidateOptions<SlackOptions>
{
    public ValidateOptionsResult Validate(string? name, SlackOptions options)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var baseUri)
            || (baseUri.Scheme != Uri.UriSchemeHttps && baseUri.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"Slack:ApiBaseUrl '{options.ApiBaseUrl}' is not an absolute http(s) URL; leave it unset for https://slack.com/api/.");
        }

        if (options.IsEnabled)
        {
            // With Socket Mode the secret is optional (the socket is authenticated by the app token), but checked when set.
            if ((!options.UsesSocketMode || !string.IsNullOrWhiteSpace(options.SigningSecret)) && CheckSigningSecret(options.SigningSecret) is { } secretProblem)
            {
                failures.Add(secretProblem);
            }

            if (!string.IsNullOrWhiteSpace(options.AppToken) && CheckAppToken(options.AppToken) is { } appTokenProblem)
            {
                failures.Add(appTokenProblem);
            }

            if (!options.IsMultiWorkspace && CheckBotToken(options.BotToken) is { } tokenProblem)
            {
                failures.Add(tokenProblem);
            }
        }

        if (options.MaxCommandBodyBytes is < 1024 or > 16 * 1024 * 1024)
        {
            failures.Add("Slack:MaxCommandBodyBytes must be between 1024 and 16777216 bytes.");
        }

        if (options.MaxPayloadBodyBytes is < 1024 or > 16 * 1024 * 1024)
        {
            failures.Add("Slack:MaxPayloadBodyBytes must be between 1024 and 16777216 bytes.");
        }

        if (options.InteractiveCallTimeout <= TimeSpan.Zero || options.InteractiveCallTimeout > TimeSpan.FromSeconds(3))
        {
            failures.Add("Slack:InteractiveCallTimeout must be more than 0 and at most 00:00:03, because Slack waits only 3 seconds for an answer.");
        }

        if (options.EventAckBudget <= TimeSpan.Zero || options.EventAckBudget > TimeSpan.FromSeconds(2.5))
        {
            failures.Add("Slack:EventAckBudget must be more than 0 and at most 00:00:02.5, to answer within the 3 seconds Slack waits.");
        }

        if (options.SocketReconnectDelay <= TimeSpan.Zero || options.SocketReconnectMaxDelay < options.SocketReconnectDelay)
        {
            failures.Add("Slack:SocketReconnectDelay must be more than 0 and Slack:SocketReconnectMaxDelay at least as long.");
        }

        if (options.ChannelPostInterval < TimeSpan.Zero)
        {
            failures.Add("Slack:ChannelPostInterval must not be negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private const string WhereTheSecretIs =
        "copy the Signing Secret from https://api.slack.com/apps → your app → Basic Information → App Credentials (Signing Secret → Show) " +
        "into Slack__SigningSecret (in Azure: the slackSigningSecret parameter or the Key Vault secret slack-signing-secret), or remove it to turn Slack off";

    private const string WhereTheTokenIs =
        "copy the Bot User OAuth Token (xoxb-…) from https://api.slack.com/apps → your app → OAuth & Permissions (install the app to the workspace first) " +
        "into Slack__BotToken (in Azure: the slackBotToken parameter or the Key Vault secret slack-bot-token)";

    /// <summary>
    /// Null when <paramref name="secret"/> looks like a Slack signing secret (32 hexadecimal characters); otherwise what is
    /// wrong and where to find the real one. The value itself is never repeated: it may be a real secret pasted in the wrong place.
    /// </summary>
    internal static string? CheckSigningSecret(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            return $"Slack is enabled but Slack:SigningSecret is empty: {WhereTheSecretIs} (or set Slack:Enabled to false).";
        }

        var value = secret.Trim();
        if (UnresolvedKeyVaultReference(value))
        {
            return "Slack:SigningSecret is a Key Vault reference that App Service could not resolve (the app sees '@Microsoft.KeyVault(…)' literally): " +
                   "the portal's Configuration → Application settings shows why (access denied, secret not found); check the app identity's Key Vault Secrets User role and that the secret slack-signing-secret exists.";
        }

        if (IsPlaceholder(value))
        {
            return $"Slack:SigningSecret is still a placeholder (from appsettings.sample.json or a first deployment), not a signing secret: {WhereTheSecretIs}.";
        }

        if (value.Length != 32 || !value.All(char.IsAsciiHexDigit))
        {
            return $"Slack:SigningSecret does not look like a Slack signing secret (32 hexadecimal characters; this value has {value.Length} characters" +
                   $"{(value.All(char.IsAsciiHexDigit) ? "" : ", not all hexadecimal")}). It is not the Client Secret or the Verification Token: {WhereTheSecretIs}.";
        }

        return null;
    }

    /// <summary>Null when <paramref name="token"/> looks like a bot token; otherwise what is wrong and where to find the real one.</summary>
    internal static string? CheckBotToken(string? token)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return $"Slack is enabled but Slack:BotToken is empty: {WhereTheTokenIs}.";
        }

        var value = token.Trim();
        if (UnresolvedKeyVaultReference(value))
        {
            return "Slack:BotToken is a Key Vault reference that App Service could not resolve (the app sees '@Microsoft.KeyVault(…)' literally): " +
                   "the portal's Configuration → Application settings shows why; check the app identity's Key Vault Secrets User role and that the secret slack-bot-token exists.";
        }

        if (IsPlaceholder(value))
        {
            return $"Slack:BotToken is still a placeholder (from appsettings.sample.json or a first deployment), not a token: {WhereTheTokenIs}.";
        }

        if (!value.StartsWith("xoxb-", StringComparison.Ordinal))
        {
            return $"Slack:BotToken must be a bot token starting with 'xoxb-'; user (xoxp-) and app-level (xapp-) tokens do not work here: {WhereTheTokenIs}.";
        }

        return null;
    }

    private const string WhereTheAppTokenIs =
        "create an app-level token with the scope connections:write at https://api.slack.com/apps → your app → Basic Information → App-Level Tokens (Generate Token and Scopes), " +
        "turn Socket Mode on (Settings → Socket Mode) and put the token (xapp-…) into Slack__AppToken, or remove Slack:AppToken to receive Slack over HTTP request URLs";

    /// <summary>Null when <paramref name="token"/> looks like an app-level token; otherwise what is wrong and where to find the real one.</summary>
    internal static string? CheckAppToken(string? token)
    {
        var value = (token ?? "").Trim();
        if (UnresolvedKeyVaultReference(value))
        {
            return "Slack:AppToken is a Key Vault reference that App Service could not resolve (the app sees '@Microsoft.KeyVault(…)' literally): " +
                   "check the app identity's Key Vault Secrets User role and that the secret exists.";
        }

        if (IsPlaceholder(value))
        {
            return $"Slack:AppToken is still a placeholder, not a token: {WhereTheAppTokenIs}.";
        }

        if (!value.StartsWith("xapp-", StringComparison.Ordinal))
        {
            return $"Slack:AppToken must be an app-level token starting with 'xapp-'; bot (xoxb-) and user (xoxp-) tokens cannot open a Socket Mode connection: {WhereTheAppTokenIs}.";
        }

        return null;
    }

    private static bool UnresolvedKeyVaultReference(string value) =>
        value.StartsWith("@Microsoft.KeyVault(", StringComparison.OrdinalIgnoreCase);

    /// <summary>The sample's <c>&lt;…&gt;</c> values and the words people deploy with before they have the Slack app.</summary>
    private static bool IsPlaceholder(string value) =>
        (value.StartsWith('<') && value.EndsWith('>'))
        || value.Equals("pending", StringComparison.OrdinalIgnoreCase)
        || value.Equals("changeme", StringComparison.OrdinalIgnoreCase)
        || value.Equals("placeholder", StringComparison.OrdinalIgnoreCase)
        || value.Equals("todo", StringComparison.OrdinalIgnoreCase)
        || value.Equals("none", StringComparison.OrdinalIgnoreCase);
}
