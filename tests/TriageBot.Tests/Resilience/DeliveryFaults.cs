using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Core;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Views;
using TriageBot.Core.Ports;
using TriageBot.Storage;

namespace TriageBot.Tests.Resilience;

/// <summary>What a fake platform answers one call with, in the delivery-fault tests.</summary>
public enum FaultKind { Succeed, RateLimited, ServerError500, Unavailable503, Timeout }

/// <summary>One planned answer: its kind and, for <see cref="FaultKind.RateLimited"/>, the Retry-After in seconds.</summary>
public readonly record struct PlannedFault(FaultKind Kind, int RetryAfterSeconds = 0);

/// <summary>
/// A seeded plan of faults that depends only on the call (a stable key) and how many calls with that key came before,
/// never on timing: the same seed gives the same answers however the worker interleaves. After
/// <see cref="MaxFaultsPerCall"/> faults a call succeeds, so every message can get through within the attempt budget.
/// </summary>
/// <summary>A message a storm test queued, and the marker its text carries so the fake's calls can be traced to it.</summary>
public sealed record PlannedMessage(string Id, string Marker, OutboxKind Kind, string? MessageRef, string? Root)
{
    /// <summary>The outbox message a storm queues as the conversation layer would, numbered <paramref name="n"/>.</summary>
    public static (OutboxMessage Message, PlannedMessage Planned) Create(
        int n, OutboxKind kind, ConversationAddress target, string? messageRef, string? threadRef, string? root, string backlogId, DateTimeOffset now)
    {
        var marker = $"stormmsg{n:000}x";
        var id = $"storm-{n:000}-{Guid.NewGuid():N}";
        var message = new OutboxMessage
        {
            Id = id,
            Kind = kind,
            Target = target,
            Payload = OutboxViews.Payload(new TextView($"Delivery check {marker}")),
            MessageRef = messageRef,
            ThreadRef = threadRef,
            BacklogId = backlogId,
            CreatedAt = now,
            NextAttemptAt = now,
        };
        return (message, new PlannedMessage(id, marker, kind, messageRef, root));
    }
}

public sealed class FaultPlan(int seed)
{
    public const int MaxFaultsPerCall = 4;

    /// <summary>The seed: <c>TRIAGEBOT_FAULT_SEED</c> when set (to replay a failure), else the test's fixed one.</summary>
    public static int SeedOr(int fixedSeed) =>
        int.TryParse(Environment.GetEnvironmentVariable("TRIAGEBOT_FAULT_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : fixedSeed;

    public int Seed { get; } = seed;

    public PlannedFault For(string key, int attempt)
    {
        if (attempt >= MaxFaultsPerCall)
        {
            return new(FaultKind.Succeed);
        }

        var random = new Random(unchecked(Seed * 31 + (int)StableHash(key) * 17 + attempt * 7919));
        var x = random.NextDouble();
        return x switch
        {
            < 0.14 => new(FaultKind.RateLimited, random.Next(1, 6)),
            < 0.22 => new(FaultKind.ServerError500),
            < 0.32 => new(FaultKind.Unavailable503),
            < 0.36 => new(FaultKind.Timeout),
            _ => new(FaultKind.Succeed),
        };
    }

    /// <summary>
    /// Checks that no call was retried before the Retry-After its previous 429 carried (calls grouped by the message they
    /// carry, in order, timed on the host's clock); returns how many 429s were seen.
    /// </summary>
    public int ShouldHonourRetryAfter<T>(IEnumerable<IGrouping<string, T>> callsPerMessage, Func<T, int> status, Func<T, DateTimeOffset> at)
    {
        var rateLimited = 0;
        foreach (var attempts in callsPerMessage)
        {
            var list = attempts.ToList();
            for (var i = 0; i < list.Count - 1; i++)
            {
                if (status(list[i]) == 429)
                {
                    rateLimited++;
                    var after = For(attempts.Key, i).RetryAfterSeconds;
                    (at(list[i + 1]) - at(list[i])).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(after), $"retry of a call told to wait {after} s");
                }
            }
        }

        return rateLimited;
    }

    /// <summary>FNV-1a: string.GetHashCode is randomized per process, which would make the plan unrepeatable.</summary>
    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return hash;
    }
}

/// <summary>
/// Moves a <see cref="FakeTimeProvider"/> forward in small steps while the host works, so waits on the host's clock
/// (Retry-After, backoff, pacing) pass in milliseconds of real time. It simulates time passing; it is not a test sleep.
/// </summary>
public sealed class ClockPump : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ClockPump(FakeTimeProvider time, TimeSpan step)
    {
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                time.Advance(step);
                try
                {
                    await Task.Delay(2, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}

/// <summary>Every row of a host's SQLite outbox, whatever its status (the port only lists failed ones).</summary>
public static class OutboxRows
{
    public static async Task<IReadOnlyList<OutboxMessage>> ReadAsync(IServiceProvider services)
    {
        var path = services.GetRequiredService<IOptions<StorageOptions>>().Value.SqlitePath
            ?? throw new InvalidOperationException("The outbox is read from the SQLite store: set Storage:SqlitePath.");
        var connection = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        await using var db = new SqliteConnection(connection);
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = "SELECT json FROM outbox ORDER BY created_at";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<OutboxMessage>();
        while (await reader.ReadAsync())
        {
            rows.Add(JsonSerializer.Deserialize<OutboxMessage>(reader.GetString(0), CoreJson.Options)!);
        }

        return rows;
    }
}

/// <summary>Runs a test body and, if it fails, says which seed to replay it with.</summary>
public static class Seeded
{
    public static async Task RunAsync(int seed, Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidOperationException($"Failed with seed {seed} (replay: TRIAGEBOT_FAULT_SEED={seed}). {e.Message}", e);
        }
    }
}
