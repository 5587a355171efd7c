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
        // The document holds the dashboard token: readable by its owner only, from the moment it exists (a leftover partial
        // file from an earlier run, perhaps with wider permissions, is replaced rather than reused).
        File.Delete(temporary);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var file = new FileStream(temporary, options))
        {
            await using (var json = new Utf8JsonWriter(file, new JsonWriterOptions { Indented = true }))
            {
                await WriteAsync(json, backlog, counts, ct);
            }

            // On disk before it takes the real name: a crash after the rename never leaves a name on an empty or partial file.
            file.Flush(flushToDisk: true);
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
/// <c>restore</c>: checks the whole backup first (<see cref="BackupCheck"/>) and writes nothing unless all of it is good;
/// then reads it again and hands it to the store, which puts it in place all or nothing
/// (<see cref="IBacklogAdministration.RestoreAsync"/>), under the same backlog id or a new one. Refused over an existing
/// backlog unless <c>--replace</c>, and refused when a channel of the backup is bound to another backlog.
/// </summary>
internal sealed class RestoreCommand(ITriageStore store, IBacklogAdministration admin, CliContext context)
{
    public async Task<int> RunAsync(string file, string? newId, bool replace, CancellationToken ct)
    {
        var path = Cli.PathOf(context, file);
        if (!File.Exists(path))
        {
            throw new CliUsageException($"restore: the file {path} does not exist.");
        }

        // Others may read the file meanwhile, not change it.
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        var checking = new Progress(context, "Checking", stream.Length);
        BackupCheck check;
        try
        {
            check = await BackupCheck.ReadAsync(stream, path, position => checking.ReportAsync(position), ct);
        }
        catch (BackupInvalidException e)
        {
            await context.Error.WriteLineAsync(e.Message);
            return await RefuseAsync("Nothing was changed: the backup has the problems above. Restore an intact backup, or fix the file.");
        }

        await checking.ReportAsync(stream.Length);
        var sourceId = check.Backlog.Id;
        var targetId = newId ?? sourceId;
        var backlog = check.Backlog;
        if (targetId != sourceId)
        {
            // A copy must not share the original's dashboard link.
            backlog = backlog with { Id = targetId, DashboardToken = NewToken() };
        }

        if (!replace && await store.Backlogs.GetAsync(targetId, ct) is not null)
        {
            return await RefuseAsync($"A backlog '{targetId}' already exists in this store. Restore under another id with --backlog NEW-ID, or add --replace to replace it with the backup (all or nothing).");
        }

        // A channel is bound to one backlog: a copy under a new id leaves the original's channels alone, and a restore never
        // takes over a channel that another backlog uses.
        var bindings = targetId == sourceId ? check.Bindings.Select(b => b with { BacklogId = targetId }).ToList() : [];
        for (var i = 0; i < bindings.Count; i++)
        {
            var a = bindings[i].Address;
            if (await store.Bindings.GetAsync(a.Platform, a.Workspace, a.ChannelId, ct) is { } current && current.BacklogId != targetId)
            {
                return await RefuseAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{path}: bindings[{i}]: the channel {a.Platform} {a.Workspace}/{a.ChannelId} is bound to another backlog, '{current.BacklogId}'; a restore does not take it over. Nothing was changed."));
            }
        }

        stream.Position = 0;
        var restoring = new Progress(context, "Restoring", stream.Length);
        try
        {
            await admin.RestoreAsync(new BacklogRestore
            {
                Backlog = backlog,
                Members = [.. check.Members.Select(m => m with { BacklogId = targetId })],
                Bindings = bindings,
                Counter = check.MaxNumber,
                Records = RecordsAsync(stream, check, targetId, restoring, context.Time.GetUtcNow(), ct),
                Replace = replace,
            }, ct);
        }
        catch (RestoreRefusedException e)
        {
            return await RefuseAsync(e.Message + " Nothing was changed.");
        }

        await restoring.ReportAsync(stream.Length);
        var counts = BackupCheck.Sections.Select(s => (Name: s, Count: s == BackupFormat.Bindings ? bindings.Count : check.Counts.GetValueOrDefault(s)))
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Count} {c.Name}"));
        var skipped = check.Bindings.Count - bindings.Count;
        await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Restored '{targetId}' from {path}: {string.Join(", ", counts)}{(skipped > 0 ? $", {skipped} bindings skipped (they stay with '{sourceId}')" : "")}."));
        return ExitCodes.Ok;
    }

    /// <summary>Who a restored item's event names.</summary>
    private static readonly UserRef Restorer = new(Platform.Playground, "restore", "Restore from backup");

    /// <summary>
    /// The second pass: the checked file's items, history, votes and ledger entries, under the target id, and after each
    /// item its <see cref="ItemEventKind.Restored"/> event, stored in the same unit as the item (the one write path's events).
    /// </summary>
    private static async IAsyncEnumerable<object> RecordsAsync(Stream stream, BackupCheck check, string targetId, Progress progress, DateTimeOffset restoredAt,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var reported = 0L;
        await foreach (var (section, value) in BackupFormat.ReadAsync(stream, ct))
        {
            object? record = section switch
            {
                BackupFormat.Items => BackupCheck.Record<Item>(value) with { BacklogId = targetId },
                BackupFormat.History => BackupCheck.Record<HistoryEntry>(value) with { BacklogId = targetId },
                BackupFormat.Votes => BackupCheck.Record<Vote>(value) with { BacklogId = targetId },
                BackupFormat.Ledger => BackupCheck.Record<LedgerEntry>(value) with { BacklogId = targetId },
                _ => null,
            };
            if (record is null)
            {
                continue;
            }

            counts[section] = counts.GetValueOrDefault(section) + 1;
            yield return record;
            if (record is Item item)
            {
                foreach (var e in ItemEvents.Restored(item, Restorer, restoredAt))
                {
                    yield return e;
                }
            }
            if (stream.Position - reported > stream.Length / 20)
            {
                reported = stream.Position;
                await progress.ReportAsync(stream.Position);
            }
        }

        foreach (var section in new[] { BackupFormat.Items, BackupFormat.History, BackupFormat.Votes, BackupFormat.Ledger })
        {
            if (counts.GetValueOrDefault(section) != check.Counts.GetValueOrDefault(section))
            {
                // Fails the store's all-or-nothing write, so nothing of this read is kept.
                throw new InvalidDataException($"The backup changed while it was restored ({section}); nothing was changed. Run the restore again.");
            }
        }
    }

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');

    private async Task<int> RefuseAsync(string message)
    {
        await context.Error.WriteLineAsync(message);
        return ExitCodes.Refused;
    }
}
