using System.Diagnostics;
using System.Net;

namespace TriageBot.Bench.Load;

/// <summary>Builds one request to send; called once per request, on the worker's thread.</summary>
/// <param name="worker">Index of the worker (0-based), so a factory can vary users without sharing state.</param>
/// <param name="sequence">How many requests this worker sent before this one.</param>
internal delegate HttpRequestMessage RequestFactory(int worker, long sequence);

/// <summary>Decides whether an answer means the work was done (status and body checked).</summary>
internal delegate bool AnswerCheck(HttpStatusCode status, ReadOnlySpan<byte> body);

/// <summary>What one timed run measured, on the client side.</summary>
/// <param name="AllGood">Good answers in the warm-up and the measured window together (every request sent was answered).</param>
internal sealed record LoadResult(int Connections, TimeSpan Duration, long Ok, long Failed, double[] LatenciesMs, string? FirstFailure, long AllGood)
{
    public double Throughput => Ok / Duration.TotalSeconds;

    /// <summary>The latency at quantile <paramref name="q"/> (nearest rank) in milliseconds.</summary>
    public double Percentile(double q)
    {
        if (LatenciesMs.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(q * LatenciesMs.Length) - 1;
        return LatenciesMs[Math.Clamp(rank, 0, LatenciesMs.Length - 1)];
    }
}

/// <summary>
/// A closed-loop load generator: N workers, each sending its next request as soon as the previous answer is read,
/// over N keep-alive connections. Latency is measured here, in the client, from before <c>SendAsync</c> until the
/// whole answer is read; nothing is timed inside the server. Latencies go into one preallocated array.
/// </summary>
internal static class LoadRunner
{
    private const int MaxSamples = 8_000_000;
    private static readonly long[] Samples = new long[MaxSamples];

    public static async Task<LoadResult> RunAsync(Uri target, int connections, TimeSpan warmup, TimeSpan duration, RequestFactory next, AnswerCheck check, Action? afterWarmup = null)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(10),
        };
        using var client = new HttpClient(handler) { BaseAddress = target, Timeout = TimeSpan.FromSeconds(30) };

        // Phase 0 = warm-up (not recorded), 1 = measured, 2 = stop.
        var phase = 0;
        long recorded = -1;
        long ok = 0;
        long failed = 0;
        long allGood = 0;
        string? firstFailure = null;

        async Task Worker(int index)
        {
            var buffer = new byte[64 * 1024];
            long sequence = 0;
            while (Volatile.Read(ref phase) < 2)
            {
                using var request = next(index, sequence++);
                var started = Stopwatch.GetTimestamp();
                bool good;
                string? failure = null;
                try
                {
                    using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
                    await using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                    var length = 0;
                    int read;
                    while ((read = await stream.ReadAsync(buffer.AsMemory(length)).ConfigureAwait(false)) > 0)
                    {
                        length = Math.Min(length + read, buffer.Length - 1);
                    }

                    good = check(response.StatusCode, buffer.AsSpan(0, length));
                    if (!good)
                    {
                        failure = $"{(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(buffer, 0, Math.Min(length, 300))}";
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    good = false;
                    failure = e.GetType().Name + ": " + e.Message;
                }

                var elapsed = Stopwatch.GetTimestamp() - started;
                if (good)
                {
                    Interlocked.Increment(ref allGood);
                }

                if (Volatile.Read(ref phase) != 1)
                {
                    continue;
                }

                if (good)
                {
                    Interlocked.Increment(ref ok);
                    var slot = Interlocked.Increment(ref recorded);
                    if (slot < MaxSamples)
                    {
                        Samples[slot] = elapsed;
                    }
                }
                else
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstFailure, failure, null);
                }
            }
        }

        var workers = Enumerable.Range(0, connections).Select(i => Task.Run(() => Worker(i))).ToArray();
        await Task.Delay(warmup).ConfigureAwait(false);
        afterWarmup?.Invoke();
        var clock = Stopwatch.StartNew();
        Volatile.Write(ref phase, 1);
        await Task.Delay(duration).ConfigureAwait(false);
        Volatile.Write(ref phase, 2);
        var measured = clock.Elapsed;
        await Task.WhenAll(workers).ConfigureAwait(false);

        var count = (int)Math.Min(recorded + 1, MaxSamples);
        var latencies = new double[count];
        for (var i = 0; i < count; i++)
        {
            latencies[i] = Samples[i] * 1000.0 / Stopwatch.Frequency;
        }

        Array.Sort(latencies);
        return new LoadResult(connections, measured, ok, failed, latencies, firstFailure, Interlocked.Read(ref allGood));
    }
}
