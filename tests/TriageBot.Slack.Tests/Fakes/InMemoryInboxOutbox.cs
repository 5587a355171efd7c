using System.Collections.Concurrent;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;

namespace TriageBot.Slack.Tests.Fakes;

/// <summary>An in-memory <see cref="IInbox"/>: the first record of an id wins.</summary>
public sealed class InMemoryInbox : IInbox
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new();

    public IReadOnlyCollection<string> Recorded => [.. _seen.Keys];

    public Task<bool> TryRecordAsync(Platform platform, string deliveryId, DateTimeOffset at, CancellationToken ct) =>
        Task.FromResult(_seen.TryAdd($"{platform}:{deliveryId}", at));

    public Task ForgetAsync(Platform platform, string deliveryId, DateTimeOffset at, CancellationToken ct)
    {
        _seen.TryRemove($"{platform}:{deliveryId}", out _);
        _handled.TryRemove($"{platform}:{deliveryId}", out _);
        return Task.CompletedTask;
    }

    private readonly ConcurrentDictionary<string, bool> _handled = new();

    public Task MarkHandledAsync(Platform platform, string deliveryId, DateTimeOffset recordedAt, CancellationToken ct)
    {
        if (_seen.ContainsKey($"{platform}:{deliveryId}"))
        {
            _handled[$"{platform}:{deliveryId}"] = true;
        }

        return Task.CompletedTask;
    }

    public Task<InboxRecord?> GetAsync(Platform platform, string deliveryId, DateTimeOffset at, CancellationToken ct) =>
        Task.FromResult(_seen.TryGetValue($"{platform}:{deliveryId}", out var recorded)
            ? new InboxRecord(recorded, _handled.ContainsKey($"{platform}:{deliveryId}"))
            : null);
}

/// <summary>An in-memory <see cref="IOutbox"/> that keeps what was enqueued for assertions.</summary>
public sealed class InMemoryOutbox : IOutbox
{
    private readonly ConcurrentQueue<OutboxMessage> _messages = new();

    public IReadOnlyList<OutboxMessage> Enqueued => [.. _messages];

    public Task EnqueueAsync(OutboxMessage message, CancellationToken ct)
    {
        _messages.Enqueue(message);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Versioned<OutboxMessage>>> LeaseAsync(string owner, DateTimeOffset now, TimeSpan leaseFor, int max, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Versioned<OutboxMessage>>>([.. _messages.Take(max).Select(m => new Versioned<OutboxMessage>(m, "1"))]);

    public Task<Versioned<OutboxMessage>> UpdateAsync(OutboxMessage message, string etag, CancellationToken ct) =>
        Task.FromResult(new Versioned<OutboxMessage>(message, "2"));

    public Task<int> CountPendingAsync(CancellationToken ct) => Task.FromResult(_messages.Count);

    public Task<IReadOnlyList<OutboxMessage>> ListFailedAsync(DateTimeOffset since, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<OutboxMessage>>([]);
}
