using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using TriageBot.Core.Backlogs;
using TriageBot.Core.DataTransfer;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Storage;

namespace TriageBot.Cli;

/// <summary>
/// <c>import</c>: reads the whole file and checks every row first (Core's input rules, the column formats, the gates),
/// reports every bad row with its line number, and writes nothing unless all rows are good. Rows are matched to
/// existing items by key or import id, so importing the same file twice creates nothing the second time.
/// </summary>
internal sealed class CsvImport(ITriageStore store, IBacklogAdministration admin, CliContext context)
{
    /// <summary>Who imported items are attributed to in history.</summary>
    public static readonly UserRef Importer = new(Platform.Playground, "import", "CSV import");

    private sealed record Planned(int Line, RowIdentity Identity, ParsedItemRow Row, Item? Existing);

    public async Task<int> RunAsync(string file, string backlogId, bool dryRun, CancellationToken ct)
    {
        var path = Cli.PathOf(context, file);
        if (!File.Exists(path))
        {
            throw new CliUsageException($"import: the file {path} does not exist.");
        }

        var backlog = (await store.Backlogs.GetAsync(backlogId, ct))?.Value;
        if (backlog is null)
        {
            await context.Error.WriteLineAsync($"There is no backlog '{backlogId}' in this store. Create it with `setup` in chat (or restore a backup) first, or check --backlog and the Storage settings.");
            return ExitCodes.Refused;
        }

        var byNumber = new Dictionary<int, Item>();
        var byImportId = new Dictionary<string, Item>(StringComparer.Ordinal);
        await foreach (var item in store.Items.QueryAsync(new ItemQuery(backlogId), ct))
        {
            byNumber[item.Number] = item;
            if (item.ImportId is { } id)
            {
                byImportId[id] = item;
            }
        }

        var (plan, errors) = await CheckAsync(path, backlog, byNumber, byImportId, ct);
        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                await context.Error.WriteLineAsync(error);
            }

            await context.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Nothing was imported: {errors.Count} problem(s) in {Path.GetFileName(path)}. Fix them and run the import again."));
            return ExitCodes.Refused;
        }

        var now = context.Time.GetUtcNow();
        var reason = $"imported from {Path.GetFileName(path)}";
        var changes = plan.Select(p => (p, Change: p.Existing is null ? null : ItemRows.Update(p.Existing, p.Row, Importer, now, $"{reason}, line {p.Line}"))).ToList();
        var creating = changes.Count(c => c.p.Existing is null);
        var updating = changes.Count(c => c.Change is { Changed: true });
        var unchanged = changes.Count - creating - updating;
        if (dryRun)
        {
            await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Dry run: all {plan.Count} rows are valid; the import would create {creating}, update {updating} and leave {unchanged} unchanged."));
            return ExitCodes.Ok;
        }

        // Rows with the backlog's own key keep their numbers; the counter moves past them before any other row takes one.
        var highest = plan.Where(p => p.Existing is null).Select(p => p.Identity).OfType<RowIdentity.Number>().Select(n => n.Value).DefaultIfEmpty(0).Max();
        if (highest > 0)
        {
            await admin.RaiseItemCounterAsync(backlogId, highest, ct);
        }

        var progress = new Progress(context, "Importing", changes.Count);
        var done = 0;
        foreach (var (p, change) in changes)
        {
            if (p.Existing is null)
            {
                var number = p.Identity is RowIdentity.Number n ? n.Value : await store.Items.AllocateNumberAsync(backlogId, ct);
                var importId = p.Identity is RowIdentity.External e ? e.Value : null;
                var created = ItemRows.Create(p.Row, backlog, number, importId, Importer, now, $"{reason}, line {p.Line}");
                await store.Writes.WriteAsync(ItemWrite.Created(created.Item, created.History, Importer, now), ct);
            }
            else if (change is { Changed: true })
            {
                await store.Writes.WriteAsync(ItemWrite.Changed(p.Existing, await ETagOfAsync(p.Existing, ct), change, Importer, now), ct);
            }

            await progress.ReportAsync(++done);
        }

        await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"Imported {plan.Count} rows into '{backlogId}': {creating} created, {updating} updated, {unchanged} unchanged."));
        return ExitCodes.Ok;
    }

    private async Task<string> ETagOfAsync(Item existing, CancellationToken ct)
    {
        var current = await store.Items.GetAsync(existing.BacklogId, existing.Number, ct);
        if (current is null || current.Value.HistoryCount != existing.HistoryCount)
        {
            throw new ConcurrencyException($"{existing.Key} changed while the import ran; run the import again.");
        }

        return current.ETag;
    }

    private async Task<(List<Planned> Plan, List<string> Errors)> CheckAsync(
        string path, Backlog backlog, Dictionary<int, Item> byNumber, Dictionary<string, Item> byImportId, CancellationToken ct)
    {
        var plan = new List<Planned>();
        var errors = new List<string>();
        var seen = new Dictionary<RowIdentity, int>();
        var badData = new List<string>();
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            BadDataFound = args => badData.Add("a quote inside a field that is not quoted (wrap the field in double quotes and double the inner quotes)"),
            MissingFieldFound = null,
            HeaderValidated = null,
            DetectColumnCountChanges = false,
        };

        await using var stream = File.OpenRead(path);
        if (await Utf8Check.FirstProblemAsync(stream, ct) is { } encoding)
        {
            errors.Add(encoding);
            return (plan, errors);
        }

        stream.Position = 0;
        using var reader = new StreamReader(stream, Utf8Check.Strict, detectEncodingFromByteOrderMarks: false);
        using var csv = new CsvReader(reader, config);
        if (!await csv.ReadAsync() || !csv.ReadHeader() || csv.HeaderRecord is not { Length: > 0 } header)
        {
            errors.Add("line 1: the file is empty; the first line must name the columns (at least title and stream).");
            return (plan, errors);
        }

        var columns = header.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        foreach (var unknown in columns.Where(c => !ItemColumns.All.Contains(c)))
        {
            errors.Add($"line 1: unknown column \"{unknown}\". Known columns: {string.Join(", ", ItemColumns.All)}.");
        }

        foreach (var duplicate in columns.GroupBy(c => c).Where(g => g.Count() > 1))
        {
            errors.Add($"line 1: the column \"{duplicate.Key}\" appears {duplicate.Count()} times.");
        }

        foreach (var required in new[] { ItemColumns.Title, ItemColumns.Stream }.Where(r => !columns.Contains(r)))
        {
            errors.Add($"line 1: the column \"{required}\" is missing; every row needs it.");
        }

        if (errors.Count > 0)
        {
            return (plan, errors);
        }

        var progress = new Progress(context, "Checking", stream.Length);
        var previousRawRow = csv.Parser.RawRow;
        while (await csv.ReadAsync())
        {
            ct.ThrowIfCancellationRequested();
            var line = previousRawRow + 1;
            previousRawRow = csv.Parser.RawRow;
            var fields = csv.Parser.Record ?? [];
            if (fields.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            foreach (var problem in badData)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"line {line}: {problem}."));
            }

            badData.Clear();
            if (fields.Length > columns.Length)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"line {line}: {fields.Length} fields, but the header names {columns.Length} columns."));
                continue;
            }

            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < fields.Length; i++)
            {
                values[columns[i]] = ItemRows.Unguard(fields[i]);
            }

            var identity = ItemRows.IdentityOf(values, backlog);
            if (seen.TryGetValue(identity, out var firstLine))
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"line {line}: the same item as line {firstLine} ({Describe(identity)}); each item may appear once."));
                continue;
            }

            seen[identity] = line;
            var existing = identity switch
            {
                RowIdentity.Number n => byNumber.GetValueOrDefault(n.Value),
                RowIdentity.External e => byImportId.GetValueOrDefault(e.Value),
                _ => null,
            };

            // An existing item keeps what the file does not mention: start from its row and lay the file's columns over it.
            var merged = existing is null ? values : Overlay(ItemRows.ToRow(existing), values);
            var (row, rowErrors) = ItemRows.Parse(merged, backlog);
            foreach (var error in rowErrors)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture, $"line {line}: {error}"));
            }

            if (row is not null && existing is not null && row.Stream != existing.Stream)
            {
                errors.Add(string.Create(CultureInfo.InvariantCulture,
                    $"line {line}: stream: {existing.Key} is a {ItemValidation.StreamName(existing.Stream)} item; an import cannot change its stream."));
                continue;
            }

            if (row is not null)
            {
                plan.Add(new Planned(line, identity, row, existing));
            }

            await progress.ReportAsync(stream.Position);
        }

        await progress.ReportAsync(stream.Length);
        return (plan, errors);
    }

    private static Dictionary<string, string> Overlay(IReadOnlyDictionary<string, string> existing, Dictionary<string, string> file)
    {
        var merged = new Dictionary<string, string>(existing, StringComparer.Ordinal);
        foreach (var (column, value) in file)
        {
            // The key and import id only find the item; they never rename it.
            if (column is not (ItemColumns.Key or ItemColumns.ImportId))
            {
                merged[column] = value;
            }
        }

        return merged;
    }

    private static string Describe(RowIdentity identity) => identity switch
    {
        RowIdentity.Number n => string.Create(CultureInfo.InvariantCulture, $"item number {n.Value}"),
        RowIdentity.External e when e.Value.StartsWith("row:", StringComparison.Ordinal) => "same stream, title, description and created date",
        RowIdentity.External e => $"key or import id \"{e.Value}\"",
        _ => "?",
    };
}
