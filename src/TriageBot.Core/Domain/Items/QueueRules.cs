using static TriageBot.Core.Items.RuleSupport;

namespace TriageBot.Core.Items;

/// <summary>The icebox sweep as pure functions: promote to Ready, keep out of the sweep with a reason.</summary>
public static class QueueRules
{
    /// <summary>Icebox → Ready (the sweep's "promote"). A feature still needs its capability note to enter Ready.</summary>
    public static ItemChange Promote(Item item, UserRef by, DateTimeOffset now, string? reason = null)
    {
        RequireOpen(item, "promoted");
        if (item.State != ItemState.Icebox)
        {
            throw new RuleViolationException($"{item.Key} is {StateName(item.State)}: only icebox items are promoted.");
        }

        if (NeedsNoteToPlace(item, Queue.Ready))
        {
            throw new RuleViolationException($"{item.Key} needs a capability note before it can enter Ready.");
        }

        var text = CheckOptionalReason(reason);
        var c = new Change(item, by, now);
        c.MoveTo(ItemState.Ready, text ?? "promoted from the icebox");
        return c.Result();
    }

    /// <summary>Keeps an icebox item out of the sweep, with a required reason.</summary>
    public static ItemChange Keep(Item item, string reason, UserRef by, DateTimeOffset now)
    {
        RequireOpen(item, "kept");
        if (item.State != ItemState.Icebox)
        {
            throw new RuleViolationException($"{item.Key} is {StateName(item.State)}: only icebox items are kept out of the sweep.");
        }

        var text = InputText.Clean(reason);
        var length = InputText.Length(text);
        if (length < InputText.RationaleMin || length > InputText.FreeTextMax)
        {
            throw new ValidationException([new FieldError(FieldIds.Reason,
                $"Keeping an item in the icebox needs a reason of {InputText.RationaleMin}–{InputText.FreeTextMax} characters (you wrote {length}).")]);
        }

        var c = new Change(item, by, now);
        c.Item = c.Item with { KeepReason = text };
        c.Add(HistoryKind.KeepMarked, null, item.KeepReason, text, text);
        return c.Result();
    }
}
