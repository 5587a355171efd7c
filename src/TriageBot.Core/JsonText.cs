using System.Text.Json;

namespace TriageBot.Core;

/// <summary>
/// Whether every string in a JSON document can be read: valid UTF-8 and no escaped lone surrogate (<c>"\uD800"</c>).
/// The parser checks neither until a value is read, so without this a malformed string would fail deep in a handler.
/// </summary>
public static class JsonText
{
    public static bool IsReadable(ReadOnlyMemory<byte> json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
            return Walk(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The same check on a document already parsed (with <c>MaxDepth</c> 64), so a request is parsed once.</summary>
    public static bool IsReadable(JsonElement root)
    {
        try
        {
            return Walk(root);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            return false;
        }
    }

    private static bool Walk(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                _ = element.GetString();
                return true;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    if (!Walk(property.Value)) return false;
                }
                return true;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (!Walk(item)) return false;
                }
                return true;
            default:
                return true;
        }
    }
}
