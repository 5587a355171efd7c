namespace TriageBot.Core.Items;

/// <summary>The input rules for text every form shares (SPEC §2): trimmed, titles 3–150 characters, free text up to 3,000.</summary>
public static class InputText
{
    public const int TitleMin = 3;
    public const int TitleMax = 150;
    public const int FreeTextMax = 3000;
    /// <summary>A vote's one-line justification.</summary>
    public const int ReasonLineMax = 300;
    /// <summary>Close rationales and other required explanations must say at least this much.</summary>
    public const int RationaleMin = 3;

    /// <summary>Trimmed text; null becomes empty.</summary>
    public static string Clean(string? text) => text?.Trim() ?? "";

    /// <summary>Characters as a person counts them: Unicode scalar values, so an emoji is one character, not two UTF-16 units.</summary>
    public static int Length(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.EnumerateRunes().Count();
    }

    public static bool IsOneLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.IndexOfAny(['\r', '\n', '\u2028', '\u2029']) < 0;
    }
}
