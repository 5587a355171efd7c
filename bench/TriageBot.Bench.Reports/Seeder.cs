using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Azure.Data.Tables;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Reports;
using TriageBot.Core.Rubric;
using TriageBot.Core.Views;
using TriageBot.Storage.Sqlite;
using TriageBot.Storage.Tables;
using TriageBot.Storage.Tests.Azurite;

/// <summary>A backlog with a year of work: items created over 365 days, most of the older ones done or closed, with their history.</summary>
internal static class Seeder
{
    public const string BacklogId = "reports";

    private static readonly WorkStream[] Streams = [WorkStream.Model, WorkStream.Bug, WorkStream.Feature];

    public static async Task<long> CountHistoryAsync(ITriageStore store)
    {
        long n = 0;
        await foreach (var _ in store.History.ReadAsync(BacklogId, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, CancellationToken.None))
        {
            n++;
        }

        return n;
    }

    public static async Task<long> SeedAsync(ITriageStore store, int count, DateTimeOffset now, int parallel = 1)
    {
        var backlog = new Backlog { Id = BacklogId, Name = "Reports at scale", CreatedAt = now.AddDays(-400), TimeZone = "Europe/Berlin", DashboardToken = "reports-token" };
        await store.Backlogs.TryCreateAsync(backlog, CancellationToken.None);
        await store.Bindings.UpsertAsync(new Binding
        {
            Address = new ConversationAddress { Platform = Platform.Slack, Workspace = "T0REPORTS", ChannelId = "C0CLINIC" },
            BacklogId = BacklogId,
            ChannelName = "triage",
        }, CancellationToken.None);
        // A clinic two weeks ago: the agenda is what arrived since.
        await store.Ledger.TryClaimAsync(new LedgerEntry(BacklogId, CeremonyKind.TriageClinic, "seeded-clinic", now.AddDays(-14), now.AddDays(-14), "seed", OccurrenceOutcome.Posted), CancellationToken.None);

        long history = 0;
        var next = 0;
        var gate = new SemaphoreSlim(1);
        async Task Worker(int seed)
        {
            var random = new Random(seed);
            var batch = new List<HistoryEntry>();
            while (true)
            {
                var i = Interlocked.Increment(ref next) - 1;
                if (i >= count)
                {
                    break;
                }

                // Numbers are handed out here, not by the store's counter: on Azure the counter row serializes every insert,
                // and the reports never allocate numbers.
                var (item, entries) = Make(backlog, i + 1, i, count, random, now);
                await store.Writes.WriteAsync(new ItemWrite { Item = item }, CancellationToken.None);
                batch.AddRange(entries);
                if (batch.Count >= 400)
                {
                    await FlushAsync();
                }

                if (i > 0 && i % 10_000 == 0)
                {
                    Console.WriteLine($"  … {i:N0} items");
                }
            }

            await FlushAsync();

            async Task FlushAsync()
            {
                if (batch.Count == 0)
                {
                    return;
                }

                // History appends may be batched per backlog partition; keep them one at a time.
                await gate.WaitAsync();
                try
                {
                    await store.History.AppendAsync([.. batch.OrderBy(h => h.At)], CancellationToken.None);
                    Interlocked.Add(ref history, batch.Count);
                    batch.Clear();
                }
                finally
                {
                    gate.Release();
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, parallel).Select(w => Task.Run(() => Worker(1000 + w))));
        return history;
    }

    private static (Item Item, List<HistoryEntry> History) Make(Backlog backlog, int number, int index, int count, Random random, DateTimeOffset now)
    {
        var pm = new UserRef(Platform.Slack, "UPM", "pm");
        var engineer = new UserRef(Platform.Slack, $"UENG{random.Next(6)}", "engineer");
        // Incidents are rare; the rest spread over model, bug and feature work.
        var stream = random.Next(50) == 0 ? WorkStream.Incident : Streams[random.Next(Streams.Length)];

        var values = new Dictionary<string, string>
        {
            [FieldIds.Title] = $"Item {index}: answers drift after the retrieval index is rebuilt for region {index % 17}",
            [FieldIds.Description] = "Seen by several customers after Tuesday's rollout; the eval set shows a 3-point drop on grounded answers.",
        };
        if (stream == WorkStream.Incident)
        {
            values[FieldIds.Touches] = "model, bug";
        }

        // Items arrive evenly over the year, oldest first.
        var created = now.AddDays(-365.0 * (count - index) / count).AddMinutes(-random.Next(0, 60));
        var history = new List<HistoryEntry>();
        var item = Apply(ItemFactory.Create(new NewItemRequest(stream, values), backlog, number, pm, null, created));
        var age = (now - created).TotalDays;

        Item Apply(ItemChange change)
        {
            history.AddRange(change.History);
            return change.Item;
        }

        bool Try(Func<Item, ItemChange> step)
        {
            try
            {
                item = Apply(step(item));
                return true;
            }
            catch (Exception e) when (e is RuleViolationException or ValidationException)
            {
                return false;
            }
        }

        // The two weeks since the last clinic are unscored; before that nearly everything was scored a day after it arrived.
        if (age < 14 || random.Next(20) == 0)
        {
            return (item, history);
        }

        var scoredAt = created.AddDays(1);
        if (stream == WorkStream.Feature)
        {
            // Features are placed only once an engineer wrote the capability note.
            Try(i => CapabilityNoteRules.AddCapabilityNote(i, "Feasible with the current retrieval stack.", CapabilityScale.DaysFeature, engineer, created.AddHours(20)));
        }


        var scores = new Scores(random.Next(1, 4), random.Next(1, 4), random.Next(1, 4), random.Next(1, 4));
        var total = RubricRules.Total(scores);
        Try(i => ScoringRules.ApplyScore(i, new ItemScore(scores, new Dictionary<Dimension, string>(), total, RubricRules.Place(total, backlog.Settings), 1, pm, scoredAt), pm, scoredAt));
        if (item.State is not (ItemState.Sprint or ItemState.Ready))
        {
            return (item, history);
        }

        // Older work mostly went through: started within days, done (or closed) a week or two later.
        var startChance = age > 60 ? 0.9 : age > 28 ? 0.6 : 0.25;
        if (random.NextDouble() > startChance)
        {
            return (item, history);
        }

        var startAt = scoredAt.AddDays(random.Next(1, 10));
        if (startAt >= now)
        {
            return (item, history);
        }

        if (stream == WorkStream.Model)
        {
            Try(i => WorkRules.SetTimebox(i, 7, engineer, startAt));
        }

        if (!Try(i => WorkRules.Start(i, engineer, startAt, [], backlog.Settings with { IncidentCap = int.MaxValue })))
        {
            return (item, history);
        }

        var endAt = startAt.AddDays(random.Next(2, 15));
        if (endAt >= now)
        {
            return (item, history);
        }

        if (random.Next(10) == 0)
        {
            Try(i => WorkRules.Close(i, "Superseded by the new retrieval pipeline.", pm, endAt));
        }
        else
        {
            Try(i => WorkRules.Done(i, engineer, endAt, evaluationGatePassed: true));
        }

        return (item, history);
    }
}
