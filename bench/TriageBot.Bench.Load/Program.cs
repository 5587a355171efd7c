using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;
using TriageBot.Bench.Load;
using TriageBot.Storage.Sqlite;
using TriageBot.Teams.Tests.Fakes;

// Load benchmark: TriageBot (published, Release, its own process, embedded SQLite) against Slack's Bolt for JavaScript,
// with signed Slack interactivity requests and Teams invokes with real JWTs. See bench/README.md.
//   dotnet run -c Release --project bench/TriageBot.Bench.Load -- [--server path/TriageBot.dll] [--seconds 10] [--warmup 3] [--settle 20]
//        [--levels 16,64,256] [--only startup,slack-vote,slack-submit,slack-click,teams] [--idle 10] [--out results.md]
var options = BenchOptions.Parse(args);
return await LoadBench.RunAsync(options);

/// <summary>Command-line settings of the load benchmark.</summary>
internal sealed record BenchOptions(string? Server, int Seconds, int Warmup, int[] Levels, HashSet<string> Only, int IdleSeconds, string? Out, int Settle)
{
    public static BenchOptions Parse(string[] args)
    {
        string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        int Int(string name, int fallback) => Arg(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        var levels = (Arg("--levels") ?? "16,64,256").Split(',').Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        var only = (Arg("--only") ?? "startup,slack-vote,slack-submit,slack-click,teams").Split(',').ToHashSet(StringComparer.Ordinal);
        return new BenchOptions(Arg("--server"), Int("--seconds", 10), Int("--warmup", 3), levels, only, Int("--idle", 10), Arg("--out"), Int("--settle", 20));
    }
}

/// <summary>Orchestrates the benchmark: seed, start the fakes and both servers, run every scenario, print Markdown.</summary>
internal static class LoadBench
{
    private const string Secret = "bec4517e0b7e5c1d9a3f4e2b0b7e5c1d";

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var root = RepositoryRoot();
        var work = Directory.CreateTempSubdirectory("triagebot-load-").FullName;
        var report = new StringBuilder();
        try
        {
            var serverDll = options.Server ?? await PublishAsync(root, work);
            var dbPath = Path.Combine(work, "triagebot.db");
            var now = DateTimeOffset.UtcNow;
            var seeded = new SqliteTriageStore(dbPath);
            await Workload.SeedAsync(seeded, now, CancellationToken.None);
            await AddVoteCounterAsync(dbPath);
            var workload = new Workload(Secret, now);

            await using var slackApi = await QuietSlackApi.StartAsync();
            var issuer = new LocalOpenIdIssuer();
            await issuer.InitializeAsync();
            try
            {
                var port = ChildProcess.FreePort();
                var env = new Dictionary<string, string>
                {
                    ["ASPNETCORE_ENVIRONMENT"] = "Production",
                    ["Storage__SqlitePath"] = dbPath,
                    ["Slack__SigningSecret"] = Secret,
                    ["Slack__BotToken"] = "xoxb-bench-not-a-real-token",
                    ["Slack__ApiBaseUrl"] = slackApi.BaseUrl,
                    ["Ceremonies__Enabled"] = "false",
                    ["MicrosoftAppType"] = "SingleTenant",
                    ["MicrosoftAppId"] = Workload.TeamsAppId,
                    ["MicrosoftAppPassword"] = "not-a-real-secret",
                    ["MicrosoftAppTenantId"] = Workload.TeamsTenant,
                    ["Teams__OpenIdMetadataUrl"] = issuer.MetadataUrl,
                    ["Teams__AllowedServiceUrlHosts__0"] = "smba.trafficmanager.net",
                    ["Teams__AllowedServiceUrlHosts__1"] = "127.0.0.1",
                };
                var started = Stopwatch.GetTimestamp();
                await using var server = ChildProcess.Start("TriageBot", "dotnet", [serverDll, "--urls", $"http://127.0.0.1:{port}"], env, Path.GetDirectoryName(serverDll)!, Path.Combine(work, "triagebot.log"), port);
                var ready = await server.WaitReadyAsync(async c => (await c.GetAsync("/health")).StatusCode == HttpStatusCode.OK, started, TimeSpan.FromSeconds(60));
                Console.WriteLine($"TriageBot ready in {ready.TotalMilliseconds:0} ms (pid {server.Pid})");

                var machine = await MachineAsync();
                report.AppendLine(machine).AppendLine();
                var bodies = workload.BodyBytes;
                report.AppendLine(CultureInfo.InvariantCulture, $"Request bodies: Slack vote in the ballot {bodies.SlackVote:N0} B, Slack vote modal submission {bodies.SlackSubmit:N0} B, Slack Vote with reasons… click {bodies.SlackClick:N0} B, Teams invoke ~{bodies.TeamsInvoke:N0} B. Each server first runs each scenario unrecorded for {options.Settle} s (JIT settling), then per row: warm-up {options.Warmup} s, measured {options.Seconds} s.").AppendLine();

                if (options.Only.Contains("startup"))
                {
                    await Task.Delay(TimeSpan.FromSeconds(options.IdleSeconds));
                    report.AppendLine("### Start and idle").AppendLine();
                    report.AppendLine("| measure | value |").AppendLine("|---|---:|");
                    report.AppendLine(CultureInfo.InvariantCulture, $"| process start → `/health` 200 | {ready.TotalMilliseconds:0} ms |");
                    report.AppendLine(CultureInfo.InvariantCulture, $"| RSS after {options.IdleSeconds} s idle (`VmRSS`) | {server.MemoryMiB("VmRSS"):0.0} MiB |");
                    report.AppendLine(CultureInfo.InvariantCulture, $"| peak RSS so far (`VmHWM`) | {server.MemoryMiB("VmHWM"):0.0} MiB |");
                    report.AppendLine();
                    Console.WriteLine($"Idle RSS {server.MemoryMiB("VmRSS"):0.0} MiB");
                }

                ChildProcess? bolt = null;
                if (options.Only.Overlaps(["slack-vote", "slack-submit", "slack-click"]))
                {
                    var boltPort = ChildProcess.FreePort();
                    var boltStarted = Stopwatch.GetTimestamp();
                    bolt = ChildProcess.Start("Bolt", "node", [Path.Combine(root, "tools", "bench-bolt", "app.js")],
                        new Dictionary<string, string> { ["SLACK_SIGNING_SECRET"] = Secret, ["PORT"] = boltPort.ToString(CultureInfo.InvariantCulture), ["NODE_ENV"] = "production" },
                        Path.Combine(root, "tools"), Path.Combine(work, "bolt.log"), boltPort);
                    var boltReady = await bolt.WaitReadyAsync(async c =>
                    {
                        using var probe = workload.SlackRequest(Workload.SlackScenario.Click, 0, 0);
                        return (await c.SendAsync(probe)).StatusCode == HttpStatusCode.OK;
                    }, boltStarted, TimeSpan.FromSeconds(60));
                    Console.WriteLine($"Bolt ready in {boltReady.TotalMilliseconds:0} ms (pid {bolt.Pid})");
                }

                try
                {
                    var store = new SqliteTriageStore(dbPath);
                    if (options.Only.Contains("slack-vote"))
                    {
                        report.AppendLine("### Slack: vote clicked in the ballot (`block_actions`: the four picks in the message's state, Vote pressed → vote stored)").AppendLine();
                        await CompareAsync(report, options, server, bolt!, store, dbPath, slackApi,
                            (w, s) => workload.SlackRequest(Workload.SlackScenario.Vote, w, s),
                            (status, body) => status == HttpStatusCode.OK && body.Length == 0,
                            (status, _) => status == HttpStatusCode.OK,
                            countVotes: true);
                    }

                    if (options.Only.Contains("slack-submit"))
                    {
                        report.AppendLine("### Slack: vote submitted in the form (`view_submission` of the vote modal with reasons → vote stored)").AppendLine();
                        await CompareAsync(report, options, server, bolt!, store, dbPath, slackApi,
                            (w, s) => workload.SlackRequest(Workload.SlackScenario.Submit, w, s),
                            (status, body) => status == HttpStatusCode.OK && body.IndexOf("\"update\""u8) >= 0 && body.IndexOf(" is in."u8) >= 0,
                            (status, _) => status == HttpStatusCode.OK,
                            countVotes: true);
                    }

                    if (options.Only.Contains("slack-click"))
                    {
                        report.AppendLine("### Slack: Vote with reasons… clicked (`block_actions` → vote modal opened with `views.open`)").AppendLine();
                        await CompareAsync(report, options, server, bolt!, store, dbPath, slackApi,
                            (w, s) => workload.SlackRequest(Workload.SlackScenario.Click, w, s),
                            (status, body) => status == HttpStatusCode.OK && body.Length == 0,
                            (status, _) => status == HttpStatusCode.OK,
                            countVotes: false);
                    }

                    if (options.Only.Contains("teams"))
                    {
                        report.AppendLine("### Teams: vote submitted (`invoke` `adaptiveCard/action`, Action.Execute → vote stored)").AppendLine();
                        string Bearer() => "Bearer " + issuer.Mint(new TokenSpec
                        {
                            Audience = Workload.TeamsAppId,
                            ServiceUrl = Workload.TeamsServiceUrl,
                            Expires = DateTimeOffset.UtcNow.AddHours(1),
                        });
                        // One token per service URL, reused like the Bot Connector does (valid for an hour).
                        var bearer = Bearer();
                        await CompareAsync(report, options, server, null, store, dbPath, slackApi,
                            (w, s) => workload.TeamsRequest(bearer, w, s),
                            (status, body) => status == HttpStatusCode.OK && body.IndexOf("is in."u8) >= 0,
                            null,
                            countVotes: true);
                    }
                }
                finally
                {
                    if (bolt is not null)
                    {
                        await bolt.DisposeAsync();
                    }
                }

                report.AppendLine(CultureInfo.InvariantCulture, $"Slack Web API calls the server made during the run: {string.Join(", ", slackApi.Calls.OrderBy(c => c.Key).Select(c => $"`{c.Key}` {c.Value:N0}"))}.");
            }
            finally
            {
                await issuer.DisposeAsync();
            }

            var text = report.ToString();
            Console.WriteLine();
            Console.WriteLine(text);
            if (options.Out is not null)
            {
                await File.WriteAllTextAsync(options.Out, text);
            }

            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }

    /// <summary>One scenario at every concurrency level: TriageBot, then (when given) Bolt with the same requests.</summary>
    private static async Task CompareAsync(
        StringBuilder report, BenchOptions options, ChildProcess server, ChildProcess? bolt, SqliteTriageStore store, string dbPath, QuietSlackApi slackApi,
        RequestFactory next, AnswerCheck serverCheck, AnswerCheck? boltCheck, bool countVotes)
    {
        report.AppendLine(bolt is null
            ? "| server | connections | req/s | p50 ms | p99 ms | p99.9 ms | max ms | errors | peak RSS MiB | CPU s/1k req | outbox drained after |"
            : "| server | connections | req/s | p50 ms | p99 ms | p99.9 ms | max ms | errors | peak RSS MiB | CPU s/1k req | outbox drained after | TriageBot/Bolt req/s |");
        report.AppendLine(bolt is null ? "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|" : "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        // Before a scenario's first row each server runs it unrecorded until its JIT has settled: .NET's tiered compilation
        // (and V8's) needs more than a few seconds under full load, and the first row would otherwise measure the compiler.
        foreach (var target in bolt is null ? [server] : new[] { server, bolt })
        {
            _ = await LoadRunner.RunAsync(target.BaseAddress, options.Levels.Max(), TimeSpan.FromSeconds(options.Settle), TimeSpan.FromSeconds(1), next,
                target == server ? serverCheck : boltCheck!);
        }

        await WaitForAsync(async () => await store.Outbox.CountPendingAsync(CancellationToken.None) == 0, TimeSpan.FromMinutes(5));
        foreach (var level in options.Levels)
        {
            var votesBefore = countVotes ? await VoteWritesAsync(dbPath) : 0;
            var (ours, ourPeak, ourCpu) = await MeasureAsync(server, options, level, next, serverCheck);
            var votesWritten = countVotes ? await VoteWritesAsync(dbPath) - votesBefore : 0;
            var drain = Stopwatch.StartNew();
            await WaitForAsync(async () => await store.Outbox.CountPendingAsync(CancellationToken.None) == 0, TimeSpan.FromMinutes(5));
            var drained = drain.Elapsed;
            if (countVotes && votesWritten != ours.AllGood)
            {
                throw new InvalidOperationException($"{ours.AllGood:N0} votes were acknowledged but {votesWritten:N0} were written: the benchmark's requests are not recording votes.");
            }

            var row = Row("TriageBot", ours, ourPeak, ourCpu) + $" {drained.TotalSeconds:0.0} s |";
            if (bolt is not null)
            {
                var (theirs, theirPeak, theirCpu) = await MeasureAsync(bolt, options, level, next, boltCheck!);
                report.AppendLine(row + $" **{ours.Throughput / theirs.Throughput:0.00}** |");
                report.AppendLine(Row("Bolt (acks only)", theirs, theirPeak, theirCpu) + " – | |");
            }
            else
            {
                report.AppendLine(row);
            }

            Console.WriteLine($"  {level} connections: {ours.Throughput:0} req/s, p99 {ours.Percentile(0.99):0.0} ms, {ours.Failed} errors{(countVotes ? $", {votesWritten:N0} votes written for {ours.AllGood:N0} acknowledged" : "")}{(ours.FirstFailure is { } f ? " — first error: " + f : "")}");
        }

        report.AppendLine();
        if (countVotes)
        {
            report.AppendLine("Every acknowledged request was checked to have written its vote (a counter trigger on the `votes` table matched the number of good answers, warm-up included).").AppendLine();
        }
    }

    private static string Row(string name, LoadResult r, double peak, double cpuPerThousand) => string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {r.Connections} | {r.Throughput:0} | {r.Percentile(0.5):0.00} | {r.Percentile(0.99):0.00} | {r.Percentile(0.999):0.00} | {(r.LatenciesMs.Length > 0 ? r.LatenciesMs[^1] : 0):0.0} | {r.Failed} | {peak:0} | {cpuPerThousand:0.00} |");

    private static async Task<(LoadResult Result, double PeakMiB, double CpuPerThousand)> MeasureAsync(ChildProcess target, BenchOptions options, int level, RequestFactory next, AnswerCheck check)
    {
        var cpuAtStart = TimeSpan.Zero;
        var result = await LoadRunner.RunAsync(target.BaseAddress, level, TimeSpan.FromSeconds(options.Warmup), TimeSpan.FromSeconds(options.Seconds), next, check,
            afterWarmup: () =>
            {
                target.ResetPeak();
                cpuAtStart = target.CpuTime;
            });
        var cpu = (target.CpuTime - cpuAtStart).TotalSeconds;
        var peak = target.MemoryMiB("VmHWM");
        Console.WriteLine($"{target.Name,-10} {level,4} connections: {result.Throughput,8:0} req/s  p50 {result.Percentile(0.5),7:0.00}  p99 {result.Percentile(0.99),7:0.00}  p99.9 {result.Percentile(0.999),7:0.00} ms  errors {result.Failed}  peak {peak:0} MiB");
        return (result, peak, result.Ok == 0 ? double.NaN : cpu / (result.Ok / 1000.0));
    }

    /// <summary>Counts every insert or update of a vote row: proof that acknowledged votes were stored.</summary>
    private static async Task AddVoteCounterAsync(string dbPath)
    {
        await using var connection = new SqliteConnection($"Data Source={dbPath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE TABLE IF NOT EXISTS bench_vote_writes (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
            INSERT OR IGNORE INTO bench_vote_writes (id, n) VALUES (1, 0);
            CREATE TRIGGER IF NOT EXISTS bench_vote_insert AFTER INSERT ON votes BEGIN UPDATE bench_vote_writes SET n = n + 1 WHERE id = 1; END;
            CREATE TRIGGER IF NOT EXISTS bench_vote_update AFTER UPDATE ON votes BEGIN UPDATE bench_vote_writes SET n = n + 1 WHERE id = 1; END;
            """;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> VoteWritesAsync(string dbPath)
    {
        await using var connection = new SqliteConnection($"Data Source={dbPath};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT n FROM bench_vote_writes WHERE id = 1";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var until = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (!await condition())
        {
            if (Stopwatch.GetTimestamp() > until)
            {
                throw new TimeoutException($"The outbox did not drain within {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(50);
        }
    }

    private static async Task<string> PublishAsync(string root, string work)
    {
        var output = Path.Combine(work, "server");
        Console.WriteLine("Publishing src/TriageBot (Release)…");
        using var publish = Process.Start(new ProcessStartInfo("dotnet", ["publish", Path.Combine(root, "src", "TriageBot"), "-c", "Release", "-o", output, "--nologo", "-v", "q"])
        {
            UseShellExecute = false,
        })!;
        await publish.WaitForExitAsync();
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException("dotnet publish of src/TriageBot failed.");
        }

        return Path.Combine(output, "TriageBot.dll");
    }

    private static async Task<string> MachineAsync()
    {
        static async Task<string> Sh(string command)
        {
            using var p = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", command]) { RedirectStandardOutput = true, UseShellExecute = false })!;
            var text = await p.StandardOutput.ReadToEndAsync();
            await p.WaitForExitAsync();
            return text.Trim();
        }

        var cpu = await Sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2");
        var nproc = await Sh("nproc");
        var mem = await Sh("free -h | awk '/Mem:/ {print $2}'");
        var dotnet = await Sh("dotnet --version");
        var node = await Sh("node --version");
        var load = await Sh("cut -d' ' -f1-3 /proc/loadavg");
        return $"Machine: {nproc} CPUs ({cpu.Trim()}), {mem} RAM, .NET SDK {dotnet}, Node {node}; load average at the start: {load}. " +
            "The load generator, the fake Slack API and the server share these CPUs.";
    }

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
}
