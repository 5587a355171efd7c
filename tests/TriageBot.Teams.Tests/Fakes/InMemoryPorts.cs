using System.Collections.Concurrent;
using Azure.Core;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;

namespace TriageBot.Teams.Tests.Fakes;

/// <summary>A conversation that records what it was asked and answers from a script.</summary>
public sealed class ScriptedConversation : IConversation
{
    public ConcurrentQueue<Interaction> Received { get; } = new();
    public Func<Interaction, Outcome> Script { get; set; } = _ => NoOutcome.Instance;

    public Task<Outcome> HandleAsync(Interaction interaction, CancellationToken ct)
    {
        Received.Enqueue(interaction);
        return Task.FromResult(Script(interaction));
    }
}

public sealed class InMemoryInbox : IInbox
{
    public ConcurrentDictionary<string, DateTimeOffset> Recorded { get; } = new();

    public Task<bool> TryRecordAsync(Platform platform, string deliveryId, DateTimeOffset at, CancellationToken ct) =>
        Task.FromResult(Recorded.TryAdd($"{platform}:{deliveryId}", at));

    public Task ForgetAsync(Platform platform, string deliveryId, DateTimeOffset at, CancellationToken ct)
    {
        Recorded.TryRemove($"{platform}:{deliveryId}", out _);
        return Task.CompletedTask;
    }

    /// <summary>Teams handles an activity before it answers, so nothing here reads the handled mark.</summary>
    public Task MarkHandledAsync(Platform platform, string deliveryId, DateTimeOffset recordedAt, CancellationToken ct) => Task.CompletedTask;

    public Task<InboxRecord?> GetAsync(Platform platform, string deliveryId, DateTimeOffset at, CancellationToken ct) =>
        Task.FromResult(Recorded.TryGetValue($"{platform}:{deliveryId}", out var recorded) ? new InboxRecord(recorded, Handled: false) : null);
}

/// <summary>Only what the channel uses: enqueue, and a list of what was enqueued.</summary>
public sealed class InMemoryOutbox : IOutbox
{
    public ConcurrentQueue<OutboxMessage> Enqueued { get; } = new();

    public Task EnqueueAsync(OutboxMessage message, CancellationToken ct)
    {
        if (Enqueued.Any(m => m.Id == message.Id)) throw new DuplicateKeyException($"Outbox message {message.Id} already exists.");
        Enqueued.Enqueue(message);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<Versioned<OutboxMessage>>> LeaseAsync(string owner, DateTimeOffset now, TimeSpan leaseFor, int max, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<Versioned<OutboxMessage>>>([]);

    public Task<Versioned<OutboxMessage>> UpdateAsync(OutboxMessage message, string etag, CancellationToken ct) =>
        Task.FromResult(new Versioned<OutboxMessage>(message, etag));

    public Task<int> CountPendingAsync(CancellationToken ct) => Task.FromResult(Enqueued.Count);

    public Task<IReadOnlyList<OutboxMessage>> ListFailedAsync(DateTimeOffset since, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<OutboxMessage>>([]);
}

public sealed class InMemoryBindingStore : IBindingStore
{
    public ConcurrentDictionary<string, Binding> Bindings { get; } = new();

    private static string Key(Platform p, string workspace, string channel) => $"{p}|{workspace}|{channel}";

    public Task<Binding?> GetAsync(Platform platform, string workspace, string channelId, CancellationToken ct) =>
        Task.FromResult(Bindings.TryGetValue(Key(platform, workspace, channelId), out var b) ? b : null);

    public Task UpsertAsync(Binding binding, CancellationToken ct)
    {
        Bindings[Key(binding.Address.Platform, binding.Address.Workspace, binding.Address.ChannelId)] = binding;
        return Task.CompletedTask;
    }

    public async IAsyncEnumerable<Binding> ListForBacklogAsync(string backlogId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await Task.CompletedTask;
        foreach (var b in Bindings.Values.Where(b => b.BacklogId == backlogId)) yield return b;
    }
}

/// <summary>A credential that hands out a fixed token and counts how often it was asked.</summary>
public sealed class FixedCredential : TokenCredential
{
    public const string Token = "test-connector-token";
    public int Requests;
    public string? LastScope;

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Requests);
        LastScope = requestContext.Scopes.FirstOrDefault();
        return new AccessToken(Token, DateTimeOffset.UtcNow.AddHours(1));
    }

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        ValueTask.FromResult(GetToken(requestContext, cancellationToken));
}
