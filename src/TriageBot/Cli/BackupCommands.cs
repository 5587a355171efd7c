using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using TriageBot.Core;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Voting;
using TriageBot.Storage;

namespace TriageBot.Cli;

/// <summary><c>backup</c>: the whole backlog as one JSON document (<see cref="BackupFormat"/>), written as it is read.</summary>
internal sealed class BackupCommand(ITriageStore store, CliContext context)
{
    /// <summary>The oldest time Azure Tables can filter on; no ledger entry is older.</summary>
    private static readonly DateTimeOffset Beginning = new(1601, 1, 2, 0, 0, 0, TimeSpan.Zero);

    public async Task<int> RunAsync(string backlogId, string outPath, CancellationToken ct)
    {
        var backlog = (await store.Backlogs.GetAsync(backlogId, ct))?.Value;
        if (backlog is null)
        {
            await context.Error.WriteLineAsync($"There is no backlog '{backlogId}' in this store. Check --backlog and the Storage settings.");
            return ExitCodes.Refused;
        }

        var path = Cli.PathOf(context, outPath);
        var temporary = path + ".partial";
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var file = File.Create(temporary))
        {
            await using var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true });
            await WriteAsync(json, backlog, counts, ct);
        }

        // Only a complete document ever has the requested name.
        File.Move(temporary, path, overwrite: true);
        await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Backed up '{backlogId}' to {path}: {string.Join(", ", counts.Select(c => $"{c.Value} {c.Key}"))}."));
        return ExitCodes.Ok;
    }

    private async Task WriteAsync(Utf8JsonWriter json, Backlog backlog, Dictionary<string, int> counts, CancellationToken ct)
    {
        var id = backlog.Id;
        json.WriteStartObject();
        json.WriteString("format", BackupFormat.Format);
        json.WriteNumber("version", BackupFormat.Version);
        json.WriteString("backlogId", id);
        json.WriteString("exportedAt", context.Time.GetUtcNow());
        json.WritePropertyName("backlog");
        JsonSerializer.Serialize(json, backlog, CoreJson.Options);

        // Every list is put in an order of its own, so the same backlog gives the same bytes from either store.
        var members = (await store.Members.ListAsync(id, ct)).OrderBy(m => m.User.Key, StringComparer.Ordinal);
        await ArrayAsync(json, BackupFormat.Members, members.ToAsyncEnumerable(), counts, ct);

        var bindings = await store.Bindings.ListForBacklogAsync(id, ct).ToListAsync(ct);
        await ArrayAsync(json, BackupFormat.Bindings, bindings
            .OrderBy(b => b.Address.Platform).ThenBy(b => b.Address.Workspace, StringComparer.Ordinal).ThenBy(b => b.Address.ChannelId, StringComparer.Ordinal)
            .ToAsyncEnumerable(), counts, ct);

        var rounds = new List<(int Number, int Rounds)>();
        await ArrayAsync(json, BackupFormat.Items, store.Items.QueryAsync(new ItemQuery(id), ct).Select(item =>
        {
            rounds.Add((item.Number, item.Round));
            return item;
        }), counts, ct);

        await ArrayAsync(json, BackupFormat.History, store.History.ReadAsync(id, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, ct), counts, ct);
        await ArrayAsync(json, BackupFormat.Votes, VotesAsync(id, rounds, ct), counts, ct);

        var ledger = await store.Ledger.ListAsync(id, Beginning, ct).ToListAsync(ct);
        await ArrayAsync(json, BackupFormat.Ledger, ledger
            .OrderBy(e => e.ScheduledAt).ThenBy(e => e.Ceremony).ThenBy(e => e.Occurrence, StringComparer.Ordinal)
            .ToAsyncEnumerable(), counts, ct);
        json.WriteEndObject();
        await json.FlushAsync(ct);
    }

    private async IAsyncEnumerable<Vote> VotesAsync(string backlogId, List<(int Number, int Rounds)> items, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var (number, rounds) in items)
        {
            for (var round = 1; round <= rounds; round++)
            {
                foreach (var vote in (await store.Votes.ListAsync(backlogId, number, round, ct)).OrderBy(v => v.Voter.Key, StringComparer.Ordinal))
                {
                    yield return vote;
                }
            }
        }
    }

    private static async Task ArrayAsync<T>(Utf8JsonWriter json, string name, IAsyncEnumerable<T> values, Dictionary<string, int> counts, CancellationToken ct)
    {
        json.WriteStartArray(name);
        var count = 0;
        await foreach (var value in values.WithCancellation(ct))
        {
            JsonSerializer.Serialize(json, value, CoreJson.Options);
            if (++count % 500 == 0)
            {
                await json.FlushAsync(ct);
            }
        }

        json.WriteEndArray();
        counts[name] = count;
    }
}

/// <summary>
/// <c>restore</c>: reads a backup as a stream and writes it into the configured store, under the same backlog id or a
/// new one. Refused over an existing backlog unless <c>--replace</c>, which deletes that backlog first.
/// </summary>
internal sealed class RestoreCommand(ITriageStore store, CliContext context)
{
    private const int HistoryBatch = 100;

    public async Task<int> RunAsync(string file, string? newId, bool replace, CancellationToken ct)
    {
        var path = Cli.PathOf(context, file);
        if (!File.Exists(path))
        {
            throw new CliUsageException($"restore: the file {path} does not exist.");
        }

        if (store is not IBacklogAdministration admin)
        {
            throw new CliUsageException("restore: this store cannot restore backups.");
        }

        await using var stream = File.OpenRead(path);
        var progress = new Progress(context, "Restoring", stream.Length);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var history = new List<HistoryEntry>(HistoryBatch);
        string? sourceId = null;
        string? targetId = null;
        var version = 0;
        var maxNumber = 0;
        var reported = 0L;
        try
        {
            await foreach (var (section, value) in BackupFormat.ReadAsync(stream, ct))
            {
                switch (section)
                {
                    case "format":
                        if (value.ValueKind != JsonValueKind.String || value.GetString() != BackupFormat.Format)
                        {
                            return await RefuseAsync($"{path} is not a TriageBot backup (its format is not \"{BackupFormat.Format}\").");
                        }

                        break;
                    case "version":
                        version = value.GetInt32();
                        if (version != BackupFormat.Version)
                        {
                            return await RefuseAsync($"{path} is a version {version} backup; this TriageBot reads version {BackupFormat.Version}. Restore it with the TriageBot version that wrote it.");
                        }

                        break;
                    case "backlogId" or "exportedAt":
                        break;
                    case "backlog":
                        if (version != BackupFormat.Version)
                        {
                            return await RefuseAsync($"{path} does not say its format and version before its data; it is not a TriageBot backup.");
                        }

                        var backlog = Read<Backlog>(value);
                        sourceId = backlog.Id;
                        targetId = newId ?? backlog.Id;
                        if (targetId != sourceId)
                        {
                            // A copy must not share the original's dashboard link.
                            backlog = backlog with { Id = targetId, DashboardToken = NewToken() };
                        }

                        if (await store.Backlogs.GetAsync(targetId, ct) is not null)
                        {
                            if (!replace)
                            {
                                return await RefuseAsync($"A backlog '{targetId}' already exists in this store. Restore under another id with --backlog NEW-ID, or add --replace to delete it and restore the backup in its place.");
                            }

                            await admin.DeleteBacklogAsync(targetId, ct);
                        }

                        if (!await store.Backlogs.TryCreateAsync(backlog, ct))
                        {
                            return await RefuseAsync($"A backlog '{targetId}' was created while the restore ran; run it again.");
                        }

                        break;
                    case BackupFormat.Members:
                        var member = Read<Member>(RequireBacklog(targetId, value));
                        await store.Members.UpsertAsync(member with { BacklogId = targetId! }, ct);
                        break;
                    case BackupFormat.Bindings:
                        // A channel is bound to one backlog: a copy under a new id leaves the original's channels alone.
                        if (targetId == sourceId)
                        {
                            await store.Bindings.UpsertAsync(Read<Binding>(RequireBacklog(targetId, value)), ct);
                        }
                        else
                        {
                            counts["bindings skipped"] = counts.GetValueOrDefault("bindings skipped") + 1;
                            continue;
                        }

                        break;
                    case BackupFormat.Items:
                        var item = Read<Item>(RequireBacklog(targetId, value)) with { BacklogId = targetId! };
                        await store.Writes.WriteAsync(new ItemWrite { Item = item, Events = ItemEvents.Restored(item, new UserRef(Platform.Playground, "restore", "Restore from backup"), context.Time.GetUtcNow()) }, ct);
                        maxNumber = Math.Max(maxNumber, item.Number);
                        break;
                    case BackupFormat.History:
                        history.Add(Read<HistoryEntry>(RequireBacklog(targetId, value)) with { BacklogId = targetId! });
                        if (history.Count == HistoryBatch)
                        {
                            await store.History.AppendAsync(history, ct);
                            history.Clear();
                        }

                        break;
                    case BackupFormat.Votes:
                        await store.Votes.UpsertAsync(Read<Vote>(RequireBacklog(targetId, value)) with { BacklogId = targetId! }, ct);
                        break;
                    case BackupFormat.Ledger:
                        await store.Ledger.TryClaimAsync(Read<LedgerEntry>(RequireBacklog(targetId, value)) with { BacklogId = targetId! }, ct);
                        break;
                    default:
                        // A later minor addition this version does not know: skip it rather than fail.
                        continue;
                }

                counts[section] = counts.GetValueOrDefault(section) + 1;
                if (stream.Position - reported > stream.Length / 20)
                {
                    reported = stream.Position;
                    await progress.ReportAsync(stream.Position);
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or InvalidOperationException or FormatException)
        {
            await context.Error.WriteLineAsync($"{path} could not be read: {e.Message}");
            if (targetId is not null)
            {
                await context.Error.WriteLineAsync($"The backlog '{targetId}' is incomplete; run the restore again with --replace once the file is fixed.");
            }

            return ExitCodes.Refused;
        }

        if (targetId is null)
        {
            return await RefuseAsync($"{path} holds no backlog.");
        }

        await store.History.AppendAsync(history, ct);
        if (maxNumber > 0)
        {
            await admin.RaiseItemCounterAsync(targetId, maxNumber, ct);
        }

        await progress.ReportAsync(stream.Length);
        await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Restored '{targetId}' from {path}: {string.Join(", ", counts.Where(c => c.Key is not ("format" or "version" or "backlogId" or "exportedAt")).Select(c => $"{c.Value} {c.Key}"))}."));
        return ExitCodes.Ok;
    }

    private static JsonElement RequireBacklog(string? targetId, JsonElement value) =>
        targetId is null ? throw new InvalidDataException("The backup lists records before its backlog.") : value;

    private static T Read<T>(JsonElement value) =>
        value.Deserialize<T>(CoreJson.Options) ?? throw new InvalidDataException($"A {typeof(T).Name} in the backup is null.");

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    private async Task<int> RefuseAsync(string message)
    {
        await context.Error.WriteLineAsync(message);
        return ExitCodes.Refused;
    }
}
