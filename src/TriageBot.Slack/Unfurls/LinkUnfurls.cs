using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TriageBot.Core.UseCases;
using TriageBot.Slack.Blocks;
using TriageBot.Slack.Payloads;
using TriageBot.Slack.WebApi;

namespace TriageBot.Slack.Unfurls;

/// <summary>
/// <c>link_shared</c> → <c>chat.unfurl</c>: a TriageBot dashboard or item link shared in Slack shows the backlog's overview
/// or the item's card. Only this app's links with a dashboard token in force unfurl (see <see cref="ItemFinder"/>); any
/// other link is left as Slack shows it. At most <see cref="MaxLinks"/> links of one message are looked at.
/// </summary>
internal static class LinkUnfurls
{
    public const int MaxLinks = 5;

    public static async Task UnfurlAsync(LinkSharedEvent shared, IServiceProvider services, ILogger logger, CancellationToken ct)
    {
        var finder = services.GetService<ItemFinder>();
        if (finder is null) return;
        var unfurls = new JsonObject();
        foreach (var url in shared.Links.Select(l => l.Url).OfType<string>().Distinct(StringComparer.Ordinal).Take(MaxLinks))
        {
            if (await finder.UnfurlAsync(url, ct).ConfigureAwait(false) is not { } view) continue;
            // Read-only: an unfurl is seen by everyone in the conversation, so it carries no buttons.
            var blocks = new JsonArray(BlockKitRenderer.Render(view).Blocks.DeepClone().AsArray()
                .Where(b => b?["type"]?.GetValue<string>() != "actions").Select(b => b!.DeepClone()).ToArray());
            unfurls[url] = new JsonObject { ["blocks"] = blocks };
        }

        if (unfurls.Count == 0) return;
        try
        {
            await services.GetRequiredService<SlackApiClient>().UnfurlAsync(shared.Channel, shared.MessageTs, shared.UnfurlId, shared.Source, unfurls, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SlackApiException or SlackRateLimitedException or SlackTransientException)
        {
            // An unfurl is a nicety: the link stays as it was.
            Log.ReplyFailed(logger, "chat.unfurl", e.GetType().Name);
        }
    }
}
