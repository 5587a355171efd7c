using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
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
        Payload = new TextView("hello"),
        CreatedAt = created ?? T0,
        NextAttemptAt = due ?? T0,
        BacklogId = "b",
    };
}
