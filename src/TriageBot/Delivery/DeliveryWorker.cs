using System.Diagnostics;
using Microsoft.Extensions.Options;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Telemetry;
using TriageBot.Core.Views;
using TriageBot.Telemetry;

namespace TriageBot.Delivery;

/// <summary>
/// Drains the outbox: leases due messages (so any number of instances can run), resolves threads and live views,
/// hands each to its platform's sender, and records the outcome — retry with backoff, or a permanent failure that
/// marks the channel and tells the backlog's facilitators.
/// </summary>
public sealed partial class DeliveryWorker(
    ITriageStore store,
    IEnumerable<IChannelSender> senders,
    IViewResolver resolver,
    TimeProvider time,
    IOptions<DeliveryOptions> options,
    OutboxSignal signal,
    ILogger<DeliveryWorker> logger,
    TriageMetrics? metrics = null,
    OperationsTelemetry? telemetry = null) : BackgroundService
{
    private readonly Dictionary<Platform, IChannelSender> _senders = senders.ToDictionary(s => s.Platform);
    private readonly DeliveryOptions _options = options.Value;
    private readonly string _owner = options.Value.InstanceId ?? $"{Environment.MachineName}:{Environment.ProcessId}";
    private readonly LiveUpdatePacer _pacer = new(options.Value.LiveUpdateInterval);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            int handled;
            try
            {
                handled = await DrainOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogDrainFailed(logger, e);
                handled = 0;
            }

            if (handled == 0)
            {
                try
                {
                    await signal.WaitAsync(_pacer.NextWait(_options.PollInterval, time.GetUtcNow()), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Leases and handles one batch; returns how many messages it handled.</summary>
    public async Task<int> DrainOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var batch = await store.Outbox.LeaseAsync(_owner, now, _options.LeaseFor, _options.BatchSize, ct);
        if (batch.Count == 0)
        {
            return 0;
        }

        // Many votes queue many updates of one ballot; each renders live state, so only the newest needs sending.
        var newestUpdate = batch.Where(m => m.Value.Kind == OutboxKind.Update && m.Value.MessageRef is not null)
            .GroupBy(m => m.Value.MessageRef!)
            .ToDictionary(g => g.Key, g => g.MaxBy(m => m.Value.CreatedAt)!.Value.Id);

        foreach (var leased in batch.OrderBy(m => m.Value.CreatedAt))
        {
            var message = leased.Value;
            if (message.Kind == OutboxKind.Update && message.MessageRef is { } r && newestUpdate[r] != message.Id)
            {
                await SaveAsync(leased, message with { Status = OutboxStatus.Sent, LastError = "superseded by a newer update" }, ct);
                continue;
            }

            await AttemptAsync(leased, ct);
        }

        return batch.Count;
    }

    /// <summary>One delivery attempt in its own span (<c>triagebot.delivery.attempt</c>), counted by outcome.</summary>
    private async Task AttemptAsync(Versioned<OutboxMessage> leased, CancellationToken ct)
    {
        var message = leased.Value;
        var platform = message.Target.Platform.ToString().ToLowerInvariant();
        using var span = OperationsTelemetry.Source.StartActivity("triagebot.delivery.attempt", ActivityKind.Internal);
        span?.SetTag("triagebot.platform", platform);
        span?.SetTag("triagebot.outbox.message_id", message.Id);
        span?.SetTag("triagebot.outbox.kind", message.Kind.ToString());
        span?.SetTag("triagebot.delivery.attempt", message.Attempts + 1);
        var started = time.GetTimestamp();
        var outcome = "error";
        try
        {
            outcome = await DeliverAsync(leased, ct);
        }
        catch (Exception e)
        {
            span?.AddException(e);
            throw;
        }
        finally
        {
            span?.SetTag("triagebot.delivery.outcome", outcome);
            span?.SetStatus(outcome is "failed" or "error" ? ActivityStatusCode.Error : ActivityStatusCode.Ok);
            telemetry?.DeliveryAttempted(platform, outcome, time.GetElapsedTime(started));
        }
    }

    /// <summary>Delivers one message; returns the outcome: sent, retry, failed, waiting (for its thread) or dropped (nothing left to send).</summary>
    private async Task<string> DeliverAsync(Versioned<OutboxMessage> leased, CancellationToken ct)
    {
        var message = leased.Value;
        var now = time.GetUtcNow();
        if (!_senders.TryGetValue(message.Target.Platform, out var sender))
        {
            await FailAsync(leased, $"No channel is configured for {message.Target.Platform}.", channelLost: false, ct);
            return "failed";
        }

        if (message.CoalescingKey is { } live && _pacer.HoldUntil(live, now) is { } until)
        {
            // Sent a moment ago: wait (unleased, so the votes meanwhile coalesce into this one) instead of redrawing it again.
            await SaveAsync(leased, message with { NextAttemptAt = until, LeaseOwner = null, LeaseUntil = null }, ct);
            return "paced";
        }

        var target = message.Target;
        if (message.ThreadRef is { } threadRef)
        {
            var thread = await store.MessageRefs.GetAsync(threadRef, ct);
            if (thread is not { PlatformMessageId.Length: > 0 })
            {
                if (now - message.CreatedAt > _options.MaxThreadWait)
                {
                    await FailAsync(leased, $"The message to reply to ({threadRef}) was never posted.", channelLost: false, ct);
                    return "failed";
                }

                if (await store.Bindings.GetAsync(message.Target.Platform, message.Target.Workspace, message.Target.ChannelId, ct) is { Active: false })
                {
                    // The channel was lost (the thread's first message most likely failed for that reason): waiting cannot help.
                    await FailAsync(leased, $"The message to reply to ({threadRef}) was not posted: the channel is no longer reachable.", channelLost: false, ct);
                    return "failed";
                }

                await RetryAsync(leased, TimeSpan.FromSeconds(2), "waiting for the thread's first message", countAttempt: false, ct);
                return "waiting";
            }

            target = target with { ThreadId = thread.Value.PlatformMessageId };
        }

        string? existingId = null;
        if (message.Kind == OutboxKind.Update)
        {
            var original = message.MessageRef is null ? null : await store.MessageRefs.GetAsync(message.MessageRef, ct);
            if (original is null)
            {
                await SaveAsync(leased, message with { Status = OutboxStatus.Sent, LastError = "nothing to update" }, ct);
                return "dropped";
            }

            if (original.Value.PlatformMessageId.Length == 0)
            {
                // The post this updates (a command's acknowledgement, a ballot) is not sent yet: wait for it, but not for a post
                // that failed (its channel was lost) or never went out.
                if (now - message.CreatedAt > _options.MaxThreadWait
                    || await store.Bindings.GetAsync(original.Value.Where.Platform, original.Value.Where.Workspace, original.Value.Where.ChannelId, ct) is { Active: false })
                {
                    await FailAsync(leased, $"The message to update ({message.MessageRef}) was never posted.", channelLost: false, ct);
                    return "failed";
                }

                await RetryAsync(leased, TimeSpan.FromSeconds(2), "waiting for the original post", countAttempt: false, ct);
                return "waiting";
            }

            existingId = original.Value.PlatformMessageId;
            target = original.Value.Where;
        }

        View shown;
        try
        {
            shown = message.ToView();
        }
        catch (InvalidDataException e)
        {
            await FailAsync(leased, e.Message, channelLost: false, ct);
            return "failed";
        }

        var view = await resolver.ResolveAsync(shown, ct);
        if (view is null)
        {
            await SaveAsync(leased, message with { Status = OutboxStatus.Sent, LastError = "the item no longer exists" }, ct);
            return "dropped";
        }

        SendResult result;
        try
        {
            result = await sender.SendAsync(message with { Target = target }, view, existingId, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            result = new SendRetryLater(null, e.GetType().Name + ": " + e.Message);
        }

        switch (result)
        {
            case SendSucceeded ok:
                if (message.Kind == OutboxKind.Post && message.MessageRef is { } messageRef)
                {
                    await store.MessageRefs.SetAsync(messageRef, target, ok.PlatformMessageId, ct);
                }

                await SaveAsync(leased, message with { Status = OutboxStatus.Sent, PlatformMessageId = ok.PlatformMessageId, Attempts = message.Attempts + 1, LeaseOwner = null, LeaseUntil = null }, ct);
                if (message.CoalescingKey is { } sentLive)
                {
                    _pacer.Sent(sentLive, now);
                }

                LogDelivered(logger, message.Id, message.Target.Platform);
                return "sent";
            case SendRetryLater later:
                metrics?.DeliveryFailed(message.Target.Platform, permanent: false);
                return await RetryAsync(leased, later.After, later.Reason, countAttempt: true, ct) ? "retry" : "failed";
            case SendFailedPermanently failed:
                await FailAsync(leased, failed.Reason, failed.ChannelLost, ct);
                return "failed";
            default:
                throw new InvalidOperationException($"Unknown send result {result.GetType().Name}.");
        }
    }

    /// <summary>Schedules the next attempt; false when the attempts are used up and the message was failed instead.</summary>
    private async Task<bool> RetryAsync(Versioned<OutboxMessage> leased, TimeSpan? after, string reason, bool countAttempt, CancellationToken ct)
    {
        var message = leased.Value;
        var attempts = message.Attempts + (countAttempt ? 1 : 0);
        if (attempts >= _options.MaxAttempts)
        {
            await FailAsync(leased, $"Gave up after {attempts} attempts: {reason}", channelLost: false, ct);
            return false;
        }

        var delay = after ?? Backoff(attempts);
        LogRetry(logger, message.Id, delay.TotalSeconds, reason);
        await SaveAsync(leased, message with
        {
            Attempts = attempts,
            NextAttemptAt = time.GetUtcNow() + delay,
            LastError = reason,
            LeaseOwner = null,
            LeaseUntil = null,
        }, ct);
        return true;
    }

    /// <summary>Exponential backoff with jitter: 1 s, 2 s, 4 s … capped at 5 minutes.</summary>
    public static TimeSpan Backoff(int attempts)
    {
        var seconds = Math.Min(300, Math.Pow(2, Math.Max(0, attempts - 1)));
        return TimeSpan.FromSeconds(seconds * (0.8 + Random.Shared.NextDouble() * 0.4));
    }

    private async Task FailAsync(Versioned<OutboxMessage> leased, string reason, bool channelLost, CancellationToken ct)
    {
        var message = leased.Value;
        await SaveAsync(leased, message with { Status = OutboxStatus.Failed, LastError = reason, Attempts = message.Attempts + 1, LeaseOwner = null, LeaseUntil = null }, ct);
        LogFailed(logger, message.Id, message.Target.Platform, reason);
        metrics?.DeliveryFailed(message.Target.Platform, permanent: true);

        var versioned = message.Kind == OutboxKind.Direct ? null
            : await store.Bindings.GetVersionedAsync(message.Target.Platform, message.Target.Workspace, message.Target.ChannelId, ct);
        var binding = versioned?.Value;
        var alreadyLost = binding is { Active: false };
        if (channelLost && binding is { Active: true })
        {
            try
            {
                await store.Bindings.ReplaceAsync(binding with { Active = false, InactiveReason = reason }, versioned!.ETag, ct);
            }
            catch (ConcurrencyException)
            {
                // Someone ran setup in the channel meanwhile (the bot was added back): that binding stands.
                return;
            }
        }

        // Tell the facilitators, unless this was itself such a notice (never loop on a dead channel), or the channel was
        // already known to be lost: they were told once when it was, not again for every message queued for it.
        if (message.BacklogId is { } backlogId && message.Kind != OutboxKind.Direct && !alreadyLost)
        {
            await NotifyFacilitatorsAsync(backlogId, message, reason, channelLost, ct);
        }
    }

    private async Task NotifyFacilitatorsAsync(string backlogId, OutboxMessage failed, string reason, bool channelLost, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var text = channelLost
            ? $"TriageBot can no longer post to a channel of this backlog ({failed.Target.Platform} {failed.Target.ChannelId}): {reason}. The channel was unbound; run `setup` in another channel or add the bot back."
            : $"TriageBot could not deliver a message to {failed.Target.Platform} {failed.Target.ChannelId}: {reason}.";
        foreach (var member in await store.Members.ListAsync(backlogId, ct))
        {
            if (member.Role != Role.Facilitator || !_senders.ContainsKey(member.User.Platform))
            {
                continue;
            }

            var workspace = member.User.Platform == failed.Target.Platform ? failed.Target.Workspace : "";
            await store.Outbox.EnqueueAsync(new OutboxMessage
            {
                Id = $"{now:yyyyMMddHHmmssfff}-{Guid.NewGuid():N}",
                Kind = OutboxKind.Direct,
                Target = new ConversationAddress
                {
                    Platform = member.User.Platform,
                    Workspace = workspace,
                    ChannelId = "",
                    UserId = member.User.UserId,
                    ServiceUrl = failed.Target.ServiceUrl,
                },
                Payload = OutboxViews.Payload(new TextView(text, Tone.Warning) { Title = "Delivery problem" }),
                BacklogId = backlogId,
                CreatedAt = now,
                NextAttemptAt = now,
            }, ct);
        }
    }

    private async Task SaveAsync(Versioned<OutboxMessage> leased, OutboxMessage updated, CancellationToken ct)
    {
        try
        {
            await store.Outbox.UpdateAsync(updated, leased.ETag, ct);
        }
        catch (ConcurrencyException)
        {
            // The lease expired and another instance took the message; it will record the outcome.
            LogLeaseLost(logger, updated.Id);
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Delivered outbox message {MessageId} to {Platform}")]
    private static partial void LogDelivered(ILogger logger, string messageId, Platform platform);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Outbox message {MessageId} will be retried in {Seconds:0.#} s: {Reason}")]
    private static partial void LogRetry(ILogger logger, string messageId, double seconds, string reason);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Outbox message {MessageId} to {Platform} failed permanently: {Reason}")]
    private static partial void LogFailed(ILogger logger, string messageId, Platform platform, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Warning, Message = "Lost the lease of outbox message {MessageId} before saving its outcome")]
    private static partial void LogLeaseLost(ILogger logger, string messageId);

    [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "Draining the outbox failed; trying again on the next tick")]
    private static partial void LogDrainFailed(ILogger logger, Exception e);
}
