using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Rubric;

// Dashboard benchmark: seeds a backlog of N items (default 10,000) with history into a temporary SQLite file, starts
// the real host on a loopback port, and times GET /d/{token} through HttpClient. Usage:
//   dotnet run -c Release --project bench/TriageBot.Bench.Dashboard -- [items] [renders]
/// <summary>Entry point of the dashboard benchmark.</summary>
internal static class DashboardBench
{
    public static async Task Main(string[] args)
    {
        var items = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        var renders = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;

        var directory = Path.Combine(Path.GetTempPath(), "triagebot-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            await using var host = new BenchHost(Path.Combine(directory, "bench.db"));
            var store = host.Services.GetRequiredService<ITriageStore>();
            var now = DateTimeOffset.UtcNow;
            var token = "bench" + Guid.NewGuid().ToString("N");

            var seed = Stopwatch.StartNew();
            await Seeder.SeedAsync(store, token, items, now);
            Console.WriteLine($"Seeded {items:N0} items in {seed.Elapsed.TotalSeconds:0.0} s ({directory})");

            using var http = new HttpClient { BaseAddress = host.BaseAddress };
            var first = Stopwatch.StartNew();
            var html = await http.GetStringAsync("/d/" + token);
            first.Stop();
            Console.WriteLine($"First render (cold): {first.Elapsed.TotalMilliseconds:0} ms, {html.Length / 1024.0:0} KiB");

            var times = new List<double>();
            for (var i = 0; i < renders; i++)
            {
                var sw = Stopwatch.StartNew();
                using var response = await http.GetAsync("/d/" + token);
                await response.Content.ReadAsStringAsync();
                sw.Stop();
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"The dashboard answered {(int)response.StatusCode}.");
                }

                times.Add(sw.Elapsed.TotalMilliseconds);
            }

            times.Sort();
            double P(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
            Console.WriteLine($"{renders} warm renders of a {items:N0}-item backlog: median {P(0.5):0} ms, p95 {P(0.95):0} ms, max {times[^1]:0} ms");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}

/// <summary>The real host on a loopback port with its own SQLite file and no ceremonies.</summary>
internal sealed class BenchHost : WebApplicationFactory<Program>
{
    private readonly string _dbPath;

    public BenchHost(string dbPath)
    {
        _dbPath = dbPath;
        // The host reads its web root (dashboard stylesheet) from the project folder, as it does under `dotnet run`.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_TRIAGEBOT", Path.Combine(RepositoryRoot(), "src", "TriageBot"));
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        BaseAddress = new Uri(Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public Uri BaseAddress { get; }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TriageBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmark from inside the repository.");
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Storage:SqlitePath", _dbPath);
        builder.UseSetting("Ceremonies:Enabled", "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }
}

/// <summary>Items in every stream and state, with scores and activation history over the last 8 weeks.</summary>
internal static class Seeder
{
    public static async Task SeedAsync(ITriageStore store, string token, int count, DateTimeOffset now)
    {
        var backlog = new Backlog { Id = "bench", Name = "Benchmark backlog", CreatedAt = now.AddDays(-200), DashboardToken = token };
        await store.Backlogs.TryCreateAsync(backlog, CancellationToken.None);
        var pm = new UserRef(Platform.Playground, "pm", "PM");
        var random = new Random(42);
        var history = new List<HistoryEntry>();
        var streams = Enum.GetValues<WorkStream>();
        for (var i = 0; i < count; i++)
        {
            var stream = streams[i % streams.Length];
            var values = new Dictionary<string, string> { [FieldIds.Title] = $"Benchmark item {i} with a realistic, fairly long title" };
            if (stream == WorkStream.Incident)
            {
                values[FieldIds.Touches] = "model, bug";
            }

            var created = now.AddDays(-random.Next(1, 180)).AddMinutes(-random.Next(0, 1440));
            var number = await store.Items.AllocateNumberAsync(backlog.Id, CancellationToken.None);
            var change = ItemFactory.Create(new NewItemRequest(stream, values), backlog, number, pm, null, created);
            var item = change.Item;
            history.AddRange(change.History);
            if (i % 7 != 0)
            {
                var scores = new Scores(random.Next(1, 4), random.Next(1, 4), random.Next(1, 4), random.Next(1, 4));
                var total = RubricRules.Total(scores);
                var at = created.AddDays(1) < now ? created.AddDays(1) : created;
                var scored = ScoringRules.ApplyScore(item, new ItemScore(scores, new Dictionary<Dimension, string>(), total, RubricRules.Place(total, backlog.Settings), 1, pm, at), pm, at);
                item = scored.Item;
                history.AddRange(scored.History);
                if (item.State is ItemState.Sprint or ItemState.Ready && i % 5 == 0 && stream != WorkStream.Model)
                {
                    var started = WorkRules.Start(item, pm, now.AddDays(-random.Next(1, 50)), [], backlog.Settings with { IncidentCap = int.MaxValue });
                    item = started.Item;
                    history.AddRange(started.History);
                }
            }

            await store.Writes.WriteAsync(new ItemWrite { Item = item }, CancellationToken.None);
            if (history.Count >= 500)
            {
                await store.History.AppendAsync(history, CancellationToken.None);
                history.Clear();
            }
        }

        await store.History.AppendAsync(history, CancellationToken.None);
    }
}
