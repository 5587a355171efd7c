using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Logging;
using TriageBot.Core.Ports;

namespace TriageBot.Storage.Tables;

/// <summary>Turns Azure SDK failures into the ports' exceptions, for single calls and for streamed queries.</summary>
internal sealed class TableOps(ILogger logger)
{
    public const int Conflict = 409;
    public const int PreconditionFailed = 412;
    public const int NotFound = 404;

    public async Task<T> RunAsync<T>(string operation, Func<Task<T>> work)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (Exception e) when (Unavailable(operation, e) is { } wrapped)
        {
            throw wrapped;
        }
    }

    public Task RunAsync(string operation, Func<Task> work) =>
        RunAsync<bool>(operation, async () => { await work().ConfigureAwait(false); return true; });

    /// <summary>Streams a query, mapping failures on any page to <see cref="StoreUnavailableException"/>.</summary>
    public async IAsyncEnumerable<T> StreamAsync<T>(string operation, IAsyncEnumerable<T> source, [EnumeratorCancellation] CancellationToken ct)
    {
        var enumerator = source.GetAsyncEnumerator(ct);
        await using (enumerator.ConfigureAwait(false))
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await enumerator.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (Unavailable(operation, e) is { } wrapped)
                {
                    throw wrapped;
                }

                if (!more)
                {
                    yield break;
                }

                yield return enumerator.Current;
            }
        }
    }

    private StoreUnavailableException? Unavailable(string operation, Exception e)
    {
        var status = e switch
        {
            RequestFailedException r => r.Status,
            AggregateException { InnerExceptions: [RequestFailedException r, ..] } => r.Status,
            _ => 0,
        };
        // The SDK's network timeout surfaces as a TaskCanceledException that wraps the cancelled call ("exceeded the configured
        // timeout"); a caller's own cancellation is rethrown bare, without an inner exception, and stays a cancellation.
        if (e is RequestFailedException or AggregateException or AuthenticationFailedException or CredentialUnavailableException or HttpRequestException or IOException
            or OperationCanceledException { InnerException: not null })
        {
            Log.StoreFailed(logger, operation, e.GetType().Name, status);
            return new StoreUnavailableException($"Azure Table Storage failed during {operation} (status {status}): {e.Message}", e);
        }

        return null;
    }
}

/// <summary>
/// Domain JSON in entity properties. One string property holds at most 32K UTF-16 characters, so long JSON is
/// split across <c>Json</c>, <c>Json1</c>, <c>Json2</c>… and never between the halves of a surrogate pair.
/// </summary>
internal static class JsonProperties
{
    public const int ChunkChars = 30_000;
    public const int MaxChunks = 15;
    private const string Name = "Json";
    private const string PartsName = "JsonParts";

    public static void Write(TableEntity entity, string json)
    {
        var chunks = new List<string>();
        var start = 0;
        while (start < json.Length)
        {
            var length = Math.Min(ChunkChars, json.Length - start);
            if (start + length < json.Length && char.IsHighSurrogate(json[start + length - 1]))
            {
                length--;
            }

            chunks.Add(json.Substring(start, length));
            start += length;
        }

        if (chunks.Count > MaxChunks)
        {
            throw new ArgumentException(
                $"A record of {json.Length} JSON characters is too large for one Azure table entity (at most {MaxChunks * ChunkChars}).");
        }

        entity[Name] = chunks.Count == 0 ? "" : chunks[0];
        for (var i = 1; i < chunks.Count; i++)
        {
            entity[Name + i] = chunks[i];
        }

        if (chunks.Count > 1)
        {
            entity[PartsName] = chunks.Count;
        }
    }

    public static string Read(TableEntity entity)
    {
        var parts = entity.GetInt32(PartsName) ?? 1;
        if (parts == 1)
        {
            return entity.GetString(Name) ?? throw new InvalidDataException($"Entity {entity.PartitionKey}/{entity.RowKey} has no Json property.");
        }

        var sb = new System.Text.StringBuilder();
        sb.Append(entity.GetString(Name));
        for (var i = 1; i < parts; i++)
        {
            sb.Append(entity.GetString(Name + i));
        }

        return sb.ToString();
    }

    public static T Read<T>(TableEntity entity) => StoredJson.Deserialize<T>(Read(entity));

    public static TableEntity Entity(string partitionKey, string rowKey, object value)
    {
        var entity = new TableEntity(partitionKey, rowKey);
        Write(entity, StoredJson.Serialize(value));
        return entity;
    }
}
