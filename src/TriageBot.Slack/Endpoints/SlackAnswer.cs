using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TriageBot.Slack.Endpoints;

/// <summary>
/// What the bot answers Slack, whichever way the request came: over HTTP it is the response (status, body, Retry-After),
/// over the Socket Mode connection a 2xx is the acknowledgement and its JSON body the ack's <c>payload</c>, and a 5xx
/// is no acknowledgement at all, so Slack sends the envelope again as it retries a 503.
/// </summary>
internal sealed record SlackAnswer(int Status, string? Body = null, string? ContentType = null, int? RetryAfterSeconds = null)
{
    private const string JsonType = "application/json; charset=utf-8";

    public static readonly SlackAnswer Ok = new(StatusCodes.Status200OK);

    public static SlackAnswer Json(JsonObject body) => new(StatusCodes.Status200OK, body.ToJsonString(), JsonType);

    public static SlackAnswer Text(int status, string text, int? retryAfterSeconds = null) => new(status, text, "text/plain; charset=utf-8", retryAfterSeconds);

    public static SlackAnswer Status503 => new(StatusCodes.Status503ServiceUnavailable);

    public static SlackAnswer BadRequest(ILogger logger, string reason)
    {
        Log.Malformed(logger, reason);
        return Text(StatusCodes.Status400BadRequest, "Bad request: " + reason);
    }

    /// <summary>The store could not be reached, so nothing was done: a 503 with Retry-After, never mistaken for success.</summary>
    public static SlackAnswer StoreUnavailable(ILogger logger, string kind)
    {
        Log.StoreUnavailable(logger, kind);
        return Text(StatusCodes.Status503ServiceUnavailable, "Service unavailable: storage did not answer; try again shortly.", 5);
    }

    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>Slack should deliver it again (a 5xx): over the socket the envelope is left unacknowledged.</summary>
    public bool WantsRetry => Status >= 500;

    /// <summary>The JSON body of a successful answer: the <c>payload</c> of a Socket Mode acknowledgement.</summary>
    public JsonNode? AckPayload => IsSuccess && Body is not null && ContentType == JsonType ? JsonNode.Parse(Body) : null;

    public IResult ToResult() => new HttpAnswer(this);

    private sealed class HttpAnswer(SlackAnswer answer) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = answer.Status;
            if (answer.RetryAfterSeconds is { } seconds)
            {
                httpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (answer.Body is null)
            {
                return Task.CompletedTask;
            }

            httpContext.Response.ContentType = answer.ContentType;
            return httpContext.Response.WriteAsync(answer.Body, Encoding.UTF8);
        }
    }
}
