using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Rubric;
using TriageBot.Core.Voting;
using TriageBot.Storage.Sqlite;
using TriageBot.Storage.Tables;
using TriageBot.Storage.Tests.Azurite;

// Storage throughput: votes/s and item creations/s, one writer and 16 concurrent writers, on SQLite and on
// Azure Table Storage (Azurite on loopback). Usage: dotnet run -c Release --project bench/TriageBot.Bench.Storage -- [seconds] [sqlite|azure|all]
var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 3;
var which = args.Length > 1 ? args[1].ToLowerInvariant() : "all";
var duration = TimeSpan.FromSeconds(seconds);
var results = new List<Result>();

if (which is "all" or "sqlite")
{
    var folder = Directory.CreateTempSubdirectory("triage-bench-").FullName;
    try
    {
        var store = new SqliteTriageStore(Path.Combine(folder, "bench.db"));
        await store.InitializeAsync(CancellationToken.None);
        results.AddRange(await Bench.RunAllAsync("SQLite (WAL, file on local disk)", store, duration));
    }
    finally
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }
}

if (which is "all" or "azure")
{
    await using var azurite = new AzuriteFixture();
    await azurite.InitializeAsync();
    var store = new TableTriageStore(new TableServiceClient(azurite.ConnectionString), "bench");
    await store.InitializeAsync(CancellationToken.None);
    results.AddRange(await Bench.RunAllAsync("Azure Tables (Azurite, in memory, loopback)", store, duration));
}

Console.WriteLine();
Console.WriteLine("| backend | case | writers | operations | ops/s | p50 ms | p95 ms |");
Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
foreach (var r in results)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {r.Backend} | {r.Case} | {r.Writers} | {r.Operations} | {r.PerSecond:F0} | {r.P50:F2} | {r.P95:F2} |"));
}

/// <summary>One measured case.</summary>
internal sealed record Result(string Backend, string Case, int Writers, int Operations, double PerSecond, double P50, double P95);

/// <summary>Runs each case for a fixed time and counts completed operations.</summary>
internal static class Bench
{
    public static async Task<List<Result>> RunAllAsync(string backend, ITriageStore store, TimeSpan duration)
    {
        var results = new List<Result>();
        foreach (var writers in new[] { 1, 16 })
        {
            var backlog = "vote-" + writers;
            var item = 0;
            results.Add(await MeasureAsync(backend, "vote (upsert)", writers, duration, async (w, i) =>
            {
                // Each writer votes as a different person on successive items, like a busy clinic.
                var number = Interlocked.Increment(ref item) / 50 + 1;
                await store.Votes.UpsertAsync(new Vote(backlog, number, 1, new UserRef(Platform.Slack, $"U{w}-{i % 50}", "Voter"),
                    new Scores(3, 2, 2, 1), new Dictionary<Dimension, string>(), DateTimeOffset.UtcNow), CancellationToken.None);
            }));
        }

        foreach (var writers in new[] { 1, 16 })
        {
            var backlog = "items-" + writers;
            results.Add(await MeasureAsync(backend, "create item (allocate number + insert)", writers, duration, async (_, _) =>
            {
                var number = await store.Items.AllocateNumberAsync(backlog, CancellationToken.None);
                await store.Writes.WriteAsync(new ItemWrite { Item = new Item
                {
                    BacklogId = backlog,
                    Number = number,
                    Key = $"TRI-{number}",
                    Title = "Benchmark item with a realistic title",
                    Description = new string('d', 400),
                    Stream = WorkStream.Bug,
                    Reporter = new UserRef(Platform.Slack, "U1", "Ada"),
                    CreatedAt = DateTimeOffset.UtcNow,
                    Bug = new BugFields { ReproSteps = "open, click, see error", Frequency = BugFrequency.Often },
                } }, CancellationToken.None);
            }));
        }

        return results;
    }

    private static async Task<Result> MeasureAsync(string backend, string name, int writers, TimeSpan duration, Func<int, int, Task> operation)
    {
        // Warm up connections, pools and JIT outside the measured window.
        await operation(-1, 0);
        var latencies = new List<double>[writers];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = [];
            for (var i = 0; clock.Elapsed < duration; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await operation(w, i);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        })));
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToList();
        var result = new Result(backend, name, writers, all.Count, all.Count / elapsed, Percentile(all, 0.50), Percentile(all, 0.95));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{backend} | {name} | {writers} writers: {result.PerSecond:F0} ops/s"));
        return result;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];
}
