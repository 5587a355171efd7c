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
//        [--levels 16,64,256] [--only startup,slack-vote,slack-submit,slack-click,teams] [--idle 10] [--out results.md] [--tool inproc|wrk]
var options = BenchOptions.Parse(args);
return await LoadBench.RunAsync(options);

/// <summary>Orchestrates the benchmark: seed, start the fakes and both servers, run every scenario, print Markdown.</summary>
internal static class LoadBench
{
    // 32 lowercase hex characters, the shape of a real Slack signing secret (the host refuses any other).
    private const string Secret = "0b7e5c1d9a3f4e2b8c6d5e4f3a2b1c0d";

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
                        await CompareAsync(report, options, server, bolt!, store, dbPath, work,
                            (w, s) => workload.SlackRequest(Workload.SlackScenario.Vote, w, s),
                            (status, body) => status == HttpStatusCode.OK && body.Length == 0,
                            (status, _) => status == HttpStatusCode.OK,
                            countVotes: true);
                    }

                    if (options.Only.Contains("slack-submit"))
                    {
                        report.AppendLine("### Slack: vote submitted in the form (`view_submission` of the vote modal with reasons → vote stored)").AppendLine();
                        await CompareAsync(report, options, server, bolt!, store, dbPath, work,
                            (w, s) => workload.SlackRequest(Workload.SlackScenario.Submit, w, s),
                            (status, body) => status == HttpStatusCode.OK && body.IndexOf("\"update\""u8) >= 0 && body.IndexOf(" is in."u8) >= 0,
                            (status, _) => status == HttpStatusCode.OK,
                            countVotes: true);
                    }

                    if (options.Only.Contains("slack-click"))
                    {
                        report.AppendLine("### Slack: Vote with reasons… clicked (`block_actions` → vote modal opened with `views.open`)").AppendLine();
                        await CompareAsync(report, options, server, bolt!, store, dbPath, work,
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
                        await CompareAsync(report, options, server, null, store, dbPath, work,
                            (w, s) => workload.TeamsRequest(bearer, w, s, options.Tool == "wrk" ? "@@ID@@" : null),
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

    /// <summary>One measured row, from either load tool.</summary>
    private sealed record Measured(int Connections, double Throughput, double P50, double P99, double Tail, double Max, long Errors, double PeakMiB, double CpuPerThousand);

    /// <summary>One scenario at every concurrency level: TriageBot, then (when given) Bolt with the same requests.</summary>
    private static async Task CompareAsync(
        StringBuilder report, BenchOptions options, ChildProcess server, ChildProcess? bolt, SqliteTriageStore store, string dbPath, string work,
        RequestFactory next, AnswerCheck serverCheck, AnswerCheck? boltCheck, bool countVotes)
    {
        var wrk = options.Tool == "wrk";
        var tail = wrk ? "p90 ms" : "p99.9 ms";
        var errors = wrk ? "non-2xx + socket errors" : "errors";
        report.AppendLine(bolt is null
            ? $"| server | connections | req/s | p50 ms | p99 ms | {tail} | max ms | {errors} | peak RSS MiB | CPU s/1k req | outbox drained after |"
            : $"| server | connections | req/s | p50 ms | p99 ms | {tail} | max ms | {errors} | peak RSS MiB | CPU s/1k req | outbox drained after | TriageBot/Bolt req/s |");
        report.AppendLine(bolt is null ? "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|" : "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        // Before a scenario's first row each server runs it unrecorded until its JIT has settled: .NET's tiered compilation
        // (and V8's) needs more than a few seconds under full load, and the first row would otherwise measure the compiler.
        foreach (var target in bolt is null ? [server] : new[] { server, bolt })
        {
            if (wrk)
            {
                _ = await WrkRunner.RunAsync(target.BaseAddress, options.Levels.Max(), TimeSpan.FromSeconds(options.Settle), next, work);
            }
            else
            {
                _ = await LoadRunner.RunAsync(target.BaseAddress, options.Levels.Max(), TimeSpan.FromSeconds(options.Settle), TimeSpan.FromSeconds(1), next,
                    target == server ? serverCheck : boltCheck!);
            }
        }

        await WaitForAsync(async () => await store.Outbox.CountPendingAsync(CancellationToken.None) == 0, TimeSpan.FromMinutes(5));
        foreach (var level in options.Levels)
        {
            var (ours, votesWritten, acknowledged) = await MeasureAsync(server, options, level, next, serverCheck, work, countVotes ? dbPath : null);
            var drain = Stopwatch.StartNew();
            await WaitForAsync(async () => await store.Outbox.CountPendingAsync(CancellationToken.None) == 0, TimeSpan.FromMinutes(5));
            var drained = drain.Elapsed;
            // In-process, every good answer is counted, so writes must match exactly; wrk counts the answers it read, and
            // up to one request per connection may be in flight when it stops (answered, written, not counted).
            if (countVotes && (votesWritten < acknowledged || votesWritten > acknowledged + (wrk ? level : 0)))
            {
                throw new InvalidOperationException($"{acknowledged:N0} votes were acknowledged but {votesWritten:N0} were written: the benchmark's requests are not recording votes.");
            }

            var row = Row("TriageBot", ours) + $" {drained.TotalSeconds:0.0} s |";
            if (bolt is not null)
            {
                var (theirs, _, _) = await MeasureAsync(bolt, options, level, next, boltCheck!, work, null);
                report.AppendLine(row + $" **{ours.Throughput / theirs.Throughput:0.00}** |");
                report.AppendLine(Row("Bolt (acks only)", theirs) + " – | |");
            }
            else
            {
                report.AppendLine(row);
            }

            Console.WriteLine($"  {level} connections: {ours.Throughput:0} req/s, p99 {ours.P99:0.0} ms, {ours.Errors} errors{(countVotes ? $", {votesWritten:N0} votes written for {acknowledged:N0} acknowledged" : "")}");
        }

        report.AppendLine();
        if (countVotes)
        {
            report.AppendLine(wrk
                ? "Every request wrk counted was checked to have written its vote (a counter trigger on the `votes` table: writes between the answers wrk read and that number plus one in-flight request per connection). wrk checks status codes only: every answer counted was 2xx."
                : "Every acknowledged request was checked to have written its vote (a counter trigger on the `votes` table matched the number of good answers, warm-up included).").AppendLine();
        }
    }

    private static string Row(string name, Measured r) => string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {r.Connections} | {r.Throughput:0} | {r.P50:0.00} | {r.P99:0.00} | {r.Tail:0.00} | {r.Max:0.0} | {r.Errors} | {r.PeakMiB:0} | {r.CpuPerThousand:0.00} |");

    /// <summary>Warm-up then one measured run; with <paramref name="votesDb"/>, also the vote rows written and the answers that should have written them.</summary>
    private static async Task<(Measured Result, long VotesWritten, long Acknowledged)> MeasureAsync(
        ChildProcess target, BenchOptions options, int level, RequestFactory next, AnswerCheck check, string work, string? votesDb)
    {
        if (options.Tool == "wrk")
        {
            _ = await WrkRunner.RunAsync(target.BaseAddress, level, TimeSpan.FromSeconds(options.Warmup), next, work);
            var votesBefore = votesDb is null ? 0 : await SettledVoteWritesAsync(votesDb);
            target.ResetPeak();
            var cpuAtStart = target.CpuTime;
            var w = await WrkRunner.RunAsync(target.BaseAddress, level, TimeSpan.FromSeconds(options.Seconds), next, work);
            var cpu = (target.CpuTime - cpuAtStart).TotalSeconds;
            // Let requests still in flight when wrk stopped finish before counting writes.
            var votesAfter = votesDb is null ? 0 : await SettledVoteWritesAsync(votesDb);
            var good = w.Requests - w.Non2xx;
            var measured = new Measured(level, w.Throughput, w.P50, w.P99, w.P90, w.MaxMs, w.Non2xx + w.SocketErrors, target.MemoryMiB("VmHWM"), good == 0 ? double.NaN : cpu / (good / 1000.0));
            Print(target, measured);
            return (measured, votesAfter - votesBefore, good);
        }

        var cpuStart = TimeSpan.Zero;
        var before = votesDb is null ? 0 : await VoteWritesAsync(votesDb);
        var result = await LoadRunner.RunAsync(target.BaseAddress, level, TimeSpan.FromSeconds(options.Warmup), TimeSpan.FromSeconds(options.Seconds), next, check,
            afterWarmup: () =>
            {
                target.ResetPeak();
                cpuStart = target.CpuTime;
            });
        var cpuSeconds = (target.CpuTime - cpuStart).TotalSeconds;
        var written = votesDb is null ? 0 : await VoteWritesAsync(votesDb) - before;
        var row = new Measured(level, result.Throughput, result.Percentile(0.5), result.Percentile(0.99), result.Percentile(0.999),
            result.LatenciesMs.Length > 0 ? result.LatenciesMs[^1] : 0, result.Failed, target.MemoryMiB("VmHWM"), result.Ok == 0 ? double.NaN : cpuSeconds / (result.Ok / 1000.0));
        Print(target, row);
        if (result.FirstFailure is { } failure)
        {
            Console.WriteLine($"  first error: {failure}");
        }

        return (row, written, result.AllGood);
    }

    private static void Print(ChildProcess target, Measured r) =>
        Console.WriteLine($"{target.Name,-10} {r.Connections,4} connections: {r.Throughput,8:0} req/s  p50 {r.P50,7:0.00}  p99 {r.P99,7:0.00} ms  errors {r.Errors}  peak {r.PeakMiB:0} MiB");

    /// <summary>The vote-write counter once it has stopped moving for 200 ms (the server finished what was in flight).</summary>
    private static async Task<long> SettledVoteWritesAsync(string dbPath)
    {
        var last = await VoteWritesAsync(dbPath);
        while (true)
        {
            await Task.Delay(200);
            var now = await VoteWritesAsync(dbPath);
            if (now == last)
            {
                return now;
            }

            last = now;
        }
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
