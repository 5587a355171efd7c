using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TriageBot.Slack.Signing;

/// <summary>The result of checking one request's Slack signature; only <see cref="Valid"/> lets it in.</summary>
public enum SignatureOutcome
{
    Valid,
    NoSecretConfigured,
    MissingSignature,
    MissingTimestamp,
    MalformedTimestamp,
    Stale,
    FromTheFuture,
    WrongVersion,
    MalformedSignature,
    Mismatch,
}

/// <summary>Slack request signing (v0): HMAC-SHA256 over <c>v0:{timestamp}:{raw body}</c>, checked in constant time.</summary>
public static class SlackSignature
{
    /// <summary>How far a request's timestamp may be from our clock, in either direction.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    private const string Version = "v0";

    /// <summary>Checks a request. Pure: the clock comes in as <paramref name="now"/>.</summary>
    public static SignatureOutcome Verify(
        string? signatureHeader, string? timestampHeader, ReadOnlySpan<byte> body, string? secret, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return SignatureOutcome.NoSecretConfigured;
        }

        if (string.IsNullOrWhiteSpace(signatureHeader))
        {
            return SignatureOutcome.MissingSignature;
        }

        if (string.IsNullOrWhiteSpace(timestampHeader))
        {
            return SignatureOutcome.MissingTimestamp;
        }

        // Digits only: long.TryParse would also accept signs and spaces that Slack never sends.
        if (timestampHeader.Length > 12 || !timestampHeader.All(char.IsAsciiDigit)
            || !long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return SignatureOutcome.MalformedTimestamp;
        }

        var age = now.ToUnixTimeSeconds() - seconds;
        if (age > (long)Tolerance.TotalSeconds)
        {
            return SignatureOutcome.Stale;
        }

        if (-age > (long)Tolerance.TotalSeconds)
        {
            return SignatureOutcome.FromTheFuture;
        }

        var separator = signatureHeader.IndexOf('=', StringComparison.Ordinal);
        if (separator < 0 || !signatureHeader.AsSpan(0, separator).SequenceEqual(Version))
        {
            return SignatureOutcome.WrongVersion;
        }

        var hex = signatureHeader.AsSpan(separator + 1);
        Span<byte> presented = stackalloc byte[32];
        if (hex.Length != 64 || Convert.FromHexString(hex, presented, out _, out var written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return SignatureOutcome.MalformedSignature;
        }

        var expected = Compute(secret, timestampHeader, body);
        return CryptographicOperations.FixedTimeEquals(expected, presented) ? SignatureOutcome.Valid : SignatureOutcome.Mismatch;
    }

    /// <summary>The <c>X-Slack-Signature</c> value for a body; what Slack computes, and what tests sign with.</summary>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body) =>
        Version + "=" + Convert.ToHexStringLower(Compute(secret, timestamp, body));

    private static byte[] Compute(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes($"{Version}:{timestamp}:");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message);
    }

    /// <summary>The one place outcomes become words: a short reason for the 401 body and the log, never the signature itself.</summary>
    public static string Describe(SignatureOutcome outcome) => outcome switch
    {
        SignatureOutcome.Valid => "valid",
        SignatureOutcome.NoSecretConfigured => "Slack is not configured on this server (no signing secret)",
        SignatureOutcome.MissingSignature => "missing X-Slack-Signature header",
        SignatureOutcome.MissingTimestamp => "missing X-Slack-Request-Timestamp header",
        SignatureOutcome.MalformedTimestamp => "X-Slack-Request-Timestamp is not a unix time in seconds",
        SignatureOutcome.Stale => "request timestamp is more than 5 minutes old",
        SignatureOutcome.FromTheFuture => "request timestamp is more than 5 minutes in the future",
        SignatureOutcome.WrongVersion => "signature version is not v0",
        SignatureOutcome.MalformedSignature => "signature is not 64 hex characters",
        SignatureOutcome.Mismatch => "signature does not match",
        _ => "signature check failed",
    };
}
