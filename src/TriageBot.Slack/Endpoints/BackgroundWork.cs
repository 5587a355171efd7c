using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;

namespace TriageBot.Slack.Endpoints;

/// <summary>
/// Work that outlives the request that started it (an event still being handled after its ack). The host stops it
/// cleanly: when the host stops, <see cref="Stopping"/> is cancelled and <see cref="StopAsync"/> waits for every piece
/// still running, so none of it touches the store or the container after they are disposed. Stopping twice is fine (a
/// minimal-hosting app stops its host, and the test factory stops it again after it was disposed): the token source has
/// no timer or link, so it is never disposed.
/// </summary>
internal sealed class BackgroundWork : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <summary>Cancelled when the host stops.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Starts <paramref name="work"/> on the thread pool with <see cref="Stopping"/>, tracked until it ends.</summary>
    public Task Run(Func<CancellationToken, Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var token = Stopping;
        return Track(Task.Run(() => work(token), CancellationToken.None));
    }

    /// <summary>Tracks a task already running, until it ends; returns it.</summary>
    public Task Track(Task task)
    {
        ArgumentNullException.ThrowIfNull(task);
        _running.TryAdd(task, 0);
        _ = task.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    /// <summary>How many pieces are still running.</summary>
    public int Running => _running.Count;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Cancels the work and waits for all of it (also for work started meanwhile), until the host's shutdown timeout.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        while (!_running.IsEmpty)
        {
            var all = Task.WhenAll(_running.Keys);
            try
            {
                await all.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return; // the host's shutdown timeout: it stops waiting
            }
            catch (Exception) when (all.IsCompleted)
            {
                // Each piece logs its own failure; here it only has to have ended.
            }
        }
    }
}
