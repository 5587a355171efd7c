using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TriageBot.Teams.Connector;

/// <summary>Retry rules for Bot Connector calls, as pure functions.</summary>
public static class ConnectorRetryPolicy
{
    /// <summary>Statuses Teams documents as transient: throttling, concurrent-operation conflicts and gateway failures.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.PreconditionFailed
            or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;

    /// <summary>The server's Retry-After (delta seconds or an HTTP date), if it sent one.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        if (header?.Date is { } date) return date > now ? date - now : TimeSpan.Zero;
        return null;
    }

    /// <summary>Exponential backoff from 1 s with ±20 % jitter, used when the server gives no Retry-After.</summary>
    public static TimeSpan Backoff(int attempt, double jitter01)
    {
        var baseSeconds = Math.Min(20, Math.Pow(2, Math.Max(0, attempt - 1)));
        var factor = 0.8 + 0.4 * Math.Clamp(jitter01, 0, 1);
        return TimeSpan.FromSeconds(baseSeconds * factor);
    }
}

/// <summary>
/// Retries transient Connector failures a bounded number of times, honouring Retry-After. A wait longer than
/// <see cref="TeamsOptions.MaxRetryWait"/> is not held here: the response goes back and the delivery worker retries later.
/// </summary>
internal sealed class ConnectorRetryHandler(IOptions<TeamsOptions> options, TimeProvider time, ILogger<ConnectorRetryHandler> logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var max = options.Value.MaxConnectorRetries;
        for (var attempt = 1; ; attempt++)
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!ConnectorRetryPolicy.IsTransient(response.StatusCode) || attempt > max) return response;
            var delay = ConnectorRetryPolicy.RetryAfter(response, time.GetUtcNow())
                ?? ConnectorRetryPolicy.Backoff(attempt, Random.Shared.NextDouble());
            if (delay > options.Value.MaxRetryWait) return response;
            Log.ConnectorRetry(logger, (int)response.StatusCode, null, request.Method + " " + request.RequestUri?.AbsolutePath, attempt, delay,
                response.Headers.TryGetValues("X-Correlating-OperationId", out var ids) ? ids.FirstOrDefault() : null);
            response.Dispose();
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
