using System.Globalization;

namespace TriageBot.Core.Items;

/// <summary>
/// Shared by the item rule classes (<see cref="ScoringRules"/>, <see cref="CapabilityNoteRules"/>, <see cref="WorkRules"/>,
/// <see cref="QueueRules"/>, <see cref="FieldRules"/>): every state change of SPEC §2 as a pure function: each returns the new snapshot and the history entries
/// that record it (actor, time, from/to, reason), or throws <see cref="RuleViolationException"/> naming the rule.
/// Roles are checked by the caller with <see cref="Permissions"/>. A request that changes nothing returns the
/// item unchanged with no history (<see cref="ItemChange.Changed"/> is false).
/// </summary>
internal static class RuleSupport
{
    public const string WaitingForCapabilityNote = "waiting for capability note";

    /// <summary>States an item can still change from; Done and Closed are final.</summary>
    public static bool IsOpen(ItemState state) => state is not (ItemState.Done or ItemState.Closed);

    /// <summary>States a score places an item from (the three queues and New).</summary>
    public static bool IsQueued(ItemState state) => state is ItemState.New or ItemState.Ready or ItemState.Sprint or ItemState.Icebox;

    internal static bool NeedsNoteToPlace(Item item, Queue placement) =>
        item.Stream == WorkStream.Feature && item.Feature?.CapabilityNote is null && placement is Queue.Ready or Queue.Sprint;

    internal static ItemState ToState(Queue queue) => queue switch
    {
        Queue.Sprint => ItemState.Sprint,
        Queue.Ready => ItemState.Ready,
        Queue.Icebox => ItemState.Icebox,
        _ => throw new ArgumentOutOfRangeException(nameof(queue), queue, "Unknown queue."),
    };

    internal static void RequireOpen(Item item, string what)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!IsOpen(item.State))
        {
            throw new RuleViolationException($"{item.Key} is {StateName(item.State)}: done and closed items cannot be {what}.");
        }
    }

    internal static void RequireModel(Item item)
    {
        if (item.Stream != WorkStream.Model)
        {
            throw new RuleViolationException($"Timeboxes are for model-quality items; {item.Key} is a {ItemValidation.StreamName(item.Stream)} item.");
        }
    }

    internal static string? CheckOptionalReason(string? reason)
    {
        var text = InputText.Clean(reason);
        if (InputText.Length(text) > InputText.FreeTextMax)
        {
            throw new ValidationException([new FieldError(FieldIds.Reason,
                $"Reason must be at most {InputText.FreeTextMax} characters (you wrote {InputText.Length(text)}).")]);
        }

        return text.Length == 0 ? null : text;
    }

    internal static string StateName(ItemState state) => state switch
    {
        ItemState.New => "new (not yet scored)",
        ItemState.Icebox => "in the icebox",
        ItemState.Ready => "in the ready queue",
        ItemState.Sprint => "in the sprint queue",
        _ => state.ToString().ToLowerInvariant(),
    };

    internal static string JoinAnd(IReadOnlyList<string> keys) =>
        keys.Count <= 1 ? string.Join("", keys) : $"{string.Join(", ", keys.Take(keys.Count - 1))} and {keys[^1]}";

    internal static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    internal static string Iso(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>Accumulates one change: the evolving snapshot and its history entries, numbered after the item's existing ones.</summary>
    internal sealed class Change(Item original, UserRef by, DateTimeOffset now)
    {
        private readonly List<HistoryEntry> _entries = [];

        public Item Item { get; set; } = original ?? throw new ArgumentNullException(nameof(original));

        public void Add(HistoryKind kind, string? field = null, string? from = null, string? to = null, string? reason = null)
        {
            ArgumentNullException.ThrowIfNull(by);
            _entries.Add(new HistoryEntry
            {
                BacklogId = original.BacklogId,
                ItemNumber = original.Number,
                Stream = original.Stream,
                At = now,
                Sequence = original.HistoryCount + _entries.Count,
                Actor = by,
                Kind = kind,
                Field = field,
                From = from,
                To = to,
                Reason = reason,
            });
        }

        public void MoveTo(ItemState state, string? reason)
        {
            var from = Item.State;
            if (from == state)
            {
                return;
            }

            Item = Item with
            {
                State = state,
                StateSince = now,
                KeepReason = from == ItemState.Icebox ? null : Item.KeepReason,
            };
            Add(HistoryKind.StateChanged, FieldIds.State, from.ToString(), state.ToString(), reason);
        }

        public ItemChange Result() => _entries.Count == 0
            ? new ItemChange(original, [])
            : new ItemChange(Item with { UpdatedAt = now, HistoryCount = original.HistoryCount + _entries.Count }, [.. _entries]);
    }
}
