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

    /// <summary>Whether the channel is on; when unset it is on exactly when a signing secret is set.</summary>
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

    internal bool IsEnabled => Enabled ?? !string.IsNullOrWhiteSpace(SigningSecret);

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
            if (string.IsNullOrWhiteSpace(options.SigningSecret))
            {
                failures.Add("Slack is enabled but Slack:SigningSecret is empty: copy the Signing Secret from the Slack app's Basic Information page into the Slack__SigningSecret environment variable (or set Slack:Enabled to false).");
            }

            if (string.IsNullOrWhiteSpace(options.BotToken))
            {
                failures.Add("Slack is enabled but Slack:BotToken is empty: install the app to the workspace and copy the Bot User OAuth Token (xoxb-…) from OAuth & Permissions into the Slack__BotToken environment variable.");
            }
            else if (!options.BotToken.StartsWith("xoxb-", StringComparison.Ordinal))
            {
                failures.Add("Slack:BotToken must be a bot token starting with 'xoxb-' (OAuth & Permissions → Bot User OAuth Token); user and app-level tokens do not work here.");
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

        if (options.ChannelPostInterval < TimeSpan.Zero)
        {
            failures.Add("Slack:ChannelPostInterval must not be negative.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
