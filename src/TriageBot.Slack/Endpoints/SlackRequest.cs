using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using TriageBot.Core.Telemetry;
using TriageBot.Slack.Signing;

namespace TriageBot.Slack.Endpoints;

/// <summary>An inbound Slack request after the body was read within its limit and the signature checked.</summary>
internal sealed record VerifiedBody(byte[] Bytes)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The body as an x-www-form-urlencoded form; null when it is not valid UTF-8.</summary>
    public Dictionary<string, StringValues>? TryReadForm()
    {
        try
        {
            return QueryHelpers.ParseQuery(StrictUtf8.GetString(Bytes));
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>
    /// The one value of the form field <paramref name="name"/>, URL-decoded to its UTF-8 bytes, read straight from the body
    /// (an interaction's <c>payload</c> is ~8 KB of escaped JSON: no strings, no dictionary). Null when the body or the
    /// value is not valid UTF-8, or the field is missing or given more than once.
    /// </summary>
    public byte[]? TryReadSingleField(ReadOnlySpan<byte> name)
    {
        if (!System.Text.Unicode.Utf8.IsValid(Bytes))
        {
            return null;
        }

        byte[]? found = null;
        var rest = Bytes.AsSpan();
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'&');
            var pair = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            var equals = pair.IndexOf((byte)'=');
            var key = equals < 0 ? pair : pair[..equals];
            if (!UrlDecode(key).AsSpan().SequenceEqual(name))
            {
                continue;
            }

            if (found is not null)
            {
                return null;
            }

            found = UrlDecode(equals < 0 ? [] : pair[(equals + 1)..]);
        }

        return found is not null && System.Text.Unicode.Utf8.IsValid(found) ? found : null;
    }

    /// <summary>x-www-form-urlencoded decoding: <c>+</c> is a space, <c>%XX</c> a byte; anything else stays as it is.</summary>
    private static byte[] UrlDecode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.IndexOfAny((byte)'%', (byte)'+') < 0)
        {
            return encoded.ToArray();
        }

        var decoded = new byte[encoded.Length];
        var n = 0;
        for (var i = 0; i < encoded.Length; i++)
        {
            var b = encoded[i];
            if (b == (byte)'+')
            {
                decoded[n++] = (byte)' ';
            }
            else if (b == (byte)'%' && i + 2 < encoded.Length && HexValue(encoded[i + 1]) is var hi and >= 0 && HexValue(encoded[i + 2]) is var lo and >= 0)
            {
                decoded[n++] = (byte)((hi << 4) | lo);
                i += 2;
            }
            else
            {
                decoded[n++] = b;
            }
        }

        return decoded.AsSpan(0, n).ToArray();
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}

/// <summary>The first of the five inbound steps: read the raw body (bounded) and verify it, failing closed.</summary>
internal static class SlackRequest
{
    public const string SignatureHeader = "X-Slack-Signature";
    public const string TimestampHeader = "X-Slack-Request-Timestamp";
    public const string RetryNumHeader = "X-Slack-Retry-Num";

    /// <summary>Either the verified body or the response that refuses the request (401, 413).</summary>
    public static async Task<(VerifiedBody? Body, IResult? Refusal)> ReadVerifiedAsync(
        HttpContext http, int limit, SlackOptions options, TimeProvider time, ILogger logger, string mediaType)
    {
        // Fail closed before reading anything: without a secret nothing can be verified, and a channel turned off takes nothing.
        if (!options.IsEnabled || string.IsNullOrEmpty(options.SigningSecret))
        {
            Log.SignatureRefused(logger, SignatureOutcome.NoSecretConfigured, SlackSignature.Describe(SignatureOutcome.NoSecretConfigured));
            CountRefusal(http, SignatureOutcome.NoSecretConfigured);
            return (null, Unauthorized(SignatureOutcome.NoSecretConfigured));
        }

        if (http.Request.ContentLength > limit)
        {
            Log.BodyTooLarge(logger, limit);
            return (null, TooLarge(limit));
        }

        var bytes = await ReadBoundedAsync(http.Request.Body, limit, http.RequestAborted).ConfigureAwait(false);
        if (bytes is null)
        {
            Log.BodyTooLarge(logger, limit);
            return (null, TooLarge(limit));
        }

        var outcome = SlackSignature.Verify(
            http.Request.Headers[SignatureHeader].ToString(),
            http.Request.Headers[TimestampHeader].ToString(),
            bytes,
            options.SigningSecret,
            time.GetUtcNow());
        if (outcome != SignatureOutcome.Valid)
        {
            Log.SignatureRefused(logger, outcome, SlackSignature.Describe(outcome));
            CountRefusal(http, outcome);
            return (null, Unauthorized(outcome));
        }

        // Checked after the signature so an unsigned caller learns nothing; Slack itself always sends mediaType.
        if (!HasMediaType(http.Request.ContentType, mediaType))
        {
            Log.Malformed(logger, "unexpected content type (expected " + mediaType + ")");
            return (null, Results.Text($"Unsupported media type: expected {mediaType}.", "text/plain", Encoding.UTF8, StatusCodes.Status415UnsupportedMediaType));
        }

        return (new VerifiedBody(bytes), null);
    }

    /// <summary>The refusal metric's reason tag: the outcome in snake case (<c>stale</c>, <c>mismatch</c>, …), a closed set.</summary>
    internal static string ReasonTag(SignatureOutcome outcome) =>
        string.Concat(outcome.ToString().Select((ch, i) => char.IsUpper(ch) && i > 0 ? "_" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));

    private static void CountRefusal(HttpContext http, SignatureOutcome outcome) =>
        http.RequestServices.GetService<TriageMetrics>()?.VerificationRefused("slack", ReasonTag(outcome));

    public const string Form = "application/x-www-form-urlencoded";
    public const string Json = "application/json";

    internal static bool HasMediaType(string? contentType, string expected) =>
        System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && string.Equals(parsed.MediaType, expected, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads at most <paramref name="limit"/> bytes; null when the body is longer (never buffers more than limit + one chunk).</summary>
    internal static async Task<byte[]?> ReadBoundedAsync(Stream body, int limit, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var collected = new MemoryStream();
            while (true)
            {
                var read = await body.ReadAsync(buffer.AsMemory(), ct).ConfigureAwait(false);
                if (read == 0)
                {
                    return collected.ToArray();
                }

                if (collected.Length + read > limit)
                {
                    return null;
                }

                collected.Write(buffer, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static IResult Unauthorized(SignatureOutcome outcome) =>
        Results.Text("Unauthorized: " + SlackSignature.Describe(outcome), "text/plain", Encoding.UTF8, StatusCodes.Status401Unauthorized);

    public static IResult TooLarge(int limit) =>
        Results.Text($"Payload too large: Slack requests here are at most {limit} bytes.", "text/plain", Encoding.UTF8, StatusCodes.Status413PayloadTooLarge);

    public static IResult BadRequest(ILogger logger, string reason) => SlackAnswer.BadRequest(logger, reason).ToResult();

}
