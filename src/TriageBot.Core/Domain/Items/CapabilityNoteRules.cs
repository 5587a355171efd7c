using static TriageBot.Core.Items.RuleSupport;

namespace TriageBot.Core.Items;

/// <summary>Capability notes (SPEC §5) as pure functions: adding a note applies a held placement; flagging a model dependency asks for one.</summary>
public static class CapabilityNoteRules
{
    /// <summary>The size a note form sends ("days" or "weeks"); required on every surface, never defaulted.</summary>
    public static CapabilityScale ParseScale(string? value) => value switch
    {
        "days" => CapabilityScale.DaysFeature,
        "weeks" => CapabilityScale.WeeksCapability,
        _ => throw new ValidationException([new FieldError(FieldIds.NoteScale, "Choose the size: a days-long feature or a weeks-long capability project.")]),
    };

    /// <summary>
    /// Adds (or replaces) the capability note of a feature or of an item flagged with a model dependency, and
    /// applies a placement held for it. The text is required, at most 3,000 characters.
    /// </summary>
    public static ItemChange AddCapabilityNote(Item item, string text, CapabilityScale scale, UserRef by, DateTimeOffset now)
    {
        RequireOpen(item, "given a capability note");
        if (item.Stream != WorkStream.Feature && !item.NeedsCapabilityNote && item.DependencyNote is null)
        {
            throw new RuleViolationException(
                $"{item.Key} is a {ItemValidation.StreamName(item.Stream)} item with no model dependency flagged: capability notes are for features, or items flagged as depending on a model capability.");
        }

        if (!Enum.IsDefined(scale))
        {
            throw new ValidationException([new FieldError(FieldIds.NoteScale, "Scale must be a days-long feature or a weeks-long capability project.")]);
        }

        var clean = InputText.Clean(text);
        if (clean.Length == 0)
        {
            throw new ValidationException([new FieldError(FieldIds.NoteText,
                "Capability note is required: one paragraph on the model, retrieval or evaluation capability this depends on.")]);
        }

        if (InputText.Length(clean) > InputText.FreeTextMax)
        {
            throw new ValidationException([new FieldError(FieldIds.NoteText,
                $"Capability note must be at most {InputText.FreeTextMax} characters (you wrote {InputText.Length(clean)}).")]);
        }

        if (!NoteSentence.IsASentence(clean))
        {
            throw new ValidationException([new FieldError(FieldIds.NoteText, NoteSentence.Message)]);
        }

        var note = new CapabilityNote(clean, scale, by, now);
        var previous = CapabilityNoteOf(item);
        var c = new Change(item, by, now);
        c.Item = item.Stream == WorkStream.Feature
            ? c.Item with { Feature = (item.Feature ?? new FeatureFields()) with { CapabilityNote = note }, NeedsCapabilityNote = false }
            : c.Item with { DependencyNote = note, NeedsCapabilityNote = false };
        c.Add(HistoryKind.CapabilityNoteAdded, FieldIds.CapabilityNote, previous?.Text, clean, ScaleText(scale));

        if (item.HeldPlacement is { } held && IsQueued(item.State))
        {
            c.Item = c.Item with { HeldPlacement = null };
            c.MoveTo(ToState(held), "capability note arrived: applying the held placement");
        }

        return c.Result();
    }

    /// <summary>Flags a model dependency on a non-feature item, which asks the engineers for a capability note (SPEC §5).</summary>
    public static ItemChange FlagModelDependency(Item item, UserRef by, DateTimeOffset now, string? reason = null)
    {
        RequireOpen(item, "flagged");
        if (item.Stream == WorkStream.Feature)
        {
            throw new RuleViolationException($"{item.Key} is a feature: features always need a capability note, no flag required.");
        }

        var text = CheckOptionalReason(reason);
        if (item.NeedsCapabilityNote)
        {
            return new ItemChange(item, []);
        }

        var c = new Change(item, by, now);
        c.Item = c.Item with { NeedsCapabilityNote = true };
        c.Add(HistoryKind.FieldChanged, FieldIds.NeedsCapabilityNote, "false", "true", text);
        return c.Result();
    }

    /// <summary>The item's capability note, wherever its stream keeps it.</summary>
    public static CapabilityNote? CapabilityNoteOf(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Feature?.CapabilityNote ?? item.DependencyNote;
    }

    /// <summary>Shows "needs capability note": a feature without one, or an item flagged and not yet answered.</summary>
    public static bool NeedsCapabilityNote(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return IsOpen(item.State)
            && (item.NeedsCapabilityNote || (item.Stream == WorkStream.Feature && item.Feature?.CapabilityNote is null));
    }

    private static string ScaleText(CapabilityScale scale) => scale switch
    {
        CapabilityScale.DaysFeature => "a days-long feature",
        CapabilityScale.WeeksCapability => "a weeks-long capability project",
        _ => scale.ToString(),
    };
}
