using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using TriageBot.Core;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Voting;

namespace TriageBot.Cli;

/// <summary>What is wrong with a backup file: the section, the entry, and the problem; nothing has been written.</summary>
public sealed class BackupInvalidException(string message) : Exception(message);

/// <summary>
/// The first pass of a restore: reads the whole backup and checks everything before anything is written — the order and
/// shape of the sections, every record (its JSON, its enums, its required values, the backlog it names), duplicate keys,
/// item numbers (which become the item counter), history and votes that name unknown items or rounds, and bindings.
/// Keeps only keys and the small sections, so a backup of any size is checked in little memory.
/// </summary>
internal sealed class BackupCheck
{
    /// <summary>The data sections, in the order a backup writes them.</summary>
    public static readonly string[] Sections = [BackupFormat.Members, BackupFormat.Bindings, BackupFormat.Items, BackupFormat.History, BackupFormat.Votes, BackupFormat.Ledger];

    private const int MaxReported = 20;

    public Backlog Backlog { get; private set; } = null!;
    public List<Member> Members { get; } = [];
    public List<Binding> Bindings { get; } = [];
    /// <summary>Item number → its last round.</summary>
    public Dictionary<int, int> Items { get; } = [];
    public Dictionary<string, int> Counts { get; } = new(StringComparer.Ordinal);
    public int MaxNumber => Items.Count == 0 ? 0 : Items.Keys.Max();

    private readonly List<string> _problems = [];
    private readonly HashSet<string> _members = new(StringComparer.Ordinal);
    private readonly HashSet<(Platform, string, string)> _bindings = [];
    private readonly HashSet<(int, int, string)> _votes = [];
    private readonly HashSet<(Core.Ceremonies.CeremonyKind, string)> _ledger = [];
    private string? _declaredId;
    private int _version;
    private bool _format;
    private int _section = -1;

    /// <summary>Reads the whole stream; throws <see cref="BackupInvalidException"/> listing the problems (at most 20) if there are any.</summary>
    public static async Task<BackupCheck> ReadAsync(Stream stream, string path, Func<long, Task> progress, CancellationToken ct)
    {
        var check = new BackupCheck();
        var indexes = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            await foreach (var (section, value) in BackupFormat.ReadAsync(stream, ct))
            {
                var index = indexes[section] = indexes.TryGetValue(section, out var i) ? i + 1 : 0;
                check.Add(section, index, value);
                if (check._problems.Count >= MaxReported)
                {
                    break;
                }

                await progress(stream.Position);
            }
        }
        catch (InvalidDataException e)
        {
            check._problems.Add(e.Message);
        }

        if (check._problems.Count == 0 && check.Backlog is null)
        {
            check._problems.Add("backlog: the file holds no backlog.");
        }

        if (check._problems.Count > 0)
        {
            throw new BackupInvalidException(string.Join(Environment.NewLine, check._problems.Select(p => $"{path}: {p}")));
        }

        return check;
    }

    private void Problem(string text) => _problems.Add(text);

    private void Add(string section, int index, JsonElement value)
    {
        switch (section)
        {
            case "format":
                if (value.ValueKind != JsonValueKind.String || value.GetString() != BackupFormat.Format)
                {
                    throw new InvalidDataException($"format: this is not a TriageBot backup (its format is not \"{BackupFormat.Format}\").");
                }

                _format = true;
                return;
            case "version":
                if (!_format)
                {
                    throw new InvalidDataException($"format: this is not a TriageBot backup (it does not start with \"format\": \"{BackupFormat.Format}\").");
                }

                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out _version) || _version != BackupFormat.Version)
                {
                    throw new InvalidDataException($"version: this is a version {value.GetRawText()} backup; this TriageBot reads version {BackupFormat.Version}. Restore it with the TriageBot version that wrote it.");
                }

                return;
            case "backlogId":
                _declaredId = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                if (_declaredId is null)
                {
                    Problem("backlogId: must be a string.");
                }

                return;
            case "exportedAt":
                if (value.ValueKind != JsonValueKind.String || !value.TryGetDateTimeOffset(out _))
                {
                    Problem("exportedAt: must be a date and time.");
                }

                return;
            case "backlog":
                if (_version != BackupFormat.Version)
                {
                    throw new InvalidDataException("backlog: the file does not say its format and version before its data; it is not a TriageBot backup.");
                }

                if (Backlog is not null)
                {
                    throw new InvalidDataException("backlog: the file holds a second backlog.");
                }

                var backlog = Read<Backlog>(value, "backlog", null);
                if (backlog is null)
                {
                    throw new InvalidDataException(_problems[^1]);
                }

                if (string.IsNullOrWhiteSpace(backlog.Id))
                {
                    throw new InvalidDataException("backlog: its id is empty.");
                }

                if (_declaredId is not null && _declaredId != backlog.Id)
                {
                    Problem($"backlog: its id '{backlog.Id}' is not the backlogId '{_declaredId}' the file starts with.");
                }

                Backlog = backlog;
                return;
        }

        var order = Array.IndexOf(Sections, section);
        if (order < 0)
        {
            Problem($"{section}: this version of the backup format has no section \"{section}\" (sections: {string.Join(", ", Sections)}).");
            return;
        }

        if (Backlog is null)
        {
            throw new InvalidDataException($"{section}: the file lists records before its backlog.");
        }

        if (order < _section || (order > _section && index > 0))
        {
            throw new InvalidDataException($"{section}: the section appears twice or out of order (the order is {string.Join(", ", Sections)}).");
        }

        _section = order;
        Counts[section] = index + 1;
        var at = string.Create(CultureInfo.InvariantCulture, $"{section}[{index}]");
        switch (section)
        {
            case BackupFormat.Members when Read<Member>(value, at, m => m.BacklogId) is { } member:
                if (!_members.Add(member.User.Key))
                {
                    Problem($"{at}: {member.User.Key} is listed twice.");
                }

                Members.Add(member);
                break;
            case BackupFormat.Bindings when Read<Binding>(value, at, b => b.BacklogId) is { } binding:
                var a = binding.Address;
                if (!_bindings.Add((a.Platform, a.Workspace, a.ChannelId)))
                {
                    Problem($"{at}: the channel {a.Platform} {a.Workspace}/{a.ChannelId} is listed twice.");
                }
                else if (a.ThreadId is not null || a.UserId is not null)
                {
                    Problem($"{at}: a binding is a whole channel; this one names a thread or a person.");
                }

                Bindings.Add(binding);
                break;
            case BackupFormat.Items when Read<Item>(value, at, i => i.BacklogId) is { } item:
                if (item.Number < 1)
                {
                    Problem(string.Create(CultureInfo.InvariantCulture, $"{at}: the item number {item.Number} is not a positive number."));
                }
                else if (item.Round < 1)
                {
                    Problem(string.Create(CultureInfo.InvariantCulture, $"{at} (item {item.Number}): its scoring round {item.Round} is not a positive number."));
                }
                else if (!Items.TryAdd(item.Number, item.Round))
                {
                    Problem(string.Create(CultureInfo.InvariantCulture, $"{at}: item number {item.Number} ({item.Key}) is listed twice."));
                }

                break;
            case BackupFormat.History when Read<HistoryEntry>(value, at, h => h.BacklogId) is { } entry:
                if (!Items.ContainsKey(entry.ItemNumber))
                {
                    Problem(string.Create(CultureInfo.InvariantCulture, $"{at}: the entry is about item {entry.ItemNumber}, which the backup's items do not hold."));
                }

                break;
            case BackupFormat.Votes when Read<Vote>(value, at, v => v.BacklogId) is { } vote:
                if (!Items.TryGetValue(vote.ItemNumber, out var rounds))
                {
                    Problem(string.Create(CultureInfo.InvariantCulture, $"{at}: a vote on item {vote.ItemNumber}, which the backup's items do not hold."));
                }
                else if (vote.Round < 1 || vote.Round > rounds)
                {
                    Problem(string.Create(CultureInfo.InvariantCulture, $"{at}: a vote in round {vote.Round} of item {vote.ItemNumber}, which has rounds 1 to {rounds}."));
                }
                else if (!_votes.Add((vote.ItemNumber, vote.Round, vote.Voter.Key)))
                {
                    Problem(string.Create(CultureInfo.InvariantCulture, $"{at}: {vote.Voter.Key} voted twice in round {vote.Round} of item {vote.ItemNumber}."));
                }

                break;
            case BackupFormat.Ledger when Read<LedgerEntry>(value, at, l => l.BacklogId) is { } claim:
                if (!_ledger.Add((claim.Ceremony, claim.Occurrence)))
                {
                    Problem($"{at}: the {claim.Ceremony} occurrence {claim.Occurrence} is listed twice.");
                }

                break;
        }
    }

    /// <summary>One record, or null after noting why it cannot be restored.</summary>
    private T? Read<T>(JsonElement value, string at, Func<T, string>? backlogOf) where T : class
    {
        T? record;
        try
        {
            record = value.Deserialize<T>(CoreJson.Options);
        }
        catch (JsonException e)
        {
            Problem($"{at}: {e.Message}");
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or ArgumentException or NotSupportedException)
        {
            Problem($"{at}: {e.Message}");
            return null;
        }

        if (record is null)
        {
            Problem($"{at}: the entry is null.");
            return null;
        }

        if (RecordCheck.FirstProblem(record) is { } problem)
        {
            Problem($"{at}: {problem}");
            return null;
        }

        if (backlogOf is not null && backlogOf(record) != Backlog.Id)
        {
            Problem($"{at}: it belongs to backlog '{backlogOf(record)}', not to the backup's backlog '{Backlog.Id}'.");
            return null;
        }

        return record;
    }

    /// <summary>Reads one record of the second pass (the file was checked whole by the first).</summary>
    public static T Record<T>(JsonElement value) where T : class =>
        value.Deserialize<T>(CoreJson.Options) ?? throw new InvalidDataException($"A {typeof(T).Name} in the backup is null.");
}

/// <summary>
/// What JSON deserialization lets through: enum values that are not defined (a number such as <c>"stream": 7</c>), and
/// null in a value the record declares non-null. Walks a record and the Core records inside it.
/// </summary>
internal static class RecordCheck
{
    private static readonly NullabilityInfoContext Nullability = new();

    public static string? FirstProblem(object record) => Walk(record, "", 0);

    private static string? Walk(object value, string path, int depth)
    {
        var type = value.GetType();
        if (type.IsEnum)
        {
            return Defined(type, value) ? null : $"{Trim(path)}: {value} is not a {type.Name}.";
        }

        if (depth > 8 || type.IsPrimitive || value is string or DateTimeOffset or DateTime or DateOnly or TimeOnly or TimeSpan or decimal or Guid)
        {
            return null;
        }

        if (value is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
            {
                if (Walk(entry.Key, $"{path}.{entry.Key}", depth + 1) is { } keyProblem)
                {
                    return keyProblem;
                }

                if (entry.Value is null)
                {
                    return $"{Trim(path)}.{entry.Key}: is null.";
                }

                if (Walk(entry.Value, $"{path}.{entry.Key}", depth + 1) is { } problem)
                {
                    return problem;
                }
            }

            return null;
        }

        if (value is IEnumerable list)
        {
            var i = 0;
            foreach (var element in list)
            {
                var at = string.Create(CultureInfo.InvariantCulture, $"{path}[{i++}]");
                if (element is null)
                {
                    return $"{Trim(at)}: is null.";
                }

                if (Walk(element, at, depth + 1) is { } problem)
                {
                    return problem;
                }
            }

            return null;
        }

        if (type.Namespace?.StartsWith("TriageBot.Core", StringComparison.Ordinal) != true)
        {
            return null;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is null || property.GetIndexParameters().Length > 0
                || property.IsDefined(typeof(System.Text.Json.Serialization.JsonIgnoreAttribute)))
            {
                continue;
            }

            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            var child = property.GetValue(value);
            if (child is null)
            {
                if (!property.PropertyType.IsValueType && Nullability.Create(property).ReadState == NullabilityState.NotNull)
                {
                    return $"{Trim(path + "." + name)}: is missing or null.";
                }

                continue;
            }

            if (Walk(child, path + "." + name, depth + 1) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string Trim(string path) => path.TrimStart('.');

    private static bool Defined(Type type, object value)
    {
        if (!type.IsDefined(typeof(FlagsAttribute)))
        {
            return Enum.IsDefined(type, value);
        }

        var all = 0UL;
        foreach (var defined in Enum.GetValues(type))
        {
            all |= unchecked((ulong)Convert.ToInt64(defined, CultureInfo.InvariantCulture));
        }

        return (unchecked((ulong)Convert.ToInt64(value, CultureInfo.InvariantCulture)) & ~all) == 0;
    }
}
