using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;

namespace TriageBot.Trackers.Sync;

/// <summary>What the sync writes on TriageBot's side: item changes through the write path, and notices to the facilitators.</summary>
internal sealed class ItemUpdates(ITriageStore store, ConversationOptions conversation, IOutboxSignal? signal)
{
    private const int MaxAttempts = 8;

    /// <summary>Applies a rule to the stored item through the write path, again on a lost race; null when the item is gone.</summary>
    public async Task<Item?> ChangeAsync(string backlogId, int number, Func<Item, ItemChange> rule, UserRef actor, DateTimeOffset now, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await store.Items.GetAsync(backlogId, number, ct).ConfigureAwait(false);
            if (stored is null)
            {
                return null;
            }

            var change = rule(stored.Value);
            if (!change.Changed)
            {
                return stored.Value;
            }

            try
            {
                return (await store.Writes.WriteAsync(ItemWrite.Changed(stored.Value, stored.ETag, change, actor, now), ct).ConfigureAwait(false)).Value;
            }
            catch (ConcurrencyException) when (attempt < MaxAttempts)
            {
            }
        }
    }

    /// <summary>The item's page on the dashboard, when the host has a public address and the backlog a dashboard.</summary>
    public async Task<string?> ItemUrlAsync(string backlogId, int number, CancellationToken ct)
    {
        var backlog = await store.Backlogs.GetAsync(backlogId, ct).ConfigureAwait(false);
        return string.IsNullOrEmpty(conversation.PublicBaseUrl) || backlog?.Value.DashboardToken is not { Length: > 0 } token
            ? null
            : $"{conversation.PublicBaseUrl.TrimEnd('/')}/d/{token}/items/{number}";
    }

    /// <summary>Tells the backlog's report channels, once per <paramref name="id"/> (a repeat queues nothing new).</summary>
    public async Task TellFacilitatorsAsync(string backlogId, string id, string text, DateTimeOffset now, CancellationToken ct)
    {
        await foreach (var binding in store.Bindings.ListForBacklogAsync(backlogId, ct).ConfigureAwait(false))
        {
            if (!binding.Active || !binding.Roles.HasFlag(ChannelRoles.Reports))
            {
                continue;
            }

            var address = binding.Address with { ThreadId = null, UserId = null };
            try
            {
                await store.Outbox.EnqueueAsync(new OutboxMessage
                {
                    Id = $"{id}:{address.Platform}:{address.ChannelId}",
                    Kind = OutboxKind.Post,
                    Target = address,
                    Payload = OutboxViews.Payload(new TextView(text, Tone.Error)),
                    BacklogId = backlogId,
                    CreatedAt = now,
                    NextAttemptAt = now,
                }, ct).ConfigureAwait(false);
            }
            catch (DuplicateKeyException)
            {
                // Queued by an earlier attempt.
            }
        }

        signal?.Notify();
    }
}
