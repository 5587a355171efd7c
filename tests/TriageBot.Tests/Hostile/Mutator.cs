using System.Text;
using System.Text.Json.Nodes;

namespace TriageBot.Tests.Hostile;

/// <summary>
/// Seeded mutations of valid payloads: structural ones on JSON (swap a value's type, drop or add fields, huge and
/// hostile strings, odd numbers) and on forms (drop, duplicate, rename fields, broken percent-encoding), and raw ones on
/// the bytes (flip, insert, delete, truncate, invalid UTF-8, deep nesting). The same seed gives the same payloads.
/// </summary>
public sealed class Mutator(Random rng)
{
    private static readonly string[] HostileStrings =
    [
        "", " ", "\0", "\u200B", "\u202E", "<!channel>", "<@U1>", "TRI-0", "TRI-99999999999999999999", "-1", "0", "1e309", "NaN",
        "null", "true", "{}", "[]", "\"", "\\", "%", "%zz", "\r\n", "../../etc/passwd", "<script>alert(1)</script>", "😀", "Ω",
        "score TRI-1", "setup", "new incident", "finalize", "reveal", "vote", "intake", "U1", "T0E2E", "C1",
    ];

    private static readonly JsonNode?[] Scalars = [null, true, false, 0, -1, 1, 3, 4, int.MaxValue, long.MinValue, 1e308, 0.5, "", "x"];

    public int Next(int max) => rng.Next(max);

    /// <summary>A string from the hostile list, a random one, or a huge one.</summary>
    public string String()
    {
        return rng.Next(10) switch
        {
            < 6 => HostileStrings[rng.Next(HostileStrings.Length)],
            < 8 => RandomText(rng.Next(1, 40)),
            9 => new string((char)('a' + rng.Next(26)), rng.Next(1_000, 80_000)),
            _ => string.Concat(Enumerable.Repeat(HostileStrings[rng.Next(HostileStrings.Length)], rng.Next(2, 500))),
        };
    }

    private string RandomText(int length)
    {
        var sb = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            // Any BMP character but the surrogate range (a lone surrogate cannot be written as JSON text; invalid UTF-8 is done on bytes).
            var c = (char)rng.Next(0, 0xD800);
            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary>A random JSON value of any kind.</summary>
    public JsonNode? Value() => rng.Next(6) switch
    {
        0 => Scalars[rng.Next(Scalars.Length)]?.DeepClone(),
        1 => JsonValue.Create(String()),
        2 => new JsonObject { [String().Length > 50 ? "k" : String()] = Scalars[rng.Next(Scalars.Length)]?.DeepClone() },
        3 => new JsonArray(JsonValue.Create(String()), Scalars[rng.Next(Scalars.Length)]?.DeepClone()),
        4 => new JsonObject(),
        _ => new JsonArray(),
    };

    /// <summary>One structural change somewhere in the tree; returns the (possibly new) root.</summary>
    public JsonNode? MutateJson(JsonNode? root)
    {
        if (root is null)
        {
            return Value();
        }

        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var target = nodes[rng.Next(nodes.Count)];
        var parent = target.Parent;
        switch (rng.Next(7))
        {
            case 0 when parent is JsonObject o:
                o.Remove(target.GetPropertyName());
                return root;
            case 0 when parent is JsonArray a:
                a.RemoveAt(target.GetElementIndex());
                return root;
            case 1 when target is JsonObject o:
                o[String() is { Length: < 64 } name ? name : "extra"] = Value();
                return root;
            case 2 when target is JsonValue v && v.TryGetValue<string>(out _):
                return Replace(root, target, JsonValue.Create(String()));
            case 3:
                return Replace(root, target, Scalars[rng.Next(Scalars.Length)]?.DeepClone());
            case 4 when target is JsonArray a:
                a.Add(Value());
                return root;
            default:
                return Replace(root, target, Value());
        }
    }

    private static JsonNode? Replace(JsonNode root, JsonNode target, JsonNode? replacement)
    {
        if (ReferenceEquals(root, target))
        {
            return replacement;
        }

        switch (target.Parent)
        {
            case JsonObject o:
                o[target.GetPropertyName()] = replacement;
                break;
            case JsonArray a:
                a[target.GetElementIndex()] = replacement;
                break;
        }

        return root;
    }

    private static void Collect(JsonNode node, List<JsonNode> into)
    {
        into.Add(node);
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, child) in o.ToList())
                {
                    if (child is not null)
                    {
                        Collect(child, into);
                    }
                }

                break;
            case JsonArray a:
                foreach (var child in a.ToList())
                {
                    if (child is not null)
                    {
                        Collect(child, into);
                    }
                }

                break;
        }
    }

    /// <summary>One change to a form's fields.</summary>
    public List<KeyValuePair<string, string>> MutateForm(List<KeyValuePair<string, string>> fields)
    {
        var list = new List<KeyValuePair<string, string>>(fields);
        if (list.Count == 0)
        {
            list.Add(new(String(), String()));
            return list;
        }

        var i = rng.Next(list.Count);
        switch (rng.Next(5))
        {
            case 0:
                list.RemoveAt(i);
                break;
            case 1:
                list.Add(new(list[i].Key, String()));
                break;
            case 2:
                list[i] = new(String() is { Length: < 64 } k ? k : "k", list[i].Value);
                break;
            case 3:
                list.Insert(rng.Next(list.Count + 1), new(String() is { Length: < 64 } k2 ? k2 : "k", String()));
                break;
            default:
                list[i] = new(list[i].Key, String());
                break;
        }

        return list;
    }

    /// <summary>One change to the raw bytes.</summary>
    public byte[] MutateBytes(byte[] body)
    {
        var bytes = new List<byte>(body);
        switch (rng.Next(9))
        {
            case 0 when bytes.Count > 0:
                var at = rng.Next(bytes.Count);
                bytes[at] ^= (byte)(1 << rng.Next(8));
                break;
            case 1:
                bytes.Insert(rng.Next(bytes.Count + 1), (byte)rng.Next(256));
                break;
            case 2 when bytes.Count > 0:
                var from = rng.Next(bytes.Count);
                bytes.RemoveRange(from, Math.Min(bytes.Count - from, rng.Next(1, 64)));
                break;
            case 3 when bytes.Count > 0:
                bytes = bytes.Take(rng.Next(bytes.Count)).ToList();
                break;
            case 4:
                // Invalid UTF-8: a truncated sequence, a lone continuation byte, an encoded surrogate, an overlong slash.
                byte[][] invalid = [[0xC3, 0x28], [0x80], [0xFF], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80]];
                bytes.InsertRange(rng.Next(bytes.Count + 1), invalid[rng.Next(invalid.Length)]);
                break;
            case 5:
                var depth = rng.Next(60, 6_000);
                var open = rng.Next(2) == 0 ? "[" : "{\"a\":";
                var close = open == "[" ? "]" : "}";
                return [.. Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(open, depth))), .. body, .. Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(close, depth)))];
            case 6 when bytes.Count > 0:
                // Duplicate a slice (duplicate keys, doubled separators).
                var start = rng.Next(bytes.Count);
                var slice = bytes.Skip(start).Take(rng.Next(1, 80)).ToList();
                bytes.InsertRange(rng.Next(bytes.Count + 1), slice);
                break;
            case 7:
                byte[][] tokens = [.. new[] { "%", "%zz", "%C3%28", "+", "&", "=", "\"", "\\", "\\u0000", "\\uD800", ",", "}", "]", "null", "\0" }.Select(Encoding.UTF8.GetBytes)];
                bytes.InsertRange(rng.Next(bytes.Count + 1), tokens[rng.Next(tokens.Length)]);
                break;
            default:
                bytes.Clear();
                bytes.AddRange(Encoding.UTF8.GetBytes(String()));
                break;
        }

        return [.. bytes];
    }
}
