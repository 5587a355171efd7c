using TriageBot.Core.Items;

namespace TriageBot.Storage;

/// <summary>How both backends key a recorded domain event: sortable by time, then item, then order within the change.</summary>
internal static class StoredEvents
{
    public static string Key(ItemEvent e) =>
        $"{StoredJson.Ticks(e.At)}-{StoredJson.Number(e.ItemNumber)}-{e.Sequence.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)}-{e.Id}";

    /// <summary>The smallest event key at or after <paramref name="at"/>.</summary>
    public static string Bound(DateTimeOffset at) => StoredJson.Ticks(at);
}
