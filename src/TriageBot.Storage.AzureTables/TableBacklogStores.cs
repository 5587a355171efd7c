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

// Backlogs and who and where they are: settings, members, channel bindings, the ceremony ledger.

internal sealed class TableBacklogStore(TableSet t) : IBacklogStore
{
    private const string Partition = "backlog";

    public Task<Versioned<Backlog>?> GetAsync(string backlogId, CancellationToken ct) =>
        t.Ops.RunAsync("backlogs.get", async () =>
        {
            var response = await t.Backlogs.GetEntityIfExistsAsync<TableEntity>(Partition, KeyCodec.Encode(backlogId), cancellationToken: ct).ConfigureAwait(false);
            return response.HasValue ? new Versioned<Backlog>(JsonProperties.Read<Backlog>(response.Value!), response.Value!.ETag.ToString()) : null;
        });

    public Task<bool> TryCreateAsync(Backlog backlog, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backlog);
        return t.Ops.RunAsync("backlogs.create", async () =>
        {
            try
            {
                await t.Backlogs.AddEntityAsync(ToEntity(backlog), ct).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == TableOps.Conflict)
            {
                return false;
            }
        });
    }

    public Task<Versioned<Backlog>> ReplaceAsync(Backlog backlog, string etag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backlog);
        return t.Ops.RunAsync("backlogs.replace", async () =>
        {
            try
            {
                var response = await t.Backlogs.UpdateEntityAsync(ToEntity(backlog), new ETag(etag), TableUpdateMode.Replace, ct).ConfigureAwait(false);
                return new Versioned<Backlog>(backlog, response.Headers.ETag.GetValueOrDefault().ToString());
            }
            catch (RequestFailedException e) when (e.Status is TableOps.PreconditionFailed or TableOps.NotFound)
            {
                throw new ConcurrencyException($"Backlog '{backlog.Id}' was changed by someone else (or does not exist); read it again.");
            }
        });
    }

    public IAsyncEnumerable<Backlog> ListAsync(CancellationToken ct) =>
        t.Ops.StreamAsync("backlogs.list",
            t.Backlogs.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {Partition}"), maxPerPage: 200, cancellationToken: ct)
                .Select(e => JsonProperties.Read<Backlog>(e)), ct);

    public Task<Backlog?> FindByDashboardTokenAsync(string token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token))
        {
            return Task.FromResult<Backlog?>(null);
        }

        // Backlogs are few: a filtered scan of their one partition is cheap.
        return t.Ops.RunAsync("backlogs.byToken", async () =>
        {
            await foreach (var e in t.Backlogs.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {Partition} and DashboardToken eq {token}"), maxPerPage: 10, cancellationToken: ct).ConfigureAwait(false))
            {
                return JsonProperties.Read<Backlog>(e);
            }

            return (Backlog?)null;
        });
    }

    private static TableEntity ToEntity(Backlog backlog)
    {
        var entity = JsonProperties.Entity(Partition, KeyCodec.Encode(backlog.Id), backlog);
        entity["DashboardToken"] = backlog.DashboardToken;
        return entity;
    }
}

internal sealed class TableMemberStore(TableSet t) : IMemberStore
{
    public Task<Member?> GetAsync(string backlogId, string userKey, CancellationToken ct) =>
        t.Ops.RunAsync("members.get", async () =>
        {
            var r = await t.Members.GetEntityIfExistsAsync<TableEntity>(KeyCodec.Encode(backlogId), KeyCodec.Encode(userKey), cancellationToken: ct).ConfigureAwait(false);
            return r.HasValue ? JsonProperties.Read<Member>(r.Value!) : null;
        });

    /// <summary>
    /// The roster row shares the members' partition, so a member and the roster's new version are written in one entity
    /// group transaction. '!' never occurs in an encoded user key.
    /// </summary>
    internal const string RosterRow = "!roster";

    /// <summary>The ETag a roster has before its first write.</summary>
    private const string NoRoster = "none";

    public Task UpsertAsync(Member member, CancellationToken ct) => WriteAsync(member, null, ct);

    public Task UpsertAsync(Member member, string rosterETag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rosterETag);
        return WriteAsync(member, rosterETag, ct);
    }

    private Task WriteAsync(Member member, string? rosterETag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(member);
        var partition = KeyCodec.Encode(member.BacklogId);
        var roster = new TableEntity(partition, RosterRow) { ["Version"] = Guid.NewGuid().ToString("N") };
        TableTransactionAction rosterAction = rosterETag switch
        {
            null => new(TableTransactionActionType.UpsertReplace, roster),
            NoRoster or "" => new(TableTransactionActionType.Add, roster),
            _ => new(TableTransactionActionType.UpdateReplace, roster, new ETag(rosterETag)),
        };
        return t.Ops.RunAsync(rosterETag is null ? "members.upsert" : "members.upsertIf", async () =>
        {
            try
            {
                await t.Members.SubmitTransactionAsync(
                [
                    new TableTransactionAction(TableTransactionActionType.UpsertReplace, JsonProperties.Entity(partition, KeyCodec.Encode(member.User.Key), member)),
                    rosterAction,
                ], ct).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (rosterETag is not null && e.Status is TableOps.Conflict or TableOps.PreconditionFailed or TableOps.NotFound)
            {
                throw new ConcurrencyException($"The members of backlog '{member.BacklogId}' changed meanwhile; read them again.");
            }
        });
    }

    public async Task<IReadOnlyList<Member>> ListAsync(string backlogId, CancellationToken ct) =>
        (await ListVersionedAsync(backlogId, ct).ConfigureAwait(false)).Value;

    public Task<Versioned<IReadOnlyList<Member>>> ListVersionedAsync(string backlogId, CancellationToken ct) =>
        t.Ops.RunAsync("members.list", async () =>
        {
            var etag = NoRoster;
            var members = new List<Member>();
            await foreach (var entity in t.Members.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {KeyCodec.Encode(backlogId)}"), maxPerPage: 1000, cancellationToken: ct).ConfigureAwait(false))
            {
                if (entity.RowKey == RosterRow)
                {
                    etag = entity.ETag.ToString();
                }
                else
                {
                    members.Add(JsonProperties.Read<Member>(entity));
                }
            }

            return new Versioned<IReadOnlyList<Member>>(members, etag);
        });
}

internal sealed class TableBindingStore(TableSet t) : IBindingStore
{
    public Task<Binding?> GetAsync(Platform platform, string workspace, string channelId, CancellationToken ct) =>
        t.Ops.RunAsync("bindings.get", async () =>
        {
            var r = await t.Bindings.GetEntityIfExistsAsync<TableEntity>(Partition(platform, workspace), KeyCodec.Encode(channelId), cancellationToken: ct).ConfigureAwait(false);
            return r.HasValue ? JsonProperties.Read<Binding>(r.Value!) : null;
        });

    public Task UpsertAsync(Binding binding, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(binding);
        var entity = JsonProperties.Entity(Partition(binding.Address.Platform, binding.Address.Workspace), KeyCodec.Encode(binding.Address.ChannelId), binding);
        entity["BacklogId"] = binding.BacklogId;
        return t.Ops.RunAsync("bindings.upsert", () => t.Bindings.UpsertEntityAsync(entity, TableUpdateMode.Replace, ct));
    }

    public Task<Versioned<Binding>?> GetVersionedAsync(Platform platform, string workspace, string channelId, CancellationToken ct) =>
        t.Ops.RunAsync("bindings.getVersioned", async () =>
        {
            var r = await t.Bindings.GetEntityIfExistsAsync<TableEntity>(Partition(platform, workspace), KeyCodec.Encode(channelId), cancellationToken: ct).ConfigureAwait(false);
            return r.HasValue ? new Versioned<Binding>(JsonProperties.Read<Binding>(r.Value!), r.Value!.ETag.ToString()) : null;
        });

    public Task<Versioned<Binding>> ReplaceAsync(Binding binding, string etag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(binding);
        ArgumentNullException.ThrowIfNull(etag);
        var entity = JsonProperties.Entity(Partition(binding.Address.Platform, binding.Address.Workspace), KeyCodec.Encode(binding.Address.ChannelId), binding);
        entity["BacklogId"] = binding.BacklogId;
        return t.Ops.RunAsync("bindings.replace", async () =>
        {
            try
            {
                var response = await t.Bindings.UpdateEntityAsync(entity, new ETag(etag), TableUpdateMode.Replace, ct).ConfigureAwait(false);
                return new Versioned<Binding>(binding, response.Headers.ETag.GetValueOrDefault().ToString());
            }
            catch (RequestFailedException e) when (e.Status is TableOps.PreconditionFailed or TableOps.NotFound)
            {
                throw new ConcurrencyException($"The binding of {binding.Address.Platform} channel {binding.Address.ChannelId} was changed by someone else (or removed); read it again.");
            }
        });
    }

    // Bindings are few (a handful per backlog), so a filtered scan across workspaces is fine.
    public IAsyncEnumerable<Binding> ListForBacklogAsync(string backlogId, CancellationToken ct) =>
        t.Ops.StreamAsync("bindings.list",
            t.Bindings.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"BacklogId eq {backlogId}"), maxPerPage: 200, cancellationToken: ct)
                .Select(e => JsonProperties.Read<Binding>(e)), ct);

    private static string Partition(Platform platform, string workspace) => KeyCodec.Compose(platform.ToString(), workspace);
}

internal sealed class TableCeremonyLedger(TableSet t) : ICeremonyLedger
{
    public Task<bool> TryClaimAsync(LedgerEntry entry, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var entity = JsonProperties.Entity(KeyCodec.Encode(entry.BacklogId), KeyCodec.Compose(entry.Ceremony.ToString(), entry.Occurrence), entry);
        entity["ScheduledAt"] = entry.ScheduledAt.ToUniversalTime();
        return t.Ops.RunAsync("ledger.claim", async () =>
        {
            try
            {
                await t.Ledger.AddEntityAsync(entity, ct).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == TableOps.Conflict)
            {
                return false;
            }
        });
    }

    public async IAsyncEnumerable<LedgerEntry> ListAsync(string backlogId, DateTimeOffset since, [EnumeratorCancellation] CancellationToken ct)
    {
        // Claims since a point in time are few; sort them by schedule like the SQLite store does.
        var entries = await t.Ops.RunAsync("ledger.list", async () =>
            await t.Ledger.QueryAsync<TableEntity>(
                    TableClient.CreateQueryFilter($"PartitionKey eq {KeyCodec.Encode(backlogId)} and ScheduledAt ge {since}"), maxPerPage: 1000, cancellationToken: ct)
                .Select(e => JsonProperties.Read<LedgerEntry>(e)).ToListAsync(ct).ConfigureAwait(false)).ConfigureAwait(false);
        foreach (var entry in entries.OrderBy(e => e.ScheduledAt).ThenBy(e => e.Ceremony).ThenBy(e => e.Occurrence, StringComparer.Ordinal))
        {
            yield return entry;
        }
    }
}
