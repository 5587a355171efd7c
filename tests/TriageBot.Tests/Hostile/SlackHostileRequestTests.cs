using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using TriageBot.Core.Conversation;
using TriageBot.Slack.Blocks;
using TriageBot.Tests.Slack;
using static TriageBot.Tests.Hostile.SlackWire;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Hostile;

/// <summary>A Slack channel set up once (Ada facilitates, Eli is an engineer), shared by the rows of the hostile table.</summary>
public sealed class SlackHostileFixture : IAsyncLifetime
{
    public SlackHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Host = await SlackHost.StartAsync();
        await SlackFlows.SetUpChannelAsync(Host);
        await SlackFlows.MakeEliEngineerAsync(Host);
        await Eventually.Async(async () => await Host.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the set-up messages to go out");
    }

    public ValueTask DisposeAsync() => Host.DisposeAsync();
}

/// <summary>
/// Bad requests of every kind to the three Slack endpoints of the real host: each is refused with 400, 401, 403, 413
/// or 415, never a 500, and leaves every table of the store and the fake Slack exactly as they were.
/// The requests they are made from do change things when sent correctly: see <see cref="SlackHostileControlTests"/>.
/// </summary>
public sealed class SlackHostileRequestTests(SlackHostileFixture fixture) : IClassFixture<SlackHostileFixture>
{
    private static readonly HashSet<HttpStatusCode> Refusals =
        [HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.UnsupportedMediaType];

    /// <summary>Mia (a member) names herself facilitator: stored if it got through.</summary>
    internal static byte[] RoleCommand() => Utf8(Command(Ada, "role <@U3|mia> facilitator"));

    internal static byte[] MentionEvent() => Utf8(Mention("Ev" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(), Ada, "report weekly").ToJsonString());

    internal static byte[] IntakeSubmission() =>
        Utf8(Interactivity(Submission(Members[0], IntakeModal(), new Dictionary<string, string?> { ["title"] = "Hostile item" })));

    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    private static HttpRequestMessage WithBody(string path, byte[] signedBody, byte[] sentBody, string contentType)
    {
        var ts = Ts(Now);
        return Request(path, sentBody, contentType, Sign(signedBody, ts), ts);
    }

    private static byte[] Mutated(byte[] body, Func<string, string> change) => Utf8(change(Encoding.UTF8.GetString(body)));

    private static HttpRequestMessage Commands(IEnumerable<KeyValuePair<string, string>> fields) =>
        Signed("/slack/commands", Utf8(Form(fields)), FormType);

    private static HttpRequestMessage Events(JsonNode json) => Signed("/slack/events", Utf8(json.ToJsonString()), JsonType);

    private static HttpRequestMessage Events(string raw) => Signed("/slack/events", Utf8(raw), JsonType);

    private static HttpRequestMessage Interact(string rawPayload) => Signed("/slack/interactivity", Utf8(Interactivity(rawPayload)), FormType);

    private static JsonObject MentionJson() => Mention("Ev" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant(), Ada, "report weekly");

    private static JsonObject SubmissionJson() => Submission(Members[0], IntakeModal(), new Dictionary<string, string?> { ["title"] = "Hostile item" });

    private static List<KeyValuePair<string, string>> Fields(Func<List<KeyValuePair<string, string>>, List<KeyValuePair<string, string>>> change) =>
        change(CommandFields(Ada, "role <@U3|mia> facilitator"));

    /// <summary>Every class of bad request, by name.</summary>
    internal static readonly Dictionary<string, Func<HttpRequestMessage>> Cases = new()
    {
        // --- who sent it: signature and timestamp ---
        ["commands: no signature and no timestamp"] = () => Request("/slack/commands", RoleCommand(), FormType, null, null),
        ["commands: signature without timestamp"] = () => { var b = RoleCommand(); return Request("/slack/commands", b, FormType, Sign(b, Ts(Now)), null); },
        ["commands: timestamp without signature"] = () => Request("/slack/commands", RoleCommand(), FormType, null, Ts(Now)),
        ["commands: signed with the wrong secret"] = () => Signed("/slack/commands", RoleCommand(), FormType, secret: "not-the-signing-secret"),
        ["commands: empty signing secret"] = () => Signed("/slack/commands", RoleCommand(), FormType, secret: ""),
        ["commands: signature of another version (v1=)"] = () => { var b = RoleCommand(); var ts = Ts(Now); return Request("/slack/commands", b, FormType, "v1=" + Sign(b, ts)[3..], ts); },
        ["commands: signature that is not hex"] = () => Request("/slack/commands", RoleCommand(), FormType, "v0=" + new string('z', 64), Ts(Now)),
        ["commands: signature cut short"] = () => { var b = RoleCommand(); var ts = Ts(Now); return Request("/slack/commands", b, FormType, Sign(b, ts)[..40], ts); },
        ["commands: signature 'v0=' alone"] = () => Request("/slack/commands", RoleCommand(), FormType, "v0=", Ts(Now)),
        ["commands: stale timestamp (6 minutes old)"] = () => Signed("/slack/commands", RoleCommand(), FormType, Now.AddMinutes(-6)),
        ["commands: future timestamp (6 minutes ahead)"] = () => Signed("/slack/commands", RoleCommand(), FormType, Now.AddMinutes(6)),
        ["commands: timestamp that is not a number"] = () => { var b = RoleCommand(); return Request("/slack/commands", b, FormType, Sign(b, "yesterday"), "yesterday"); },
        ["commands: timestamp in milliseconds"] = () => { var b = RoleCommand(); var ts = Now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture); return Request("/slack/commands", b, FormType, Sign(b, ts), ts); },
        ["commands: replayed signature under a fresh timestamp"] = () => { var b = RoleCommand(); return Request("/slack/commands", b, FormType, Sign(b, Ts(Now.AddMinutes(-20))), Ts(Now)); },
        ["commands: body swapped after signing (another user)"] = () =>
        {
            var signed = RoleCommand();
            return WithBody("/slack/commands", signed, Mutated(signed, s => s.Replace("user_id=U1", "user_id=U3", StringComparison.Ordinal)), FormType);
        },
        ["commands: a byte appended after signing"] = () => { var signed = RoleCommand(); return WithBody("/slack/commands", signed, [.. signed, (byte)'&'], FormType); },

        // --- size ---
        ["commands: oversized body with Content-Length"] = () => Signed("/slack/commands", Utf8(Command(Ada, new string('x', 70 * 1024))), FormType),
        ["commands: oversized body without Content-Length (chunked)"] = () =>
        {
            var body = Utf8(Command(Ada, new string('x', 70 * 1024)));
            var request = Signed("/slack/commands", body, FormType);
            request.Content = new ChunkedContent(body, FormType);
            return request;
        },
        ["events: oversized body"] = () => Events(MentionJson().Also(j => j["padding"] = new string('x', 1100 * 1024))),

        // --- encoding and content type ---
        ["commands: body that is not UTF-8"] = () => Signed("/slack/commands", [.. RoleCommand(), .. "&text="u8, 0xC3, 0x28, 0xFF], FormType),
        ["commands: JSON content type"] = () => Signed("/slack/commands", RoleCommand(), JsonType),
        ["commands: no content type"] = () => { var r = Signed("/slack/commands", RoleCommand(), FormType); r.Content!.Headers.ContentType = null; return r; },
        ["events: form content type"] = () => Signed("/slack/events", MentionEvent(), FormType),
        ["interactivity: JSON content type"] = () => Signed("/slack/interactivity", Utf8(SubmissionJson().ToJsonString()), JsonType),
        ["interactivity: multipart content type"] = () => Signed("/slack/interactivity", IntakeSubmission(), "multipart/form-data; boundary=x"),

        // --- missing, duplicated and forged form fields ---
        ["commands: empty body"] = () => Signed("/slack/commands", [], FormType),
        ["commands: no user_id"] = () => Commands(Fields(f => [.. f.Where(kv => kv.Key != "user_id")])),
        ["commands: no team_id"] = () => Commands(Fields(f => [.. f.Where(kv => kv.Key != "team_id")])),
        ["commands: no channel_id"] = () => Commands(Fields(f => [.. f.Where(kv => kv.Key != "channel_id")])),
        ["commands: no command"] = () => Commands(Fields(f => [.. f.Where(kv => kv.Key != "command")])),
        ["commands: a second, forged user_id"] = () => Commands(Fields(f => [.. f, new("user_id", "U3")])),
        ["commands: a second, forged team_id"] = () => Commands(Fields(f => [.. f, new("team_id", "TFORGED")])),
        ["commands: a second, forged channel_id"] = () => Commands(Fields(f => [.. f, new("channel_id", "C2")])),
        ["commands: form that is only a separator soup"] = () => Signed("/slack/commands", Utf8("&&&===&=&"), FormType),

        // --- Events API JSON ---
        ["events: unsigned"] = () => Request("/slack/events", MentionEvent(), JsonType, null, null),
        ["events: url_verification with the wrong secret"] = () => Signed("/slack/events", Utf8("""{"type":"url_verification","token":"x","challenge":"c"}"""), JsonType, secret: "wrong"),
        ["events: malformed JSON"] = () => Events("""{"type":"event_callback","event_id":"""),
        ["events: a JSON array"] = () => Events("[1,2,3]"),
        ["events: a JSON string"] = () => Events("\"event_callback\""),
        ["events: unknown request type"] = () => Events(MentionJson().Also(j => j["type"] = "team_takeover")),
        ["events: no type"] = () => Events(MentionJson().Also(j => j.Remove("type"))),
        ["events: event_callback without event_id"] = () => Events(MentionJson().Also(j => j.Remove("event_id"))),
        ["events: event_callback without team_id"] = () => Events(MentionJson().Also(j => j.Remove("team_id"))),
        ["events: event is a string"] = () => Events(MentionJson().Also(j => j["event"] = "app_mention")),
        ["events: event_id is a number"] = () => Events(MentionJson().Also(j => j["event_id"] = 42)),
        ["events: type is an object"] = () => Events(MentionJson().Also(j => j["type"] = new JsonObject { ["a"] = 1 })),
        ["events: nested 5,000 deep"] = () => Events(string.Concat(Enumerable.Repeat("{\"a\":", 5000)) + "1" + new string('}', 5000)),

        // --- interactivity payloads ---
        ["interactivity: unsigned"] = () => Request("/slack/interactivity", IntakeSubmission(), FormType, null, null),
        ["interactivity: body swapped after signing (another user)"] = () =>
        {
            var signed = IntakeSubmission();
            return WithBody("/slack/interactivity", signed, Mutated(signed, s => s.Replace("%22U3%22", "%22U1%22", StringComparison.Ordinal)), FormType);
        },
        ["interactivity: no payload field"] = () => Signed("/slack/interactivity", Utf8(Form([new("view", SubmissionJson().ToJsonString())])), FormType),
        ["interactivity: two payload fields"] = () => Signed("/slack/interactivity", Utf8(Interactivity(SubmissionJson()) + "&" + Interactivity(SubmissionJson())), FormType),
        ["interactivity: payload that is not JSON"] = () => Interact("type=view_submission"),
        ["interactivity: payload that is a JSON array"] = () => Interact("[{\"type\":\"view_submission\"}]"),
        ["interactivity: unknown payload type"] = () => Interact(SubmissionJson().Also(j => j["type"] = "dialog_takeover").ToJsonString()),
        ["interactivity: no type"] = () => Interact(SubmissionJson().Also(j => j.Remove("type")).ToJsonString()),
        ["interactivity: no user"] = () => Interact(SubmissionJson().Also(j => j.Remove("user")).ToJsonString()),
        ["interactivity: user is a string"] = () => Interact(SubmissionJson().Also(j => j["user"] = "U1").ToJsonString()),
        ["interactivity: user id is a number"] = () => Interact(SubmissionJson().Also(j => j["user"]!["id"] = 1).ToJsonString()),
        ["interactivity: view_submission without a view"] = () => Interact(SubmissionJson().Also(j => j.Remove("view")).ToJsonString()),
        ["interactivity: view that is not a TriageBot form"] = () => Interact(SubmissionJson().Also(j => { j["view"]!["private_metadata"] = "{}"; j["view"]!.AsObject().Remove("callback_id"); }).ToJsonString()),
        ["interactivity: view state values of the wrong type"] = () => Interact(SubmissionJson().Also(j => j["view"]!["state"]!["values"] = "title=x").ToJsonString()),
        ["interactivity: block_actions without actions"] = () => Interact(new JsonObject
        {
            ["type"] = "block_actions", ["team"] = TeamJson(), ["user"] = User(Ada), ["api_app_id"] = "A0E2E", ["trigger_id"] = "t1",
            ["channel"] = new JsonObject { ["id"] = Channel }, ["container"] = new JsonObject { ["type"] = "message", ["channel_id"] = Channel },
        }.ToJsonString()),
        ["interactivity: ballot vote whose message state values are of the wrong type"] = () =>
            Interact(InlineVoteJson().Also(j => j["state"]!["values"] = "impact=3").ToJsonString()),
        ["interactivity: ballot vote whose state is a list"] = () => Interact(InlineVoteJson().Also(j => j["state"] = new JsonArray(1, 2)).ToJsonString()),
        ["interactivity: ballot vote button that names no form"] = () =>
            Interact(InlineVoteJson().Also(j => j["actions"]![0]!["value"] = "payments/1:1").ToJsonString()),
    };

    /// <summary>A vote pressed in a ballot, its four scores picked in the message's menus.</summary>
    public static JsonObject InlineVoteJson() => new()
    {
        ["type"] = "block_actions", ["team"] = TeamJson(), ["user"] = User(Ada), ["api_app_id"] = "A0E2E", ["trigger_id"] = "t1",
        ["channel"] = new JsonObject { ["id"] = Channel, ["name"] = "triage" },
        ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = "1700000000.000001", ["channel_id"] = Channel, ["is_ephemeral"] = false },
        ["message"] = new JsonObject { ["type"] = "message", ["ts"] = "1700000000.000001", ["text"] = "Scoring TRI-1", ["blocks"] = new JsonArray() },
        ["actions"] = new JsonArray(new JsonObject
        {
            ["type"] = "button", ["action_id"] = ActionIdCodec.SubmitInlineForm, ["block_id"] = ActionIdCodec.InlineFormBlock,
            ["value"] = ActionIdCodec.InlineFormValue(FormIds.Vote, "payments/1:1"), ["action_ts"] = "1700000001.000001",
        }),
        ["state"] = new JsonObject
        {
            ["values"] = new JsonObject
            {
                [ActionIdCodec.InlineFormBlock] = new JsonObject
                {
                    ["impact"] = Picked("3"), ["confidence"] = Picked("2"), ["rollback"] = Picked("2"), ["delay"] = Picked("1"),
                },
            },
        },
    };

    private static JsonObject Picked(string value) => new() { ["type"] = "static_select", ["selected_option"] = new JsonObject { ["value"] = value } };

    public static TheoryData<string> Names => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task BadRequest_IsRefused_AndChangesNothing(string name)
    {
        var h = fixture.Host;
        var before = await StoreCensus.TakeAsync(h.Services);
        var callsBefore = h.Api.Calls.Count;

        using var request = Cases[name]();
        using var response = await h.Client.SendAsync(request);

        Refusals.ShouldContain(response.StatusCode, $"{name}: answered {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        (await StoreCensus.TakeAsync(h.Services)).ShouldBe(before, name);
        h.Api.Calls.Count.ShouldBe(callsBefore, name);
    }

    [Fact]
    public void TheTable_HasAtLeastThirtyDistinctClasses() => Cases.Count.ShouldBeGreaterThanOrEqualTo(30);
}

/// <summary>The controls of the hostile table: the same requests, sent correctly, do change the store.</summary>
public sealed class SlackHostileControlTests
{
    [Theory]
    [InlineData("/slack/commands")]
    [InlineData("/slack/events")]
    [InlineData("/slack/interactivity")]
    public async Task TheBaseRequest_SignedCorrectly_ChangesTheStore(string path)
    {
        await using var h = await SlackHost.StartAsync();
        await SlackFlows.SetUpChannelAsync(h);
        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the set-up messages to go out");
        var before = await StoreCensus.TakeAsync(h.Services);

        var (body, type) = path switch
        {
            "/slack/commands" => (SlackHostileRequestTests.RoleCommand(), FormType),
            "/slack/events" => (SlackHostileRequestTests.MentionEvent(), JsonType),
            _ => (SlackHostileRequestTests.IntakeSubmission(), FormType),
        };
        using var response = await h.Client.SendAsync(Signed(path, body, type));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.Async(async () => await StoreCensus.TakeAsync(h.Services) != before ? "changed" : null, $"{path} to change the store");
    }
}

/// <summary>A body sent without a Content-Length (chunked), as a client that streams would send it.</summary>
internal sealed class ChunkedContent : HttpContent
{
    private readonly byte[] _body;

    public ChunkedContent(byte[] body, string contentType)
    {
        _body = body;
        Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType);
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var at = 0; at < _body.Length; at += 8192)
        {
            await stream.WriteAsync(_body.AsMemory(at, Math.Min(8192, _body.Length - at)));
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}

/// <summary>Small helpers for building JSON in expressions.</summary>
internal static class JsonTweaks
{
    public static JsonObject Also(this JsonObject json, Action<JsonObject> change)
    {
        change(json);
        return json;
    }
}
