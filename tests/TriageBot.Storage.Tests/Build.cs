using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Rubric;
using TriageBot.Core.Views;
using TriageBot.Core.Voting;

namespace TriageBot.Storage.Tests;

/// <summary>Small builders for the records the contract tests store.</summary>
internal static class Build
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public static string Id(string hint = "b") => hint + "-" + Guid.NewGuid().ToString("N")[..10];

    public static UserRef User(string id = "U1", string name = "Ada", Platform platform = Platform.Slack) => new(platform, id, name);

    public static Backlog Backlog(string? id = null, string? token = null) => new()
    {
        Id = id ?? Id(),
        Name = "Payments",
        CreatedAt = T0,
        DashboardToken = token ?? Guid.NewGuid().ToString("N"),
        TimeZone = "Europe/Berlin",
    };

    public static Item Item(string backlogId, int number, WorkStream stream = WorkStream.Bug, ItemState state = ItemState.New, string? title = null) => new()
    {
        BacklogId = backlogId,
        Number = number,
        Key = $"TRI-{number}",
        Title = title ?? $"Item {number}",
        Stream = stream,
        State = state,
        Reporter = User(),
        CreatedAt = T0.AddMinutes(number),
        Bug = stream == WorkStream.Bug ? new BugFields { ReproSteps = "click", Frequency = BugFrequency.Often } : null,
    };

    /// <summary>An item of <paramref name="stream"/> with every field of the item and of its stream's record set to something not default.</summary>
    public static Item EveryField(string backlogId, int number, WorkStream stream, ItemState state = ItemState.Active)
    {
        var note = new CapabilityNote("Needs retrieval over tickets; days of work.", CapabilityScale.WeeksCapability, User("U9", "Eng", Platform.Teams), T0.AddHours(5));
        return new Item
        {
            BacklogId = backlogId,
            Number = number,
            Key = $"TRI-{number}",
            Title = $"Item {number} with “quotes” and <b>markup</b>",
            Description = "A long description.\nSecond line.",
            Stream = stream,
            Reporter = User("29:reporter", "Reporter", Platform.Teams),
            Source = new MessageSource(Platform.Teams, "C9", "1700000000.0001", "https://example.slack.com/archives/C9/p1700000000000001"),
            CreatedAt = T0.AddMinutes(number),
            State = state,
            StateSince = T0.AddHours(number),
            Owner = User("29:owner", "Owner", Platform.Teams),
            Links = ["https://a.example/1", "https://b.example/2"],
            ImpactEvidence = "Dashboard: 4% of sessions",
            Model = stream == WorkStream.Model
                ? new ModelFields
                {
                    AffectedSlice = "German invoices", Examples = "ex 1; ex 2", Lever = ModelLever.Retrieval,
                    Timebox = new Timebox(5, T0.AddDays(1), T0.AddDays(6)), EvaluationGatePassed = true, QualityFlag = "hallucination",
                }
                : null,
            Bug = stream == WorkStream.Bug
                ? new BugFields { ReproSteps = "1. click", Expected = "works", Actual = "fails", Frequency = BugFrequency.Often, AffectedWauPercent = 12.5 }
                : null,
            Feature = stream == WorkStream.Feature
                ? new FeatureFields
                {
                    Problem = "Exports are slow", RequestedBy = "Acme", SuccessMetric = "Exports +10%", CapabilityNote = note,
                    CapabilityNoteRequestedAt = T0.AddHours(2), CapabilityNoteReminded = true, Column = FeatureColumn.Measure, ColumnSince = T0.AddDays(3),
                }
                : null,
            Incident = stream == WorkStream.Incident ? new IncidentFields { Touches = [WorkStream.Model, WorkStream.Feature] } : null,
            Score = new ItemScore(new Scores(3, 2, 1, 3), new Dictionary<Dimension, string> { [Dimension.Impact] = "many users", [Dimension.Rollback] = "risky" },
                22, Queue.Ready, 2, User("29:facilitator", "Facilitator", Platform.Teams), T0.AddDays(2)),
            Round = 3,
            RoundRevealed = true,
            HeldPlacement = Queue.Sprint,
            KeepReason = "Regulator asked",
            RescoreRequested = true,
            NeedsCapabilityNote = true,
            ClosedRationale = "Duplicate of TRI-1",
            UpdatedAt = T0.AddDays(4),
            HistoryCount = 9,
            DependencyNote = note with { Text = "Depends on the ranking model.", At = T0.AddHours(6) },
            ImportId = "ext-" + number,
        };
    }

    public static HistoryEntry History(string backlogId, int item, DateTimeOffset at, HistoryKind kind = HistoryKind.StateChanged, int sequence = 0, string? to = null) => new()
    {
        BacklogId = backlogId,
        ItemNumber = item,
        Stream = WorkStream.Bug,
        At = at,
        Sequence = sequence,
        Actor = User(),
        Kind = kind,
        To = to,
    };

    public static Vote Vote(string backlogId, int item, string voter, int impact = 2, int round = 1) =>
        new(backlogId, item, round, User(voter, "Voter " + voter), new Scores(impact, 2, 2, 1),
            new Dictionary<Dimension, string> { [Dimension.Impact] = "because" }, T0);

    public static LedgerEntry Claim(string backlogId, string occurrence, string by, CeremonyKind kind = CeremonyKind.TriageClinic, DateTimeOffset? at = null) =>
        new(backlogId, kind, occurrence, at ?? T0, T0, by, OccurrenceOutcome.Posted);

    public static ConversationAddress Address(string channel = "C1", string workspace = "T1", Platform platform = Platform.Slack) => new()
    {
        Platform = platform,
        Workspace = workspace,
        ChannelId = channel,
    };

    public static OutboxMessage Message(string? id = null, DateTimeOffset? due = null, DateTimeOffset? created = null) => new()
    {
        Id = id ?? Guid.NewGuid().ToString("N"),
        Kind = OutboxKind.Post,
        Target = Address(),
        Payload = OutboxViews.Payload(new TextView("hello")),
        CreatedAt = created ?? T0,
        NextAttemptAt = due ?? T0,
        BacklogId = "b",
    };
}
