using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using TriageBot.Teams.Activities;

namespace TriageBot.Teams.Connector;

/// <summary>An activity the bot sends (a message with an Adaptive Card attachment, usually).</summary>
public sealed record OutgoingActivity
{
    public string Type { get; init; } = "message";
    public string? Text { get; init; }
    public string? Summary { get; init; }
    public string? ReplyToId { get; init; }
    public IReadOnlyList<OutgoingAttachment>? Attachments { get; init; }
    public JsonObject? ChannelData { get; init; }
}

public sealed record OutgoingAttachment(string ContentType, JsonObject Content);

/// <summary>Body of <c>POST /v3/conversations</c>.</summary>
public sealed record ConversationParameters
{
    public bool? IsGroup { get; init; }
    public IdName? Bot { get; init; }
    public IReadOnlyList<IdName>? Members { get; init; }
    public string? TenantId { get; init; }
    public OutgoingActivity? Activity { get; init; }
    public JsonObject? ChannelData { get; init; }
}

/// <summary>What the Connector answers for a created conversation or a sent activity.</summary>
public sealed record ConnectorResource
{
    public string? Id { get; init; }
    public string? ActivityId { get; init; }
}

/// <summary>
/// Typed client of the Bot Connector REST API (relative to a conversation's <c>serviceUrl</c>). Auth, the service URL
/// trust check and retries are in its handlers; pacing per conversation and tenant is applied here.
/// </summary>
public sealed class BotConnectorClient(HttpClient http, ConnectorPacer pacer, TimeProvider time, ILogger<BotConnectorClient> logger)
{
    /// <summary>Starts a new thread in a channel (or a 1:1 chat when <paramref name="parameters"/> names a member).</summary>
    public Task<ConnectorResource> CreateConversationAsync(string serviceUrl, string tenantId, string paceKey, ConversationParameters parameters, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, Url(serviceUrl, "v3/conversations"), tenantId, paceKey, parameters, "create conversation", ct);

    public Task<ConnectorResource> SendToConversationAsync(string serviceUrl, string tenantId, string conversationId, OutgoingActivity activity, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, Url(serviceUrl, $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities"), tenantId, conversationId, activity, "send to conversation", ct);

    public Task<ConnectorResource> ReplyToActivityAsync(string serviceUrl, string tenantId, string conversationId, string activityId, OutgoingActivity activity, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, Url(serviceUrl, $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities/{Uri.EscapeDataString(activityId)}"), tenantId, conversationId, activity with { ReplyToId = activityId }, "reply to activity", ct);

    public Task<ConnectorResource> UpdateActivityAsync(string serviceUrl, string tenantId, string conversationId, string activityId, OutgoingActivity activity, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, Url(serviceUrl, $"v3/conversations/{Uri.EscapeDataString(conversationId)}/activities/{Uri.EscapeDataString(activityId)}"), tenantId, conversationId, activity, "update activity", ct);

    /// <summary>Creates (or finds) the 1:1 chat between the bot and a person; returns its conversation id.</summary>
    public async Task<string> CreatePersonalConversationAsync(string serviceUrl, string tenantId, string botId, string userId, CancellationToken ct)
    {
        var created = await CreateConversationAsync(serviceUrl, tenantId, "1:1:" + userId, new ConversationParameters
        {
            Bot = new IdName { Id = botId },
            Members = [new IdName { Id = userId }],
            TenantId = tenantId,
            ChannelData = new JsonObject { ["tenant"] = new JsonObject { ["id"] = tenantId } },
        }, ct).ConfigureAwait(false);
        return created.Id ?? throw new ConnectorException(502, "NoConversationId", null, "The Bot Connector created a 1:1 conversation but returned no id.");
    }

    private async Task<ConnectorResource> SendAsync<T>(HttpMethod method, Uri url, string tenantId, string paceKey, T body, string operation, CancellationToken ct)
    {
        var delay = pacer.Reserve(tenantId, paceKey);
        if (delay > TimeSpan.Zero) await Task.Delay(delay, time, ct).ConfigureAwait(false);

        using var request = new HttpRequestMessage(method, url) { Content = new StringContent(TeamsJson.Wire(body), System.Text.Encoding.UTF8, "application/json") };
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            if (response.Content.Headers.ContentLength == 0) return new ConnectorResource();
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            return string.IsNullOrWhiteSpace(text) ? new ConnectorResource() : JsonSerializer.Deserialize<ConnectorResource>(text, TeamsJson.Options) ?? new ConnectorResource();
        }

        var code = await ErrorCodeAsync(response, ct).ConfigureAwait(false);
        var correlation = response.Headers.TryGetValues("X-Correlating-OperationId", out var ids) ? ids.FirstOrDefault() : null;
        Log.ConnectorFailed(logger, operation, (int)response.StatusCode, code, correlation);
        throw new ConnectorException((int)response.StatusCode, code, ConnectorRetryPolicy.RetryAfter(response, time.GetUtcNow()),
            $"Bot Connector {operation} failed with HTTP {(int)response.StatusCode}{(code is null ? "" : " (" + code + ")")}.");
    }

    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(text)) return null;
            var node = JsonNode.Parse(text);
            return node?["error"]?["code"]?.GetValue<string>();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    internal static Uri Url(string serviceUrl, string relative)
    {
        if (!Uri.TryCreate(serviceUrl.TrimEnd('/') + "/", UriKind.Absolute, out var baseUri))
            throw new UntrustedServiceUrlException(serviceUrl);
        return new Uri(baseUri, relative);
    }
}
