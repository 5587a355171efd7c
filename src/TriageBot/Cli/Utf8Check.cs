using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace TriageBot.Cli;

/// <summary>
/// Finds the first byte sequence that is not UTF-8, so an import names it (line and byte) instead of storing U+FFFD in
/// place of what a person typed. Reads the file in blocks; a sequence split across blocks is decoded whole.
/// </summary>
internal static class Utf8Check
{
    /// <summary>Null when the whole stream is UTF-8 (a UTF-8 byte order mark is fine); otherwise what is wrong and where.</summary>
    public static async Task<string?> FirstProblemAsync(Stream stream, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var chars = ArrayPool<char>.Shared.Rent(64 * 1024);
        try
        {
            var length = 0;
            long offset = 0;
            var line = 1;
            long lineStart = 0;
            var first = true;
            while (true)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(length, buffer.Length - length), ct);
                var final = read == 0;
                length += read;
                if (first && length >= 2 && (buffer[0], buffer[1]) is (0xFF, 0xFE) or (0xFE, 0xFF))
                {
                    return "line 1: the file is UTF-16 (it starts with a UTF-16 byte order mark). Save it as \"CSV UTF-8\" and import it again.";
                }

                first = false;
                var status = Utf8.ToUtf16(buffer.AsSpan(0, length), chars, out var bytesRead, out _, replaceInvalidSequences: false, isFinalBlock: final);
                for (var i = 0; i < bytesRead; i++)
                {
                    if (buffer[i] == (byte)'\n')
                    {
                        line++;
                        lineStart = offset + i + 1;
                    }
                }

                if (status == OperationStatus.InvalidData)
                {
                    var at = offset + bytesRead;
                    var bad = buffer.AsSpan(bytesRead, Math.Min(4, length - bytesRead)).ToArray();
                    return string.Create(CultureInfo.InvariantCulture,
                        $"line {line}: byte {at - lineStart + 1} of the line (byte {at + 1} of the file) is not UTF-8 (0x{Convert.ToHexString(bad.AsSpan(0, 1))}). Save the file as \"CSV UTF-8\" and import it again; nothing was imported.");
                }

                if (final)
                {
                    return null;
                }

                // Keep an incomplete sequence at the end for the next block.
                buffer.AsSpan(bytesRead, length - bytesRead).CopyTo(buffer);
                offset += bytesRead;
                length -= bytesRead;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>UTF-8 that throws instead of replacing (a second guard behind <see cref="FirstProblemAsync"/>); its preamble lets a reader skip a byte order mark.</summary>
    public static readonly Encoding Strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true, throwOnInvalidBytes: true);
}
