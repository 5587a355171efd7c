using System.Diagnostics;

namespace TriageBot.Slack.Tests;

/// <summary>Finds the repository root and runs the Node tools in <c>tools/</c>, installing them with <c>npm ci</c> when missing.</summary>
internal static class RepoTools
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    public static string Root { get; } = FindRoot();

    public static string ToolsDir => Path.Combine(Root, "tools");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TriageBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("TriageBot.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Makes sure <c>tools/node_modules</c> has what the tests run (TypeScript, @slack/types).</summary>
    public static async Task EnsureInstalledAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            if (File.Exists(Path.Combine(ToolsDir, "node_modules", "typescript", "bin", "tsc"))
                && File.Exists(Path.Combine(ToolsDir, "node_modules", "@slack", "types", "package.json")))
            {
                return;
            }

            var (code, output) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], ToolsDir, TimeSpan.FromMinutes(10));
            if (code != 0)
            {
                throw new InvalidOperationException($"npm ci in {ToolsDir} failed ({code}):\n{output}");
            }
        }
        finally
        {
            InstallGate.Release();
        }
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(string file, IEnumerable<string> args, string workingDirectory, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start " + file);
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
            throw new TimeoutException($"{file} did not finish within {timeout}");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
