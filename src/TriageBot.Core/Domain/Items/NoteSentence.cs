using System.Globalization;
using System.Text;

namespace TriageBot.Core.Items;

/// <summary>
/// The capability note's own rule, held on the server for every surface (issue 19): at least a sentence — three words
/// and ten letters, or, in scripts written without spaces (Chinese, Japanese, Thai…), ten letters. "." or "ok" is not a note.
/// </summary>
public static class NoteSentence
{
    public const int MinWords = 3;
    public const int MinLetters = 10;

    public const string Message = "Capability note needs at least a sentence: what the feature depends on in the model, retrieval or evaluation, and how big that is.";

    public static bool IsASentence(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var letters = 0;
        var unspaced = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (!Rune.IsLetter(rune)) continue;
            letters++;
            if (Unspaced(rune)) unspaced++;
        }

        if (letters < MinLetters) return false;
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Count(w => w.EnumerateRunes().Any(Rune.IsLetterOrDigit));
        return words >= MinWords || unspaced >= MinLetters;
    }

    private static bool Unspaced(Rune r) => r.Value is >= 0x0E00 and <= 0x0EFF // Thai, Lao
        or >= 0x3040 and <= 0x30FF // kana
        or >= 0x3400 and <= 0x9FFF // CJK ideographs
        || Rune.GetUnicodeCategory(r) == UnicodeCategory.OtherLetter && r.Value >= 0x1000;
}
