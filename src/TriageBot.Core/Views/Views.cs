using System.Text.Json.Serialization;
using TriageBot.Core.Items;
using TriageBot.Core.Voting;

namespace TriageBot.Core.Views;

/// <summary>
/// A semantic view model. Core says *what* to show; each channel renders it in its own idiom
/// (Block Kit for Slack, Adaptive Cards for Teams and the playground). Text in views is plain text
/// exactly as people typed it: renderers escape it. Views are serialized into the outbox, so every
/// concrete view is registered here.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$view")]
[JsonDerivedType(typeof(TextView), "text")]
[JsonDerivedType(typeof(HelpView), "help")]
[JsonDerivedType(typeof(RubricView), "rubric")]
[JsonDerivedType(typeof(ItemCardView), "item")]
[JsonDerivedType(typeof(ItemListView), "list")]
[JsonDerivedType(typeof(ItemCreatedView), "created")]
[JsonDerivedType(typeof(CapabilityNoteRequestView), "noteRequest")]
[JsonDerivedType(typeof(BallotView), "ballot")]
[JsonDerivedType(typeof(WelcomeView), "welcome")]
[JsonDerivedType(typeof(FormView), "form")]
[JsonDerivedType(typeof(ReportView), "report")]
[JsonDerivedType(typeof(LiveBallotView), "liveBallot")]
[JsonDerivedType(typeof(LiveReportView), "liveReport")]
[JsonDerivedType(typeof(LiveItemPostView), "liveItemPost")]
[JsonDerivedType(typeof(LiveHomeView), "liveHome")]
[JsonDerivedType(typeof(LiveSweepView), "liveSweep")]
public abstract record View;

public enum Tone { Info, Success, Warning, Error }

public enum ButtonStyle { Default, Primary, Danger }

/// <summary>A button: an action id and an opaque argument (an item ref, never state).</summary>
public sealed record ActionButton(string ActionId, string Label, string? Argument = null, ButtonStyle Style = ButtonStyle.Default);

/// <summary>The facts about an item every list and card shows.</summary>
public sealed record ItemSummary
{
    public required string BacklogId { get; init; }
    public required int Number { get; init; }
    public required string Key { get; init; }
    public required string Title { get; init; }
    public required WorkStream Stream { get; init; }
    public required ItemState State { get; init; }
    public int? Total { get; init; }
    public Queue? Placement { get; init; }
    public Queue? HeldPlacement { get; init; }
    public FeatureColumn? Column { get; init; }
    public UserRef? Owner { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Rollback risk scored 1: release through the cautious lane.</summary>
    public bool CautiousRelease { get; init; }
    /// <summary>Fix confidence scored 1: timebox, don't estimate.</summary>
    public bool ResearchTimebox { get; init; }
    public bool NeedsCapabilityNote { get; init; }
    /// <summary>Not re-scored for 2 months while in Ready or Icebox.</summary>
    public bool DueForRescore { get; init; }
    /// <summary>Link to the item's dashboard page, when a public URL is configured.</summary>
    public string? Url { get; init; }
    /// <summary>Argument for buttons that act on this item: <c>backlogId/number</c>.</summary>
    public string Ref => $"{BacklogId}/{Number}";
}

/// <summary>A short message: a confirmation, a refusal, an explanation.</summary>
public sealed record TextView(string Text, Tone Tone = Tone.Info) : View
{
    public string? Title { get; init; }
    public IReadOnlyList<ActionButton> Actions { get; init; } = [];

    /// <summary>Addresses the bot made (dashboard, item pages) that appear in <see cref="Text"/>: a platform shows each as a link with its label.</summary>
    public IReadOnlyList<ViewLink> Links { get; init; } = [];
}

/// <summary>An address the bot made, shown as a link labelled <paramref name="Label"/> where the platform can.</summary>
public sealed record ViewLink(string Url, string Label);

public sealed record CommandHelp(string Usage, string Description);

/// <summary>The command table, optionally after an error that says what was expected.</summary>
public sealed record HelpView(IReadOnlyList<CommandHelp> Commands, string? Error = null) : View;

public sealed record RubricLevel(int Score, string Meaning);

public sealed record RubricDimensionView(string Name, int Weight, IReadOnlyList<RubricLevel> Levels);

/// <summary>The rubric, weights and placement thresholds in force.</summary>
public sealed record RubricView(IReadOnlyList<RubricDimensionView> Dimensions, int SprintThreshold, int ReadyThreshold) : View;

public sealed record LabeledValue(string Label, string Value);

/// <summary>One item in full: fields, latest score, flags and what the viewer may do.</summary>
public sealed record ItemCardView(ItemSummary Item) : View
{
    public string Description { get; init; } = "";
    public IReadOnlyList<LabeledValue> Fields { get; init; } = [];
    public IReadOnlyList<LabeledValue> Scores { get; init; } = [];
    public IReadOnlyList<string> Notices { get; init; } = [];
    public IReadOnlyList<ActionButton> Actions { get; init; } = [];
}

/// <summary>A ranked list of items (list, queue, icebox).</summary>
public sealed record ItemListView(string Title, IReadOnlyList<ItemSummary> Items, int TotalCount) : View
{
    public string? EmptyText { get; init; }
    public string? DashboardUrl { get; init; }
    /// <summary>When the list was made, so a card can say how old each item is.</summary>
    public DateTimeOffset? AsOf { get; init; }
}

/// <summary>Posted where an item was reported: its key and what happens next.</summary>
public sealed record ItemCreatedView(ItemSummary Item, UserRef Reporter) : View
{
    public string? SourceLink { get; init; }
    public IReadOnlyList<ActionButton> Actions { get; init; } = [];
}

/// <summary>Asks the backlog's engineers for a capability note, with a button that opens the note form.</summary>
public sealed record CapabilityNoteRequestView(ItemSummary Item, IReadOnlyList<UserRef> Engineers, bool IsReminder = false) : View
{
    /// <summary>Set once answered (or no longer needed): what happened and who did it; the request then has no button.</summary>
    public string? Outcome { get; init; }
}

/// <summary>A vote on one dimension, shown after reveal.</summary>
public sealed record BallotVoteLine(UserRef Voter, Rubric.Scores Scores, IReadOnlyDictionary<Rubric.Dimension, string> Reasons);

/// <summary>A finalized dimension that differs from the votes' median: the median it replaced and the score recorded.</summary>
public sealed record ScoreOverride(Rubric.Dimension Dimension, int Median, int Final);

/// <summary>The clinic ballot: who has voted (never how, until reveal), then the votes and medians, then the outcome.</summary>
public sealed record BallotView(ItemSummary Item, int Round, IReadOnlyList<UserRef> Voters) : View
{
    public bool Revealed { get; init; }
    public IReadOnlyList<BallotVoteLine> Votes { get; init; } = [];
    public IReadOnlyList<DimensionResult> Results { get; init; } = [];
    public int? ImpliedTotal { get; init; }
    /// <summary>Set once finalized: the recorded score and placement.</summary>
    public ItemScore? Final { get; init; }
    public IReadOnlyList<string> Consequences { get; init; } = [];
    /// <summary>Once finalized: each dimension the facilitator set away from the votes' median, with the median it replaced.</summary>
    public IReadOnlyList<ScoreOverride> Overrides { get; init; } = [];
    /// <summary>A re-scoring round: the earlier round's result, set only once this round is revealed (so it does not anchor votes).</summary>
    public ItemScore? Previous { get; init; }
    public IReadOnlyList<ActionButton> Actions { get; init; } = [];
    /// <summary>
    /// While the round is open: the vote as a form a channel can show inside the ballot (the use cases' inline vote form),
    /// so a vote is one click. Channels that cannot show inputs in a message leave it out; the Vote action opens the whole form.
    /// </summary>
    public FormView? InlineVote { get; init; }
    /// <summary>People who may reveal and finalize (the backlog's facilitators): channels with user-specific views refresh the card for them.</summary>
    public IReadOnlyList<UserRef> Facilitators { get; init; } = [];
    /// <summary>Set when the ballot is built for one person (a user-specific view): that person.</summary>
    public UserRef? Viewer { get; init; }
    /// <summary>In a view built for one person: their own vote in this round, shown to them alone until reveal.</summary>
    public Rubric.Scores? ViewerVote { get; init; }
    /// <summary>
    /// Set on an earlier post of the item's ballot (an earlier clinic's) while the item is still being scored: why it takes no
    /// more votes. Such a ballot has no vote buttons and is not refreshed per person; the newest ballot is where voting goes on.
    /// </summary>
    public string? ClosedNote { get; init; }
}

/// <summary>Posted when the bot joins a conversation.</summary>
public sealed record WelcomeView(bool AlreadyBound, string? BacklogName) : View
{
    public IReadOnlyList<ActionButton> Actions { get; init; } = [];
    /// <summary>The display name of the person who added the bot, when the channel says.</summary>
    public string? AddedBy { get; init; }
}

public enum FieldKind { Text, MultilineText, Choice, Number, Date, Toggle }

public sealed record Choice(string Value, string Label);

/// <summary>One input of a form. Ids are stable; channels use them as block ids / input ids.</summary>
public sealed record FormField(string Id, string Label, FieldKind Kind)
{
    public bool Required { get; init; }
    public int? MinLength { get; init; }
    public int? MaxLength { get; init; }
    public IReadOnlyList<Choice> Choices { get; init; } = [];
    public string? Placeholder { get; init; }
    /// <summary>Help shown under the field (e.g. the ≥ 5% line next to user impact).</summary>
    public string? Hint { get; init; }
    /// <summary>Smallest accepted value of a <see cref="FieldKind.Number"/> field.</summary>
    public double? Min { get; init; }
    /// <summary>Largest accepted value of a <see cref="FieldKind.Number"/> field.</summary>
    public double? Max { get; init; }
    /// <summary>Changing this choice redraws the form at once (Slack: <c>dispatch_action</c>), keeping what was typed.</summary>
    public bool RefreshesForm { get; init; }
}

/// <summary>
/// A form (Slack modal, Teams dialog, playground card). Comes back filled in with every value the person
/// typed and an error per refused field, so nothing typed is lost.
/// </summary>
public sealed record FormView(string FormId, string Title, string SubmitLabel, IReadOnlyList<FormField> Fields) : View
{
    /// <summary>Opaque context returned with the submission (e.g. an item ref or a source message).</summary>
    public string? Argument { get; init; }
    public string? Intro { get; init; }
    /// <summary>Addresses the bot made that appear in <see cref="Intro"/>, shown as links where the platform can.</summary>
    public IReadOnlyList<ViewLink> Links { get; init; } = [];
    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<FieldError> Errors { get; init; } = [];
}

/// <summary>A section of a report: a heading, lines (each optionally about an item) and a flag for problems.</summary>
public sealed record ReportLine(string Text, ItemSummary? Item = null, bool Problem = false);

public sealed record ReportSection(string Heading, IReadOnlyList<ReportLine> Lines)
{
    public IReadOnlyList<ActionButton> Actions { get; init; } = [];
}

/// <summary>A ceremony post or on-demand report: weekly review, clinic agenda or summary, allocation review, icebox sweep, reminder, nudge.</summary>
public sealed record ReportView(string Title, IReadOnlyList<ReportSection> Sections) : View
{
    public string? Subtitle { get; init; }
    public bool Late { get; init; }
    public string? ChartUrl { get; init; }
    public string? DashboardUrl { get; init; }
    public IReadOnlyList<ActionButton> Actions { get; init; } = [];
}

/// <summary>
/// A ballot to be rendered from storage at the moment it is sent, so a queued post or update always shows the
/// latest votes. The delivery worker resolves it through <see cref="IViewResolver"/> before a channel renders it.
/// </summary>
public sealed record LiveBallotView(string BacklogId, int Number) : View, ILiveView
{
    /// <summary>An earlier post of the ballot (an earlier clinic's): it shows the item's outcome but takes no more votes.</summary>
    public bool Earlier { get; init; }
}

/// <summary>
/// An item's earlier post, rebuilt from the item when sent so it stays true: its intake confirmation
/// (<see cref="Created"/>) or its capability-note request (<see cref="NoteRequest"/>).
/// </summary>
public sealed record LiveItemPostView(string BacklogId, int Number, string Kind) : View, ILiveView
{
    public const string Created = "created";
    public const string NoteRequest = "noteRequest";

    /// <summary>The logical name of the post of this kind for an item ref ("created:b/7").</summary>
    public static string Ref(string kind, string itemRef) => $"{kind}:{itemRef}";
}

/// <summary>Turns views that are placeholders for live state (e.g. <see cref="LiveBallotView"/>) into concrete views.</summary>
public interface IViewResolver
{
    Task<View?> ResolveAsync(View view, CancellationToken ct);
}

/// <summary>A report built from storage when it is sent (so a queued or late post shows the state at posting time).</summary>
public sealed record LiveReportView(string BacklogId, Reports.ReportKind Kind) : View, ILiveView
{
    /// <summary>Posted after its scheduled time because the bot was down.</summary>
    public bool Late { get; init; }
}

/// <summary>
/// A posted icebox sweep, rebuilt from its items when sent so it stays true: the items listed when it was posted
/// (<paramref name="Numbers"/>, oldest in the icebox first), each row open with one "Decide…" button until the item is
/// closed, promoted, kept or sent to re-scoring, then saying what happened and who did it, without a button.
/// </summary>
public sealed record LiveSweepView(string BacklogId, DateTimeOffset At, IReadOnlyList<int> Numbers, int Total) : View, ILiveView
{
    /// <summary>Posted after its scheduled time because the bot was down.</summary>
    public bool Late { get; init; }
}

/// <summary>Marks a placeholder view that the delivery worker resolves into a concrete view; channels never render one.</summary>
public interface ILiveView;
