using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TriageBot.Slack.Installations;

namespace TriageBot.Slack.WebApi;

/// <summary>
/// Adds the bot token to every Web API call, so callers never handle it: <c>Slack:BotToken</c> for one workspace; with
/// installs to many workspaces, the token of the installation serving <see cref="SlackWorkspace.Current"/> (refreshed
/// first when it is about to expire). A call for a workspace without an installation fails with <c>not_installed</c>,
/// which the sender treats as the channel lost.
/// </summary>
internal sealed class BotTokenHandler(IOptionsMonitor<SlackOptions> options, IServiceProvider services) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var method = request.RequestUri?.Segments.LastOrDefault() ?? "?";
        string? token;
        if (options.CurrentValue.IsMultiWorkspace)
        {
            var tenant = SlackWorkspace.Current ?? throw new SlackApiException(method, "not_authed (no workspace is known for this call)");
            token = await services.GetRequiredService<SlackInstallations>().BotTokenAsync(tenant, cancellationToken).ConfigureAwait(false)
                ?? throw new SlackApiException(method, $"not_installed (the app is not installed in {tenant}: it was uninstalled or its tokens were revoked; install it again at /slack/install)");
        }
        else
        {
            token = options.CurrentValue.BotToken;
            if (string.IsNullOrWhiteSpace(token))
            {
                throw new SlackApiException(method, "not_authed (Slack:BotToken is not set)");
            }
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
