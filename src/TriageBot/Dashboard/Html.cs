using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace TriageBot.Dashboard;

/// <summary>
/// A small HTML writer for server-rendered pages: tags are written by the page code, and every piece of text or
/// attribute value goes through the HTML encoder, so people's text can never become markup.
/// </summary>
internal sealed class Html
{
    /// <summary>Encodes what HTML gives meaning to (&lt; &gt; &amp; quotes) and leaves other scripts readable in the source.</summary>
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private readonly StringBuilder _sb = new(16 * 1024);

    /// <summary>Writes trusted markup written in this code base (never people's text).</summary>
    public Html Raw(string markup)
    {
        _sb.Append(markup);
        return this;
    }

    /// <summary>Writes text, encoded.</summary>
    public Html Text(string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            _sb.Append(Encoder.Encode(text));
        }

        return this;
    }

    public Html Text(int value) => Raw(value.ToString(CultureInfo.InvariantCulture));

    /// <summary>An element whose whole content is encoded text: <c>&lt;td&gt;text&lt;/td&gt;</c>.</summary>
    public Html El(string tag, string? text, string? cssClass = null)
    {
        Open(tag, cssClass);
        Text(text);
        return Close(tag);
    }

    public Html Open(string tag, string? cssClass = null, params (string Name, string? Value)[] attributes)
    {
        _sb.Append('<').Append(tag);
        if (cssClass is not null)
        {
            Attr("class", cssClass);
        }

        foreach (var (name, value) in attributes)
        {
            if (value is not null)
            {
                Attr(name, value);
            }
        }

        _sb.Append('>');
        return this;
    }

    public Html Close(string tag)
    {
        _sb.Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>A link; the href is encoded like any attribute and must be built by this code (never a person's URL).</summary>
    public Html Link(string href, string text, string? cssClass = null)
    {
        Open("a", cssClass, ("href", href));
        Text(text);
        return Close("a");
    }

    private void Attr(string name, string value) =>
        _sb.Append(' ').Append(name).Append("=\"").Append(Encoder.Encode(value)).Append('"');

    public override string ToString() => _sb.ToString();
}
