using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Octokit;
using TriageBot.Core.Ports;

namespace TriageBot.Trackers.GitHub;

/// <summary>
/// A GitHub App's identity: signs the app's RS256 JSON Web Token (<c>iat</c> 60 s in the past against clock drift, <c>exp</c>
/// 9 minutes ahead — GitHub takes at most 10 — and <c>iss</c> the app's client id or app id) with its private key.
/// Octokit has no signer; this uses <see cref="RSA"/> directly.
/// </summary>
internal sealed class GitHubAppSigner : IDisposable
{
    private readonly RSA key;
    private readonly string issuer;
    private readonly TimeProvider time;

    public GitHubAppSigner(string issuer, string privateKeyPem, TimeProvider time)
    {
        this.issuer = issuer;
        this.time = time;
        key = RSA.Create();
        // An environment variable or App Service setting may carry the PEM's line breaks as "\n".
        var pem = privateKeyPem.Contains('\n', StringComparison.Ordinal) ? privateKeyPem : privateKeyPem.Replace("\\n", "\n", StringComparison.Ordinal);
        try
        {
            key.ImportFromPem(pem);
        }
        catch (ArgumentException e)
        {
            key.Dispose();
            throw new InvalidOperationException("Trackers:GitHub:PrivateKey is not a PEM private key (the .pem file GitHub downloads for the app).", e);
        }
    }

    public string Sign()
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "RS256", typ = "JWT" }));
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { iat = now - 60, exp = now + (9 * 60), iss = issuer }));
        var signed = $"{header}.{payload}";
        var signature = key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signed}.{Base64Url(signature)}";
    }

    public void Dispose() => key.Dispose();

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Octokit credentials as the app itself (a fresh JWT per request): for the token exchange and installation lookups.</summary>
internal sealed class GitHubAppJwtStore(GitHubAppSigner signer) : ICredentialStore
{
    public Task<Credentials> GetCredentials() => Task.FromResult(new Credentials(signer.Sign(), AuthenticationType.Bearer));
}

/// <summary>
/// Octokit credentials as one installation of the app: the installation access token (<c>POST /app/installations/{id}/access_tokens</c>,
/// valid an hour) is cached and used for every call until <see cref="RefreshBefore"/> its <c>expires_at</c>, then exchanged again.
/// A refused exchange (the app revoked or uninstalled) fails the call that needed it as a permanent failure.
/// </summary>
internal sealed class GitHubInstallationTokens(GitHubClient app, long installationId, TimeProvider time) : ICredentialStore
{
    /// <summary>A token this close to its expiry is replaced, so no call starts with a token that lapses on the way.</summary>
    internal static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim gate = new(1, 1);
    private AccessToken? current;

    public long InstallationId => installationId;

    public async Task<Credentials> GetCredentials()
    {
        if (Usable(current) is { } token)
        {
            return new Credentials(token);
        }

        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (Usable(current) is { } again)
            {
                return new Credentials(again);
            }

            AccessToken fresh;
            try
            {
                fresh = await app.GitHubApps.CreateInstallationToken(installationId).ConfigureAwait(false);
            }
            catch (ApiException e) when ((int)e.StatusCode is 401 or 403 or 404)
            {
                throw new TrackerException(TrackerFailure.Unauthorized,
                    $"GitHub refused the app's installation token ({(int)e.StatusCode}): the GitHub App (Trackers:GitHub:AppId) is revoked, uninstalled, or its private key is wrong.");
            }

            current = fresh;
            return new Credentials(fresh.Token);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Forgets the token (GitHub refused it: revoked early), so the next call exchanges again.</summary>
    public void Forget() => current = null;

    private string? Usable(AccessToken? token) => token is not null && time.GetUtcNow() < token.ExpiresAt - RefreshBefore ? token.Token : null;
}

/// <summary>A GitHub App from settings: its JWT-authenticated client and one Octokit client per installation.</summary>
internal sealed class GitHubAppAuth : IDisposable
{
    private readonly GitHubAppSigner signer;
    private readonly GitHubClient appClient;
    private readonly Uri baseUrl;
    private readonly TimeSpan timeout;
    private readonly TimeProvider time;
    private readonly long? installationId;
    private readonly ConcurrentDictionary<long, Installation> installations = new();
    private readonly ConcurrentDictionary<string, long> byRepository = new(StringComparer.OrdinalIgnoreCase);

    public GitHubAppAuth(GitHubOptions options, TimeSpan timeout, TimeProvider time)
    {
        signer = new GitHubAppSigner(options.AppId!, options.PrivateKey!, time);
        baseUrl = new Uri(options.ApiBaseUrl);
        this.timeout = timeout;
        this.time = time;
        installationId = options.InstallationId;
        appClient = new GitHubClient(new ProductHeaderValue("TriageBot"), new GitHubAppJwtStore(signer), baseUrl);
        appClient.SetRequestTimeout(timeout);
    }

    /// <summary>The installation that reaches <paramref name="repository"/>: the one in settings, else the repository's own (looked up once).</summary>
    public async Task<Installation> InstallationAsync(string repository)
    {
        if (installationId is not { } id && !byRepository.TryGetValue(repository, out id))
        {
            var parts = repository.Split('/');
            id = (await appClient.GitHubApps.GetRepositoryInstallationForCurrent(parts[0], parts[1]).ConfigureAwait(false)).Id;
            byRepository[repository] = id;
        }

        return installations.GetOrAdd(id, i =>
        {
            var tokens = new GitHubInstallationTokens(appClient, i, time);
            var client = new GitHubClient(new ProductHeaderValue("TriageBot"), tokens, baseUrl);
            client.SetRequestTimeout(timeout);
            return new Installation(client, tokens);
        });
    }

    public void Dispose() => signer.Dispose();

    internal sealed record Installation(GitHubClient Client, GitHubInstallationTokens Tokens);
}
