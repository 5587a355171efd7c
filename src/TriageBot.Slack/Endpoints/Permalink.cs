using System.Text.RegularExpressions;

namespace TriageBot.Slack.Endpoints;

/// <summary>Slack message permalinks: <c>https://{domain}.slack.com/archives/{channel}/p{ts without the dot}</c>.</summary>
internal static partial class Permalink
{
    /// <summary>The permalink, or null when a part is missing or not of the shape Slack uses (so nothing odd ends up in a link).</summary>
    public static string? Build(string? domain, string channel, string ts)
    {
        if (domain is null || !DomainPattern().IsMatch(domain) || !ChannelPattern().IsMatch(channel) || !TsPattern().IsMatch(ts))
        {
            return null;
        }

        return $"https://{domain}.slack.com/archives/{channel}/p{ts.Replace(".", "", StringComparison.Ordinal)}";
    }

    /// <summary>
    /// The permalink of a reply in a thread, as Slack writes it (<c>…/p{ts}?thread_ts={parent}&amp;cid={channel}</c>), so the
    /// link opens the thread; a thread's first message, or a message in no thread, gets the plain permalink.
    /// </summary>
    public static string? Build(string? domain, string channel, string ts, string? threadTs)
    {
        var link = Build(domain, channel, ts);
        if (link is null || threadTs is null || threadTs == ts || !TsPattern().IsMatch(threadTs))
        {
            return link;
        }

        return $"{link}?thread_ts={threadTs}&cid={channel}";
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex DomainPattern();

    [GeneratedRegex("^[A-Z0-9]{1,32}$")]
    private static partial Regex ChannelPattern();

    [GeneratedRegex(@"^\d{1,12}\.\d{1,8}$")]
    private static partial Regex TsPattern();
}
