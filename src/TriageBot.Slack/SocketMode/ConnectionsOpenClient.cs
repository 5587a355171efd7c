using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace TriageBot.Slack.SocketMode;

/// <summary>Why <c>apps.connections.open</c> gave no URL; <see cref="RetryAfter"/> is Slack's Retry-After on a 429.</summary>
internal sealed class SocketOpenException(string message, TimeSpan? retryAfter = null) : Exception(message)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>
/// Calls <c>apps.connections.open</c> with the app-level token in the Authorization header (never a form field) and
/// returns the WebSocket URL to connect to. The URL is for one connection; each connection asks for a new one.
/// </summary>
internal sealed class ConnectionsOpenClient(IHttpClientFactory clients, IOptions<SlackOptions> options)
{
    public const string ClientName = "TriageBot.Slack.SocketMode";

    public async Task<Uri> OpenAsync(CancellationToken ct)
    {
        var http = clients.CreateClient(ClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(options.Value.ApiBaseUri, "apps.connections.open"))
        {
            Content = new FormUrlEncodedContent([]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.AppToken!.Trim());
        using var response = await http.SendAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            throw new SocketOpenException("apps.connections.open is rate limited (429)", response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(60));
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new SocketOpenException($"apps.connections.open answered HTTP {(int)response.StatusCode}");
        }

        var body = await response.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        string? error = null;
        string? url = null;
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            var ok = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("ok", out var okValue) && okValue.ValueKind == JsonValueKind.True;
            error = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            url = ok && root.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
        }
        catch (JsonException)
        {
            throw new SocketOpenException("apps.connections.open answered something that is not JSON");
        }

        if (url is null)
        {
            throw new SocketOpenException(error switch
            {
                "invalid_auth" or "not_authed" or "token_revoked" or "account_inactive" =>
                    $"apps.connections.open refused the app-level token ({error}): generate a new one (Basic Information → App-Level Tokens, scope connections:write) and put it in Slack:AppToken",
                "not_allowed_token_type" => "apps.connections.open needs the app-level token (xapp-…) in Slack:AppToken, not a bot or user token",
                "missing_scope" => "the app-level token lacks the scope connections:write: add it under Basic Information → App-Level Tokens",
                _ => $"apps.connections.open said {error ?? "nothing usable"}",
            });
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !(uri.Scheme == "wss" || (uri.Scheme == "ws" && uri.IsLoopback)))
        {
            throw new SocketOpenException("apps.connections.open gave a URL that is not wss:// (ws:// is accepted on loopback only)");
        }

        return uri;
    }
}
