namespace TriageBot.Core.Conversation;

/// <summary>An item reference carried by buttons and forms: <c>backlogId/number</c>, optionally <c>:round</c>.</summary>
public readonly record struct ItemRef(string BacklogId, int Number, int? Round)
{
    public static bool TryParse(string? text, out ItemRef result)
    {
        result = default;
        if (string.IsNullOrEmpty(text) || text.Length > 200)
        {
            return false;
        }

        var slash = text.LastIndexOf('/');
        if (slash <= 0)
        {
            return false;
        }

        var rest = text[(slash + 1)..];
        int? round = null;
        var colon = rest.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            if (!int.TryParse(rest[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var r))
            {
                return false;
            }

            round = r;
            rest = rest[..colon];
        }

        if (!int.TryParse(rest, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n <= 0)
        {
            return false;
        }

        result = new ItemRef(text[..slash], n, round);
        return true;
    }
}
