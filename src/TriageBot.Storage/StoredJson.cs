using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TriageBot.Core;
using TriageBot.Core.Items;

namespace TriageBot.Storage;

/// <summary>Serialization and sortable keys shared by both backends, so they store the same shapes.</summary>
internal static class StoredJson
{
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, CoreJson.Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, CoreJson.Options)
        ?? throw new InvalidDataException($"Stored JSON for {typeof(T).Name} was null.");

    /// <summary>From the UTF-8 bytes as stored: no string is made and nothing is transcoded (the reports read 50,000 items).</summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize<T>(utf8, CoreJson.Options)
        ?? throw new InvalidDataException($"Stored JSON for {typeof(T).Name} was null.");

    public static string Number(int number) => number.ToString("D10", CultureInfo.InvariantCulture);

    public static string Ticks(DateTimeOffset at) => at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>
    /// Sortable, deterministic key of a history entry: time, item, sequence, then a hash of its content. The same
    /// entry written twice (a retried append) lands on the same key; two different entries at the same instant do not.
    /// </summary>
    public static string HistoryKey(HistoryEntry entry, string json)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(json));
        var sequence = ((long)entry.Sequence - int.MinValue).ToString("D10", CultureInfo.InvariantCulture);
        return $"{Ticks(entry.At)}-{Number(entry.ItemNumber)}-{sequence}-{Convert.ToHexStringLower(hash.AsSpan(0, 8))}";
    }

    /// <summary>The smallest history key at or after <paramref name="at"/>.</summary>
    public static string HistoryBound(DateTimeOffset at) => Ticks(at);
}
