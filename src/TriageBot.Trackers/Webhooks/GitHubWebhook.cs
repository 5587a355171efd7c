using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Core.Ports;
using TriageBot.Trackers.Sync;

namespace TriageBot.Trackers.Webhooks;

/// <summary>
/// <c>POST /trackers/github/webhook</c>: verifies <c>X-Hub-Signature-256</c> (HMAC-SHA256 of the raw body with the webhook
/// secret, compared in constant time), records the delivery once by <c>X-GitHub-Delivery</c>, answers 202 and leaves the work
/// to the sync worker. A forged, unsigned or replayed delivery changes nothing.
/// </summary>
internal static class GitHubWebhook
{
    /// <summary>Issue events are small; anything larger is refused unread.</summary>
    internal const int MaxBody = 1024 * 1024;

    public static async Task<IResult> HandleAsync(HttpContext http, IOptions<TrackerOptions> options, ITrackerStore trackers, TrackerWake wake, TimeProvider time, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("TriageBot.Trackers.GitHubWebhook");
        var secret = options.Value.GitHub.WebhookSecret;
        if (!TrackerOptions.IsSet(secret))
        {
            Log.WebhookRefused(logger, TrackerOptions.IsUnresolvedReference(secret)
                ? "Trackers:GitHub:WebhookSecret is a Key Vault reference App Service could not resolve"
                : "no Trackers:GitHub:WebhookSecret is configured");
            return Results.Problem("GitHub webhooks are not configured on this server.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var body = await WebhookBody.ReadAsync(http.Request, MaxBody, http.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        if (!Verify(http.Request.Headers["X-Hub-Signature-256"].ToString(), body, secret))
        {
            Log.WebhookRefused(logger, "bad or missing X-Hub-Signature-256");
            return Results.Unauthorized();
        }

        var deliveryId = http.Request.Headers["X-GitHub-Delivery"].ToString();
        var kind = http.Request.Headers["X-GitHub-Event"].ToString();
        if (deliveryId.Length is 0 or > 100)
        {
            return Results.BadRequest("X-GitHub-Delivery is missing.");
        }

        if (kind == "ping")
        {
            return Results.Ok();
        }

        TrackerDelivery? delivery;
        try
        {
            delivery = kind == "issues" ? Parse(body, deliveryId, time.GetUtcNow()) : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return Results.BadRequest("The payload is not an issues event.");
        }

        if (delivery is null)
        {
            return Results.Accepted(); // an event or action the sync does not read
        }

        if (!await trackers.TryRecordDeliveryAsync(delivery, http.RequestAborted).ConfigureAwait(false))
        {
            return Results.Ok(new { duplicate = true });
        }

        wake.Wake();
        return Results.Accepted();
    }

    /// <summary>Whether <paramref name="header"/> is <c>sha256=</c> and the HMAC-SHA256 of <paramref name="body"/>, compared in constant time.</summary>
    public static bool Verify(string header, byte[] body, string secret)
    {
        const string prefix = "sha256=";
        if (!header.StartsWith(prefix, StringComparison.Ordinal) || header.Length != prefix.Length + 64)
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(header.AsSpan(prefix.Length));
        }
        catch (FormatException)
        {
            return false;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    /// <summary>The change an <c>issues</c> event describes, or null for an action the sync does not read.</summary>
    internal static TrackerDelivery? Parse(byte[] body, string deliveryId, DateTimeOffset at)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        var action = root.GetProperty("action").GetString();
        var issue = root.GetProperty("issue");
        var change = action switch
        {
            "closed" => Str(issue, "state_reason") is "not_planned" or "duplicate" ? TrackerChangeKind.NotPlanned : TrackerChangeKind.Completed,
            "reopened" => TrackerChangeKind.Reopened,
            "assigned" => TrackerChangeKind.Assigned,
            "unassigned" => TrackerChangeKind.Unassigned,
            _ => (TrackerChangeKind?)null,
        };
        if (change is null)
        {
            return null;
        }

        var repository = root.GetProperty("repository").GetProperty("full_name").GetString();
        var number = issue.GetProperty("number").GetInt64();
        return new TrackerDelivery
        {
            Kind = TrackerKind.GitHub,
            DeliveryId = deliveryId,
            ReceivedAt = at,
            IssueId = issue.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture),
            IssueKey = $"{repository}#{number}",
            Change = change.Value,
            Resolution = Str(issue, "state_reason")?.Replace('_', ' '),
            Assignee = root.TryGetProperty("assignee", out var a) && a.ValueKind == JsonValueKind.Object ? Str(a, "login") : null,
            Sender = root.TryGetProperty("sender", out var s) && s.ValueKind == JsonValueKind.Object ? Str(s, "login") : null,
        };
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}

/// <summary>Reads a webhook's raw body up to a limit (the signature is over the exact bytes).</summary>
internal static class WebhookBody
{
    public static async Task<byte[]?> ReadAsync(HttpRequest request, int max, CancellationToken ct)
    {
        if (request.ContentLength > max)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
