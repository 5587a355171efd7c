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

// Reports at scale: seeds a backlog with a year of history, then times the weekly report, the allocation review and the
// clinic agenda through Core (TriageCore), each in a fresh child process so its peak memory is its own.
//   dotnet run -c Release --project bench/TriageBot.Bench.Reports -- sqlite [items=100000]
//   dotnet run -c Release --project bench/TriageBot.Bench.Reports -- azure [items=10000,30000]
// (internal) measure sqlite <db> <report> | measure azure <connection> <prefix> <report>
return args is ["measure", ..] ? await Measure.RunAsync(args[1..]) : await ReportsBench.RunAsync(args);

/// <summary>What one child process measured for one report.</summary>
internal sealed record Measurement(string Report, double ColdMs, double WarmMs, double WarmCpuMs, double PeakManagedMiB, double PeakWorkingSetMiB, double AllocatedMiBPerRun, string Summary);

/// <summary>Seeds, then runs every report in a child process and prints a Markdown table.</summary>
internal static class ReportsBench
{
    public static readonly string[] Reports = ["weekly", "allocation", "clinic"];

    public static async Task<int> RunAsync(string[] args)
    {
        var backend = args.Length > 0 ? args[0] : "sqlite";
        var sizes = (args.Length > 1 ? args[1] : backend == "azure" ? "10000,30000" : "100000")
            .Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var rows = new List<(string Backend, int Items, long History, TimeSpan Seed, Measurement M)>();
        Console.WriteLine($"Machine: {Environment.ProcessorCount} CPUs; load average {File.ReadAllText("/proc/loadavg").Trim()}");

        if (backend == "sqlite")
        {
            // --db <file>: seed that file once and keep it (for re-measuring after a change); otherwise a temp file per size.
            var kept = args.SkipWhile(a => a != "--db").Skip(1).FirstOrDefault();
            foreach (var size in sizes)
            {
                var folder = kept is null ? Directory.CreateTempSubdirectory("triagebot-reports-").FullName : null;
                try
                {
                    var db = kept ?? Path.Combine(folder!, "reports.db");
                    var store = new SqliteTriageStore(db);
                    var reuse = kept is not null && File.Exists(kept);
                    await store.InitializeAsync(CancellationToken.None);
                    var seed = Stopwatch.StartNew();
                    var history = reuse ? await Seeder.CountHistoryAsync(store) : await Seeder.SeedAsync(store, size, DateTimeOffset.UtcNow);
                    Console.WriteLine($"SQLite: {(reuse ? "reused" : "seeded")} {size:N0} items and {history:N0} history entries in {seed.Elapsed.TotalSeconds:0} s");
                    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                    foreach (var report in Reports)
                    {
                        rows.Add(("SQLite", size, history, seed.Elapsed, await ChildAsync(["sqlite", db, report])));
                    }
                }
                finally
                {
                    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                    if (folder is not null)
                    {
                        Directory.Delete(folder, recursive: true);
                    }
                }
            }
        }
        else
        {
            await using var azurite = new AzuriteFixture();
            await azurite.InitializeAsync();
            foreach (var size in sizes)
            {
                var prefix = $"r{size}";
                var store = new TableTriageStore(new TableServiceClient(azurite.ConnectionString), prefix);
                await store.InitializeAsync(CancellationToken.None);
                var seed = Stopwatch.StartNew();
                var history = await Seeder.SeedAsync(store, size, DateTimeOffset.UtcNow, parallel: 16);
                Console.WriteLine($"Azurite: seeded {size:N0} items and {history:N0} history entries in {seed.Elapsed.TotalSeconds:0} s");
                foreach (var report in Reports)
                {
                    rows.Add(("Azure Tables (Azurite)", size, history, seed.Elapsed, await ChildAsync(["azure", azurite.ConnectionString, prefix, report])));
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine("| backend | items | history entries | report | first run ms | warm run ms (median of 3) | warm CPU ms (median) | peak managed MiB | peak working set MiB | allocated MiB per run | result |");
        Console.WriteLine("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var (b, items, history, _, m) in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {b} | {items:N0} | {history:N0} | {m.Report} | {m.ColdMs:0} | {m.WarmMs:0} | {m.WarmCpuMs:0} | {m.PeakManagedMiB:0} | {m.PeakWorkingSetMiB:0} | {m.AllocatedMiBPerRun:0} | {m.Summary} |"));
        }

        return 0;
    }

    private static async Task<Measurement> ChildAsync(string[] arguments)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            info.ArgumentList.Add(typeof(ReportsBench).Assembly.Location);
        }

        info.ArgumentList.Add("measure");
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var child = Process.Start(info)!;
        var output = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith('{'))
            ?? throw new InvalidOperationException($"The measuring process printed no result (exit {child.ExitCode}):\n{output}");
        var m = JsonSerializer.Deserialize<Measurement>(line)!;
        Console.WriteLine($"  {m.Report}: first {m.ColdMs:0} ms, warm {m.WarmMs:0} ms ({m.WarmCpuMs:0} ms CPU), peak managed {m.PeakManagedMiB:0} MiB, peak working set {m.PeakWorkingSetMiB:0} MiB — {m.Summary}");
        return m;
    }
}

/// <summary>The child process: one report, timed once cold and three times warm, with memory sampled throughout.</summary>
internal static class Measure
{
    public static async Task<int> RunAsync(string[] args)
    {
        ITriageStore store = args[0] == "sqlite"
            ? new SqliteTriageStore(args[1])
            : new TableTriageStore(new TableServiceClient(args[1]), args[2]);
        var report = args[^1];
        var conversation = new TriageBot.Core.UseCases.TriageCore(store, TimeProvider.System, new ConversationOptions { PublicBaseUrl = "https://triagebot.example.com" });
        var backlog = (await store.Backlogs.GetAsync(Seeder.BacklogId, CancellationToken.None))!.Value;

        long peakManaged = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                var now = GC.GetTotalMemory(false);
                if (now > Interlocked.Read(ref peakManaged))
                {
                    Interlocked.Exchange(ref peakManaged, now);
                }

                try
                {
                    await Task.Delay(2, sampling.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });

        var summary = "";
        using var self = Process.GetCurrentProcess();
        async Task<(double Wall, double Cpu)> OnceAsync()
        {
            self.Refresh();
            var cpu = self.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            summary = await RunReportAsync(conversation, store, backlog, report);
            var wall = sw.Elapsed.TotalMilliseconds;
            self.Refresh();
            return (wall, (self.TotalProcessorTime - cpu).TotalMilliseconds);
        }

        var cold = (await OnceAsync()).Wall;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var runs = new List<(double Wall, double Cpu)>();
        for (var i = 0; i < 3; i++)
        {
            runs.Add(await OnceAsync());
        }

        var allocatedPerRun = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / 3.0 / (1024 * 1024);
        await sampling.CancelAsync();
        await sampler;
        self.Refresh();
        var warm = runs.Select(r => r.Wall).Order().ToList();
        var cpuMs = runs.Select(r => r.Cpu).Order().ToList();
        var m = new Measurement(report, cold, warm[1], cpuMs[1], Interlocked.Read(ref peakManaged) / (1024.0 * 1024), self.PeakWorkingSet64 / (1024.0 * 1024), allocatedPerRun, summary);
        Console.WriteLine(JsonSerializer.Serialize(m));
        return 0;
    }

    /// <summary>The public entry each report has: a live report view resolved as the delivery worker does, or the clinic posted as the scheduler does.</summary>
    private static async Task<string> RunReportAsync(TriageBot.Core.UseCases.TriageCore conversation, ITriageStore store, Backlog backlog, string report)
    {
        switch (report)
        {
            case "history":
                long n = 0;
                await foreach (var _ in store.History.ReadAsync(backlog.Id, DateTimeOffset.UtcNow.AddDays(-56), DateTimeOffset.UtcNow, CancellationToken.None))
                {
                    n++;
                }

                return $"{n} history entries";
            case "weekly" or "allocation":
                var kind = report == "weekly" ? ReportKind.Weekly : ReportKind.Allocation;
                var view = await conversation.Views.ResolveAsync(new LiveReportView(backlog.Id, kind), CancellationToken.None) as ReportView
                    ?? throw new InvalidOperationException($"The {report} report did not resolve to a report view.");
                return $"{view.Sections.Count} sections, {view.Sections.Sum(s => s.Lines.Count)} lines";
            default:
                var before = await store.Outbox.CountPendingAsync(CancellationToken.None);
                var at = DateTimeOffset.UtcNow;
                await conversation.Ceremonies.PostCeremonyAsync(backlog, CeremonyKind.TriageClinic, new Occurrence(CeremonyKind.TriageClinic, at, $"bench:{at.UtcTicks}"), late: false, CancellationToken.None);
                var queued = await store.Outbox.CountPendingAsync(CancellationToken.None) - before;
                return $"kickoff + {queued - 1} ballots queued";
        }
    }
}
