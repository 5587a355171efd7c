using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Slack.Blocks;
using TriageBot.Slack.Payloads;
using TriageBot.Slack.Signing;
using TriageBot.Tests.Slack;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Hostile;

/// <summary>
/// Raw Slack requests, byte for byte: valid bodies for each endpoint and the means to sign them, sign them wrongly,
/// or change them after signing. The hostile tables and the fuzzer build on these.
/// </summary>
public static class SlackWire
{
    public const string FormType = "application/x-www-form-urlencoded";
    public const string JsonType = "application/json";

    public static string Ts(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    public static string Sign(byte[] body, string ts, string secret = Secret) => SlackSignature.Sign(secret, ts, body);

    /// <summary>A request with exactly these headers (null leaves a header out).</summary>
    public static HttpRequestMessage Request(string path, byte[] body, string? contentType, string? signature, string? timestamp)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        if (contentType is not null)
        {
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Slack-Signature", signature);
        }

        if (timestamp is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Slack-Request-Timestamp", timestamp);
        }

        return request;
    }

    /// <summary>A request signed for real with the test secret at <paramref name="at"/> (default: now).</summary>
    public static HttpRequestMessage Signed(string path, byte[] body, string contentType, DateTimeOffset? at = null, string secret = Secret)
    {
        var ts = Ts(at ?? DateTimeOffset.UtcNow);
        return Request(path, body, contentType, Sign(body, ts, secret), ts);
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static string Form(IEnumerable<KeyValuePair<string, string>> fields) =>
        string.Join("&", fields.Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(kv.Value)));

    /// <summary>A fresh trigger id, as Slack gives each interaction one.</summary>
    public static string NewTrigger() => "trigger-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The fields of <c>/triage {text}</c> typed by <paramref name="who"/>, in the order Slack sends them.</summary>
    public static List<KeyValuePair<string, string>> CommandFields(SlackPerson who, string text, string channel = Channel, string? triggerId = null) =>
    [
        new("token", "deprecated-verification-token"),
        new("team_id", Team),
        new("team_domain", "e2e"),
        new("channel_id", channel),
        new("channel_name", "triage"),
        new("user_id", who.Id),
        new("user_name", who.Name),
        new("command", "/triage"),
        new("text", text),
        new("api_app_id", "A0E2E"),
        new("is_enterprise_install", "false"),
        new("response_url", "https://hooks.slack.invalid/commands/T0E2E/1/abc"),
        new("trigger_id", triggerId ?? NewTrigger()),
    ];

    public static string Command(SlackPerson who, string text, string channel = Channel) => Form(CommandFields(who, text, channel));

    /// <summary>An <c>app_mention</c> event by <paramref name="who"/> asking the bot <paramref name="text"/>.</summary>
    public static JsonObject Mention(string eventId, SlackPerson who, string text) => new()
    {
        ["token"] = "deprecated-verification-token",
        ["team_id"] = Team,
        ["api_app_id"] = "A0E2E",
        ["type"] = "event_callback",
        ["event_id"] = eventId,
        ["event_time"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ["authorizations"] = new JsonArray(new JsonObject { ["team_id"] = Team, ["user_id"] = "UBOT", ["is_bot"] = true }),
        ["event"] = new JsonObject
        {
            ["type"] = "app_mention",
            ["user"] = who.Id,
            ["text"] = "<@UBOT> " + text,
            ["ts"] = "1712345000.000200",
            ["channel"] = Channel,
            ["event_ts"] = "1712345000.000200",
        },
    };

    /// <summary>The intake modal the bot would open for a bug in <see cref="SlackHost.Channel"/>.</summary>
    public static JsonObject IntakeModal(WorkStream stream = WorkStream.Bug)
    {
        var form = Forms.Intake(stream);
        return ModalRenderer.Render(form, new FormMetadata(form.FormId, form.Argument, Channel, null));
    }

    /// <summary>A <c>view_submission</c> of <paramref name="modal"/> by <paramref name="who"/>, as Slack posts it.</summary>
    public static JsonObject Submission(SlackPerson who, JsonObject modal, IDictionary<string, string?>? values = null, string? triggerId = null) => new()
    {
        ["type"] = "view_submission",
        ["team"] = TeamJson(),
        ["user"] = User(who),
        ["api_app_id"] = "A0E2E",
        ["token"] = "deprecated-verification-token",
        ["trigger_id"] = triggerId ?? NewTrigger(),
        ["view"] = new JsonObject
        {
            ["id"] = "V" + Guid.NewGuid().ToString("N")[..8],
            ["team_id"] = Team,
            ["type"] = "modal",
            ["callback_id"] = modal["callback_id"]?.DeepClone(),
            ["private_metadata"] = modal["private_metadata"]?.DeepClone(),
            ["title"] = modal["title"]?.DeepClone(),
            ["blocks"] = modal["blocks"]?.DeepClone(),
            ["state"] = new JsonObject { ["values"] = ModalState.Values(modal, values) },
            ["hash"] = "1700000000.abcdef",
        },
    };

    /// <summary>The <c>payload=</c> form body of an interactivity request.</summary>
    public static string Interactivity(JsonNode payload) => Form([new("payload", payload.ToJsonString())]);

    public static string Interactivity(string rawPayload) => Form([new("payload", rawPayload)]);
}
