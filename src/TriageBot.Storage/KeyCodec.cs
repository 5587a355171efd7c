using System.Globalization;
using System.Text;

namespace TriageBot.Storage;

/// <summary>
/// Reversible encoding of free-form values (user, channel, workspace, occurrence ids) into Azure Table keys.
/// Letters, digits and <c>- _ . : @</c> pass through; every other UTF-8 byte becomes <c>~XX</c>, so the result
/// never holds <c>/ \ # ?</c>, control characters, quotes or the separator <c>|</c> that composite keys use.
/// </summary>
public static class KeyCodec
{
    /// <summary>Azure allows 1 KiB per key; composite keys need room for their other parts.</summary>
    public const int MaxEncodedLength = 700;

    /// <summary>Joins parts of a composite key; never produced by <see cref="Encode"/>.</summary>
    public const char Separator = '|';

    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '@')
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('~').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        if (sb.Length > MaxEncodedLength)
        {
            throw new ArgumentException(
                $"A key value of {value.Length} characters is too long to store (encoded {sb.Length} > {MaxEncodedLength}).",
                nameof(value));
        }

        return sb.ToString();
    }

    public static string Decode(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        var bytes = new List<byte>(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] == '~')
            {
                if (i + 2 >= encoded.Length)
                {
                    throw new FormatException($"Truncated escape at position {i} in stored key '{encoded}'.");
                }

                bytes.Add(byte.Parse(encoded.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                i += 2;
            }
            else
            {
                bytes.Add((byte)encoded[i]);
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>Encodes each part and joins them with <see cref="Separator"/>.</summary>
    public static string Compose(params string[] parts) =>
        string.Join(Separator, parts.Select(Encode));
}
