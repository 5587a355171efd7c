using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;
using TriageBot.Bench.Ceremonies;
using TriageBot.Bench.Load;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Slack.Installations;
using TriageBot.Storage.Sqlite;

// Ceremonies at scale (issue 20): N backlogs in N Slack workspaces, their weekly reports due the same minute, several
// host instances (separate processes) on one SQLite file, against a fake Slack that allows one post per second per channel.
// Usage: dotnet run -c Release --project bench/TriageBot.Bench.Ceremonies -- [--backlogs 1000] [--instances 3] [--lead 2] [--server TriageBot.dll] [--out ceremonies.md]
var backlogs = Arg("--backlogs", 1000);
var instances = Arg("--instances", 3);
var server = ArgText("--server");
var outFile = ArgText("--out");
var leadMinutes = Arg("--lead", 2);
const string Secret = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
var key = new byte[32];
System.Security.Cryptography.RandomNumberGenerator.Fill(key);

var root = RepositoryRoot();
var work = Directory.CreateTempSubdirectory("triagebot-ceremonies-").FullName;
var report = new StringBuilder();
try
{
    server ??= await PublishAsync(root, work);
    var dbPath = Path.Combine(work, "triagebot.db");
    var seedStarted = Stopwatch.GetTimestamp();
    var now = DateTimeOffset.UtcNow;
    // Due at the start of a minute far enough ahead for the instances to start.
    var due = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(leadMinutes);
    await SeedAsync(dbPath, backlogs, due, now, key);
    Console.WriteLine($"Seeded {backlogs} backlogs, workspaces and installations in {Stopwatch.GetElapsedTime(seedStarted).TotalSeconds:0.0} s; reports due at {due:HH:mm:ss} UTC");

    await using var slack = await PacedSlack.StartAsync();
    var hosts = new List<ChildProcess>();
    try
    {
        for (var i = 1; i <= instances; i++)
        {
            var port = ChildProcess.FreePort();
            var env = new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Logging__LogLevel__Default"] = "Warning",
                ["Storage__SqlitePath"] = dbPath,
                ["Slack__SigningSecret"] = Secret,
                ["Slack__ApiBaseUrl"] = slack.BaseUrl,
                ["Slack__ClientId"] = "1111.2222",
                ["Slack__ClientSecret"] = "bench-client-secret",
                ["Slack__StateSecret"] = new string('s', 40),
                ["Slack__InstallationKey"] = Convert.ToBase64String(key),
                ["Ceremonies__InstanceId"] = $"bench-{i}",
            };
            var started = Stopwatch.GetTimestamp();
            var host = ChildProcess.Start($"TriageBot-{i}", "dotnet", [server, "--urls", $"http://127.0.0.1:{port}"], env, Path.GetDirectoryName(server)!, Path.Combine(work, $"host-{i}.log"), port);
            hosts.Add(host);
            var ready = await host.WaitReadyAsync(async c => (await c.GetAsync("/health")).StatusCode == HttpStatusCode.OK, started, TimeSpan.FromSeconds(90));
            Console.WriteLine($"Instance {i} ready in {ready.TotalSeconds:0.0} s (pid {host.Pid}, RSS {host.MemoryMiB("VmRSS"):0} MiB)");
        }

        var startRss = hosts.Select(h => h.MemoryMiB("VmRSS")).ToList();
        var startCpu = hosts.Select(h => h.CpuTime).ToList();
        var readyBeforeDue = due - DateTimeOffset.UtcNow;
        Console.WriteLine($"All instances ready {readyBeforeDue.TotalSeconds:0} s before the due time" + (readyBeforeDue < TimeSpan.Zero ? " (late: raise --lead)" : ""));

        Console.WriteLine($"Waiting for {backlogs} reports (due {due:HH:mm:ss})…");
        var giveUp = due.AddMinutes(20);
        var lastShown = -1;
        while (DateTimeOffset.UtcNow < giveUp)
        {
            var posted = slack.Channels.Count(c => c.Value.Posts.Count > 0);
            if (posted != lastShown && posted % 100 == 0)
            {
                Console.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss} {posted} channels posted, {slack.RateLimited} answered 429");
                lastShown = posted;
            }

            if (DateTimeOffset.UtcNow > due && posted >= backlogs && await PendingAsync(dbPath) == 0)
            {
                break;
            }

            await Task.Delay(500);
        }

        // Let anything still in flight arrive, so a duplicate would show.
        await Task.Delay(TimeSpan.FromSeconds(35));
        var endRss = hosts.Select(h => h.MemoryMiB("VmRSS")).ToList();
        var peakRss = hosts.Select(h => h.MemoryMiB("VmHWM")).ToList();
        var cpu = hosts.Select((h, i) => h.CpuTime - startCpu[i]).ToList();

        var channels = slack.Channels;
        var posts = channels.Where(c => c.Value.Posts.Count > 0).ToList();
        var all = posts.SelectMany(c => c.Value.Posts).OrderBy(t => t).ToList();
        var exactlyOnce = Enumerable.Range(1, backlogs).Count(n => channels.TryGetValue(PacedSlack.Channel(n), out var log) && log.Posts.Count == 1);
        var ledger = await LedgerAsync(dbPath, due);
        report.AppendLine(CultureInfo.InvariantCulture, $"{backlogs:N0} backlogs in {backlogs:N0} workspaces (one installation each, tokens sealed), weekly reports due at the same minute ({due:HH:mm} UTC), {instances} host processes (published Release build) on one SQLite file, fake Slack allowing 1 `chat.postMessage` per second per channel (429 + `Retry-After: 1` otherwise).").AppendLine();
        report.AppendLine("| measure | value |").AppendLine("|---|---:|");
        report.AppendLine(CultureInfo.InvariantCulture, $"| all instances ready before the due time by | {readyBeforeDue.TotalSeconds:0} s |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| load average (1 min) at the end | {File.ReadAllText("/proc/loadavg").Split(' ')[0]} on {Environment.ProcessorCount} cores |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| channels with exactly one post | {exactlyOnce:N0} of {backlogs:N0} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| channels with more than one post | {posts.Count(c => c.Value.Posts.Count > 1):N0} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| ledger: weekly reports claimed posted | {ledger.Posted:N0} (claims by instance: {ledger.ByOwner}) |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| posts with another workspace's token | {slack.WrongToken:N0} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| posts before the due time | {all.Count(t => t < due):N0} |");
        if (all.Count > 0)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| first post after the due time | {(all[0] - due).TotalSeconds:0.0} s |");
            report.AppendLine(CultureInfo.InvariantCulture, $"| half posted after | {(all[all.Count / 2] - due).TotalSeconds:0.0} s |");
            report.AppendLine(CultureInfo.InvariantCulture, $"| last post after the due time | {(all[^1] - due).TotalSeconds:0.0} s |");
        }

        report.AppendLine(CultureInfo.InvariantCulture, $"| 429 answers | {slack.RateLimited:N0} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| other Web API calls | {slack.OtherCalls:N0} |");
        report.AppendLine(CultureInfo.InvariantCulture, $"| messages failed in the outbox | {await FailedAsync(dbPath):N0} |");
        for (var i = 0; i < hosts.Count; i++)
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"| instance {i + 1}: RSS at start → end (peak), CPU during the run | {startRss[i]:0} → {endRss[i]:0} MiB ({peakRss[i]:0}), {cpu[i].TotalSeconds:0.0} s |");
        }

        report.AppendLine();
        Console.WriteLine(report);
        if (outFile is not null)
        {
            await File.WriteAllTextAsync(outFile, report.ToString());
        }
    }
    finally
    {
        foreach (var host in hosts)
        {
            await host.DisposeAsync();
        }
    }
}
finally
{
    SqliteConnection.ClearAllPools();
    Directory.Delete(work, recursive: true);
}

static async Task SeedAsync(string dbPath, int count, DateTimeOffset due, DateTimeOffset now, byte[] key)
{
    var store = new SqliteTriageStore(dbPath);
    await store.InitializeAsync(CancellationToken.None);
    var cipher = new TokenCipher(key);
    var weekly = new CeremonySchedule(new WeeklyRecurrence(due.DayOfWeek, TimeOnly.FromTimeSpan(due.TimeOfDay), 1, DateOnly.FromDateTime(due.UtcDateTime)), 30);
    var off = weekly with { Enabled = false };
    var schedules = new Dictionary<CeremonyKind, CeremonySchedule>
    {
        [CeremonyKind.WeeklyStreamReview] = weekly,
        [CeremonyKind.TriageClinic] = off,
        [CeremonyKind.AllocationReview] = off,
        [CeremonyKind.IceboxSweep] = off,
    };
    var changed = Enum.GetValues<CeremonyKind>().ToDictionary(k => k, _ => now.AddMinutes(-1));
    await Parallel.ForEachAsync(Enumerable.Range(1, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (n, ct) =>
    {
        var id = $"b{n:0000}";
        var team = PacedSlack.Team(n);
        await store.Backlogs.TryCreateAsync(new Backlog
        {
            Id = id,
            Name = $"Backlog {n}",
            TimeZone = "UTC",
            CreatedAt = now.AddDays(-30),
            DashboardToken = Guid.NewGuid().ToString("N"),
            // No reminder before the report: the benchmark is about the one minute the reports come due.
            Settings = new BacklogSettings { Schedules = schedules, ScheduleChangedAt = changed, ReminderLeadMinutes = 0 },
        }, ct);
        await store.Members.UpsertAsync(new Member(id, new UserRef(Platform.Slack, "UFAC", "fac"), Role.Facilitator), ct);
        await store.Bindings.UpsertAsync(new Binding
        {
            Address = new ConversationAddress { Platform = Platform.Slack, Workspace = team, ChannelId = PacedSlack.Channel(n) },
            BacklogId = id,
            ChannelName = "triage",
        }, ct);
        var installationKey = InstallationKeys.Team(team);
        await store.Installations.SaveAsync(new Installation
        {
            Key = installationKey,
            TeamId = team,
            BotUserId = "UBOT",
            Scopes = "commands,chat:write",
            SealedBotToken = cipher.Seal(PacedSlack.TokenOf(n), installationKey),
            InstalledAt = now,
            UpdatedAt = now,
        }, ct);
    });
}

static async Task<long> PendingAsync(string dbPath) => await ScalarAsync(dbPath, "SELECT count(*) FROM outbox WHERE status = 'Pending'");

static async Task<long> FailedAsync(string dbPath) => await ScalarAsync(dbPath, "SELECT count(*) FROM outbox WHERE status = 'Failed'");

static async Task<(long Posted, string ByOwner)> LedgerAsync(string dbPath, DateTimeOffset due)
{
    await using var c = new SqliteConnection($"Data Source={dbPath};Mode=ReadOnly");
    await c.OpenAsync();
    using var command = c.CreateCommand();
    command.CommandText = "SELECT json FROM ledger WHERE ceremony = 'WeeklyStreamReview' AND scheduled_at = $due";
    command.Parameters.AddWithValue("$due", due.UtcTicks);
    var owners = new Dictionary<string, int>(StringComparer.Ordinal);
    long posted = 0;
    using var reader = await command.ExecuteReaderAsync();
    while (await reader.ReadAsync())
    {
        var json = System.Text.Json.JsonDocument.Parse(reader.GetString(0)).RootElement;
        if (json.TryGetProperty("outcome", out var outcome) && outcome.ToString() is "Posted" or "PostedLate" or "0" or "1")
        {
            posted++;
            var owner = json.TryGetProperty("claimedBy", out var o) ? o.GetString() ?? "?" : "?";
            owners[owner] = owners.GetValueOrDefault(owner) + 1;
        }
    }

    return (posted, string.Join(", ", owners.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}")));
}

static async Task<long> ScalarAsync(string dbPath, string sql)
{
    await using var c = new SqliteConnection($"Data Source={dbPath};Mode=ReadOnly");
    await c.OpenAsync();
    using var command = c.CreateCommand();
    command.CommandText = sql;
    return (long)(await command.ExecuteScalarAsync())!;
}

static async Task<string> PublishAsync(string root, string work)
{
    var output = Path.Combine(work, "server");
    Console.WriteLine("Publishing src/TriageBot (Release)…");
    using var publish = Process.Start(new ProcessStartInfo("dotnet", ["publish", Path.Combine(root, "src", "TriageBot"), "-c", "Release", "-o", output, "--nologo", "-v", "q"]) { UseShellExecute = false })!;
    await publish.WaitForExitAsync();
    return publish.ExitCode == 0 ? Path.Combine(output, "TriageBot.dll") : throw new InvalidOperationException("dotnet publish of src/TriageBot failed.");
}

static string RepositoryRoot()
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

int Arg(string name, int fallback) => ArgText(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? ArgText(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
