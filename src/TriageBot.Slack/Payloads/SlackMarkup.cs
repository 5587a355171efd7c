using System.Text.RegularExpressions;

namespace TriageBot.Slack.Payloads;

/// <summary>
/// Turns the text of a Slack message (its <c>mrkdwn</c> wire form) into the text a person reads: links as
/// <c>text (url)</c>, mentions of people as <c>@Display Name</c>, channels as <c>#name</c>, special mentions as
/// <c>@here</c>, and <c>&amp;amp;</c>, <c>&amp;lt;</c>, <c>&amp;gt;</c> as the characters they stand for. Formatting marks
/// (<c>*bold*</c>) are what the person typed and stay.
/// </summary>
public static partial class SlackMarkup
{
    /// <summary>The user ids mentioned in <paramref name="text"/> (<c>&lt;@U123&gt;</c>), each once.</summary>
    public static IReadOnlyList<string> MentionedUsers(string? text) =>
        string.IsNullOrEmpty(text) ? [] : [.. Angle().Matches(text).Select(m => m.Groups[1].Value).Where(v => v.StartsWith('@')).Select(v => v[1..].Split('|')[0]).Distinct(StringComparer.Ordinal)];

    /// <summary>The plain text; <paramref name="names"/> gives display names by user id (an id without one shows the name in the mention, else the id).</summary>
    public static string ToPlainText(string? text, IReadOnlyDictionary<string, string>? names = null)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var replaced = Angle().Replace(text, m => Token(m.Groups[1].Value, names));
        return Unescape(replaced);
    }

    private static string Token(string inner, IReadOnlyDictionary<string, string>? names)
    {
        var bar = inner.IndexOf('|', StringComparison.Ordinal);
        var target = bar < 0 ? inner : inner[..bar];
        var label = bar < 0 ? null : Unescape(inner[(bar + 1)..]);
        switch (target.Length > 0 ? target[0] : ' ')
        {
            case '@':
                var id = target[1..];
                return "@" + (names is not null && names.TryGetValue(id, out var name) && !string.IsNullOrWhiteSpace(name) ? name : label ?? id);
            case '#':
                return "#" + (label ?? target[1..]);
            case '!':
                var special = target[1..];
                if (label is not null)
                {
                    // <!subteam^S123|@team>, <!date^…|fallback>: the label is what people see.
                    return label;
                }

                return special is "here" or "channel" or "everyone" ? "@" + special : special.Split('^')[0];
            default:
                var url = Unescape(target);
                if (url.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
                {
                    return label ?? url["mailto:".Length..];
                }

                return label is null || label == url ? url : $"{label} ({url})";
        }
    }

    private static string Unescape(string s) =>
        s.Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal);

    [GeneratedRegex(@"<([@#!]?[^<>\s][^<>]*)>", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Angle();
}
