using System.Globalization;
using System.Text.Json;
using TriageBot.Core.Items;

namespace TriageBot.Core.Streams;

/// <summary>A model item's timebox end moved later without a re-scope reason.</summary>
public sealed record TimeboxExtension(int ItemNumber, DateTimeOffset At, DateTimeOffset? PreviousEnd, DateTimeOffset NewEnd, UserRef Actor);

/// <summary>Checks on model items' timeboxes.</summary>
public static class Timeboxes
{
    /// <summary>Field names under which a timebox change may be recorded in <see cref="HistoryKind.FieldChanged"/> entries.</summary>
    public static readonly IReadOnlySet<string> FieldNames =
        new HashSet<string>(["timebox", "timebox.end", "timeboxEnd", "Timebox", "Timebox.End", "TimeboxEnd"], StringComparer.OrdinalIgnoreCase);

    /// <summary>An active model item whose timebox has ended (<c>now &gt;= End</c>): its owner must re-scope.</summary>
    public static bool IsExpired(Item item, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Stream == WorkStream.Model
            && item.State == ItemState.Active
            && item.Model?.Timebox is { } timebox
            && now >= timebox.End;
    }

    /// <summary>
    /// Reads a timebox end from a history value: an ISO 8601 instant (the convention) or a serialized
    /// <see cref="Timebox"/>. Null when the value says neither.
    /// </summary>
    public static DateTimeOffset? ParseEnd(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.Trim();
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var end))
        {
            return end;
        }

        if (text.StartsWith('{'))
        {
            try
            {
                return JsonSerializer.Deserialize<Timebox>(text, CoreJson.Options)?.End;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>Silent extensions in one item's (or many items') history; see <see cref="TimeboxAudit"/>.</summary>
    public static IReadOnlyList<TimeboxExtension> SilentExtensions(IEnumerable<HistoryEntry> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var audit = new TimeboxAudit();
        foreach (var entry in history)
        {
            audit.Add(entry);
        }

        return audit.SilentExtensions();
    }
}

/// <summary>
/// Finds timebox ends moved later without a re-scope reason, in one pass over history entries (oldest
/// first per item). A change of end is a <see cref="HistoryKind.TimeboxSet"/> entry, or a
/// <see cref="HistoryKind.FieldChanged"/> entry on a timebox field, whose <c>To</c> is the new end; its
/// <c>From</c>, when present, is the previous end. A <see cref="HistoryKind.Rescoped"/> entry with a
/// reason justifies a change written within a minute of it (one command writes both), and a Rescoped
/// entry that carries the new end in <c>To</c> is itself a justified extension.
/// </summary>
public sealed class TimeboxAudit
{
    private static readonly TimeSpan SameChange = TimeSpan.FromMinutes(1);
    private readonly Dictionary<int, ItemTrail> _items = [];

    public void Add(HistoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        switch (entry.Kind)
        {
            case HistoryKind.Rescoped:
                var trail = Trail(entry.ItemNumber);
                if (!string.IsNullOrWhiteSpace(entry.Reason))
                {
                    trail.Justified.Add(entry.At);
                }

                if (Timeboxes.ParseEnd(entry.To) is { } rescopedEnd)
                {
                    Record(trail, entry, rescopedEnd);
                }

                break;
            case HistoryKind.TimeboxSet:
            case HistoryKind.FieldChanged when entry.Field is not null && Timeboxes.FieldNames.Contains(entry.Field):
                if (Timeboxes.ParseEnd(entry.To) is { } end)
                {
                    Record(Trail(entry.ItemNumber), entry, end);
                }

                break;
            default:
                break;
        }
    }

    /// <summary>Extensions with no re-scope reason, oldest first.</summary>
    public IReadOnlyList<TimeboxExtension> SilentExtensions() =>
        [.. _items.Values
            .SelectMany(t => t.Extensions.Where(x => !t.Justified.Any(j => (j - x.At).Duration() <= SameChange)))
            .OrderBy(x => x.At)
            .ThenBy(x => x.ItemNumber)];

    private ItemTrail Trail(int number)
    {
        if (!_items.TryGetValue(number, out var trail))
        {
            trail = new ItemTrail();
            _items[number] = trail;
        }

        return trail;
    }

    private static void Record(ItemTrail trail, HistoryEntry entry, DateTimeOffset newEnd)
    {
        var previous = Timeboxes.ParseEnd(entry.From) ?? trail.LastEnd;
        if (previous is { } before && newEnd > before)
        {
            trail.Extensions.Add(new TimeboxExtension(entry.ItemNumber, entry.At, before, newEnd, entry.Actor));
        }

        trail.LastEnd = newEnd;
    }

    private sealed class ItemTrail
    {
        public DateTimeOffset? LastEnd { get; set; }
        public List<DateTimeOffset> Justified { get; } = [];
        public List<TimeboxExtension> Extensions { get; } = [];
    }
}
