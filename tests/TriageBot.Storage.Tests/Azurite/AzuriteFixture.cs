using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
#if !AZURITE_STANDALONE
using Xunit;
#endif

namespace TriageBot.Storage.Tests.Azurite;

/// <summary>
/// Runs Azurite's Table service (the official Azure Storage emulator) on a free loopback port for the life of a
/// test run, installing it with <c>npm ci</c> in <c>tools/</c> when it is missing. Link this file into any test
/// project that needs Azure Table Storage; define <c>AZURITE_STANDALONE</c> to use it without xunit.
/// </summary>
public sealed class AzuriteFixture
#if !AZURITE_STANDALONE
    : IAsyncLifetime
#else
    : IAsyncDisposable
#endif
{
    /// <summary>Azurite's well-known development account key (public, documented by Microsoft).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);
    private readonly Queue<string> output = new();
    private Process? process;
    private string? workDir;

    public int Port { get; private set; }

    public string TableEndpoint => $"http://127.0.0.1:{Port}/devstoreaccount1";

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};TableEndpoint={TableEndpoint};";

    /// <summary>A table prefix no other caller gets, so tests sharing this Azurite never see each other's rows.</summary>
    public static string UniquePrefix(string hint = "t") =>
        hint + Guid.NewGuid().ToString("N")[..12];

    public async ValueTask InitializeAsync()
    {
        var tools = Path.Combine(FindRepoRoot(), "tools");
        var executable = Path.Combine(tools, "node_modules", ".bin", OperatingSystem.IsWindows() ? "azurite-table.cmd" : "azurite-table");
        if (!File.Exists(executable))
        {
            await InstallAsync(tools).ConfigureAwait(false);
        }

        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"Azurite is still missing at {executable} after 'npm ci' in {tools}.");
        }

        workDir = Directory.CreateTempSubdirectory("azurite-").FullName;
        // The free port is found by binding port 0; another process could take it before Azurite does, so retry.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            process = Start(executable, Port, workDir);
            if (await WaitUntilListeningAsync(process, Port).ConfigureAwait(false))
            {
                return;
            }

            Stop();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"Azurite exited or did not listen on 127.0.0.1 within {StartTimeout.TotalSeconds} s (3 tries). Its output:\n{Output()}");
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        if (workDir is not null)
        {
            try
            {
                Directory.Delete(workDir, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>The folder holding <c>TriageBot.sln</c>, found by walking up from the test binaries.</summary>
    public static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TriageBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No TriageBot.sln above {AppContext.BaseDirectory}; cannot find tools/ to run Azurite.");
    }

    private static async Task InstallAsync(string tools)
    {
        var npm = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
        {
            WorkingDirectory = tools,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
        {
            npm.ArgumentList.Add(arg);
        }

        using var install = Process.Start(npm) ?? throw new InvalidOperationException("Could not start npm: install Node.js 20+.");
        var stdout = install.StandardOutput.ReadToEndAsync();
        var stderr = install.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(InstallTimeout);
        await install.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        if (install.ExitCode != 0)
        {
            throw new InvalidOperationException($"'npm ci' in {tools} failed with exit code {install.ExitCode}:\n{await stdout.ConfigureAwait(false)}\n{await stderr.ConfigureAwait(false)}");
        }
    }

    private Process Start(string executable, int port, string location)
    {
        var info = new ProcessStartInfo(executable)
        {
            WorkingDirectory = location,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "--tableHost", "127.0.0.1", "--tablePort", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                     "--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck", "--loose",
                 })
        {
            info.ArgumentList.Add(arg);
        }

        var started = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {executable}.");
        started.OutputDataReceived += (_, e) => Remember(e.Data);
        started.ErrorDataReceived += (_, e) => Remember(e.Data);
        started.BeginOutputReadLine();
        started.BeginErrorReadLine();
        return started;
    }

    private static async Task<bool> WaitUntilListeningAsync(Process azurite, int port)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (azurite.HasExited)
            {
                return false;
            }

            using var client = new TcpClient();
            try
            {
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await client.ConnectAsync(IPAddress.Loopback, port, attempt.Token).ConfigureAwait(false);
                return true;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                // Not listening yet: poll again shortly.
                await Task.Delay(50).ConfigureAwait(false);
            }
        }

        return false;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Enqueue(line);
            while (output.Count > 50)
            {
                output.Dequeue();
            }
        }
    }

    private string Output()
    {
        lock (output)
        {
            return string.Join('\n', output);
        }
    }

    private void Stop()
    {
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
        process = null;
    }
}
