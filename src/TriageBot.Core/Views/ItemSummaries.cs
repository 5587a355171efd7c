using TriageBot.Core.Items;
using TriageBot.Core.Rubric;

namespace TriageBot.Core.Views;

/// <summary>Builds <see cref="ItemSummary"/>, the facts about an item every list and card shows. Pure.</summary>
public static class ItemSummaries
{
    /// <summary>An item's summary as of <paramref name="now"/>; <paramref name="url"/> is its dashboard page, when there is one.</summary>
    public static ItemSummary Of(Item item, DateTimeOffset now, string? url = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        var scores = item.Score?.Scores;
        return new ItemSummary
        {
            BacklogId = item.BacklogId,
            Number = item.Number,
            Key = item.Key,
            Title = item.Title,
            Stream = item.Stream,
            State = item.State,
            Total = item.Score?.Total,
            Placement = item.Score?.Placement,
            HeldPlacement = item.HeldPlacement,
            Column = item.Stream == WorkStream.Feature && item.State is ItemState.Ready or ItemState.Sprint or ItemState.Active
                ? item.Feature?.Column ?? FeatureColumn.Discovery
                : null,
            Owner = item.Owner,
            CreatedAt = item.CreatedAt,
            CautiousRelease = scores is not null && RubricRules.CautiousRelease(scores),
            ResearchTimebox = scores is not null && RubricRules.ResearchTimebox(scores),
            NeedsCapabilityNote = CapabilityNoteRules.NeedsCapabilityNote(item),
            DueForRescore = ScoringRules.DueForRescore(item, now),
            Url = url,
        };
    }
}
