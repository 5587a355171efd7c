using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using TriageBot.Slack.Blocks;

namespace TriageBot.Slack.WebApi;

/// <summary>The Slack Web API methods the bot uses, as a typed <see cref="HttpClient"/>. The bot token is added by <see cref="BotTokenHandler"/>.</summary>
public sealed class SlackApiClient(HttpClient http, ILogger<SlackApiClient> logger, Installations.InstallationCache? installations = null)
{
    /// <summary><c>chat.postMessage</c>: posts in a channel (or a thread) and returns the message's <c>ts</c>.</summary>
    public async Task<string> PostMessageAsync(string channel, SlackMessage message, string? threadTs, CancellationToken ct)
    {
        var body = message.ToJson();
        body["channel"] = channel;
        body["unfurl_links"] = false;
        body["unfurl_media"] = false;
        if (!string.IsNullOrEmpty(threadTs))
        {
            body["thread_ts"] = threadTs;
        }

        var result = await CallJsonAsync("chat.postMessage", body, ct).ConfigureAwait(false);
        return Required(result, "ts", "chat.postMessage");
    }

    /// <summary><c>chat.update</c>: replaces a message the bot posted.</summary>
    public async Task UpdateMessageAsync(string channel, string ts, SlackMessage message, CancellationToken ct)
    {
        var body = message.ToJson();
        body["channel"] = channel;
        body["ts"] = ts;
        await CallJsonAsync("chat.update", body, ct).ConfigureAwait(false);
    }

    /// <summary><c>chat.postEphemeral</c>: a message only <paramref name="user"/> sees; returns its <c>message_ts</c>.</summary>
    public async Task<string> PostEphemeralAsync(string channel, string user, SlackMessage message, string? threadTs, CancellationToken ct)
    {
        var body = message.ToJson();
        body["channel"] = channel;
        body["user"] = user;
        if (!string.IsNullOrEmpty(threadTs))
        {
            body["thread_ts"] = threadTs;
        }

        var result = await CallJsonAsync("chat.postEphemeral", body, ct).ConfigureAwait(false);
        return Required(result, "message_ts", "chat.postEphemeral");
    }

    /// <summary><c>chat.getPermalink</c>: a link to a message.</summary>
    public async Task<string> GetPermalinkAsync(string channel, string messageTs, CancellationToken ct)
    {
        var result = await CallFormAsync("chat.getPermalink", [new("channel", channel), new("message_ts", messageTs)], ct).ConfigureAwait(false);
        return Required(result, "permalink", "chat.getPermalink");
    }

    /// <summary><c>views.open</c>: opens a modal. Call it at once: a trigger id lives 3 seconds and works once.</summary>
    public async Task<string> OpenViewAsync(string triggerId, JsonObject view, CancellationToken ct)
    {
        var result = await CallJsonAsync("views.open", new JsonObject { ["trigger_id"] = triggerId, ["view"] = view.DeepClone() }, ct).ConfigureAwait(false);
        return ViewId(result, "views.open");
    }

    /// <summary><c>views.publish</c>: replaces a person's App Home tab with <paramref name="view"/> (type <c>home</c>).</summary>
    public async Task<string> PublishViewAsync(string userId, JsonObject view, CancellationToken ct)
    {
        var result = await CallJsonAsync("views.publish", new JsonObject { ["user_id"] = userId, ["view"] = view.DeepClone() }, ct).ConfigureAwait(false);
        return ViewId(result, "views.publish");
    }

    /// <summary><c>views.push</c>: opens a modal on top of the current one (at most 3 deep).</summary>
    public async Task<string> PushViewAsync(string triggerId, JsonObject view, CancellationToken ct)
    {
        var result = await CallJsonAsync("views.push", new JsonObject { ["trigger_id"] = triggerId, ["view"] = view.DeepClone() }, ct).ConfigureAwait(false);
        return ViewId(result, "views.push");
    }

    /// <summary><c>views.update</c>: replaces an open modal; <paramref name="hash"/> guards against racing updates.</summary>
    public async Task UpdateViewAsync(string viewId, JsonObject view, string? hash, CancellationToken ct)
    {
        var body = new JsonObject { ["view_id"] = viewId, ["view"] = view.DeepClone() };
        if (hash is not null)
        {
            body["hash"] = hash;
        }

        await CallJsonAsync("views.update", body, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>chat.unfurl</c>: cards for links someone shared, by URL. The message is named by <paramref name="channel"/> and
    /// <paramref name="ts"/>, or (from the composer, before it is sent) by <paramref name="unfurlId"/> and <paramref name="source"/>.
    /// </summary>
    public async Task UnfurlAsync(string? channel, string? ts, string? unfurlId, string? source, JsonObject unfurls, CancellationToken ct)
    {
        var body = new JsonObject { ["unfurls"] = unfurls };
        if (!string.IsNullOrEmpty(unfurlId) && !string.IsNullOrEmpty(source))
        {
            body["unfurl_id"] = unfurlId;
            body["source"] = source;
        }
        else
        {
            body["channel"] = channel;
            body["ts"] = ts;
        }

        await CallJsonAsync("chat.unfurl", body, ct).ConfigureAwait(false);
    }

    /// <summary><c>users.info</c>: a person's names.</summary>
    public async Task<SlackUserInfo> GetUserAsync(string userId, CancellationToken ct)
    {
        var result = await CallFormAsync("users.info", [new("user", userId)], ct).ConfigureAwait(false);
        var user = result["user"] as JsonObject ?? throw new SlackApiException("users.info", "invalid_response (no user)");
        string? Text(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s : null;
        var profile = user["profile"] as JsonObject;
        var name = Text(profile?["display_name"]) ?? Text(profile?["real_name"]) ?? Text(user["real_name"]) ?? Text(user["name"]) ?? userId;
        var isBot = user["is_bot"] is JsonValue b && b.TryGetValue<bool>(out var bot) && bot;
        return new SlackUserInfo(userId, name, isBot);
    }

    /// <summary><c>conversations.open</c>: the DM channel with a person.</summary>
    public async Task<string> OpenDirectMessageAsync(string userId, CancellationToken ct)
    {
        var result = await CallFormAsync("conversations.open", [new("users", userId)], ct).ConfigureAwait(false);
        return Text((result["channel"] as JsonObject)?["id"]) ?? throw new SlackApiException("conversations.open", "invalid_response (no channel id)");
    }

    private Task<JsonObject> CallJsonAsync(string method, JsonObject body, CancellationToken ct) =>
        SendAsync(method, () => JsonContent.Create(body), ct);

    private Task<JsonObject> CallFormAsync(string method, IEnumerable<KeyValuePair<string, string>> fields, CancellationToken ct)
    {
        // Read methods take form arguments; Slack does not accept JSON bodies for all of them.
        var list = fields.ToList();
        return SendAsync(method, () => new FormUrlEncodedContent(list), ct);
    }

    private async Task<JsonObject> SendAsync(string method, Func<HttpContent> content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, method) { Content = content() };
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            Log.ApiTransportFailed(logger, method, e.HttpRequestError.ToString());
            throw new SlackTransientException(method, "connection failed: " + e.HttpRequestError, e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            Log.ApiTransportFailed(logger, method, "timeout");
            throw new SlackTransientException(method, "timed out", e);
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                var after = RetryAfter(response);
                Log.ApiRateLimited(logger, method, after.TotalSeconds);
                throw new SlackRateLimitedException(method, after);
            }

            if ((int)response.StatusCode >= 500)
            {
                Log.ApiTransportFailed(logger, method, "HTTP " + (int)response.StatusCode);
                throw new SlackTransientException(method, "HTTP " + (int)response.StatusCode);
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new SlackApiException(method, "http_" + (int)response.StatusCode);
            }

            JsonObject? json;
            try
            {
                json = await response.Content.ReadFromJsonAsync<JsonObject>(ct).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                throw new SlackTransientException(method, "the answer was not JSON", e);
            }

            if (json is null)
            {
                throw new SlackTransientException(method, "empty answer");
            }

            if (json["ok"] is not JsonValue ok || !ok.TryGetValue<bool>(out var isOk) || !isOk)
            {
                var error = Text(json["error"]) ?? "unknown_error";
                Log.ApiError(logger, method, error);
                if (installations is not null && Installations.InstallationCache.MeansTokenGone(error) && Installations.SlackWorkspace.Current is { } tenant)
                {
                    // The token this instance holds no longer works: read the installation again on the next call.
                    installations.Forget(tenant);
                }

                throw new SlackApiException(method, error);
            }

            return json;
        }
    }

    private static TimeSpan RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        // Slack always sends Retry-After with 429; without it, back off a little rather than hammer.
        return TimeSpan.FromSeconds(1);
    }

    private static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static string Required(JsonObject result, string field, string method) =>
        Text(result[field]) ?? throw new SlackApiException(method, $"invalid_response (no {field})");

    private static string ViewId(JsonObject result, string method) =>
        Text((result["view"] as JsonObject)?["id"]) ?? throw new SlackApiException(method, "invalid_response (no view id)");
}

/// <summary>What <c>users.info</c> says about a person.</summary>
public sealed record SlackUserInfo(string Id, string DisplayName, bool IsBot);
