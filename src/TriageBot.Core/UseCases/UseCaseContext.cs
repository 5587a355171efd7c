using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>
/// What every use case shares: resolving who and where a request comes from, loading and changing items, queueing posts,
/// and the links and channels of a backlog. The use cases hold no state of their own beyond this.
/// </summary>
internal sealed class UseCaseContext(ITriageStore store, TimeProvider time, ConversationOptions options, IOutboxSignal? signal, Telemetry.TriageMetrics? metrics)
{
    private const int MaxUpdateAttempts = 8;

    public ITriageStore Store { get; } = store;

    public TimeProvider Time { get; } = time;

    public ConversationOptions Options { get; } = options;

    public Telemetry.TriageMetrics? Metrics { get; } = metrics;

    /// <summary>Resolves the actor's backlog and role: from the argument's backlog when a button or form names one, else from the place's binding.</summary>
    public async Task<RequestContext> ResolveAsync(Interaction interaction, CancellationToken ct)
    {
        var place = interaction.Place;
        var binding = await Store.Bindings.GetAsync(place.Platform, place.Workspace, place.ChannelId, ct);
        if (binding is { Active: false })
        {
            binding = null;
        }

        var backlogId = ArgumentBacklog(interaction.Intent) ?? binding?.BacklogId;
        var backlog = backlogId is null ? null : await Store.Backlogs.GetAsync(backlogId, ct);
        if (backlog is null)
        {
            return new RequestContext(interaction, binding, null, Role.Member, ct);
        }

        var member = await Store.Members.GetAsync(backlog.Value.Id, interaction.Actor.Key, ct);
        if (member is null && binding?.BacklogId != backlog.Value.Id)
        {
            // A button or form from elsewhere names a backlog this person has no part in: act as if it did not exist.
            return new RequestContext(interaction, binding, null, Role.Member, ct);
        }

        return new RequestContext(interaction, binding, backlog, member?.Role ?? Role.Member, ct);
    }

    private static string? ArgumentBacklog(Intent intent)
    {
        // The backlog a person picked in the intake form (offered when they belong to several); checked against their memberships below.
        if (intent is FormSubmitIntent { FormId: FormIds.Intake } or FormRefreshIntent { FormId: FormIds.Intake }
            && (intent is FormSubmitIntent s ? s.Values : ((FormRefreshIntent)intent).Values).TryGetValue(Forms.BacklogField, out var picked)
            && !string.IsNullOrWhiteSpace(picked))
        {
            return picked;
        }

        if (intent is ButtonIntent { ActionId: Views.ButtonIds.InBacklog } inBacklog)
        {
            return Memberships.ReadInBacklog(inBacklog.Argument)?.BacklogId;
        }

        var argument = intent switch
        {
            ButtonIntent b => b.Argument,
            FormSubmitIntent f => f.Argument,
            FormRefreshIntent f => f.Argument,
            _ => null,
        };
        return ItemRef.TryParse(argument, out var r) ? r.BacklogId : null;
    }

    /// <summary>The item a key (<c>TRI-42</c>, <c>42</c>) or an item reference names, in the request's backlog.</summary>
    public async Task<Item> LoadAsync(RequestContext c, string? key)
    {
        var backlog = c.RequireBacklog();
        int? number = ItemRef.TryParse(key, out var r) ? r.Number : key is null ? null : CommandParser.ParseItemNumber(key);
        if (number is null)
        {
            throw new RuleViolationException($"\"{key}\" is not an item key. Keys look like {backlog.KeyPrefix}-42.");
        }

        var found = await Store.Items.GetAsync(backlog.Id, number.Value, c.Ct);
        return found?.Value ?? throw new RuleViolationException($"{backlog.KeyPrefix}-{number} does not exist in {backlog.Name}.");
    }

    /// <summary>
    /// Applies a change to an item through the write path: re-reads and re-applies it when another instance saved the item
    /// first, and stores the item with the history and events the change implies and <paramref name="messages"/>, together.
    /// </summary>
    public async Task<Item> UpdateAsync(RequestContext c, int number, Func<Item, Task<ItemChange>> change, IReadOnlyList<OutboxMessage>? messages = null)
    {
        var backlog = c.RequireBacklog();
        try
        {
            // Each attempt reads, applies the rule, and writes what it read against: the write needs the item as it was.
            Item? before = null;
            ItemChange? applied = null;
            var (saved, _) = await Retrying.UpdateAsync($"{backlog.KeyPrefix}-{number}",
                ct => Store.Items.GetAsync(backlog.Id, number, ct),
                async item =>
                {
                    before = item;
                    applied = await change(item);
                    return (applied.Item with { UpdatedAt = c.Now }, true);
                },
                (next, etag, ct) => Store.Writes.WriteAsync(ItemWrite.Changed(before!, etag, applied! with { Item = next }, c.Actor, c.Now) with { Outbox = messages ?? [] }, ct),
                MaxUpdateAttempts, c.Ct);
            if (messages is { Count: > 0 })
            {
                Notify();
            }

            return saved.Value;
        }
        catch (KeyNotFoundException)
        {
            throw new RuleViolationException($"{backlog.KeyPrefix}-{number} does not exist.");
        }
    }

    /// <summary>Changes a backlog with optimistic concurrency.</summary>
    public async Task<Backlog> UpdateBacklogAsync(string backlogId, Func<Backlog, Backlog> change, CancellationToken ct)
    {
        try
        {
            return (await Retrying.UpdateBacklogAsync(Store.Backlogs, backlogId, change, MaxUpdateAttempts, ct)).Value;
        }
        catch (KeyNotFoundException)
        {
            throw new RuleViolationException("That backlog no longer exists.");
        }
    }

    /// <summary>
    /// Queues a post or update for the delivery worker and wakes it. With an <paramref name="id"/> (derived from the request,
    /// so a retried request names the same message) a message already queued is not queued again.
    /// </summary>
    public async Task EnqueueAsync(RequestContext c, OutboxKind kind, ConversationAddress target, View view, string? messageRef = null, string? threadRef = null, string? id = null)
    {
        try
        {
            await Store.Outbox.EnqueueAsync(NewOutbox(c, kind, target, view, messageRef, threadRef, id), c.Ct);
        }
        catch (DuplicateKeyException) when (id is not null)
        {
            // Queued by an earlier attempt of this request.
        }

        Notify();
    }

    /// <summary>Wakes the delivery worker after messages were queued.</summary>
    public void Notify() => signal?.Notify();

    public static OutboxMessage NewOutbox(RequestContext c, OutboxKind kind, ConversationAddress target, View view, string? messageRef = null, string? threadRef = null, string? id = null) =>
        new()
        {
            Id = id ?? $"{c.Now:yyyyMMddHHmmssfff}-{Guid.NewGuid():N}",
            Kind = kind,
            Target = target,
            Payload = OutboxViews.Payload(view),
            Live = view is ILiveView,
            MessageRef = messageRef,
            ThreadRef = threadRef,
            BacklogId = c.Backlog?.Value.Id,
            CreatedAt = c.Now,
            NextAttemptAt = c.Now,
        };

    public ItemSummary Summarize(RequestContext c, Item item) =>
        ItemSummaries.Of(item, c.Now, c.Backlog is { } b ? ItemUrl(b.Value, item.Number) : null);

    public string? DashboardUrl(Backlog backlog) =>
        string.IsNullOrEmpty(Options.PublicBaseUrl) || string.IsNullOrEmpty(backlog.DashboardToken)
            ? null
            : $"{Options.PublicBaseUrl.TrimEnd('/')}/d/{backlog.DashboardToken}";

    public string? ItemUrl(Backlog backlog, int number) => DashboardUrl(backlog) is { } d ? $"{d}/items/{number}" : null;

    /// <summary>The backlog's active channels that take <paramref name="role"/>, as places to post (no thread, no person).</summary>
    public async Task<IReadOnlyList<ConversationAddress>> ChannelsAsync(string backlogId, ChannelRoles role, CancellationToken ct)
    {
        var result = new List<ConversationAddress>();
        await foreach (var binding in Store.Bindings.ListForBacklogAsync(backlogId, ct))
        {
            if (binding.Active && binding.Roles.HasFlag(role))
            {
                result.Add(binding.Address with { ThreadId = null, UserId = null });
            }
        }

        return result;
    }

    public async Task<IReadOnlyList<UserRef>> EngineersAsync(string backlogId, CancellationToken ct) =>
        [.. (await Store.Members.ListAsync(backlogId, ct)).Where(m => m.Role == Role.Engineer).Select(m => m.User)];
}
