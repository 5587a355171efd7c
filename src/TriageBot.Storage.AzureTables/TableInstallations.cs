using Azure;
using Azure.Data.Tables;
using TriageBot.Core.Ports;

namespace TriageBot.Storage.Tables;

/// <summary>
/// Installations in table <c>Installations</c> (partition: the encoded key, one row; tokens sealed by the channel inside
/// the JSON) and one-use OAuth state marks in <c>OAuthStates</c> (partition: the nonce; the insert that wins uses it).
/// </summary>
internal sealed class TableInstallations(TableSet t) : IInstallationStore
{
    private const string Row = "installation";
    private const string StateRow = "state";

    public Task<Versioned<Installation>?> GetAsync(string key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        return t.Ops.RunAsync<Versioned<Installation>?>("installations.get", async () =>
        {
            var r = await t.Installations.GetEntityIfExistsAsync<TableEntity>(KeyCodec.Encode(key), Row, cancellationToken: ct).ConfigureAwait(false);
            return r.HasValue ? new Versioned<Installation>(JsonProperties.Read<Installation>(r.Value!), r.Value!.ETag.ToString()) : null;
        });
    }

    public Task SaveAsync(Installation installation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(installation);
        return t.Ops.RunAsync("installations.save", () =>
            t.Installations.UpsertEntityAsync(JsonProperties.Entity(KeyCodec.Encode(installation.Key), Row, installation), TableUpdateMode.Replace, ct));
    }

    public Task<Versioned<Installation>?> TryReplaceAsync(Installation installation, string etag, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(installation);
        ArgumentNullException.ThrowIfNull(etag);
        return t.Ops.RunAsync<Versioned<Installation>?>("installations.replace", async () =>
        {
            try
            {
                var entity = JsonProperties.Entity(KeyCodec.Encode(installation.Key), Row, installation);
                var response = await t.Installations.UpdateEntityAsync(entity, new ETag(etag), TableUpdateMode.Replace, ct).ConfigureAwait(false);
                return new Versioned<Installation>(installation, response.Headers.ETag.GetValueOrDefault().ToString());
            }
            catch (RequestFailedException e) when (e.Status is TableOps.PreconditionFailed or TableOps.NotFound)
            {
                return null;
            }
        });
    }

    public Task<bool> DeleteAsync(string key, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        return t.Ops.RunAsync("installations.delete", async () =>
        {
            try
            {
                // The SDK answers a missing entity with its 404 response rather than an exception.
                var response = await t.Installations.DeleteEntityAsync(KeyCodec.Encode(key), Row, ETag.All, ct).ConfigureAwait(false);
                return response.Status != TableOps.NotFound;
            }
            catch (RequestFailedException e) when (e.Status == TableOps.NotFound)
            {
                return false;
            }
        });
    }

    public Task<bool> TryUseOnceAsync(string nonce, DateTimeOffset expiresAt, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(nonce);
        return t.Ops.RunAsync("oauth_states.use", async () =>
        {
            try
            {
                await t.OAuthStates.AddEntityAsync(new TableEntity(KeyCodec.Encode(nonce), StateRow) { ["ExpiresAt"] = expiresAt }, ct).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == TableOps.Conflict)
            {
                return false;
            }
        });
    }

    public IAsyncEnumerable<Versioned<Installation>> ListAsync(CancellationToken ct) =>
        t.Ops.StreamAsync("installations.list",
            t.Installations.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {Row}"), maxPerPage: 1000, cancellationToken: ct)
                .Select(e => new Versioned<Installation>(JsonProperties.Read<Installation>(e), e.ETag.ToString())), ct);
}
