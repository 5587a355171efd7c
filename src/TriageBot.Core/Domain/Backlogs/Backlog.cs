using TriageBot.Core.Ceremonies;
using TriageBot.Core.Items;

namespace TriageBot.Core.Backlogs;

/// <summary>Roles per backlog (SPEC §7).</summary>
public enum Role { Member, Engineer, Facilitator }

/// <summary>A product's stage, which sets the default planned allocation.</summary>
public enum ProductStage { Early, Stable }

/// <summary>What a bound channel is used for.</summary>
[Flags]
public enum ChannelRoles { None = 0, Intake = 1, Clinic = 2, Reports = 4, All = Intake | Clinic | Reports }

/// <summary>One team's backlog: its items' key prefix, time zone and every setting a facilitator can change.</summary>
public sealed record Backlog
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public string KeyPrefix { get; init; } = "TRI";
    /// <summary>IANA time zone id, e.g. <c>Europe/Berlin</c>.</summary>
    public string TimeZone { get; init; } = "UTC";
    public required DateTimeOffset CreatedAt { get; init; }
    public BacklogSettings Settings { get; init; } = new();
    /// <summary>Secret token of the dashboard link; rotated by a facilitator.</summary>
    public string DashboardToken { get; init; } = "";
}

/// <summary>Per-backlog settings with SPEC defaults.</summary>
public sealed record BacklogSettings
{
    /// <summary>Totals at or above this go to the sprint (default 19, "above 18").</summary>
    public int SprintThreshold { get; init; } = 19;
    /// <summary>Totals at or above this (and below the sprint threshold) go to Ready (default 12).</summary>
    public int ReadyThreshold { get; init; } = 12;
    /// <summary>Active model items allowed; null means one per engineer (SPEC §12: "from the engineers' count").</summary>
    public int? WipLimitModel { get; init; }
    /// <summary>Active features allowed; null means one per engineer.</summary>
    public int? WipLimitFeature { get; init; }
    /// <summary>The bug WIP limit is engineers × this (the method's 5–7 active bugs per engineer; default 5).</summary>
    public int BugWipPerEngineer { get; init; } = 5;
    public int Engineers { get; init; } = 3;
    public int IncidentCap { get; init; } = 2;
    public IReadOnlyList<int> TimeboxChoicesDays { get; init; } = [3, 7];
    public int SprintLengthDays { get; init; } = 14;
    public ProductStage Stage { get; init; } = ProductStage.Early;
    public DateOnly? LaunchDate { get; init; }
    /// <summary>Planned shares in percent; null means the stage's defaults.</summary>
    public PlannedShares? Planned { get; init; }
    /// <summary>Planned shares set per month (key <c>yyyy-MM</c>): each holds from its month until the next one set.</summary>
    public IReadOnlyDictionary<string, PlannedShares>? PlannedByMonth { get; init; }
    public IReadOnlyDictionary<CeremonyKind, CeremonySchedule>? Schedules { get; init; }
    /// <summary>
    /// When each ceremony's schedule was last changed (or turned back on). The scheduler posts no occurrence from
    /// before it, so a change never makes the new schedule's recent past look "missed" and get posted late.
    /// </summary>
    public IReadOnlyDictionary<CeremonyKind, DateTimeOffset>? ScheduleChangedAt { get; init; }
    public int ReminderLeadMinutes { get; init; } = 15;
    /// <summary>How late a missed ceremony may still be posted (marked late) before it is skipped.</summary>
    public int MissedWindowHours { get; init; } = 24;
}

/// <summary>Planned share of capacity per stream, in whole percent.</summary>
public sealed record PlannedShares(int Model, int Bug, int Feature);

/// <summary>A person's role in a backlog.</summary>
public sealed record Member(string BacklogId, UserRef User, Role Role);

/// <summary>Where to post on a platform: enough to reach a channel, a thread or a person.</summary>
public sealed record ConversationAddress
{
    public required Platform Platform { get; init; }
    /// <summary>Slack team id; Teams tenant id; "local" in the playground.</summary>
    public required string Workspace { get; init; }
    /// <summary>Slack channel id; Teams conversation id.</summary>
    public required string ChannelId { get; init; }
    /// <summary>Slack thread_ts; Teams root activity id of the thread.</summary>
    public string? ThreadId { get; init; }
    /// <summary>Teams only: the Bot Connector service URL from a validated activity.</summary>
    public string? ServiceUrl { get; init; }
    /// <summary>Teams only: the team id, when in a team.</summary>
    public string? TeamId { get; init; }
    /// <summary>Set for a direct/ephemeral message to one person.</summary>
    public string? UserId { get; init; }

    public ConversationAddress InThread(string threadId) => this with { ThreadId = threadId };
}

/// <summary>A chat channel bound to a backlog with its roles.</summary>
public sealed record Binding
{
    public required ConversationAddress Address { get; init; }
    public required string BacklogId { get; init; }
    public ChannelRoles Roles { get; init; } = ChannelRoles.All;
    public bool Active { get; init; } = true;
    /// <summary>Why the binding stopped working (e.g. the bot was removed).</summary>
    public string? InactiveReason { get; init; }
    public string ChannelName { get; init; } = "";
}
