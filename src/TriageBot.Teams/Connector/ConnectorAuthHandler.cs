using System.Net.Http.Headers;
using Azure.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TriageBot.Teams.Connector;

/// <summary>Puts the bot's Connector token on outgoing calls, and only on calls to a trusted service URL.</summary>
internal sealed class ConnectorAuthHandler(
    TokenCredential credential,
    IOptions<TeamsOptions> options,
    ServiceUrlTrust trust,
    TimeProvider time,
    ILogger<ConnectorAuthHandler> logger) : DelegatingHandler
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AccessToken? _cached;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("A Connector request needs an absolute URI.");
        if (!trust.IsTrusted(uri))
        {
            Log.UntrustedServiceUrl(logger, uri.Host);
            throw new UntrustedServiceUrlException(uri.Host);
        }
        var token = await GetTokenAsync(cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string> GetTokenAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_cached is { } hit && hit.ExpiresOn - TimeSpan.FromMinutes(5) > now) return hit.Token;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_cached is { } again && again.ExpiresOn - TimeSpan.FromMinutes(5) > time.GetUtcNow()) return again.Token;
            var fresh = await credential.GetTokenAsync(new TokenRequestContext([options.Value.TokenScope]), ct).ConfigureAwait(false);
            _cached = fresh;
            return fresh.Token;
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _gate.Dispose();
        base.Dispose(disposing);
    }
}
