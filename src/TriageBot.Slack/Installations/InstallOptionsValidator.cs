using Microsoft.Extensions.Options;

namespace TriageBot.Slack.Installations;

/// <summary>With installs to many workspaces on (<c>Slack:ClientId</c> set), refuses to start without what the OAuth flow and the sealed tokens need.</summary>
internal sealed class InstallOptionsValidator : IValidateOptions<SlackOptions>
{
    private const string Where = "https://api.slack.com/apps → your app → Basic Information → App Credentials";

    public ValidateOptionsResult Validate(string? name, SlackOptions options)
    {
        if (!options.IsEnabled || !options.IsMultiWorkspace)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ClientSecret))
        {
            failures.Add($"Slack:ClientId is set (installs to many workspaces) but Slack:ClientSecret is empty: copy the Client Secret from {Where}.");
        }

        if (string.IsNullOrWhiteSpace(options.StateSecret) || options.StateSecret.Trim().Length < 32)
        {
            failures.Add("Slack:ClientId is set but Slack:StateSecret is missing or shorter than 32 characters: set a random secret of your own (e.g. `openssl rand -hex 32`), the same on every instance.");
        }

        if (TokenCipher.ParseKey(options.InstallationKey) is null)
        {
            failures.Add("Slack:ClientId is set but Slack:InstallationKey is not base64 of 32 bytes: set one (e.g. `openssl rand -base64 32`), the same on every instance; in Azure the Key Vault secret slack-installation-key.");
        }

        foreach (var (key, i) in options.PreviousInstallationKeys.Select((k, i) => (k, i)))
        {
            // Empty: no previous key (the Azure template gives the setting empty when the vault holds none).
            if (!string.IsNullOrWhiteSpace(key) && TokenCipher.ParseKey(key) is null)
            {
                failures.Add($"Slack:PreviousInstallationKeys:{i} is not base64 of 32 bytes.");
            }
        }

        if (!Uri.TryCreate(options.AuthorizeUrl, UriKind.Absolute, out var authorize) || (authorize.Scheme != Uri.UriSchemeHttps && authorize.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"Slack:AuthorizeUrl '{options.AuthorizeUrl}' is not an absolute http(s) URL; leave it unset for https://slack.com/oauth/v2/authorize.");
        }

        if (options.RedirectUrl is { Length: > 0 } redirect && !Uri.TryCreate(redirect, UriKind.Absolute, out _))
        {
            failures.Add($"Slack:RedirectUrl '{redirect}' is not an absolute URL (it is https://YOUR-HOST/slack/oauth_redirect).");
        }

        if (string.IsNullOrWhiteSpace(options.Scopes))
        {
            failures.Add("Slack:Scopes is empty; leave it unset for the manifest's bot scopes.");
        }

        if (options.TokenRefreshMargin < TimeSpan.Zero || options.TokenRefreshMargin > TimeSpan.FromHours(6))
        {
            failures.Add("Slack:TokenRefreshMargin must be between 00:00:00 and 06:00:00 (Slack's rotated tokens live 12 hours).");
        }

        if (options.InstallationCacheTtl < TimeSpan.Zero || options.InstallationCacheTtl > TimeSpan.FromMinutes(5))
        {
            failures.Add("Slack:InstallationCacheTtl must be between 00:00:00 and 00:05:00 (an uninstall on another instance takes effect within it).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
