using TriageBot.Core.Items;
using TriageBot.Core.Rubric;

namespace TriageBot.Core.Tests.Streams;

/// <summary>Builders for items and history entries used by the stream, allocation and report tests.</summary>
internal static class Fixtures
{
    public static readonly UserRef Pm = new(Platform.Slack, "U1", "Pat PM");
    public static readonly UserRef Eng = new(Platform.Slack, "U2", "Eve Engineer");
    public static readonly DateTimeOffset T0 = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero); // a Monday

    public static Item Item(int number, WorkStream stream, ItemState state = ItemState.Ready, DateTimeOffset? created = null, int? total = null, DateTimeOffset? scoredAt = null) =>
        new()
        {
            BacklogId = "b1",
            Number = number,
            Key = $"TRI-{number}",
            Title = $"Item {number}",
            Stream = stream,
            Reporter = Pm,
            CreatedAt = created ?? T0,
            State = state,
            StateSince = created ?? T0,
            Score = total is { } t ? Score(t, scoredAt ?? created ?? T0) : null,
            Model = stream == WorkStream.Model ? new ModelFields() : null,
            Bug = stream == WorkStream.Bug ? new BugFields() : null,
            Feature = stream == WorkStream.Feature ? new FeatureFields() : null,
            Incident = stream == WorkStream.Incident ? new IncidentFields() : null,
        };

    /// <summary>A score with the requested total (8–24), preferring rollback and confidence 2 so no consequence flags are set.</summary>
    public static ItemScore Score(int total, DateTimeOffset at)
    {
        var combos =
            from c in new[] { 2, 3, 1 }
            from r in new[] { 2, 3, 1 }
            from i in new[] { 1, 2, 3 }
            from d in new[] { 1, 2, 3 }
            where 3 * i + 2 * c + 2 * r + d == total
            select new Scores(i, c, r, d);
        var scores = combos.First();
        return new ItemScore(scores, new Dictionary<Dimension, string>(), total, Queue.Ready, 1, Pm, at);
    }

    public static HistoryEntry Entry(int number, WorkStream stream, HistoryKind kind, DateTimeOffset at, string? from = null, string? to = null, string? reason = null, string? field = null) =>
        new()
        {
            BacklogId = "b1",
            ItemNumber = number,
            Stream = stream,
            At = at,
            Actor = Eng,
            Kind = kind,
            From = from,
            To = to,
            Reason = reason,
            Field = field,
        };

    public static HistoryEntry Activated(int number, WorkStream stream, DateTimeOffset at, string from = "Ready") =>
        Entry(number, stream, HistoryKind.StateChanged, at, from, "Active");

    public static HistoryEntry Deactivated(int number, WorkStream stream, DateTimeOffset at, string to = "Done") =>
        Entry(number, stream, HistoryKind.StateChanged, at, "Active", to);

    public static string Iso(DateTimeOffset at) => at.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
}
