using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Slack.Blocks;

namespace TriageBot.Slack.WebApi;

/// <summary>
/// Posts an answer to an interaction's <c>response_url</c>: the one way to answer privately in a conversation the bot is
/// not a member of (a channel it was never invited to, a DM or group DM between people). Only URLs under
/// <see cref="SlackOptions.ResponseUrlPrefix"/> are used, and no token is sent (the URL is the credential).
/// </summary>
public sealed class ResponseUrlClient(HttpClient http, IOptions<SlackOptions> options, ILogger<ResponseUrlClient> logger)
{
    /// <summary>Whether <paramref name="url"/> is a response URL the bot will post to.</summary>
    public bool Accepts(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith(options.Value.ResponseUrlPrefix, StringComparison.Ordinal)
        && Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.IsLoopback);

    /// <summary>Posts <paramref name="message"/> as an ephemeral answer; false when the URL is not accepted or Slack refused it.</summary>
    public async Task<bool> RespondAsync(string? url, SlackMessage message, CancellationToken ct)
    {
        if (!Accepts(url))
        {
            return false;
        }

        var body = message.ToJson();
        body["response_type"] = "ephemeral";
        body["replace_original"] = false;
        try
        {
            using var response = await http.PostAsJsonAsync(new Uri(url!), body, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                Log.ReplyFailed(logger, "response_url", "HTTP " + (int)response.StatusCode);
            }

            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            Log.ReplyFailed(logger, "response_url", e.GetType().Name);
            return false;
        }
    }
}
