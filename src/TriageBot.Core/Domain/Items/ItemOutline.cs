namespace TriageBot.Core.Items;

/// <summary>
/// An item without its long free text — what lists, reports, nudges and the dashboard read when they go over a whole
/// backlog. Stores keep it beside each item (<see cref="Ports.ItemQuery.Outline"/>); it is never written back. Anything
/// that shows or edits one item reads the whole item.
/// </summary>
public static class ItemOutline
{
    /// <summary>
    /// The outline of <paramref name="item"/>: every field but the description, links, evidence, source message, the model,
    /// bug and feature texts, the capability notes' text, score justifications, the closing rationale and the import id.
    /// Title, success metric and keep reason stay (they are short, and rules test them).
    /// </summary>
    public static Item Of(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item with
        {
            Description = "",
            Links = [],
            ImpactEvidence = "",
            Source = null,
            Model = item.Model is { } m ? m with { AffectedSlice = "", Examples = "", QualityFlag = "" } : null,
            Bug = item.Bug is { } b ? b with { ReproSteps = "", Expected = "", Actual = "" } : null,
            Feature = item.Feature is { } f ? f with { Problem = "", RequestedBy = "", CapabilityNote = WithoutText(f.CapabilityNote) } : null,
            Score = item.Score is { } s ? s with { Justifications = System.Collections.ObjectModel.ReadOnlyDictionary<Rubric.Dimension, string>.Empty } : null,
            ClosedRationale = null,
            DependencyNote = WithoutText(item.DependencyNote),
            ImportId = null,
            IsOutline = true,
        };
    }

    private static CapabilityNote? WithoutText(CapabilityNote? note) => note is null ? null : note with { Text = "" };
}
