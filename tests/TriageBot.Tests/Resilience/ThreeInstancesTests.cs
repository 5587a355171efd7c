using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using TriageBot.Core.Rubric;
using TriageBot.Slack.Tests.Fakes;
using TriageBot.Storage.Tests.Azurite;
using TriageBot.Tests.Slack;
using static TriageBot.Tests.Hostile.SlackWire;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Resilience;

/// <summary>
/// Three instances of the app on one Azurite store, each with its own delivery worker, all posting to one fake Slack that
/// answers a seeded random share of posts and updates with 429 or 503. A clinic of 20 items takes 1,000 votes from 100
/// people spread over the three instances, a tenth of them delivered twice (as Slack retries): every stored tally is the
/// last vote of each person, every ballot's last update shows its final voters, and no message is posted twice.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed partial class ThreeInstancesTests(AzuriteFixture azurite)
{
    private const int Seed = 20_261_126;
    private const int Items = 20;
    private const int People = 100;
    private const int Votes = 1_000;

    [Fact]
    public async Task ThousandVotes_OnThreeInstances_WithRetriesAndFlakySlack_TallyLastVotes_AndPostEachMessageOnce()
    {
        var prefix = AzuriteFixture.UniquePrefix("three");
        await using var slack = await FakeSlackApi.StartAsync();
        var hosts = new List<SlackHost>();
        try
        {
            for (var n = 1; n <= 3; n++)
            {
                var instance = $"instance-{n}";
                hosts.Add(await SlackHost.StartAsync(b =>
                {
                    b.UseSetting("Delivery:InstanceId", instance);
                    AzureStorage.Use(b, azurite, prefix);
                }, slack));
            }

            await RunAsync(hosts, slack);
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }
    }

    private static async Task RunAsync(List<SlackHost> hosts, FakeSlackApi slack)
    {
        var a = hosts[0];
        await SetUpChannelAsync(a);
        for (var n = 1; n <= Items; n++)
        {
            using var reported = await a.Client.SendAsync(Signed("/slack/interactivity",
                Utf8(Interactivity(Submission(Ada, IntakeModal(), new Dictionary<string, string?> { ["title"] = $"Load-tested item {n}" }))), FormType));
            reported.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // From here on Slack is flaky for posts and updates.
        slack.FailAtRandom(Seed, 0.15, "chat.postMessage", "chat.update");
        (await hosts[1].CommandAsync(Ada, "clinic")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var ballots = new Dictionary<int, (string Ts, JsonObject Message, string KickoffTs)>();
        await Eventually.Async(() =>
        {
            foreach (var call in slack.CallsTo("chat.postMessage").Where(c => c.Status == 200))
            {
                if (BallotNumber(call) is { } number)
                {
                    ballots[number] = (call.AnsweredTs!, Message(call), Str(call, "thread_ts")!);
                }
            }

            return ballots.Count == Items;
        }, () => $"{Items} ballots; got {ballots.Count}", TimeSpan.FromSeconds(90));

        // One vote modal per item, opened from its ballot (the form is the same for everyone; the vote comes from who submits it).
        var modals = new Dictionary<int, JsonObject>();
        foreach (var (number, ballot) in ballots)
        {
            var opened = slack.CallsTo("views.open").Count;
            (await a.PressAsync(Eli, ballot.Message, ballot.Ts, "vote", ballot.KickoffTs)).StatusCode.ShouldBe(HttpStatusCode.OK);
            modals[number] = await a.OpenedModalAsync(opened + 1);
        }

        // 1,000 votes: each person votes ten times in order; the last vote per item counts. A tenth are delivered twice.
        var random = new Random(Seed);
        var people = Enumerable.Range(1, People).Select(i => new SlackPerson($"UV{i:000}", $"voter{i:000}")).ToArray();
        var plan = Enumerable.Range(0, Votes).Select(k => (Person: people[k % People], Item: 1 + random.Next(Items),
            Scores: (random.Next(1, 4), random.Next(1, 4), random.Next(1, 4), random.Next(1, 4)), Twice: random.NextDouble() < 0.1)).ToList();
        var expected = new Dictionary<(int Item, string Voter), (int, int, int, int)>();
        foreach (var vote in plan)
        {
            expected[(vote.Item, vote.Person.Id)] = vote.Scores;
        }

        var failures = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(people.Select((p, i) => (p, i)), new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (person, _) =>
        {
            var sent = 0;
            foreach (var vote in plan.Where(v => v.Person == person.p))
            {
                var (impact, confidence, rollback, delay) = vote.Scores;
                var body = Utf8(Interactivity(Submission(person.p, modals[vote.Item], new Dictionary<string, string?>
                {
                    ["impact"] = impact.ToString(CultureInfo.InvariantCulture),
                    ["confidence"] = confidence.ToString(CultureInfo.InvariantCulture),
                    ["rollback"] = rollback.ToString(CultureInfo.InvariantCulture),
                    ["delay"] = delay.ToString(CultureInfo.InvariantCulture),
                })));
                for (var copy = 0; copy < (vote.Twice ? 2 : 1); copy++)
                {
                    var host = hosts[(person.i + sent++) % hosts.Count];
                    using var response = await host.Client.SendAsync(Signed("/slack/interactivity", body, FormType));
                    var text = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode != HttpStatusCode.OK || !text.Contains("is in. It stays hidden", StringComparison.Ordinal))
                    {
                        failures.Enqueue($"{person.p.Id} on TRI-{vote.Item}: {(int)response.StatusCode} {text}");
                    }
                }
            }
        });
        failures.Count.ShouldBe(0, string.Join("\n", failures.Take(5)));

        await Eventually.Async(async () => await a.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "every instance's deliveries to go out", TimeSpan.FromSeconds(120));
        (await a.Store.Outbox.ListFailedAsync(DateTimeOffset.UtcNow.AddHours(-1), default)).ShouldBeEmpty("no delivery may fail for good");

        // Tallies, from the store.
        var items = await ItemsAsync(a.Store);
        for (var n = 1; n <= Items; n++)
        {
            var votes = await a.Store.Votes.ListAsync(BacklogId, n, 1, default);
            var stored = votes.ToDictionary(v => v.Voter.UserId, v => (v.Scores[Dimension.Impact], v.Scores[Dimension.Confidence], v.Scores[Dimension.Rollback], v.Scores[Dimension.Delay]));
            var want = expected.Where(e => e.Key.Item == n).ToDictionary(e => e.Key.Voter, e => e.Value);
            stored.OrderBy(kv => kv.Key, StringComparer.Ordinal).ShouldBe(want.OrderBy(kv => kv.Key, StringComparer.Ordinal), $"TRI-{n}");

            // The ballot as people see it: its last delivered update names every final voter.
            var updates = slack.CallsTo("chat.update").Where(c => c.Status == 200 && Str(c, "ts") == ballots[n].Ts).ToList();
            if (want.Count > 0)
            {
                updates.ShouldNotBeEmpty($"TRI-{n} was never updated");
                var last = SlackHost.TextOf(updates[^1].Json["blocks"]);
                last.ShouldContain($"*{want.Count}* voted so far", Case.Sensitive, $"TRI-{n}");
                foreach (var voter in want.Keys)
                {
                    last.ShouldContain(people.Single(p => p.Id == voter).Name, Case.Sensitive, $"TRI-{n}");
                }
            }
        }

        items.Count.ShouldBe(Items);

        // Posted once each: the clinic kickoff and every ballot, whatever 429s and 503s came in between.
        var posts = slack.CallsTo("chat.postMessage").Where(c => c.Status == 200).ToList();
        posts.Count(c => Mentions(c, "Triage clinic agenda")).ShouldBe(1);
        foreach (var group in posts.Where(c => BallotNumber(c) is not null).GroupBy(c => BallotNumber(c)))
        {
            group.Count().ShouldBe(1, $"the ballot of TRI-{group.Key}");
        }

        slack.Calls.Count(c => c.Status != 200).ShouldBeGreaterThan(0, "the fake must have injected faults");
    }

    private static int? BallotNumber(SlackApiCall call)
    {
        var match = BallotTitle().Match(SlackHost.TextOf(call.Json["blocks"]));
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    [GeneratedRegex(@"Scoring TRI-(\d+)")]
    private static partial Regex BallotTitle();
}
