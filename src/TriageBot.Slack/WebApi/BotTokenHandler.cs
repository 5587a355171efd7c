using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace TriageBot.Slack.WebApi;

/// <summary>Adds the bot token to every Web API call, so callers never handle it.</summary>
internal sealed class BotTokenHandler(IOptionsMonitor<SlackOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = options.CurrentValue.BotToken;
        if (string.IsNullOrWhiteSpace(token))
        {
            throw new SlackApiException(request.RequestUri?.Segments.LastOrDefault() ?? "?", "not_authed (Slack:BotToken is not set)");
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return base.SendAsync(request, cancellationToken);
    }
}
