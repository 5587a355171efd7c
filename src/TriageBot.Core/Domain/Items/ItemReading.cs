using TriageBot.Core.Rubric;

namespace TriageBot.Core.Items;

/// <summary>Read-only rules over items: bug severity and the list order.</summary>
public static class ItemReading
{
    /// <summary>Open means not Done and not Closed.</summary>
    public static bool IsOpen(ItemState state) => RuleSupport.IsOpen(state);

    /// <summary>Bug severity from user impact × frequency: the scored impact, else the affected share of weekly active users (≥ 5% → 2).</summary>
    public static Severity? Severity(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Stream != WorkStream.Bug || item.Bug is null)
        {
            return null;
        }

        int? impact = item.Score?.Scores.Impact ?? item.Bug.AffectedWauPercent switch
        {
            null => null,
            >= 5 => 2,
            _ => 1,
        };
        return impact is { } i ? SeverityOf(i, item.Bug.Frequency) : null;
    }

    /// <summary>The severity table: impact 3 × always/often is S1; impact 1 × sometimes/rarely is S4.</summary>
    public static Severity SeverityOf(int impact, BugFrequency frequency)
    {
        if (!RubricRules.IsValidScore(impact))
        {
            throw new ArgumentOutOfRangeException(nameof(impact), impact, "User impact is 1, 2 or 3.");
        }

        var often = frequency is BugFrequency.Always or BugFrequency.Often;
        return (impact, often, frequency) switch
        {
            (3, true, _) => Items.Severity.S1,
            (3, false, BugFrequency.Sometimes) => Items.Severity.S2,
            (3, false, _) => Items.Severity.S3,
            (2, true, _) => Items.Severity.S2,
            (2, false, BugFrequency.Sometimes) => Items.Severity.S3,
            (2, false, _) => Items.Severity.S4,
            (_, true, _) => Items.Severity.S3,
            _ => Items.Severity.S4,
        };
    }

    /// <summary>List order (SPEC §8): weighted total, highest first, unscored last; then age, oldest first; then number.</summary>
    public static IComparer<Item> Ranking { get; } = Comparer<Item>.Create((a, b) =>
    {
        var byTotal = (b.Score?.Total ?? int.MinValue).CompareTo(a.Score?.Total ?? int.MinValue);
        if (byTotal != 0)
        {
            return byTotal;
        }

        var byAge = a.CreatedAt.CompareTo(b.CreatedAt);
        return byAge != 0 ? byAge : a.Number.CompareTo(b.Number);
    });
}
