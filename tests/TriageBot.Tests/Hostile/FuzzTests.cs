using TriageBot.Core.Views;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using TriageBot.Core.Conversation;
using TriageBot.Slack.Blocks;
using TriageBot.Slack.Payloads;
using TriageBot.Teams.Tests.Fakes;
using TriageBot.Tests.Slack;
using static TriageBot.Tests.Hostile.SlackWire;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Hostile;

/// <summary>
/// Randomized runs: at least 10,000 seeded mutations of valid payloads per endpoint, each signed correctly (Slack) or
/// carrying a valid token (Teams) so it gets past verification into the parsers and handlers. No request may be
/// answered 500 or throw, and the host may log no error. A failure prints the seed, the iteration and the payload;
/// set <c>TRIAGEBOT_FUZZ_SEED</c> and <c>TRIAGEBOT_FUZZ_ITERATIONS</c> to replay or to run longer.
/// </summary>
public sealed class FuzzTests(LocalOpenIdIssuer issuer)
{
    private const int DefaultSeed = 20_261_126;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("TRIAGEBOT_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : DefaultSeed;

    private static int Iterations => int.TryParse(Environment.GetEnvironmentVariable("TRIAGEBOT_FUZZ_ITERATIONS"), CultureInfo.InvariantCulture, out var n) ? n : 10_000;

    private static readonly string[] CommandTexts =
    [
        "help", "rubric", "list", "list bug ready", "queue", "icebox", "show TRI-1", "score TRI-1", "note TRI-1", "new bug", "new feature",
        "start TRI-1", "done TRI-1", "close TRI-1 not needed", "move TRI-1 build", "extend TRI-1 more data", "report weekly",
        "report allocation", "report icebox", "clinic", "setup", "role <@U3|mia> engineer", "gate TRI-1 passed",
    ];

    [Theory]
    [InlineData("/slack/commands")]
    [InlineData("/slack/events")]
    [InlineData("/slack/interactivity")]
    public async Task MutatedSlackPayloads_SignedCorrectly_NeverGetA500_OrAnUnhandledError(string path)
    {
        var logs = new LogCapture();
        await using var h = await SlackHost.StartAsync(b => b.ConfigureLogging(l => l.AddProvider(logs)));
        await SlackFlows.SetUpChannelAsync(h);
        await SlackFlows.ReportAsync(h, Ada, "bug", "Checkout fails for large carts");

        var seeds = SlackSeeds(path);
        var seed = Seed + path.Length;
        await RunAsync(path, seed, async (i, m) =>
        {
            var body = path switch
            {
                "/slack/commands" => MutateForm(m, (List<KeyValuePair<string, string>>)seeds[m.Next(seeds.Count)]),
                "/slack/events" => MutateJson(m, ((JsonObject)seeds[m.Next(seeds.Count)]).DeepClone().AsObject().Also(e => e["event_id"] = $"EvFUZZ{i}")),
                _ => MutateInteractivity(m, ((JsonObject)seeds[m.Next(seeds.Count)]).DeepClone().AsObject()),
            };
            var contentType = path == "/slack/events" ? JsonType : FormType;
            using var response = await h.Client.SendAsync(Signed(path, body, contentType));
            return ((int)response.StatusCode, body);
        }, logs);
    }

    [Fact]
    public async Task MutatedTeamsActivities_WithAValidToken_NeverGetA500_OrAnUnhandledError()
    {
        var logs = new LogCapture();
        await using var h = await TeamsHostileHost.StartAsync(issuer, b => b.ConfigureLogging(l => l.AddProvider(logs)));
        var token = h.Token();
        using (var setup = await h.Client.SendAsync(h.Request(h.Invoke("task/submit", new JsonObject
        {
            ["data"] = new JsonObject { ["formId"] = FormIds.Setup, ["name"] = "Fuzz", ["timeZone"] = "UTC" },
        }), token)))
        {
            setup.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var seeds = TeamsSeeds(h);
        await RunAsync("/api/messages", Seed, async (i, m) =>
        {
            var activity = seeds[m.Next(seeds.Count)].DeepClone().AsObject();
            activity["id"] = $"fuzz-{i}";
            var body = MutateJson(m, activity);
            using var response = await h.Client.SendAsync(TeamsHostileHost.Request(body, "Bearer " + token));
            return ((int)response.StatusCode, body);
        }, logs);
    }

    // ---- the run ----

    private static async Task RunAsync(string endpoint, int seed, Func<int, Mutator, Task<(int Status, byte[] Body)>> send, LogCapture logs)
    {
        var failures = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Iterations), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            // One generator per iteration: any payload can be replayed from (seed, iteration) alone, whatever ran concurrently.
            var m = new Mutator(new Random(unchecked((seed * 1_000_003) + i)));
            try
            {
                var (status, body) = await send(i, m);
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (status == 500)
                {
                    failures.Enqueue($"{endpoint} seed={seed} iteration={i}: 500 for payload {Show(body)}");
                }
            }
            catch (Exception e) when (failures.Count < 20)
            {
                failures.Enqueue($"{endpoint} seed={seed} iteration={i}: {e.GetType().Name}: {e.Message}");
            }
        });

        var summary = $"{endpoint} seed={seed}, {Iterations} payloads, statuses: " + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"));
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        failures.ShouldBeEmpty(summary + "\n" + string.Join("\n", failures.Take(5)) + "\nLogged errors:\n" + string.Join("\n", logs.Errors.Take(3)));
        logs.Errors.ShouldBeEmpty(summary + "\n" + string.Join("\n", logs.Errors.Take(5)));
        // Some payloads must have got through the parsers, or the run exercised nothing but the refusals.
        statuses.GetValueOrDefault(200).ShouldBeGreaterThan(Iterations / 20, summary);
    }

    private static string Show(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        return "\"" + (text.Length > 1500 ? text[..1500] + $"…({text.Length} chars)" : text).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
    }

    // ---- mutations ----

    private static byte[] MutateJson(Mutator m, JsonNode seed)
    {
        JsonNode? json = seed;
        var structural = m.Next(4);
        for (var k = 0; k < structural; k++)
        {
            json = m.MutateJson(json);
        }

        return MaybeBytes(m, Utf8(json?.ToJsonString() ?? "null"));
    }

    private static byte[] MutateForm(Mutator m, List<KeyValuePair<string, string>> seed)
    {
        var fields = seed;
        var structural = m.Next(4);
        for (var k = 0; k < structural; k++)
        {
            fields = m.MutateForm(fields);
        }

        return MaybeBytes(m, Utf8(Form(fields)));
    }

    private static byte[] MutateInteractivity(Mutator m, JsonObject seed)
    {
        if (m.Next(4) == 0)
        {
            return MutateForm(m, [new("payload", seed.ToJsonString())]);
        }

        JsonNode? json = seed;
        var structural = 1 + m.Next(3);
        for (var k = 0; k < structural; k++)
        {
            json = m.MutateJson(json);
        }

        return MaybeBytes(m, Utf8(Interactivity(json?.ToJsonString() ?? "null")));
    }

    /// <summary>Byte-level damage for about a third of the payloads; the rest stay well-formed to reach the handlers.</summary>
    private static byte[] MaybeBytes(Mutator m, byte[] body)
    {
        if (m.Next(3) != 0)
        {
            return body;
        }

        var n = 1 + m.Next(3);
        for (var k = 0; k < n; k++)
        {
            body = m.MutateBytes(body);
        }

        return body;
    }

    // ---- seeds: valid payloads of every kind each endpoint takes ----

    private static List<object> SlackSeeds(string path)
    {
        var people = new[] { Ada, Members[0] };
        switch (path)
        {
            case "/slack/commands":
                return [.. CommandTexts.SelectMany(t => people.Select(p => (object)CommandFields(p, t)))];
            case "/slack/events":
                var mentions = CommandTexts.Select(t => (object)Mention("EvSEED", Ada, t)).ToList();
                mentions.Add(new JsonObject
                {
                    ["type"] = "event_callback", ["team_id"] = Team, ["event_id"] = "EvSEED", ["api_app_id"] = "A0E2E",
                    ["authorizations"] = new JsonArray(new JsonObject { ["team_id"] = Team, ["user_id"] = "UBOT", ["is_bot"] = true }),
                    ["event"] = new JsonObject { ["type"] = "message", ["channel_type"] = "im", ["user"] = "U1", ["text"] = "list", ["channel"] = "D1", ["ts"] = "1.2" },
                });
                mentions.Add(new JsonObject
                {
                    ["type"] = "event_callback", ["team_id"] = Team, ["event_id"] = "EvSEED", ["api_app_id"] = "A0E2E",
                    ["authorizations"] = new JsonArray(new JsonObject { ["team_id"] = Team, ["user_id"] = "UBOT", ["is_bot"] = true }),
                    ["event"] = new JsonObject { ["type"] = "member_joined_channel", ["user"] = "UBOT", ["channel"] = "C9", ["event_ts"] = "1.3" },
                });
                mentions.Add(new JsonObject { ["type"] = "url_verification", ["token"] = "x", ["challenge"] = "abc" });
                return mentions;
            default:
                var intake = Submission(Members[0], IntakeModal(), new Dictionary<string, string?> { ["title"] = "Fuzzed report", ["description"] = "Seen twice" });
                var feature = Submission(Ada, IntakeModal(Core.Items.WorkStream.Feature), new Dictionary<string, string?> { ["title"] = "Fuzzed feature" });
                JsonObject Button(string actionId, string? value) => new()
                {
                    ["type"] = "block_actions", ["team"] = TeamJson(), ["user"] = User(Ada), ["api_app_id"] = "A0E2E", ["trigger_id"] = "trigger-fuzz",
                    ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = "1700000000.000001", ["channel_id"] = Channel, ["is_ephemeral"] = false },
                    ["channel"] = new JsonObject { ["id"] = Channel, ["name"] = "triage" },
                    ["message"] = new JsonObject { ["type"] = "message", ["ts"] = "1700000000.000001", ["text"] = "x", ["blocks"] = new JsonArray() },
                    ["response_url"] = "https://hooks.slack.invalid/actions/1",
                    ["actions"] = new JsonArray(new JsonObject
                    {
                        ["type"] = "button", ["action_id"] = actionId, ["block_id"] = "b1", ["value"] = value,
                        ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Go" }, ["action_ts"] = "1700000001.000001",
                    }),
                };
                return
                [
                    intake, feature,
                    Button(ButtonIds.Vote, "payments/1"), Button(ButtonIds.Reveal, "payments/1"), Button(ButtonIds.Finalize, "payments/1"),
                    Button(ButtonIds.Show, "payments/1"), Button(ButtonIds.Setup, null), Button(ButtonIds.Close, "payments/1"),
                    Button("slack_run_command", "list"),
                    SlackHostileRequestTests.InlineVoteJson(),
                    SlackHostileRequestTests.InlineVoteJson().Also(v => v["state"]!["values"]![ActionIdCodec.InlineFormBlock]!.AsObject().Remove("delay")),
                    new JsonObject
                    {
                        ["type"] = "message_action", ["callback_id"] = ShortcutIds.ReportToTriage, ["team"] = TeamJson(), ["user"] = User(Ada),
                        ["channel"] = new JsonObject { ["id"] = Channel, ["name"] = "triage" }, ["message_ts"] = "1712345000.000100",
                        ["message"] = new JsonObject { ["type"] = "message", ["ts"] = "1712345000.000100", ["user"] = "U9", ["text"] = "It broke" },
                        ["trigger_id"] = "trigger-fuzz", ["response_url"] = "https://hooks.slack.invalid/actions/1", ["api_app_id"] = "A0E2E",
                    },
                    new JsonObject { ["type"] = "shortcut", ["callback_id"] = ShortcutIds.NewItem, ["team"] = TeamJson(), ["user"] = User(Ada), ["trigger_id"] = "trigger-fuzz", ["api_app_id"] = "A0E2E" },
                    new JsonObject { ["type"] = "view_closed", ["team"] = TeamJson(), ["user"] = User(Ada), ["view"] = intake["view"]!.DeepClone(), ["api_app_id"] = "A0E2E" },
                ];
        }
    }

    private static List<JsonObject> TeamsSeeds(TeamsHostileHost h)
    {
        var seeds = CommandTexts.Select(t => h.Message(t)).ToList();
        seeds.Add(h.Invoke("adaptiveCard/action", new JsonObject
        {
            ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = ButtonIds.Vote, ["data"] = new JsonObject { ["actionId"] = ButtonIds.Vote, ["arg"] = "fuzz/1" } },
            ["trigger"] = "manual",
        }));
        seeds.Add(h.Invoke("adaptiveCard/action", new JsonObject
        {
            ["action"] = new JsonObject
            {
                ["type"] = "Action.Execute", ["verb"] = "submit",
                ["data"] = new JsonObject { ["formId"] = FormIds.Intake, ["arg"] = "bug", ["title"] = "Fuzzed bug", ["description"] = "From a card" },
            },
        }));
        seeds.Add(h.Invoke("task/fetch", new JsonObject { ["data"] = new JsonObject { ["actionId"] = ButtonIds.NewItem, ["arg"] = "bug" } }));
        seeds.Add(h.Invoke("task/fetch", new JsonObject { ["data"] = new JsonObject { ["actionId"] = ButtonIds.Setup } }));
        seeds.Add(h.Invoke("task/submit", new JsonObject { ["data"] = new JsonObject { ["formId"] = FormIds.Intake, ["arg"] = "feature", ["title"] = "Fuzzed feature" } }));
        seeds.Add(h.Invoke("composeExtension/fetchTask", new JsonObject
        {
            ["commandId"] = "reportToTriage", ["commandContext"] = "message",
            ["messagePayload"] = new JsonObject
            {
                ["id"] = "1700000000123", ["linkToMessage"] = "https://teams.microsoft.com/l/message/19:x/1700000000123",
                ["body"] = new JsonObject { ["contentType"] = "html", ["content"] = "<p>The <b>export</b> is empty</p>" },
            },
        }));
        seeds.Add(h.Invoke("composeExtension/submitAction", new JsonObject
        {
            ["commandId"] = "reportToTriage", ["data"] = new JsonObject { ["formId"] = FormIds.Intake, ["arg"] = "bug", ["title"] = "Fuzzed from a message" },
        }));
        var added = h.Message("");
        added["type"] = "conversationUpdate";
        added["membersAdded"] = new JsonArray(new JsonObject { ["id"] = TeamsHostileHost.BotId });
        seeds.Add(added);
        var install = h.Message("");
        install["type"] = "installationUpdate";
        install["action"] = "add";
        seeds.Add(install);
        return seeds;
    }
}
