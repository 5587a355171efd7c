using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using TriageBot.Slack.WebApi;

namespace TriageBot.Slack.Installations;

/// <summary>What <c>oauth.v2.access</c> grants: the bot's token and who it belongs to.</summary>
public sealed record OAuthGrant(
    string AccessToken,
    string BotUserId,
    string Scopes,
    string? TeamId,
    string? EnterpriseId,
    bool IsEnterpriseInstall,
    string? InstallerUserId,
    string? RefreshToken,
    TimeSpan? ExpiresIn,
    string? Name = null)
{
    public SlackTenant Tenant => new(TeamId, EnterpriseId, IsEnterpriseInstall);
}

/// <summary>
/// <c>oauth.v2.access</c>: exchanges an install's code, or a rotated token's refresh token, for a bot token. Authenticated by
/// the app's client id and secret (form fields), not by a bot token, so it has its own <see cref="HttpClient"/>.
/// </summary>
public sealed class SlackOAuthClient(IHttpClientFactory clients, IOptionsMonitor<SlackOptions> options)
{
    public const string Method = "oauth.v2.access";

    /// <summary>The name of its <see cref="HttpClient"/> (no bot token handler).</summary>
    public const string ClientName = "SlackOAuth";

    public Task<OAuthGrant> ExchangeCodeAsync(string code, CancellationToken ct)
    {
        var fields = new List<KeyValuePair<string, string>> { new("code", code) };
        if (options.CurrentValue.RedirectUrl is { Length: > 0 } redirect)
        {
            fields.Add(new("redirect_uri", redirect));
        }

        return CallAsync(fields, ct);
    }

    public Task<OAuthGrant> RefreshAsync(string refreshToken, CancellationToken ct) =>
        CallAsync([new("grant_type", "refresh_token"), new("refresh_token", refreshToken)], ct);

    private async Task<OAuthGrant> CallAsync(List<KeyValuePair<string, string>> fields, CancellationToken ct)
    {
        var o = options.CurrentValue;
        fields.Add(new("client_id", o.ClientId ?? ""));
        fields.Add(new("client_secret", o.ClientSecret ?? ""));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(o.ApiBaseUri, Method)) { Content = new FormUrlEncodedContent(fields) };
        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(ClientName).SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new SlackTransientException(Method, "connection failed: " + e.HttpRequestError, e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new SlackTransientException(Method, "timed out", e);
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throw new SlackRateLimitedException(Method, response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new SlackTransientException(Method, "HTTP " + (int)response.StatusCode);
            }

            JsonObject json;
            try
            {
                json = await response.Content.ReadFromJsonAsync<JsonObject>(ct).ConfigureAwait(false) ?? throw new SlackTransientException(Method, "empty answer");
            }
            catch (JsonException e)
            {
                throw new SlackTransientException(Method, "the answer was not JSON", e);
            }

            if (json["ok"] is not JsonValue ok || !ok.TryGetValue<bool>(out var isOk) || !isOk)
            {
                throw new SlackApiException(Method, Text(json["error"]) ?? "unknown_error");
            }

            var token = Text(json["access_token"]);
            var botUser = Text(json["bot_user_id"]);
            if (token is null || botUser is null || Text(json["token_type"]) is { } type && type != "bot")
            {
                throw new SlackApiException(Method, "invalid_response (no bot token: the install must ask for bot scopes)");
            }

            var org = json["is_enterprise_install"] is JsonValue orgValue && orgValue.TryGetValue<bool>(out var isOrg) && isOrg;
            var expires = json["expires_in"] is JsonValue x && x.TryGetValue<long>(out var seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
            return new OAuthGrant(
                token,
                botUser,
                Text(json["scope"]) ?? "",
                Text((json["team"] as JsonObject)?["id"]),
                Text((json["enterprise"] as JsonObject)?["id"]),
                org,
                Text((json["authed_user"] as JsonObject)?["id"]),
                Text(json["refresh_token"]),
                expires,
                Text((json[org ? "enterprise" : "team"] as JsonObject)?["name"]));
        }
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
}
