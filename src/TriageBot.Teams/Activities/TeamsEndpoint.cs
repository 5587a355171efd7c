using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Core.Telemetry;
using TriageBot.Core.Ports;
using TriageBot.Teams.Auth;
using TriageBot.Teams.Connector;

namespace TriageBot.Teams.Activities;

/// <summary>
/// <c>POST /api/messages</c>: verify the token (fail closed) → read the body with a size limit → parse → check the
/// activity against the token (endorsement, serviceurl) → process → answer (invoke results in the body).
/// </summary>
internal static class TeamsEndpoint
{
    /// <summary>
    /// The refusal metric's reason tag: a closed set derived from the validator's failure text (which may name an
    /// exception type or algorithm, too many values for a metric tag).
    /// </summary>
    internal static string ReasonTag(string failure) => failure switch
    {
        _ when failure.StartsWith("the Teams channel is not configured", StringComparison.Ordinal) => "not_configured",
        _ when failure.StartsWith("missing or malformed Authorization", StringComparison.Ordinal) => "missing_token",
        _ when failure.StartsWith("the bearer token is not a JWT", StringComparison.Ordinal) => "malformed_token",
        _ when failure.Contains("signing keys could not be", StringComparison.Ordinal) => "keys_unavailable",
        _ when failure.Contains("Audience", StringComparison.Ordinal) => "wrong_audience",
        _ when failure.Contains("Issuer", StringComparison.Ordinal) => "wrong_issuer",
        _ when failure.Contains("Lifetime", StringComparison.Ordinal) || failure.Contains("Expired", StringComparison.Ordinal) => "expired",
        _ when failure.Contains("Signature", StringComparison.Ordinal) => "bad_signature",
        _ when failure.StartsWith("token rejected", StringComparison.Ordinal) => "token_rejected",
        _ when failure.StartsWith("algorithm", StringComparison.Ordinal) => "algorithm",
        _ when failure.Contains("serviceurl", StringComparison.OrdinalIgnoreCase) => "service_url_mismatch",
        _ when failure.Contains("endorse", StringComparison.OrdinalIgnoreCase) => "not_endorsed",
        _ => "other",
    };

    public static async Task HandleAsync(
        HttpContext http,
        ChannelTokenValidator validator,
        TeamsActivityProcessor processor,
        ServiceUrlTrust trust,
        IOptions<TeamsOptions> options,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("TriageBot.Teams.Endpoint");
        var ct = http.RequestAborted;

        var check = await validator.ValidateAsync(http.Request.Headers.Authorization.ToString(), ct).ConfigureAwait(false);
        if (!check.Succeeded)
        {
            Log.Refused(logger, check.Failure!);
            http.RequestServices.GetService<TriageMetrics>()?.VerificationRefused("teams", ReasonTag(check.Failure!));
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        // The Connector always posts JSON; anything else is not an activity, whatever the body looks like.
        if (!IsJson(http.Request.ContentType))
        {
            Log.Refused(logger, "the body is not application/json");
            http.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        var max = options.Value.MaxActivityBytes;
        if (http.Request.ContentLength > max)
        {
            http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }
        var body = await ReadLimitedAsync(http.Request.Body, max, ct).ConfigureAwait(false);
        if (body is null)
        {
            http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        TeamsActivity? activity;
        if (!TriageBot.Core.JsonText.IsReadable(body))
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        try
        {
            activity = JsonSerializer.Deserialize<TeamsActivity>(body, TeamsJson.Options);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: text the reader cannot decode, such as an escaped lone surrogate ("\uD800").
            activity = null;
        }
        // Teams never sends null list entries; an activity with them is malformed, not something to trip over later.
        if (activity is null || HasNullEntries(activity))
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var acceptEmulator = options.Value.DangerouslyAcceptEmulator;
        var mismatch = ChannelTokenValidator.CheckActivity(check.Token!, activity.ChannelId, activity.ServiceUrl, acceptEmulator);
        if (mismatch is not null)
        {
            Log.Refused(logger, mismatch);
            http.RequestServices.GetService<TriageMetrics>()?.VerificationRefused("teams", ReasonTag(mismatch));
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        // The tenant is the workspace bindings and people are keyed by; two different claims of it mean a forged body.
        if (activity.Conversation?.TenantId is { Length: > 0 } conversationTenant && activity.ChannelData?.Tenant?.Id is { Length: > 0 } dataTenant
            && !string.Equals(conversationTenant, dataTenant, StringComparison.OrdinalIgnoreCase))
        {
            Log.Refused(logger, "conversation.tenantId and channelData.tenant.id disagree");
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        // Identity only from Teams: a validly signed activity of another channel (Web Chat, Direct Line) carries a from.id
        // its sender typed, so it never acts as anyone here.
        if (!AuthChecks.IsAcceptedChannel(activity.ChannelId, acceptEmulator))
        {
            Refuse(http, logger, "channel_not_accepted", $"channelId '{Short(activity.ChannelId)}' is not msteams");
            return;
        }
        if (!AuthChecks.IsAllowedTenant(ActivityTranslation.TenantId(activity), options.Value.EffectiveTenants))
        {
            Refuse(http, logger, "tenant_not_allowed", $"tenant '{Short(ActivityTranslation.TenantId(activity))}' is not allowed");
            return;
        }

        trust.RememberValidated(activity.ServiceUrl!);

        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["ActivityId"] = activity.Id, ["ActivityType"] = activity.Type, ["InvokeName"] = activity.Name });
        TeamsResponse response;
        try
        {
            response = await processor.ProcessAsync(activity, ct).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            // Nothing was acknowledged: a 503 makes the Connector retry, and the retry is processed (its inbox entry was forgotten).
            Log.StoreUnavailable(logger, activity.Id ?? "(no id)");
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            http.Response.Headers.RetryAfter = "5";
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            Log.Failed(logger, ex, activity.Id ?? "(no id)");
            http.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        http.Response.StatusCode = response.Status;
        if (response.Body is not null)
        {
            http.Response.ContentType = "application/json; charset=utf-8";
            await http.Response.WriteAsync(TeamsJson.Wire(response.Body), ct).ConfigureAwait(false);
        }
    }

    /// <summary>403: the activity is authentic but not one this bot accepts; nothing is read further or stored.</summary>
    private static void Refuse(HttpContext http, ILogger logger, string reasonTag, string reason)
    {
        Log.Refused(logger, reason);
        http.RequestServices.GetService<TriageMetrics>()?.VerificationRefused("teams", reasonTag);
        http.Response.StatusCode = StatusCodes.Status403Forbidden;
    }

    /// <summary>A value the sender chose, cut for a log line.</summary>
    private static string Short(string? value) => value is null ? "(none)" : value.Length <= 64 ? value : value[..64] + "…";

    private static bool HasNullEntries(TeamsActivity activity) =>
        (activity.Entities?.Any(e => e is null) ?? false)
        || (activity.MembersAdded?.Any(m => m is null) ?? false)
        || (activity.MembersRemoved?.Any(m => m is null) ?? false);

    private static bool IsJson(string? contentType) =>
        System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && string.Equals(parsed.MediaType, "application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>The body, or null when it is larger than <paramref name="max"/> bytes (whatever Content-Length said).</summary>
    private static async Task<byte[]?> ReadLimitedAsync(Stream body, int max, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var memory = new MemoryStream();
            int read;
            while ((read = await body.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                if (memory.Length + read > max) return null;
                memory.Write(buffer, 0, read);
            }
            return memory.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
