using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TriageBot.Core.Ports;
using TriageBot.Slack.Tests.Fakes;
using TriageBot.Tests.Hostile;

namespace TriageBot.Tests.Slack;

/// <summary>A Slack user as the tests play them.</summary>
public sealed record SlackPerson(string Id, string Name);

/// <summary>
/// The real host (<see cref="WebApplicationFactory{TEntryPoint}"/> over <c>Program</c>) on a fresh SQLite file, with
/// the Slack channel pointed at a <see cref="FakeSlackApi"/> on loopback. Requests are signed for real with
/// <see cref="Secret"/> at the current time; the delivery worker runs inside the host.
/// </summary>
public sealed class SlackHost : IAsyncDisposable
{
    public const string Secret = "e2e5f0c2a7d9b1e4c3a0e2e5f0c2a7d9";
    public const string Team = "T0E2E";
    public const string Channel = "C1";

    public static readonly SlackPerson Ada = new("U1", "ada");
    public static readonly SlackPerson Eli = new("U2", "eli");
    public static readonly SlackPerson[] Members = [new("U3", "mia"), new("U4", "noa"), new("U5", "ola"), new("U6", "pia")];

    private readonly WebApplicationFactory<Program> _factory;
    private readonly string _dataDir;
    private int _triggers;

    private readonly bool _ownsApi = true;

    private SlackHost(FakeSlackApi api, WebApplicationFactory<Program> factory, string dataDir, bool ownsApi)
        : this(api, factory, dataDir) => _ownsApi = ownsApi;

    private SlackHost(FakeSlackApi api, WebApplicationFactory<Program> factory, string dataDir)
    {
        Api = api;
        _factory = factory;
        _dataDir = dataDir;
        Client = factory.CreateClient();
    }

    public FakeSlackApi Api { get; }

    public HttpClient Client { get; }

    /// <summary>Another browser: a client of the same host with its own cookies.</summary>
    public HttpClient NewClient() => _factory.CreateClient();

    public IServiceProvider Services => _factory.Services;

    public ITriageStore Store => Services.GetRequiredService<ITriageStore>();

    /// <summary>Starts the host; <paramref name="configure"/> adds to (or overrides) the test settings.</summary>
    /// <remarks>With <paramref name="sharedApi"/>, several hosts (instances of the app) talk to one fake Slack, which the caller disposes.</remarks>
    public static async Task<SlackHost> StartAsync(Action<IWebHostBuilder>? configure = null, FakeSlackApi? sharedApi = null)
    {
        var api = sharedApi ?? await FakeSlackApi.StartAsync();
        // users.info gives each test person their handle as display name, unless a test names them otherwise.
        foreach (var person in Members.Prepend(Eli).Prepend(Ada))
        {
            api.DisplayNames.TryAdd(person.Id, person.Name);
        }

        var dataDir = Directory.CreateTempSubdirectory("triagebot-slack-e2e-").FullName;
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Storage:SqlitePath", Path.Combine(dataDir, "triagebot.db"));
            b.UseSetting("Slack:SigningSecret", Secret);
            b.UseSetting("Slack:BotToken", "xoxb-e2e-test-token");
            b.UseSetting("Slack:ApiBaseUrl", api.BaseUrl);
            // Pacing is the sender's own tested concern; here it would only make the flows slow.
            b.UseSetting("Slack:ChannelPostInterval", "00:00:00");
            b.UseSetting("Ceremonies:Enabled", "false");
            b.UseSetting("Delivery:PollInterval", "00:00:00.100");
            b.ConfigureLogging(l => l.ClearProviders());
            configure?.Invoke(b);
        });
        var host = new SlackHost(api, factory, dataDir, ownsApi: sharedApi is null);
        // Start the host now so the store is initialized before the first request.
        _ = host.Services;
        return host;
    }

    // ---- signed requests -------------------------------------------------------------------------------

    /// <summary>Posts a body signed with <paramref name="secret"/> at <paramref name="timestamp"/> (default: now).</summary>
    /// <remarks>The request is built by <see cref="SlackWire.Signed"/>, the one builder of signed Slack requests in the tests.</remarks>
    public Task<HttpResponseMessage> PostSignedAsync(
        string path, string body, string contentType, string secret = Secret, DateTimeOffset? timestamp = null, IDictionary<string, string>? headers = null)
    {
        var request = SlackWire.Signed(path, SlackWire.Utf8(body), contentType, timestamp ?? SignAt?.Invoke(), secret);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return Client.SendAsync(request);
    }

    /// <summary>When set, requests are signed at this time unless a test gives one (a host on a test clock).</summary>
    public Func<DateTimeOffset>? SignAt { get; set; }

    /// <summary>Trigger ids numbered per host, so a test can tell its interactions apart.</summary>
    public string NextTrigger() => $"trigger-{Interlocked.Increment(ref _triggers)}";

    /// <summary><c>/triage {text}</c> typed by <paramref name="who"/> in <paramref name="channel"/>.</summary>
    public async Task<HttpResponseMessage> CommandAsync(
        SlackPerson who, string text, string channel = Channel, string secret = Secret, DateTimeOffset? timestamp = null)
    {
        var fields = SlackWire.CommandFields(who, text, channel, NextTrigger());
        var response = await PostSignedAsync("/slack/commands", SlackWire.Form(fields), "application/x-www-form-urlencoded", secret, timestamp);
        var body = await response.Content.ReadAsStringAsync();
        if (response.IsSuccessStatusCode && body.StartsWith('{'))
        {
            CommandReplies.Enqueue(JsonNode.Parse(body)!.AsObject());
        }

        return response;
    }

    /// <summary>Every message the bot answered a slash command with (the HTTP response bodies).</summary>
    public ConcurrentQueue<JsonObject> CommandReplies { get; } = new();

    /// <summary><paramref name="who"/> picks "Report to triage" on a message in <see cref="Channel"/>.</summary>
    public Task<HttpResponseMessage> ReportMessageAsync(SlackPerson who, string messageTs, string text) => InteractAsync(new JsonObject
    {
        ["type"] = "message_action",
        ["callback_id"] = "report_to_triage",
        ["team"] = TeamJson(),
        ["user"] = User(who),
        ["channel"] = new JsonObject { ["id"] = Channel, ["name"] = "triage" },
        ["message_ts"] = messageTs,
        ["message"] = new JsonObject { ["type"] = "message", ["ts"] = messageTs, ["user"] = "U9", ["text"] = text },
        ["trigger_id"] = NextTrigger(),
        ["response_url"] = "https://hooks.slack.invalid/actions/1",
        ["api_app_id"] = "A0E2E",
    });

    /// <summary>An interactivity payload (<c>payload=</c> form field), as Slack posts it.</summary>
    public Task<HttpResponseMessage> InteractAsync(JsonObject payload, string secret = Secret, DateTimeOffset? timestamp = null) =>
        PostSignedAsync("/slack/interactivity", Form(new Dictionary<string, string> { ["payload"] = payload.ToJsonString() }),
            "application/x-www-form-urlencoded", secret, timestamp);

    public Task<HttpResponseMessage> EventAsync(JsonObject envelope, IDictionary<string, string>? headers = null) =>
        PostSignedAsync("/slack/events", envelope.ToJsonString(), "application/json", headers: headers);

    private static string Form(IDictionary<string, string> fields) => SlackWire.Form(fields);

    public static JsonObject User(SlackPerson who) => new() { ["id"] = who.Id, ["username"] = who.Name, ["name"] = who.Name, ["team_id"] = Team };

    public static JsonObject TeamJson() => new() { ["id"] = Team, ["domain"] = "e2e" };

    // ---- what Slack's client would do with what the bot sent -------------------------------------------

    /// <summary>Waits until at least <paramref name="count"/> calls to <paramref name="method"/> arrived; returns them all.</summary>
    public async Task<IReadOnlyList<SlackApiCall>> WaitForCallsAsync(string method, int count, TimeSpan? timeout = null)
    {
        IReadOnlyList<SlackApiCall> calls = [];
        await Eventually.Async(() => (calls = Api.CallsTo(method)).Count >= count,
            () => $"{count} call(s) to {method}; got {Api.CallsTo(method).Count}. All calls: {string.Join(", ", Api.Calls.Select(c => c.Method))}", timeout);
        return calls;
    }

    /// <summary>Waits for a successful call to <paramref name="method"/> matching <paramref name="match"/>.</summary>
    public async Task<SlackApiCall> WaitForAsync(string method, Func<SlackApiCall, bool> match, string what, TimeSpan? timeout = null)
    {
        SlackApiCall? found = null;
        await Eventually.Async(() => (found = Api.CallsTo(method).LastOrDefault(c => c.Status == 200 && match(c))) is not null,
            () => $"{method} with {what}. Calls so far:\n" + string.Join("\n", Api.CallsTo(method).Select(c => c.Body.Length > 300 ? c.Body[..300] : c.Body)), timeout);
        return found!;
    }

    /// <summary>The <c>n</c>-th modal opened with <c>views.open</c> (1-based), once it arrived.</summary>
    public async Task<JsonObject> OpenedModalAsync(int n)
    {
        var calls = await WaitForCallsAsync("views.open", n);
        return calls[n - 1].Json["view"]!.AsObject();
    }

    /// <summary>Submits a modal the way Slack does: the state of every input (initial values unless overridden).</summary>
    public Task<HttpResponseMessage> SubmitAsync(
        SlackPerson who, JsonObject modal, IDictionary<string, string?>? values = null, string secret = Secret, DateTimeOffset? timestamp = null) =>
        InteractAsync(SlackWire.Submission(who, modal, values, NextTrigger()), secret, timestamp);

    /// <summary>Presses a button of a message the bot posted in <paramref name="channel"/> (ts <paramref name="messageTs"/>).</summary>
    /// <remarks>With <paramref name="value"/>, the button carrying that value (e.g. one row's "Decide…" among several).</remarks>
    public Task<HttpResponseMessage> PressAsync(SlackPerson who, JsonObject message, string messageTs, string actionId, string? threadTs = null, string channel = Channel, string? value = null)
    {
        var button = Buttons(message).FirstOrDefault(b => global::TriageBot.Slack.Blocks.ActionIdCodec.Strip((string)b["action_id"]!) == actionId && (value is null || (string?)b["value"] == value))
            ?? throw new InvalidOperationException($"No '{actionId}' button in: {message.ToJsonString()}");
        return InteractAsync(BlockAction(who, message, messageTs, threadTs, channel, button, "b1", state: null));
    }

    /// <summary>
    /// Picks scores in a ballot's inline vote menus and presses its Vote button, as Slack sends it: what the person picked
    /// in the message's <c>state</c>, the button with its block. <paramref name="picks"/> are field id → option value.
    /// </summary>
    public Task<HttpResponseMessage> VoteInlineAsync(SlackPerson who, JsonObject message, string messageTs, IReadOnlyDictionary<string, string> picks, string? threadTs = null, string channel = Channel) =>
        InteractAsync(InlineVote(who, message, messageTs, picks, threadTs, channel));

    /// <summary>The <c>block_actions</c> payload of <see cref="VoteInlineAsync"/>.</summary>
    public JsonObject InlineVote(SlackPerson who, JsonObject message, string messageTs, IReadOnlyDictionary<string, string> picks, string? threadTs = null, string channel = Channel)
    {
        var block = (message["blocks"]?.AsArray() ?? []).Select(b => b!.AsObject())
            .FirstOrDefault(b => (string?)b["block_id"] == global::TriageBot.Slack.Blocks.ActionIdCodec.InlineFormBlock)
            ?? throw new InvalidOperationException($"No inline vote in: {message.ToJsonString()}");
        var elements = block["elements"]!.AsArray().Select(e => e!.AsObject()).ToList();
        var menus = new JsonObject();
        foreach (var menu in elements.Where(e => (string?)e["type"] == "static_select"))
        {
            var id = (string)menu["action_id"]!;
            var picked = picks.TryGetValue(id, out var value)
                ? menu["options"]!.AsArray().Select(o => o!.AsObject()).Single(o => (string?)o["value"] == value).DeepClone()
                : null;
            menus[id] = new JsonObject { ["type"] = "static_select", ["selected_option"] = picked };
        }

        var state = new JsonObject { ["values"] = new JsonObject { [global::TriageBot.Slack.Blocks.ActionIdCodec.InlineFormBlock] = menus } };
        var button = elements.Single(e => (string?)e["type"] == "button");
        return BlockAction(who, message, messageTs, threadTs, channel, button, global::TriageBot.Slack.Blocks.ActionIdCodec.InlineFormBlock, state);
    }

    private JsonObject BlockAction(SlackPerson who, JsonObject message, string messageTs, string? threadTs, string channel, JsonObject element, string blockId, JsonObject? state)
    {
        var messageJson = new JsonObject { ["type"] = "message", ["ts"] = messageTs, ["text"] = message["text"]?.DeepClone(), ["blocks"] = message["blocks"]?.DeepClone() };
        var container = new JsonObject { ["type"] = "message", ["message_ts"] = messageTs, ["channel_id"] = channel, ["is_ephemeral"] = false };
        if (threadTs is not null)
        {
            messageJson["thread_ts"] = threadTs;
            container["thread_ts"] = threadTs;
        }

        var payload = new JsonObject
        {
            ["type"] = "block_actions",
            ["team"] = TeamJson(),
            ["user"] = User(who),
            ["api_app_id"] = "A0E2E",
            ["trigger_id"] = NextTrigger(),
            ["container"] = container,
            ["channel"] = new JsonObject { ["id"] = channel, ["name"] = "triage" },
            ["message"] = messageJson,
            ["response_url"] = "https://hooks.slack.invalid/actions/T0E2E/1/xyz",
            ["actions"] = new JsonArray(new JsonObject
            {
                ["type"] = element["type"]?.DeepClone(),
                ["action_id"] = element["action_id"]!.DeepClone(),
                ["block_id"] = blockId,
                ["value"] = element["value"]?.DeepClone(),
                ["text"] = element["text"]?.DeepClone(),
                ["action_ts"] = "1700000001.000001",
            }),
        };
        if (state is not null)
        {
            payload["state"] = state;
        }

        return payload;
    }

    /// <summary>Every button element in a message's blocks.</summary>
    public static IEnumerable<JsonObject> Buttons(JsonObject message) =>
        (message["blocks"]?.AsArray() ?? [])
            .Select(b => b!.AsObject())
            .SelectMany(b => (b["elements"]?.AsArray() ?? []).Select(e => e as JsonObject).OfType<JsonObject>()
                .Concat(b["accessory"] is JsonObject a ? [a] : []))
            .Where(e => (string?)e["type"] == "button");

    /// <summary>All the text a person would read in a message or modal (section, header, context, field texts).</summary>
    public static string TextOf(JsonNode? node)
    {
        var sb = new StringBuilder();
        Walk(node);
        return sb.ToString();

        void Walk(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject o:
                    foreach (var (key, value) in o)
                    {
                        if (key == "text" && value is JsonValue v && v.TryGetValue<string>(out var s))
                        {
                            sb.AppendLine(s);
                        }
                        else
                        {
                            Walk(value);
                        }
                    }

                    break;
                case JsonArray a:
                    foreach (var item in a)
                    {
                        Walk(item);
                    }

                    break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
        if (_ownsApi)
        {
            await Api.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}

/// <summary>Builds a modal's <c>state.values</c> as Slack submits it, from the blocks the bot sent.</summary>
public static class ModalState
{
    /// <summary>Block id → action id → element state; <paramref name="overrides"/> (by block id) replace initial values (null clears).</summary>
    public static JsonObject Values(JsonObject modal, IDictionary<string, string?>? overrides)
    {
        var values = new JsonObject();
        foreach (var block in modal["blocks"]!.AsArray().Select(b => b!.AsObject()).Where(b => (string?)b["type"] == "input"))
        {
            var blockId = (string)block["block_id"]!;
            var element = block["element"]!.AsObject();
            var type = (string)element["type"]!;
            var value = overrides is not null && overrides.TryGetValue(blockId, out var o) ? o : Initial(element);
            var state = new JsonObject { ["type"] = type };
            switch (type)
            {
                case "plain_text_input" or "number_input":
                    state["value"] = string.IsNullOrEmpty(value) ? null : value;
                    break;
                case "static_select":
                    var option = element["options"]!.AsArray().Select(x => x!.AsObject()).FirstOrDefault(x => (string?)x["value"] == value);
                    if (value is not null && option is null)
                    {
                        throw new InvalidOperationException($"'{value}' is not an option of {blockId}.");
                    }

                    state["selected_option"] = option?.DeepClone();
                    break;
                case "datepicker":
                    state["selected_date"] = string.IsNullOrEmpty(value) ? null : value;
                    break;
                case "checkboxes":
                    state["selected_options"] = value == "true" ? new JsonArray(element["options"]![0]!.DeepClone()) : new JsonArray();
                    break;
                default:
                    throw new InvalidOperationException($"The test client cannot fill a {type}.");
            }

            values[blockId] = new JsonObject { [(string)element["action_id"]!] = state };
        }

        return values;
    }

    /// <summary>What the input shows when the modal opens (its prefilled value).</summary>
    public static string? Initial(JsonObject element) => (string?)element["type"] switch
    {
        "plain_text_input" or "number_input" => (string?)element["initial_value"],
        "static_select" => (string?)element["initial_option"]?["value"],
        "datepicker" => (string?)element["initial_date"],
        "checkboxes" => element["initial_options"] is JsonArray { Count: > 0 } ? "true" : "false",
        _ => null,
    };

    /// <summary>The input block with this block id.</summary>
    public static JsonObject Input(JsonObject modal, string blockId) =>
        modal["blocks"]!.AsArray().Select(b => b!.AsObject()).FirstOrDefault(b => (string?)b["block_id"] == blockId)
        ?? throw new InvalidOperationException($"The modal has no block '{blockId}'.");
}

/// <summary>Polls a condition with a timeout: tests never sleep for a fixed time.</summary>
public static class Eventually
{
    public static async Task Async(Func<bool> condition, Func<string> what, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("Timed out waiting for " + what());
            }

            await Task.Delay(20);
        }
    }

    public static async Task<T> Async<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null) where T : class
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException("Timed out waiting for " + what);
            }

            await Task.Delay(20);
        }
    }
}
