using System.Security.Cryptography;
using System.Text;

namespace TriageBot.Slack.Installations;

/// <summary>
/// Seals tokens before they reach the store: AES-256-GCM with a random 96-bit nonce, the installation's key as associated
/// data (a sealed token copied onto another installation does not open), and the id of the key that sealed it, so keys can
/// be rotated: <c>Slack:InstallationKey</c> seals, it and <c>Slack:PreviousInstallationKeys</c> open.
/// Format: <c>aesgcm1.{keyId}.{base64url(nonce ‖ ciphertext ‖ tag)}</c>.
/// </summary>
public sealed class TokenCipher
{
    private const string Scheme = "aesgcm1";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly byte[] current;
    private readonly Dictionary<string, byte[]> keys = new(StringComparer.Ordinal);

    /// <param name="currentKey">32 bytes: seals and opens.</param>
    /// <param name="previousKeys">32 bytes each: open what they sealed before a rotation.</param>
    public TokenCipher(byte[] currentKey, IEnumerable<byte[]>? previousKeys = null)
    {
        ArgumentNullException.ThrowIfNull(currentKey);
        if (currentKey.Length != 32)
        {
            throw new ArgumentException("An installation key is 32 bytes.", nameof(currentKey));
        }

        current = currentKey;
        CurrentKeyId = KeyId(currentKey);
        keys[CurrentKeyId] = currentKey;
        foreach (var key in previousKeys ?? [])
        {
            keys.TryAdd(KeyId(key), key);
        }
    }

    /// <summary>The id of the key that seals now (the first 8 hex digits of its SHA-256).</summary>
    public string CurrentKeyId { get; }

    public static string KeyId(byte[] key) => Convert.ToHexStringLower(SHA256.HashData(key))[..8];

    /// <summary>Parses <c>Slack:InstallationKey</c>: base64 of 32 bytes; null when it is not.</summary>
    public static byte[]? ParseKey(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64))
        {
            return null;
        }

        var buffer = new byte[48];
        return Convert.TryFromBase64String(base64.Trim(), buffer, out var written) && written == 32 ? buffer[..32] : null;
    }

    public string Seal(string plain, string context)
    {
        ArgumentNullException.ThrowIfNull(plain);
        var data = Encoding.UTF8.GetBytes(plain);
        var sealedBytes = new byte[NonceBytes + data.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(current, TagBytes);
        aes.Encrypt(nonce, data, sealedBytes.AsSpan(NonceBytes, data.Length), sealedBytes.AsSpan(NonceBytes + data.Length), Encoding.UTF8.GetBytes(context));
        return $"{Scheme}.{CurrentKeyId}.{Base64Url(sealedBytes)}";
    }

    /// <summary>Whether <paramref name="sealedText"/> was sealed with the current key (else re-seal it on the next write).</summary>
    public bool IsCurrent(string sealedText) => sealedText.StartsWith($"{Scheme}.{CurrentKeyId}.", StringComparison.Ordinal);

    /// <exception cref="CryptographicException">Not sealed by a known key, or changed, or sealed for another installation.</exception>
    public string Open(string sealedText, string context)
    {
        ArgumentNullException.ThrowIfNull(sealedText);
        var parts = sealedText.Split('.');
        if (parts.Length != 3 || parts[0] != Scheme)
        {
            throw new CryptographicException("The stored token is not sealed in a format this version knows.");
        }

        if (!keys.TryGetValue(parts[1], out var key))
        {
            throw new CryptographicException(
                $"The stored token was sealed with installation key {parts[1]}, which is neither Slack:InstallationKey nor one of Slack:PreviousInstallationKeys.");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(parts[2].Replace('-', '+').Replace('_', '/') + new string('=', (4 - parts[2].Length % 4) % 4));
        }
        catch (FormatException e)
        {
            throw new CryptographicException("The stored token is not valid base64.", e);
        }

        if (bytes.Length < NonceBytes + TagBytes)
        {
            throw new CryptographicException("The stored token is too short.");
        }

        var length = bytes.Length - NonceBytes - TagBytes;
        var plain = new byte[length];
        using var aes = new AesGcm(key, TagBytes);
        aes.Decrypt(bytes.AsSpan(0, NonceBytes), bytes.AsSpan(NonceBytes, length), bytes.AsSpan(NonceBytes + length), plain, Encoding.UTF8.GetBytes(context));
        return Encoding.UTF8.GetString(plain);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
