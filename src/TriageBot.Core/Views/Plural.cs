using System.Globalization;

namespace TriageBot.Core.Views;

/// <summary>Counted nouns without "(s)": "1 item", "2 items", "1 minute" (issue 19).</summary>
public static class Plural
{
    public static string Of(int count, string singular, string? plural = null) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? singular : plural ?? singular + "s");
}
