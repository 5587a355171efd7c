using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;
using TriageBot.Core.Voting;

namespace TriageBot.Core.Tests;

/// <summary>Builders for the people, backlogs and items tests talk about.</summary>
internal static class TestData
{
    public static readonly DateTimeOffset T0 = new(2025, 3, 10, 9, 0, 0, TimeSpan.Zero);

    public static readonly UserRef Pat = new(Platform.Slack, "U01PAT", "Pat (PM)");
    public static readonly UserRef Eve = new(Platform.Slack, "U02EVE", "Eve (engineer)");
    public static readonly UserRef Max = new(Platform.Teams, "29:max", "Max");
    public static readonly UserRef Ana = new(Platform.Teams, "29:ana", "Ana");

    public static readonly Backlog Backlog = new() { Id = "b1", Name = "Assistant", KeyPrefix = "TRI", CreatedAt = T0.AddDays(-30) };

    public static Item Item(WorkStream stream = WorkStream.Bug, ItemState state = ItemState.New, int number = 42) => new()
    {
        BacklogId = Backlog.Id,
        Number = number,
        Key = $"TRI-{number}",
        Title = "Answers cite the wrong document",
        Stream = stream,
        Reporter = Max,
        CreatedAt = T0,
        StateSince = T0,
        UpdatedAt = T0,
        State = state,
        Model = stream == WorkStream.Model ? new ModelFields() : null,
        Bug = stream == WorkStream.Bug ? new BugFields() : null,
        Feature = stream == WorkStream.Feature ? new FeatureFields { CapabilityNoteRequestedAt = T0, ColumnSince = T0 } : null,
        Incident = stream == WorkStream.Incident ? new IncidentFields { Touches = [WorkStream.Model, WorkStream.Bug] } : null,
    };

    public static Item WithNote(this Item item) => item with
    {
        Feature = item.Feature! with { CapabilityNote = new CapabilityNote("Needs retrieval over tickets.", CapabilityScale.DaysFeature, Eve, T0) },
    };

    public static Item WithMetric(this Item item) => item with
    {
        Feature = item.Feature! with { SuccessMetric = "Weekly exports per active team +10%" },
    };

    public static Item WithTimebox(this Item item, int days = 3) => item with
    {
        Model = item.Model! with { Timebox = new Timebox(days, T0, T0.AddDays(days)) },
    };

    /// <summary>The item with text in every free-text field, so its outline (<see cref="ItemOutline.Of"/>) really leaves something out.</summary>
    public static Item WithFreeText(this Item item) => item with
    {
        Description = "Seen by three customers since Tuesday.",
        Links = ["https://example.com/trace/1"],
        ImpactEvidence = "4% of sessions",
        Source = new MessageSource(Platform.Slack, "C1", "1700000000.0001", "https://example.slack.com/archives/C1/p1700000000000001"),
        Model = item.Model is { } m ? m with { AffectedSlice = "German invoices", Examples = "ex 1", QualityFlag = "hallucination" } : null,
        Bug = item.Bug is { } b ? b with { ReproSteps = "1. click", Expected = "works", Actual = "fails" } : null,
        Feature = item.Feature is { } f
            ? f with { Problem = "Exports are slow", RequestedBy = "Acme", CapabilityNote = f.CapabilityNote is { } n ? n with { Text = n.Text + " (long)" } : null }
            : null,
        Score = item.Score is { } s ? s with { Justifications = new Dictionary<Dimension, string> { [Dimension.Impact] = "many users" } } : null,
        ClosedRationale = item.State == ItemState.Closed ? "duplicate" : null,
        ImportId = "ext-" + item.Number,
    };

    /// <summary>Both sides serialized as stored, for comparing views built from whole items and from outlines.</summary>
    public static string Json<T>(T value) => System.Text.Json.JsonSerializer.Serialize(value, CoreJson.Options);

    public static Vote Vote(UserRef voter, int i, int c, int r, int d, DateTimeOffset? at = null, int round = 1, int number = 42) =>
        new(Backlog.Id, number, round, voter, new Scores(i, c, r, d), new Dictionary<Dimension, string>(), at ?? T0);

    public static ItemScore Score(int i, int c, int r, int d, int round = 1, BacklogSettings? settings = null)
    {
        var scores = new Scores(i, c, r, d);
        var total = RubricRules.Total(scores);
        return new ItemScore(scores, new Dictionary<Dimension, string>(), total,
            RubricRules.Place(total, settings ?? new BacklogSettings()), round, Pat, T0.AddHours(1));
    }

    public static readonly IReadOnlyDictionary<Dimension, (int Score, string Reason)> NoOverrides =
        new Dictionary<Dimension, (int Score, string Reason)>();

    public static readonly IReadOnlyDictionary<Dimension, string> NoJustifications = new Dictionary<Dimension, string>();
}
