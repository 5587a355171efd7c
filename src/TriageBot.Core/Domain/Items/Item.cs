namespace TriageBot.Core.Items;

/// <summary>The chat platform an identity or a message belongs to.</summary>
public enum Platform { Slack, Teams, Playground }

/// <summary>A person, as the platform's verified request named them.</summary>
public sealed record UserRef(Platform Platform, string UserId, string DisplayName)
{
    /// <summary>Stable cross-table key: <c>slack:U123</c>.</summary>
    public string Key => $"{Platform.ToString().ToLowerInvariant()}:{UserId}";
}

/// <summary>The four streams of SPEC §1. Every item belongs to exactly one.</summary>
public enum WorkStream { Model, Bug, Feature, Incident }

/// <summary>Item states of SPEC §2.</summary>
public enum ItemState { New, Sprint, Ready, Icebox, Active, Done, Closed }

/// <summary>The three queues a score places an item into.</summary>
public enum Queue { Sprint, Ready, Icebox }

/// <summary>Feature board columns.</summary>
public enum FeatureColumn { Discovery, Build, Measure }

/// <summary>What a model-quality item suspects will fix it.</summary>
public enum ModelLever { Unknown, Prompt, FineTune, Retrieval, Evaluation, Guardrail }

/// <summary>How often a bug happens, for severity.</summary>
public enum BugFrequency { Always, Often, Sometimes, Rarely }

/// <summary>Bug severity, derived from user impact × frequency (S1 is worst).</summary>
public enum Severity { S1, S2, S3, S4 }

/// <summary>Where an item was reported from, when it came from a chat message.</summary>
public sealed record MessageSource(Platform Platform, string ChannelId, string? MessageId, string? Link);

/// <summary>A model item's timebox: a fixed length of calendar time.</summary>
public sealed record Timebox(int LengthDays, DateTimeOffset Start, DateTimeOffset End);

/// <summary>An engineer's paragraph on the capability a feature depends on.</summary>
public sealed record CapabilityNote(string Text, CapabilityScale Scale, UserRef Author, DateTimeOffset At);

/// <summary>Whether a feature is days of work or a weeks-long capability project.</summary>
public enum CapabilityScale { DaysFeature, WeeksCapability }

public sealed record ModelFields
{
    public string AffectedSlice { get; init; } = "";
    public string Examples { get; init; } = "";
    public ModelLever Lever { get; init; } = ModelLever.Unknown;
    public Timebox? Timebox { get; init; }
    public bool EvaluationGatePassed { get; init; }
    public string QualityFlag { get; init; } = "";
}

public sealed record BugFields
{
    public string ReproSteps { get; init; } = "";
    public string Expected { get; init; } = "";
    public string Actual { get; init; } = "";
    public BugFrequency Frequency { get; init; } = BugFrequency.Sometimes;
    /// <summary>Affected share of weekly active users, 0–100, when known.</summary>
    public double? AffectedWauPercent { get; init; }
}

public sealed record FeatureFields
{
    public string Problem { get; init; } = "";
    public string RequestedBy { get; init; } = "";
    public string SuccessMetric { get; init; } = "";
    public CapabilityNote? CapabilityNote { get; init; }
    public DateTimeOffset? CapabilityNoteRequestedAt { get; init; }
    public bool CapabilityNoteReminded { get; init; }
    public FeatureColumn Column { get; init; } = FeatureColumn.Discovery;
    public DateTimeOffset? ColumnSince { get; init; }
}

public sealed record IncidentFields
{
    public IReadOnlyList<WorkStream> Touches { get; init; } = [];
}

/// <summary>A finalized score: the four dimensions with their justifications, the total and the queue it implied.</summary>
public sealed record ItemScore(
    Rubric.Scores Scores,
    IReadOnlyDictionary<Rubric.Dimension, string> Justifications,
    int Total,
    Queue Placement,
    int Round,
    UserRef FinalizedBy,
    DateTimeOffset At);

/// <summary>The current snapshot of one backlog item. History is the record of how it got here.</summary>
public sealed record Item
{
    public required string BacklogId { get; init; }
    public required int Number { get; init; }
    /// <summary>Backlog-scoped key such as <c>TRI-42</c>.</summary>
    public required string Key { get; init; }
    public required string Title { get; init; }
    public string Description { get; init; } = "";
    public required WorkStream Stream { get; init; }
    public required UserRef Reporter { get; init; }
    public MessageSource? Source { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public ItemState State { get; init; } = ItemState.New;
    public DateTimeOffset StateSince { get; init; }
    public UserRef? Owner { get; init; }
    public IReadOnlyList<string> Links { get; init; } = [];
    /// <summary>Evidence for user impact: a telemetry link or note.</summary>
    public string ImpactEvidence { get; init; } = "";

    public ModelFields? Model { get; init; }
    public BugFields? Bug { get; init; }
    public FeatureFields? Feature { get; init; }
    public IncidentFields? Incident { get; init; }

    /// <summary>The latest finalized score, if any.</summary>
    public ItemScore? Score { get; init; }
    /// <summary>The scoring round open for votes (starts at 1; re-scoring opens the next).</summary>
    public int Round { get; init; } = 1;
    public bool RoundRevealed { get; init; }
    /// <summary>A placement decided by scoring but held until a capability note arrives (features).</summary>
    public Queue? HeldPlacement { get; init; }
    /// <summary>When set, the item is exempt from the icebox sweep.</summary>
    public string? KeepReason { get; init; }
    /// <summary>Asked to be re-scored at the next clinic.</summary>
    public bool RescoreRequested { get; init; }
    /// <summary>Set when a model dependency is flagged on a non-feature item.</summary>
    public bool NeedsCapabilityNote { get; init; }
    public string? ClosedRationale { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>How many history entries the item has; the <see cref="HistoryEntry.Sequence"/> of the next one, so entries never collide.</summary>
    public int HistoryCount { get; init; }
    /// <summary>The capability note of a non-feature item flagged with a model dependency (features keep theirs in <see cref="FeatureFields"/>).</summary>
    public CapabilityNote? DependencyNote { get; init; }
    /// <summary>The id a CSV import knew this item by (an external key, an <c>import_id</c> or a row hash), so importing the same file again updates it instead of duplicating it.</summary>
    public string? ImportId { get; init; }
    /// <summary>
    /// Read as an outline (<see cref="ItemOutline"/>): the long free text is left out. Never stored: the stores refuse to
    /// write an outline, so a list or report cannot save an item with its description gone.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsOutline { get; init; }
}
