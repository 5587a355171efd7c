using TriageBot.Core.Items;

namespace TriageBot.Core.Reports;

/// <summary>Item facts the reports need. Kept internal: the public item helpers live in <c>Items</c>.</summary>
internal static class ReportItems
{
    /// <summary>Scores age: Ready or Icebox items not scored for 2 calendar months (since the last score, else creation).</summary>
    public static bool DueForRescore(Item item, DateTimeOffset now) => ScoringRules.DueForRescore(item, now);

    public static DateTimeOffset LastScored(Item item) => item.Score?.At ?? item.CreatedAt;

    public static DateTimeOffset StateSince(Item item) => item.StateSince == default ? item.CreatedAt : item.StateSince;
}
