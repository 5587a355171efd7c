using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Slack.Blocks;
using TriageBot.Slack.Payloads;
using TriageBot.Slack.Signing;
using TriageBot.Teams.Cards;

namespace TriageBot.Bench.Load;

/// <summary>
/// The backlog every run uses and the requests sent to it: a clinic in progress in Slack channel C1 (and a Teams
/// channel bound to the same backlog), <see cref="Items"/> items each with a posted ballot, voters drawn from a pool.
/// </summary>
internal sealed class Workload
{
    public const string BacklogId = "bench";
    public const string Team = "T0BENCH";
    public const string SlackChannel = "C1BENCH";
    public const string TeamsTenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    public const string TeamsAppId = "6f1f2a3b-1111-4c4c-9d9d-0123456789ab";
    public const string TeamsConversation = "19:bench0000000000000000000000000000@thread.tacv2";
    public const string TeamsServiceUrl = "https://smba.trafficmanager.net/emea/";
    public const int Items = 40;
    public const int Voters = 256;

    private const int PoolSize = 2048;

    private readonly string _secret;
    private readonly byte[][] _slackSubmits;
    private readonly byte[][] _slackVotes;
    private readonly byte[][] _slackClicks;
    private readonly (byte[] Prefix, byte[] Suffix)[] _teamsInvokes;
    private long _requestIds;

    public Workload(string signingSecret, DateTimeOffset now)
    {
        _secret = signingSecret;
        var random = new Random(7);
        var pairs = Enumerable.Range(0, PoolSize).Select(_ => (Item: random.Next(1, Items + 1), Voter: random.Next(Voters))).ToArray();
        var items = Enumerable.Range(1, Items).ToDictionary(n => n, n => SeedItem(n, now));
        _slackSubmits = [.. pairs.Select((p, i) => Form(SlackVoteSubmission(items[p.Item], p.Voter, random, i)))];
        _slackVotes = [.. pairs.Select((p, i) => Form(SlackInlineVote(items[p.Item], p.Voter, now, random, i)))];
        _slackClicks = [.. pairs.Select((p, i) => Form(SlackVoteClick(items[p.Item], p.Voter, now, i)))];
        _teamsInvokes = [.. pairs.Select(p => TeamsVoteInvoke(items[p.Item], p.Voter, random))];
    }

    public static string BallotTs(int number) => $"1700000000.{number:000000}";

    /// <summary>Average request body sizes, for the write-up.</summary>
    public (int SlackVote, int SlackSubmit, int SlackClick, int TeamsInvoke) BodyBytes =>
        ((int)_slackVotes.Average(b => b.Length), (int)_slackSubmits.Average(b => b.Length), (int)_slackClicks.Average(b => b.Length),
            (int)_teamsInvokes.Average(b => b.Prefix.Length + b.Suffix.Length + 30));

    // ---- seeding (straight into the SQLite file, before the server starts) ----------------------------------

    public static async Task SeedAsync(ITriageStore store, DateTimeOffset now, CancellationToken ct)
    {
        await store.InitializeAsync(ct);
        var backlog = Backlog(now);
        await store.Backlogs.TryCreateAsync(backlog, ct);
        var facilitator = new UserRef(Platform.Slack, "UFACIL", "fac");
        await store.Members.UpsertAsync(new Member(BacklogId, facilitator, Role.Facilitator), ct);
        var slack = new ConversationAddress { Platform = Platform.Slack, Workspace = Team, ChannelId = SlackChannel };
        await store.Bindings.UpsertAsync(new Binding { Address = slack, BacklogId = BacklogId, ChannelName = "triage" }, ct);
        await store.Bindings.UpsertAsync(new Binding
        {
            Address = new ConversationAddress { Platform = Platform.Teams, Workspace = TeamsTenant, ChannelId = TeamsConversation, ServiceUrl = TeamsServiceUrl },
            BacklogId = BacklogId,
            ChannelName = "Triage",
        }, ct);

        for (var n = 1; n <= Items; n++)
        {
            var number = await store.Items.AllocateNumberAsync(BacklogId, ct);
            var change = ItemFactory.Create(Request(number), backlog, number, facilitator, null, now.AddDays(-3));
            await store.Writes.WriteAsync(new ItemWrite { Item = change.Item, History = change.History }, ct);
            // The clinic's ballot for the item is already posted in the Slack channel: every vote queues an update of it.
            await store.MessageRefs.SetAsync($"ballot:{BacklogId}/{number}", slack with { ThreadId = "1700000000.000000" }, BallotTs(number), ct);
        }
    }

    private static Backlog Backlog(DateTimeOffset now) => new() { Id = BacklogId, Name = "Benchmark", CreatedAt = now.AddDays(-30), TimeZone = "Europe/Berlin" };

    private static NewItemRequest Request(int number) => new(
        (number % 3) switch { 0 => WorkStream.Bug, 1 => WorkStream.Feature, _ => WorkStream.Model },
        new Dictionary<string, string> { [FieldIds.Title] = $"Benchmark item {number}: answers drift after the retrieval index is rebuilt" });

    private static Item SeedItem(int number, DateTimeOffset now) =>
        ItemFactory.Create(Request(number), Backlog(now), number, new UserRef(Platform.Slack, "UFACIL", "fac"), null, now.AddDays(-3)).Item;

    // ---- Slack ----------------------------------------------------------------------------------------------

    private static string VoterId(int voter) => $"UV{voter:0000}";

    private static JsonObject User(int voter) => new() { ["id"] = VoterId(voter), ["username"] = $"voter{voter}", ["name"] = $"voter{voter}", ["team_id"] = Team };

    private static JsonObject TeamJson() => new() { ["id"] = Team, ["domain"] = "bench" };

    /// <summary>The vote modal submitted, as Slack posts it: the whole view (blocks, state, private_metadata).</summary>
    private static JsonObject SlackVoteSubmission(Item item, int voter, Random random, int index)
    {
        var form = Forms.Vote(ItemSummaries.Of(item, DateTimeOffset.UtcNow), 1, null);
        var metadata = new FormMetadata(form.FormId, form.Argument, SlackChannel, "1700000000.000000", BallotTs(item.Number));
        var modal = ModalRenderer.Render(form, metadata);
        var values = new JsonObject();
        foreach (var block in modal["blocks"]!.AsArray().Select(b => b!.AsObject()).Where(b => (string?)b["type"] == "input"))
        {
            var blockId = (string)block["block_id"]!;
            var element = block["element"]!.AsObject();
            var type = (string)element["type"]!;
            var state = new JsonObject { ["type"] = type };
            if (type == "static_select" && element["options"] is JsonArray options)
            {
                // Scores 1–3: pick one of the offered options.
                state["selected_option"] = options[random.Next(options.Count)]!.DeepClone();
            }
            else if (type is "plain_text_input")
            {
                state["value"] = null;
            }

            values[blockId] = new JsonObject { [(string)element["action_id"]!] = state };
        }

        return new JsonObject
        {
            ["type"] = "view_submission",
            ["team"] = TeamJson(),
            ["user"] = User(voter),
            ["api_app_id"] = "A0BENCH",
            ["token"] = "deprecated-verification-token",
            ["trigger_id"] = $"1700000000.{index}.bench",
            ["view"] = new JsonObject
            {
                ["id"] = $"V{index:0000000}",
                ["team_id"] = Team,
                ["type"] = "modal",
                ["callback_id"] = modal["callback_id"]?.DeepClone(),
                ["private_metadata"] = modal["private_metadata"]?.DeepClone(),
                ["title"] = modal["title"]?.DeepClone(),
                ["submit"] = modal["submit"]?.DeepClone(),
                ["blocks"] = modal["blocks"]?.DeepClone(),
                ["state"] = new JsonObject { ["values"] = values },
                ["hash"] = $"1700000000.{index:x8}",
                ["app_id"] = "A0BENCH",
                ["bot_id"] = "B0BENCH",
            },
            ["response_urls"] = new JsonArray(),
            ["is_enterprise_install"] = false,
        };
    }

    /// <summary>The open ballot of an item as TriageBot renders it: the inline vote, then Vote with reasons…, Reveal, Finalize.</summary>
    private static SlackMessage Ballot(ItemSummary summary) => BlockKitRenderer.Render(new BallotView(summary, 1, [])
    {
        InlineVote = Forms.InlineVote(summary, 1),
        Actions =
        [
            new ActionButton(ButtonIds.Vote, "Vote", summary.Ref, ButtonStyle.Primary),
            new ActionButton(ButtonIds.Reveal, "Reveal", summary.Ref),
            new ActionButton(ButtonIds.Finalize, "Finalize", summary.Ref),
        ],
    });

    /// <summary>
    /// A vote in the ballot, as Slack posts it: the four scores picked in the ballot's menus (the message's <c>state</c>) and
    /// its Vote button pressed, with the ballot message it was on.
    /// </summary>
    private static JsonObject SlackInlineVote(Item item, int voter, DateTimeOffset now, Random random, int index)
    {
        var message = Ballot(ItemSummaries.Of(item, now));
        var inline = message.Blocks.Select(b => b!.AsObject()).Single(b => (string?)b["block_id"] == ActionIdCodec.InlineFormBlock);
        var elements = inline["elements"]!.AsArray().Select(e => e!.AsObject()).ToList();
        var picks = new JsonObject();
        foreach (var menu in elements.Where(e => (string?)e["type"] == "static_select"))
        {
            var options = menu["options"]!.AsArray();
            picks[(string)menu["action_id"]!] = new JsonObject { ["type"] = "static_select", ["selected_option"] = options[random.Next(options.Count)]!.DeepClone() };
        }

        var button = elements.Single(e => (string?)e["type"] == "button");
        var payload = BlockActions(item, voter, message, index, new JsonObject
        {
            ["type"] = "button",
            ["action_id"] = button["action_id"]!.DeepClone(),
            ["block_id"] = ActionIdCodec.InlineFormBlock,
            ["value"] = button["value"]!.DeepClone(),
            ["text"] = button["text"]!.DeepClone(),
            ["style"] = "primary",
            ["action_ts"] = "1700000001.000001",
        });
        payload["state"] = new JsonObject { ["values"] = new JsonObject { [ActionIdCodec.InlineFormBlock] = picks } };
        return payload;
    }

    /// <summary>A click on the ballot's Vote with reasons… button, as Slack posts it: with the ballot message it was on.</summary>
    private static JsonObject SlackVoteClick(Item item, int voter, DateTimeOffset now, int index)
    {
        var summary = ItemSummaries.Of(item, now);
        return BlockActions(item, voter, Ballot(summary), index, new JsonObject
        {
            ["type"] = "button",
            ["action_id"] = ButtonIds.Vote,
            ["block_id"] = "ballot",
            ["value"] = summary.Ref,
            ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Vote with reasons…" },
            ["action_ts"] = "1700000001.000001",
        });
    }

    private static JsonObject BlockActions(Item item, int voter, SlackMessage message, int index, JsonObject action)
    {
        var ts = BallotTs(item.Number);
        return new JsonObject
        {
            ["type"] = "block_actions",
            ["team"] = TeamJson(),
            ["user"] = User(voter),
            ["api_app_id"] = "A0BENCH",
            ["token"] = "deprecated-verification-token",
            ["trigger_id"] = $"1700000000.{index}.bench",
            ["container"] = new JsonObject { ["type"] = "message", ["message_ts"] = ts, ["channel_id"] = SlackChannel, ["is_ephemeral"] = false, ["thread_ts"] = "1700000000.000000" },
            ["channel"] = new JsonObject { ["id"] = SlackChannel, ["name"] = "triage" },
            ["message"] = new JsonObject
            {
                ["type"] = "message",
                ["ts"] = ts,
                ["thread_ts"] = "1700000000.000000",
                ["bot_id"] = "B0BENCH",
                ["text"] = message.Text,
                ["blocks"] = message.Blocks.DeepClone(),
            },
            ["response_url"] = "https://hooks.slack.invalid/actions/T0BENCH/1/bench",
            ["actions"] = new JsonArray(action),
        };
    }

    private static byte[] Form(JsonObject payload) =>
        Encoding.UTF8.GetBytes("payload=" + Uri.EscapeDataString(payload.ToJsonString()));

    /// <summary>What a Slack request of the benchmark does.</summary>
    public enum SlackScenario { Vote, Submit, Click }

    /// <summary>A signed POST to <c>/slack/interactivity</c>, signed now (Slack signs every delivery afresh).</summary>
    public HttpRequestMessage SlackRequest(SlackScenario scenario, int worker, long sequence)
    {
        var pool = scenario switch { SlackScenario.Vote => _slackVotes, SlackScenario.Submit => _slackSubmits, _ => _slackClicks };
        var body = pool[(int)((worker * 7919L + sequence) % pool.Length)];
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, "/slack/interactivity") { Content = new ByteArrayContent(body), Version = HttpVersion.Version11 };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        request.Headers.TryAddWithoutValidation("X-Slack-Request-Timestamp", ts);
        request.Headers.TryAddWithoutValidation("X-Slack-Signature", SlackSignature.Sign(_secret, ts, body));
        return request;
    }

    // ---- Teams ----------------------------------------------------------------------------------------------

    /// <summary>An <c>adaptiveCard/action</c> invoke submitting the vote card, split around the activity id (unique per request).</summary>
    private static (byte[] Prefix, byte[] Suffix) TeamsVoteInvoke(Item item, int voter, Random random)
    {
        var data = new JsonObject
        {
            [Teams.Activities.ActivityTranslation.FormIdKey] = FormIds.Vote,
            [Teams.Activities.ActivityTranslation.ArgKey] = $"{item.BacklogId}/{item.Number}:1",
            [FieldIds.ImpactScore] = random.Next(1, 4).ToString(CultureInfo.InvariantCulture),
            [FieldIds.ConfidenceScore] = random.Next(1, 4).ToString(CultureInfo.InvariantCulture),
            [FieldIds.RollbackScore] = random.Next(1, 4).ToString(CultureInfo.InvariantCulture),
            [FieldIds.DelayScore] = random.Next(1, 4).ToString(CultureInfo.InvariantCulture),
            [FieldIds.ImpactReason] = "",
        };
        var activity = new JsonObject
        {
            ["type"] = "invoke",
            ["name"] = "adaptiveCard/action",
            ["id"] = "@@ID@@",
            ["timestamp"] = "2026-11-26T10:00:00.000Z",
            ["localTimestamp"] = "2026-11-26T11:00:00.000+01:00",
            ["serviceUrl"] = TeamsServiceUrl,
            ["channelId"] = "msteams",
            ["from"] = new JsonObject { ["id"] = $"29:1voter{voter:0000}", ["name"] = $"Voter {voter}", ["aadObjectId"] = $"00000000-0000-4000-8000-{voter:000000000000}" },
            ["conversation"] = new JsonObject { ["isGroup"] = true, ["conversationType"] = "channel", ["tenantId"] = TeamsTenant, ["id"] = TeamsConversation + ";messageid=1700000000001" },
            ["recipient"] = new JsonObject { ["id"] = "28:" + TeamsAppId, ["name"] = "TriageBot" },
            ["entities"] = new JsonArray(new JsonObject { ["locale"] = "en-US", ["country"] = "US", ["platform"] = "Web", ["type"] = "clientInfo" }),
            ["channelData"] = new JsonObject
            {
                ["channel"] = new JsonObject { ["id"] = TeamsConversation },
                ["team"] = new JsonObject { ["id"] = "19:benchteam@thread.tacv2" },
                ["tenant"] = new JsonObject { ["id"] = TeamsTenant },
                ["source"] = new JsonObject { ["name"] = "message" },
                ["legacy"] = new JsonObject { ["replyToId"] = "1:1benchreply" },
            },
            ["replyToId"] = "1700000000100",
            ["value"] = new JsonObject
            {
                ["action"] = new JsonObject { ["type"] = "Action.Execute", ["id"] = "submit", ["verb"] = AdaptiveCardRenderer.SubmitVerb, ["data"] = data },
                ["trigger"] = "manual",
            },
            ["locale"] = "en-US",
        };
        var text = activity.ToJsonString();
        var at = text.IndexOf("@@ID@@", StringComparison.Ordinal);
        return (Encoding.UTF8.GetBytes(text[..at]), Encoding.UTF8.GetBytes(text[(at + 6)..]));
    }

    /// <summary>
    /// A POST to <c>/api/messages</c> with a fresh activity id and the bearer token for its service URL; with
    /// <paramref name="activityId"/> that id instead (wrk's script splices a fresh one into the marker <c>@@ID@@</c>).
    /// </summary>
    public HttpRequestMessage TeamsRequest(string bearer, int worker, long sequence, string? activityId = null)
    {
        var (prefix, suffix) = _teamsInvokes[(int)((worker * 7919L + sequence) % _teamsInvokes.Length)];
        var id = Encoding.UTF8.GetBytes(activityId ?? "f:bench" + Interlocked.Increment(ref _requestIds).ToString(CultureInfo.InvariantCulture));
        var body = new byte[prefix.Length + id.Length + suffix.Length];
        prefix.CopyTo(body, 0);
        id.CopyTo(body, prefix.Length);
        suffix.CopyTo(body, prefix.Length + id.Length);
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new ByteArrayContent(body), Version = HttpVersion.Version11 };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("Authorization", bearer);
        return request;
    }
}
