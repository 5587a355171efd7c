using TriageBot.Core.Items;
using TriageBot.Core.Streams;
using TriageBot.Core.Views;

namespace TriageBot.Core.Reports;

/// <summary>Item facts the reports need. Kept internal: the public item helpers live in <c>Items</c>.</summary>
internal static class ReportItems
{
    /// <summary>Scores age: Ready or Icebox items not scored for 2 calendar months (since the last score, else creation).</summary>
    public static bool DueForRescore(Item item, DateTimeOffset now) =>
        item.State is ItemState.Ready or ItemState.Icebox && LastScored(item).AddMonths(2) <= now;

    public static DateTimeOffset LastScored(Item item) => item.Score?.At ?? item.CreatedAt;

    public static DateTimeOffset StateSince(Item item) => item.StateSince == default ? item.CreatedAt : item.StateSince;

    public static ItemSummary Summarize(Item item, DateTimeOffset now) => new()
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
        Column = item.Stream == WorkStream.Feature ? item.Feature?.Column ?? FeatureColumn.Discovery : null,
        Owner = item.Owner,
        CreatedAt = item.CreatedAt,
        CautiousRelease = item.Score?.Scores.Rollback == 1,
        ResearchTimebox = item.Score?.Scores.Confidence == 1,
        NeedsCapabilityNote = FeatureChecks.WaitingForCapabilityNote(item),
        DueForRescore = DueForRescore(item, now),
    };
}
