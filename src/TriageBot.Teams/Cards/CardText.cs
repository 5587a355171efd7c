using System.Text;

namespace TriageBot.Teams.Cards;

/// <summary>
/// Makes people's text safe for an Adaptive Card TextBlock, which renders a Markdown subset: no links, mentions,
/// emphasis, lists or headings can be injected, and the card template/date functions (<c>{{…}}</c>) are defused.
/// </summary>
public static class CardText
{
    /// <summary>Characters escaped with a backslash wherever they appear (CommonMark backslash escapes).</summary>
    private const string AlwaysEscaped = "\\`*_[]()<>~|!";

    /// <summary>Characters that only mean something at the start of a line (headings, lists, quotes).</summary>
    private const string LineStartEscaped = "#-+>=";

    public static string Escape(string? text, int maxLength = 3000)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var source = Truncate(text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n'), maxLength);
        var sb = new StringBuilder(source.Length + 16);
        var lineStart = true;
        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            if (c == '\n')
            {
                // A TextBlock needs a blank line for a visible break; a single newline would be folded away.
                sb.Append("\n\n");
                lineStart = true;
                continue;
            }
            if (lineStart && (c == ' ' || c == '\t')) { sb.Append(c); continue; }
            if (AlwaysEscaped.Contains(c, StringComparison.Ordinal) || (lineStart && LineStartEscaped.Contains(c, StringComparison.Ordinal)))
            {
                sb.Append('\\').Append(c);
            }
            else if (lineStart && char.IsAsciiDigit(c))
            {
                // "1. text" or "1) text" would start an ordered list.
                var j = i;
                while (j < source.Length && char.IsAsciiDigit(source[j])) j++;
                sb.Append(source, i, j - i);
                if (j < source.Length && (source[j] == '.' || source[j] == ')'))
                {
                    sb.Append('\\').Append(source[j]);
                    j++;
                }
                i = j - 1;
            }
            else if (c == '{' && i + 1 < source.Length && source[i + 1] == '{')
            {
                // {{DATE(...)}} and {{TIME(...)}} are evaluated by renderers; break the pair with a zero-width space.
                sb.Append("{\u200B");
            }
            else
            {
                sb.Append(c);
            }
            lineStart = false;
        }
        return sb.ToString();
    }

    /// <summary>
    /// <see cref="Escape"/>, with every address of <paramref name="links"/> that appears in the text made a Markdown link
    /// (<c>[label](url)</c>): a bare address in a card's TextBlock is not clickable in Teams. Only http(s) addresses the bot
    /// made; the label is escaped, and characters that would end the link are percent-encoded.
    /// </summary>
    public static string WithLinks(string? text, IReadOnlyList<Core.Views.ViewLink> links, int maxLength = 3000)
    {
        var escaped = Escape(text, maxLength);
        foreach (var link in links)
        {
            var url = Escape(link.Url, maxLength);
            if (url.Length > 0 && IsWebAddress(link.Url) && escaped.Contains(url, StringComparison.Ordinal))
            {
                escaped = escaped.Replace(url, $"[{Escape(link.Label, 200)}]({LinkTarget(link.Url)})", StringComparison.Ordinal);
            }
        }
        return escaped;
    }

    private static bool IsWebAddress(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp);

    private static string LinkTarget(string url) => url
        .Replace(" ", "%20", StringComparison.Ordinal).Replace("(", "%28", StringComparison.Ordinal).Replace(")", "%29", StringComparison.Ordinal)
        .Replace("<", "%3C", StringComparison.Ordinal).Replace(">", "%3E", StringComparison.Ordinal).Replace("[", "%5B", StringComparison.Ordinal).Replace("]", "%5D", StringComparison.Ordinal);

    /// <summary>
    /// One line of people's text (a name in a list's facts) with every character that could start a link, an image, a
    /// mention or emphasis escaped; parentheses stay as they are, since without brackets they make no link.
    /// </summary>
    public static string EscapeInline(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is not ('(' or ')') && AlwaysEscaped.Contains(c, StringComparison.Ordinal)) sb.Append('\\');
            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary>A short text for a place that takes no Markdown (titles of choices, facts, input values): only truncated.</summary>
    public static string Plain(string? text, int maxLength = 3000) => Truncate(text ?? "", maxLength);

    /// <summary>A display name fit to sit between <c>&lt;at&gt;</c> tags: letters, digits and simple punctuation only.</summary>
    public static string MentionName(string? name)
    {
        var sb = new StringBuilder();
        foreach (var c in name ?? "")
        {
            if (char.IsLetterOrDigit(c) || c is ' ' or '.' or '\'' or ',') sb.Append(c);
        }
        var clean = sb.ToString().Trim();
        return clean.Length == 0 ? "someone" : Truncate(clean, 64);
    }

    public static string Truncate(string text, int maxLength) =>
        text.Length <= maxLength ? text : string.Concat(text.AsSpan(0, Math.Max(0, maxLength - 1)), "…");
}
