using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using TriageBot.Core.Items;

namespace TriageBot.Slack.Blocks;

/// <summary>
/// Text for Block Kit: escaping of people's text for mrkdwn, and length limits that never cut an escape
/// sequence or a surrogate pair. Every string that came from a person goes through <see cref="Escape"/>
/// before it is placed in mrkdwn, so it can never become a mention, a special command or a link.
/// </summary>
public static class SlackText
{
    /// <summary>What we show when a text would otherwise be empty (Slack refuses empty text objects).</summary>
    public const string Empty = "—";

    private const string Ellipsis = "…";

    /// <summary>Escapes the three characters mrkdwn gives meaning to, after removing invisible direction overrides.</summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var clean = Clean(text);
        var sb = new StringBuilder(clean.Length + 16);
        foreach (var c in clean)
        {
            _ = c switch
            {
                '&' => sb.Append("&amp;"),
                '<' => sb.Append("&lt;"),
                '>' => sb.Append("&gt;"),
                _ => sb.Append(c),
            };
        }

        return sb.ToString();
    }

    /// <summary>
    /// Removes bidirectional overrides/isolates (which can make text read differently than it is) and control
    /// characters other than line breaks and tabs. Zero-width characters are kept: they cannot form tokens once
    /// &lt; and &gt; are escaped.
    /// </summary>
    public static string Clean(string text)
    {
        var needs = false;
        foreach (var c in text)
        {
            if (IsUnwanted(c))
            {
                needs = true;
                break;
            }
        }

        if (!needs)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!IsUnwanted(c))
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static bool IsUnwanted(char c) =>
        c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069')
        || (char.IsControl(c) && c != '\n' && c != '\t');

    /// <summary>Shortens already-escaped mrkdwn to <paramref name="max"/> characters without splitting an <c>&amp;…;</c> entity.</summary>
    public static string TruncateMrkdwn(string escaped, int max)
    {
        if (escaped.Length == 0)
        {
            return Empty;
        }

        if (escaped.Length <= max)
        {
            return escaped;
        }

        var cut = Math.Max(1, max - Ellipsis.Length);
        // An entity is at most 5 characters (&amp;): if an '&' starts within the last 4 kept characters and
        // its ';' lies beyond the cut, cut before the '&'.
        var amp = escaped.LastIndexOf('&', cut - 1, Math.Min(cut, 5));
        if (amp >= 0)
        {
            var semi = escaped.IndexOf(';', amp);
            if (semi < 0 || semi >= cut)
            {
                cut = amp;
            }
        }

        // Our own tokens (<@U…>, <url|label>) must not be cut open either; people's text has no '<' left.
        var open = escaped.LastIndexOf('<', cut - 1);
        if (open >= 0 && escaped.IndexOf('>', open) >= cut)
        {
            cut = open;
        }

        return SafeCut(escaped, cut) + Ellipsis;
    }

    /// <summary>Shortens plain text to <paramref name="max"/> characters (plain_text needs no escaping, only limits).</summary>
    public static string TruncatePlain(string? text, int max)
    {
        var clean = Clean((text ?? "").Trim());
        if (clean.Length == 0)
        {
            return Empty;
        }

        return clean.Length <= max ? clean : SafeCut(clean, max - Ellipsis.Length) + Ellipsis;
    }

    /// <summary>Escape then truncate: the usual path for a person's text into mrkdwn.</summary>
    public static string EscapeAndTruncate(string? text, int max) => TruncateMrkdwn(Escape(text), max);

    private static string SafeCut(string text, int length)
    {
        if (length <= 0)
        {
            return "";
        }

        if (length < text.Length && char.IsHighSurrogate(text[length - 1]))
        {
            length--;
        }

        return text[..length];
    }

    /// <summary>A mrkdwn text object. <paramref name="mrkdwn"/> must already be escaped; <c>verbatim</c> stops Slack linkifying bare URLs and names.</summary>
    public static JsonObject Mrkdwn(string mrkdwn, int max = BlockLimits.SectionText) => new()
    {
        ["type"] = "mrkdwn",
        ["text"] = TruncateMrkdwn(mrkdwn, max),
        ["verbatim"] = true,
    };

    /// <summary>A plain_text object within <paramref name="max"/> characters.</summary>
    public static JsonObject Plain(string? text, int max) => new()
    {
        ["type"] = "plain_text",
        ["text"] = TruncatePlain(text, max),
        ["emoji"] = true,
    };

    /// <summary>A link we make ourselves (dashboard, source message), only for http(s) URLs; otherwise just the label.</summary>
    public static string Link(string? url, string label)
    {
        var escapedLabel = Escape(label);
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return escapedLabel;
        }

        // '|' and '>' would end the link early; percent-encode them and the escape characters.
        var safeUrl = uri.AbsoluteUri.Replace("|", "%7C", StringComparison.Ordinal)
            .Replace("<", "%3C", StringComparison.Ordinal)
            .Replace(">", "%3E", StringComparison.Ordinal)
            .Replace("&", "&amp;", StringComparison.Ordinal);
        return $"<{safeUrl}|{escapedLabel.Replace("|", "¦", StringComparison.Ordinal)}>";
    }

    /// <summary>
    /// Escaped text in which each address the bot made (<paramref name="links"/>) becomes a <c>&lt;url|label&gt;</c> link;
    /// anything else a person wrote stays plain.
    /// </summary>
    public static string WithLinks(string? text, IReadOnlyList<Core.Views.ViewLink> links)
    {
        var escaped = Escape(text);
        foreach (var link in links)
        {
            var url = Escape(link.Url);
            if (url.Length > 0 && escaped.Contains(url, StringComparison.Ordinal))
            {
                escaped = escaped.Replace(url, Link(link.Url, link.Label), StringComparison.Ordinal);
            }
        }

        return escaped;
    }

    /// <summary>A Slack mention for a real Slack user id, otherwise the escaped display name.</summary>
    public static string Person(UserRef user)
    {
        if (user.Platform == Platform.Slack && IsSlackUserId(user.UserId))
        {
            return $"<@{user.UserId}>";
        }

        return Escape(string.IsNullOrWhiteSpace(user.DisplayName) ? user.UserId : user.DisplayName);
    }

    /// <summary>A person's name as plain words, never a mention (used where a ping would be noise).</summary>
    public static string Name(UserRef user) => Escape(string.IsNullOrWhiteSpace(user.DisplayName) ? user.UserId : user.DisplayName);

    /// <summary>Slack user ids are U… or W… followed by upper-case letters and digits.</summary>
    public static bool IsSlackUserId(string? id) =>
        id is { Length: >= 2 and <= 32 } && (id[0] == 'U' || id[0] == 'W') && id.Skip(1).All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c));

    internal static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);
}
