using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace TriageBot.Trackers.Tests.Fakes;

/// <summary>What the fake does to one matching request instead of (or after) answering it.</summary>
public enum Fault
{
    /// <summary>Answer with the given status (and headers).</summary>
    Status,
    /// <summary>Do the work, then drop the connection: the client never sees the answer.</summary>
    LostAnswer,
    /// <summary>Never answer (until the client gives up).</summary>
    Hang,
}

/// <summary>The faults a fake tracker injects, in order, each into the first request that matches it (FakeGitHub, FakeJira).</summary>
public sealed class Faults
{
    private readonly ConcurrentQueue<(string Method, string PathPart, Fault Fault, int Status, Dictionary<string, string> Headers)> queue = new();

    public void Inject(string method, string pathPart, Fault fault, int status, Dictionary<string, string>? headers) =>
        queue.Enqueue((method, pathPart, fault, status, headers ?? []));

    /// <summary>
    /// Applies the next fault if it matches this request. Returns (true, _) when the request is answered (a status, written
    /// with <paramref name="statusBody"/>'s JSON when it gives one) or left hanging; otherwise whether the answer is to be lost.
    /// </summary>
    public async Task<(bool Answered, bool LoseAnswer)> ApplyAsync(HttpContext http, string path, Func<int, object?> statusBody)
    {
        if (!queue.TryPeek(out var f) || f.Method != http.Request.Method || !path.Contains(f.PathPart, StringComparison.Ordinal) || !queue.TryDequeue(out f))
        {
            return (false, false);
        }

        if (f.Fault == Fault.Status)
        {
            foreach (var (k, v) in f.Headers)
            {
                http.Response.Headers[k] = v;
            }

            http.Response.StatusCode = f.Status;
            if (statusBody(f.Status) is { } body)
            {
                await http.Response.WriteAsJsonAsync(body);
            }

            return (true, false);
        }

        if (f.Fault == Fault.Hang)
        {
            await Task.Delay(Timeout.Infinite, http.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return (true, false);
        }

        return (false, f.Fault == Fault.LostAnswer);
    }
}
