using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using TriageBot.Core.Ports;
using TriageBot.Trackers.Sync;

namespace TriageBot.Trackers.Webhooks;

/// <summary>
/// <c>POST /trackers/jira/webhook</c>: a Jira Cloud admin webhook registered with a secret signs the raw body with
/// HMAC-SHA256 and sends <c>X-Hub-Signature: sha256=&lt;hex&gt;</c> (compared in constant time); the delivery is recorded once
/// by <c>X-Atlassian-Webhook-Identifier</c>, answered 202 and handled by the sync worker. Unsigned, forged and replayed
/// deliveries change nothing.
/// </summary>
internal static class JiraWebhook
{
    private static readonly HashSet<string> NotCompleted = new(StringComparer.OrdinalIgnoreCase)
    {
        "Won't Do", "Won't Fix", "Duplicate", "Cannot Reproduce", "Declined", "Rejected", "Incomplete", "Obsolete",
    };

    public static async Task<IResult> HandleAsync(HttpContext http, IOptions<TrackerOptions> options, ITrackerStore trackers, TrackerWake wake, TimeProvider time, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("TriageBot.Trackers.JiraWebhook");
        var secret = options.Value.Jira.WebhookSecret;
        if (!TrackerOptions.IsSet(secret))
        {
            Log.WebhookRefused(logger, TrackerOptions.IsUnresolvedReference(secret)
                ? "Trackers:Jira:WebhookSecret is a Key Vault reference App Service could not resolve"
                : "no Trackers:Jira:WebhookSecret is configured");
            return Results.Problem("Jira webhooks are not configured on this server.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var body = await WebhookBody.ReadAsync(http.Request, GitHubWebhook.MaxBody, http.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        if (!GitHubWebhook.Verify(http.Request.Headers["X-Hub-Signature"].ToString(), body, secret))
        {
            Log.WebhookRefused(logger, "bad or missing X-Hub-Signature");
            return Results.Unauthorized();
        }

        var deliveryId = http.Request.Headers["X-Atlassian-Webhook-Identifier"].ToString();
        if (deliveryId.Length is 0 or > 100)
        {
            return Results.BadRequest("X-Atlassian-Webhook-Identifier is missing.");
        }

        IReadOnlyList<TrackerDelivery> deliveries;
        try
        {
            deliveries = Parse(body, deliveryId, time.GetUtcNow());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return Results.BadRequest("The payload is not a Jira issue event.");
        }

        var recorded = false;
        var replayed = false;
        foreach (var delivery in deliveries)
        {
            if (await trackers.TryRecordDeliveryAsync(delivery, http.RequestAborted).ConfigureAwait(false))
            {
                recorded = true;
            }
            else
            {
                replayed = true;
            }
        }

        if (recorded)
        {
            wake.Wake();
            return Results.Accepted();
        }

        return replayed ? Results.Ok(new { duplicate = true }) : Results.Accepted();
    }

    /// <summary>
    /// The changes a <c>jira:issue_updated</c> event describes: its status (done as completed, done with a "won't do"-like
    /// resolution, or back to not done) and its assignee, each a delivery of its own (<c>id</c>, <c>id:assignee</c>).
    /// </summary>
    internal static IReadOnlyList<TrackerDelivery> Parse(byte[] body, string deliveryId, DateTimeOffset at)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        if (Str(root, "webhookEvent") != "jira:issue_updated" || !root.TryGetProperty("issue", out var issue))
        {
            return [];
        }

        var fields = issue.GetProperty("fields");
        var changed = root.TryGetProperty("changelog", out var log) && log.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array
            ? items.EnumerateArray().Select(i => Str(i, "field")).ToHashSet(StringComparer.OrdinalIgnoreCase)
            : [];
        var sender = root.TryGetProperty("user", out var user) && user.ValueKind == JsonValueKind.Object ? Str(user, "accountId") : null;
        var template = new TrackerDelivery
        {
            Kind = TrackerKind.Jira,
            DeliveryId = deliveryId,
            ReceivedAt = at,
            IssueId = Str(issue, "id") ?? throw new KeyNotFoundException("issue.id"),
            IssueKey = Str(issue, "key") ?? throw new KeyNotFoundException("issue.key"),
            Change = TrackerChangeKind.Reopened,
            Sender = sender,
        };
        var result = new List<TrackerDelivery>();
        if (changed.Contains("status") || changed.Contains("resolution"))
        {
            var done = fields.TryGetProperty("status", out var status) && status.TryGetProperty("statusCategory", out var category) && Str(category, "key") == "done";
            var resolution = fields.TryGetProperty("resolution", out var r) && r.ValueKind == JsonValueKind.Object ? Str(r, "name") : null;
            result.Add(template with
            {
                Change = !done ? TrackerChangeKind.Reopened : resolution is not null && NotCompleted.Contains(resolution) ? TrackerChangeKind.NotPlanned : TrackerChangeKind.Completed,
                Resolution = resolution,
            });
        }

        if (changed.Contains("assignee"))
        {
            var assignee = fields.TryGetProperty("assignee", out var a) && a.ValueKind == JsonValueKind.Object ? Str(a, "accountId") : null;
            result.Add(template with
            {
                DeliveryId = deliveryId + ":assignee",
                Change = assignee is null ? TrackerChangeKind.Unassigned : TrackerChangeKind.Assigned,
                Assignee = assignee,
            });
        }

        return result;
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
