using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace TriageBot.Bench.Load;

/// <summary>What one wrk run measured (wrk's own numbers, parsed from its output).</summary>
internal sealed record WrkResult(int Connections, long Requests, double Throughput, double P50, double P90, double P99, double MaxMs, long Non2xx, long SocketErrors);

/// <summary>
/// Drives Debian's <c>wrk</c> (a C load tool, outside the .NET process) with the benchmark's own requests: a pool of
/// bodies built by the same <see cref="RequestFactory"/> as the in-process generator, signed just before each run and
/// written into a Lua script that hands them out round-robin. Requests that need a fresh id per send (Teams activity
/// ids are de-duplicated by the inbox) are marked with <c>@@ID@@</c> and numbered by the script.
/// </summary>
internal static partial class WrkRunner
{
    private const int Pool = 2048;

    public static bool IsInstalled()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("wrk", ["--version"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            p?.WaitForExit(5000);
            return p is not null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    /// <summary>Runs wrk against <paramref name="target"/> for <paramref name="duration"/> at <paramref name="connections"/>.</summary>
    public static async Task<WrkResult> RunAsync(Uri target, int connections, TimeSpan duration, RequestFactory next, string workDirectory)
    {
        var script = Path.Combine(workDirectory, $"wrk-{Guid.NewGuid():N}.lua");
        await File.WriteAllTextAsync(script, await ScriptAsync(next)).ConfigureAwait(false);
        try
        {
            var threads = Math.Min(2, connections);
            var info = new ProcessStartInfo("wrk", [
                "-t", threads.ToString(CultureInfo.InvariantCulture),
                "-c", connections.ToString(CultureInfo.InvariantCulture),
                "-d", $"{Math.Max(1, (int)duration.TotalSeconds)}s",
                "--timeout", "30s", "--latency", "-s", script, target.ToString()])
            { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var wrk = Process.Start(info) ?? throw new InvalidOperationException("Could not start wrk.");
            var output = await wrk.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
            var error = await wrk.StandardError.ReadToEndAsync().ConfigureAwait(false);
            await wrk.WaitForExitAsync().ConfigureAwait(false);
            // wrk reports a broken script on stderr and then sends plain GETs: treat any script error as fatal.
            if (wrk.ExitCode != 0 || error.Contains("error", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"wrk exited with {wrk.ExitCode}: {error}{output}");
            }

            return Parse(connections, output);
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>Reads wrk 4's summary: total requests, Requests/sec, the latency distribution, non-2xx and socket errors.</summary>
    public static WrkResult Parse(int connections, string output)
    {
        static double Ms(string value, string unit) => double.Parse(value, CultureInfo.InvariantCulture) * unit switch
        {
            "us" => 0.001,
            "ms" => 1,
            "s" => 1000,
            "m" => 60_000,
            _ => throw new FormatException($"Unknown wrk time unit '{unit}'."),
        };

        double Percentile(string p)
        {
            var m = Regex.Match(output, @"^\s+" + Regex.Escape(p) + @"%\s+([\d.]+)(us|ms|s|m)\s*$", RegexOptions.Multiline);
            return m.Success ? Ms(m.Groups[1].Value, m.Groups[2].Value) : double.NaN;
        }

        var requests = RequestsLine().Match(output);
        var rate = RateLine().Match(output);
        if (!requests.Success || !rate.Success)
        {
            throw new FormatException("wrk printed no summary:\n" + output);
        }

        var max = LatencyLine().Match(output);
        var non2xx = Non2xxLine().Match(output);
        var socket = SocketLine().Match(output);
        long socketErrors = 0;
        if (socket.Success)
        {
            for (var g = 1; g <= 4; g++)
            {
                socketErrors += long.Parse(socket.Groups[g].Value, CultureInfo.InvariantCulture);
            }
        }

        return new WrkResult(
            connections,
            long.Parse(requests.Groups[1].Value, CultureInfo.InvariantCulture),
            double.Parse(rate.Groups[1].Value, CultureInfo.InvariantCulture),
            Percentile("50"), Percentile("90"), Percentile("99"),
            max.Success ? Ms(max.Groups[1].Value, max.Groups[2].Value) : double.NaN,
            non2xx.Success ? long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            socketErrors);
    }

    /// <summary>
    /// A Lua script holding <see cref="Pool"/> requests. Fixed requests are formatted once per wrk thread in <c>init</c>;
    /// requests with an <c>@@ID@@</c> marker get a per-thread counter spliced in at send time.
    /// </summary>
    private static async Task<string> ScriptAsync(RequestFactory next)
    {
        var lua = new StringBuilder();
        lua.AppendLine("local pool = {}");
        for (var i = 0; i < Pool; i++)
        {
            using var request = next(i, 0);
            var body = request.Content is null ? "" : Encoding.UTF8.GetString(await request.Content.ReadAsByteArrayAsync().ConfigureAwait(false));
            var headers = new StringBuilder();
            foreach (var (name, values) in request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>()))
            {
                if (name is "Content-Length" or "Host")
                {
                    continue; // wrk.format sets both.
                }

                headers.Append("[ ").Append(LuaString(name)).Append(" ]=").Append(LuaString(string.Join(", ", values))).Append(',');
            }

            lua.Append("pool[").Append(i + 1).Append("]={method=").Append(LuaString(request.Method.Method))
                .Append(",path=").Append(LuaString(request.RequestUri!.OriginalString))
                .Append(",headers={").Append(headers).Append('}')
                .Append(",body=").Append(LuaString(body)).AppendLine("}");
        }

        lua.Append("local run = ").Append(LuaString(Guid.NewGuid().ToString("N"))).AppendLine();
        lua.AppendLine("""
            local counter = 0
            local formatted = {}
            local prefix = run
            local threads = 0
            function setup(thread)
              threads = threads + 1
              thread:set("tid", threads)
            end
            function init(args)
              prefix = run .. "-" .. tostring(tid)
              for i, r in ipairs(pool) do
                if not string.find(r.body, "@@ID@@", 1, true) then
                  formatted[i] = wrk.format(r.method, r.path, r.headers, r.body)
                end
              end
            end
            function request()
              counter = counter + 1
              local i = (counter % #pool) + 1
              local f = formatted[i]
              if f then return f end
              local r = pool[i]
              local body = string.gsub(r.body, "@@ID@@", prefix .. "-" .. counter, 1)
              return wrk.format(r.method, r.path, r.headers, body)
            end
            """);
        return lua.ToString();
    }

    /// <summary>A Lua long string that cannot be closed by its content.</summary>
    private static string LuaString(string s)
    {
        var level = 0;
        while (s.Contains("]" + new string('=', level) + "]", StringComparison.Ordinal))
        {
            level++;
        }

        var eq = new string('=', level);
        // A long string drops a first newline; a leading newline is kept by doubling it.
        return "[" + eq + "[" + (s.StartsWith('\n') ? "\n" : "") + s + "]" + eq + "]";
    }

    [GeneratedRegex(@"^\s*(\d+) requests in", RegexOptions.Multiline)]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"^Requests/sec:\s+([\d.]+)", RegexOptions.Multiline)]
    private static partial Regex RateLine();

    [GeneratedRegex(@"^\s+Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s|m)", RegexOptions.Multiline)]
    private static partial Regex LatencyLine();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xxLine();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketLine();
}
