using System.Net;
using System.Text.RegularExpressions;

namespace TriageBot.Teams.Activities;

/// <summary>
/// The text a person reads in a Teams message body (HTML), for "Report to triage": links as <c>text (url)</c> (just the
/// address when the text is the address), mentions as <c>@Display Name</c>, then tags removed and entities decoded.
/// </summary>
public static partial class TeamsMarkup
{
    public static string MessageToText(string html)
    {
        var text = Anchor().Replace(html, m =>
        {
            var url = WebUtility.HtmlDecode(m.Groups["url"].Value).Trim();
            var label = WebUtility.HtmlDecode(AnyTag().Replace(m.Groups["text"].Value, "")).Trim();
            var safeUrl = url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? url : null;
            // The result is HTML again (decoded once below): keep it escaped so a label cannot become a tag.
            var shown = safeUrl is null || label == safeUrl || label.Length == 0 ? (safeUrl ?? label) : $"{label} ({safeUrl})";
            return WebUtility.HtmlEncode(shown);
        });
        text = Mention().Replace(text, m => "@" + m.Groups["name"].Value);
        return ActivityTranslation.HtmlToText(text);
    }

    [GeneratedRegex(@"<a\b[^>]*?\bhref\s*=\s*[""'](?<url>[^""']*)[""'][^>]*>(?<text>.*?)</a\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Anchor();

    [GeneratedRegex(@"<at\b[^>]*>(?<name>[^<]*)</at\s*>", RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Mention();

    [GeneratedRegex(@"<[^>]*>", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex AnyTag();
}
