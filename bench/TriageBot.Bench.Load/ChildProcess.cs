using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace TriageBot.Bench.Load;

/// <summary>
/// A server under test, run as its own OS process (never in the load generator's process), with its output sent to a
/// log file. Memory is read from <c>/proc/&lt;pid&gt;/status</c>; the peak (<c>VmHWM</c>) can be reset between runs.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process, string name, Uri baseAddress, string logPath)
    {
        _process = process;
        Name = name;
        BaseAddress = baseAddress;
        LogPath = logPath;
    }

    public string Name { get; }
    public Uri BaseAddress { get; }
    public string LogPath { get; }
    public int Pid => _process.Id;

    /// <summary>Starts <paramref name="command"/> with <paramref name="arguments"/> through <c>sh -c exec</c>, so the pid is the server's own.</summary>
    public static ChildProcess Start(string name, string command, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory, string logPath, int port)
    {
        var line = "exec " + Quote(command) + " " + string.Join(" ", arguments.Select(Quote)) + " > " + Quote(logPath) + " 2>&1";
        var info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = workingDirectory };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(line);
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {name}.");
        return new ChildProcess(process, name, new Uri($"http://127.0.0.1:{port}/"), logPath);
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Polls <paramref name="probe"/> until it says ready; returns the time since <paramref name="since"/>.</summary>
    public async Task<TimeSpan> WaitReadyAsync(Func<HttpClient, Task<bool>> probe, long since, TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var until = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before it was ready; see {LogPath}:\n{Tail()}");
            }

            try
            {
                if (await probe(client).ConfigureAwait(false))
                {
                    return Stopwatch.GetElapsedTime(since);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(10).ConfigureAwait(false);
        }

        throw new TimeoutException($"{Name} was not ready within {timeout.TotalSeconds:0} s; see {LogPath}:\n{Tail()}");
    }

    private string Tail()
    {
        try
        {
            var lines = File.ReadAllLines(LogPath);
            return string.Join('\n', lines.TakeLast(30));
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>A <c>/proc/&lt;pid&gt;/status</c> field in MiB (VmRSS, VmHWM).</summary>
    public double MemoryMiB(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                var kb = long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return kb / 1024.0;
            }
        }

        return double.NaN;
    }

    /// <summary>Resets the peak resident set size (<c>VmHWM</c>) to the current one, so the next run reports its own peak.</summary>
    public bool ResetPeak()
    {
        try
        {
            File.WriteAllText($"/proc/{Pid}/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Total CPU time the process used so far (user + system).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // SIGTERM first so the host shuts down cleanly; kill if it takes too long.
            using (var term = Process.Start("kill", ["-TERM", Pid.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync().ConfigureAwait(false);
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        _process.Dispose();
    }
}
