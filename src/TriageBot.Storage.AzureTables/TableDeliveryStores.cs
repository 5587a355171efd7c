using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Voting;

namespace TriageBot.Storage.Tables;

// What comes in and goes out: the inbox of platform deliveries, the outbox, and the platform ids of posted messages.

internal sealed class TableInbox(TableSet t) : IInbox
{
    /// <summary>
    /// Partitioned by platform and UTC day, so old days can be dropped wholesale. A retry that arrives just
    /// after midnight is still caught: the previous day's partition is checked too.
    /// </summary>
    public Task<bool> TryRecordAsync(Platform platform, string deliveryId, DateTimeOffset at, CancellationToken ct)
    {
        var rowKey = KeyCodec.Encode(deliveryId);
        return t.Ops.RunAsync("inbox.record", async () =>
        {
            var earlier = await t.Inbox.GetEntityIfExistsAsync<TableEntity>(Partition(platform, at.AddDays(-1)), rowKey, cancellationToken: ct).ConfigureAwait(false);
            if (earlier.HasValue)
            {
                return false;
            }

            try
            {
                await t.Inbox.AddEntityAsync(new TableEntity(Partition(platform, at), rowKey) { ["RecordedAt"] = at.ToUniversalTime() }, ct).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == TableOps.Conflict)
            {
                return false;
            }
        });
    }

    public Task ForgetAsync(Platform platform, string deliveryId, DateTimeOffset at, CancellationToken ct)
    {
        var rowKey = KeyCodec.Encode(deliveryId);
        return t.Ops.RunAsync("inbox.forget", async () =>
        {
            // Deleting a missing row is not an error.
            await t.Inbox.DeleteEntityAsync(Partition(platform, at), rowKey, ETag.All, ct).ConfigureAwait(false);
            await t.Inbox.DeleteEntityAsync(Partition(platform, at.AddDays(-1)), rowKey, ETag.All, ct).ConfigureAwait(false);
        });
    }

    public Task MarkHandledAsync(Platform platform, string deliveryId, DateTimeOffset recordedAt, CancellationToken ct)
    {
        var entity = new TableEntity(Partition(platform, recordedAt), KeyCodec.Encode(deliveryId)) { ["Handled"] = true };
        return t.Ops.RunAsync("inbox.handled", async () =>
        {
            try
            {
                // Merge into the row only if it is still there (ETag *): a forgotten delivery stays forgotten.
                await t.Inbox.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == TableOps.NotFound)
            {
                // Forgotten meanwhile.
            }
        });
    }

    public Task<InboxRecord?> GetAsync(Platform platform, string deliveryId, DateTimeOffset at, CancellationToken ct)
    {
        var rowKey = KeyCodec.Encode(deliveryId);
        return t.Ops.RunAsync("inbox.get", async () =>
        {
            foreach (var day in new[] { at, at.AddDays(-1) })
            {
                var row = await t.Inbox.GetEntityIfExistsAsync<TableEntity>(Partition(platform, day), rowKey, cancellationToken: ct).ConfigureAwait(false);
                if (row.HasValue)
                {
                    return new InboxRecord(row.Value!.GetDateTimeOffset("RecordedAt") ?? day, row.Value.GetBoolean("Handled") ?? false);
                }
            }

            return (InboxRecord?)null;
        });
    }

    private static string Partition(Platform platform, DateTimeOffset at) =>
        platform.ToString() + KeyCodec.Separator + at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
}

internal sealed class TableOutbox(TableSet t) : IOutbox
{
    private const int Shards = 8;

    public Task EnqueueAsync(OutboxMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        return t.Ops.RunAsync("outbox.enqueue", async () =>
        {
            try
            {
                await t.Outbox.AddEntityAsync(ToEntity(message), ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status == TableOps.Conflict)
            {
                throw new DuplicateKeyException($"Outbox message '{message.Id}' is already queued.");
            }
        });
    }

    /// <summary>
    /// Reads due pending rows and takes each with a conditional write on the ETag it was read with: of two
    /// workers that read the same row, only one write succeeds; the loser skips the row.
    /// </summary>
    public Task<IReadOnlyList<Versioned<OutboxMessage>>> LeaseAsync(string owner, DateTimeOffset now, TimeSpan leaseFor, int max, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return t.Ops.RunAsync<IReadOnlyList<Versioned<OutboxMessage>>>("outbox.lease", async () =>
        {
            var leased = new List<Versioned<OutboxMessage>>();
            if (max <= 0)
            {
                return leased;
            }

            var due = t.Outbox.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"Status eq {nameof(OutboxStatus.Pending)} and NextAttemptAt le {now}"), maxPerPage: Math.Clamp(max * 2, 10, 1000), cancellationToken: ct);
            await foreach (var entity in due.ConfigureAwait(false))
            {
                var leaseOwner = entity.GetString("LeaseOwner");
                var leaseUntil = entity.GetDateTimeOffset("LeaseUntil");
                if (leaseUntil > now && leaseOwner != owner)
                {
                    continue;
                }

                entity["LeaseOwner"] = owner;
                entity["LeaseUntil"] = (now + leaseFor).ToUniversalTime();
                try
                {
                    var response = await t.Outbox.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, ct).ConfigureAwait(false);
                    leased.Add(new Versioned<OutboxMessage>(Read(entity), response.Headers.ETag.GetValueOrDefault().ToString()));
                }
                catch (RequestFailedException e) when (e.Status is TableOps.PreconditionFailed or TableOps.NotFound)
                {
                    continue;
                }

                if (leased.Count >= max)
                {
                    break;
                }
            }

            return leased;
        });
    }

    public Task<Versioned<OutboxMessage>> UpdateAsync(OutboxMessage message, string etag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        return t.Ops.RunAsync("outbox.update", async () =>
        {
            try
            {
                var response = await t.Outbox.UpdateEntityAsync(ToEntity(message), new ETag(etag), TableUpdateMode.Replace, ct).ConfigureAwait(false);
                return new Versioned<OutboxMessage>(message, response.Headers.ETag.GetValueOrDefault().ToString());
            }
            catch (RequestFailedException e) when (e.Status is TableOps.PreconditionFailed or TableOps.NotFound)
            {
                throw new ConcurrencyException($"Outbox message '{message.Id}' was changed by someone else: its lease was lost.");
            }
        });
    }

    public Task<int> CountPendingAsync(CancellationToken ct) =>
        t.Ops.RunAsync("outbox.count", async () =>
            await t.Outbox.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Status eq {nameof(OutboxStatus.Pending)}"), maxPerPage: 1000,
                select: ["PartitionKey"], cancellationToken: ct).CountAsync(ct).ConfigureAwait(false));

    public Task<IReadOnlyList<OutboxMessage>> ListFailedAsync(DateTimeOffset since, CancellationToken ct) =>
        t.Ops.RunAsync<IReadOnlyList<OutboxMessage>>("outbox.failed", async () =>
            (await t.Outbox.QueryAsync<TableEntity>(
                    TableClient.CreateQueryFilter($"Status eq {nameof(OutboxStatus.Failed)} and CreatedAt ge {since}"), maxPerPage: 1000, cancellationToken: ct)
                .Take(1000).Select(Read).ToListAsync(ct).ConfigureAwait(false))
            .OrderBy(m => m.CreatedAt).ToList());

    private static string Shard(string id)
    {
        // A stable hash (string.GetHashCode is randomized per process) spreads messages over a few partitions.
        uint hash = 2166136261;
        foreach (var c in id)
        {
            hash = (hash ^ c) * 16777619;
        }

        return "s" + (hash % Shards).ToString(CultureInfo.InvariantCulture);
    }

    private static TableEntity ToEntity(OutboxMessage m)
    {
        var entity = JsonProperties.Entity(Shard(m.Id), KeyCodec.Encode(m.Id), m);
        entity["Status"] = m.Status.ToString();
        entity["NextAttemptAt"] = m.NextAttemptAt.ToUniversalTime();
        entity["CreatedAt"] = m.CreatedAt.ToUniversalTime();
        if (m.LeaseOwner is not null)
        {
            entity["LeaseOwner"] = m.LeaseOwner;
        }

        if (m.LeaseUntil is { } until)
        {
            entity["LeaseUntil"] = until.ToUniversalTime();
        }

        return entity;
    }

    // The lease properties are the truth: LeaseAsync changes them without rewriting the JSON.
    private static OutboxMessage Read(TableEntity e) => JsonProperties.Read<OutboxMessage>(e) with
    {
        LeaseOwner = e.GetString("LeaseOwner"),
        LeaseUntil = e.GetDateTimeOffset("LeaseUntil"),
    };
}

internal sealed class TableMessageRefStore(TableSet t) : IMessageRefStore
{
    private const string Row = "ref";

    private sealed record Stored(ConversationAddress Where, string PlatformMessageId);

    public Task SetAsync(string messageRef, ConversationAddress where, string platformMessageId, CancellationToken ct) =>
        t.Ops.RunAsync("refs.set", () => t.MessageRefs.UpsertEntityAsync(
            JsonProperties.Entity(KeyCodec.Encode(messageRef), Row, new Stored(where, platformMessageId)), TableUpdateMode.Replace, ct));

    public Task<(ConversationAddress Where, string PlatformMessageId)?> GetAsync(string messageRef, CancellationToken ct) =>
        t.Ops.RunAsync<(ConversationAddress, string)?>("refs.get", async () =>
        {
            var r = await t.MessageRefs.GetEntityIfExistsAsync<TableEntity>(KeyCodec.Encode(messageRef), Row, cancellationToken: ct).ConfigureAwait(false);
            if (!r.HasValue)
            {
                return null;
            }

            var stored = JsonProperties.Read<Stored>(r.Value!);
            return (stored.Where, stored.PlatformMessageId);
        });
}
