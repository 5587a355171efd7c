using System.Diagnostics;
using System.Text.Json.Nodes;

namespace TriageBot.Teams.Tests.Fakes;

/// <summary>Runs the repository's Node validators (tools/), installing them with <c>npm ci</c> when missing.</summary>
public static class NodeTools
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "TriageBot.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("TriageBot.sln not found above the test output folder.");
        }
    }

    public static string ToolsDir => Path.Combine(RepoRoot, "tools");

    public static string SchemaPath(string name) => Path.Combine(AppContext.BaseDirectory, "Schemas", name);

    /// <summary>Runs <c>node tools/&lt;script&gt; args…</c> and parses its single line of JSON output.</summary>
    public static async Task<JsonNode> RunAsync(string script, params string[] args)
    {
        await EnsureInstalledAsync();
        var (code, stdout, stderr) = await ExecAsync("node", ToolsDir, [Path.Combine(ToolsDir, script), .. args], TimeSpan.FromMinutes(2));
        if (code != 0) throw new InvalidOperationException($"node {script} exited with {code}: {stderr}");
        return JsonNode.Parse(stdout) ?? throw new InvalidOperationException($"node {script} printed nothing.");
    }

    private static async Task EnsureInstalledAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            if (Directory.Exists(Path.Combine(ToolsDir, "node_modules", "adaptivecards")) && Directory.Exists(Path.Combine(ToolsDir, "node_modules", "ajv-draft-04"))) return;
            var (code, _, stderr) = await ExecAsync("npm", ToolsDir, ["ci", "--no-audit", "--no-fund", "--loglevel=error"], TimeSpan.FromMinutes(10));
            if (code != 0) throw new InvalidOperationException("npm ci in tools/ failed: " + stderr);
        }
        finally
        {
            InstallGate.Release();
        }
    }

    public static async Task<(int Code, string Stdout, string Stderr)> ExecAsync(string file, string workingDir, string[] args, TimeSpan timeout, IDictionary<string, string>? env = null)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) start.Environment[k] = v;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish within {timeout}.");
        }
        return (process.ExitCode, await stdout, await stderr);
    }
}
