using System.Globalization;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;

namespace TriageBot.Core.Views;

/// <summary>A flag an item carries in every list and card (SPEC §3, §5).</summary>
public enum ItemFlag { CautiousRelease, ResearchTimebox, NeedsCapabilityNote, DueForRescore }

/// <summary>
/// The one wording catalogue: every sentence that must read the same on every surface (Slack, Teams, the dashboard,
/// the playground). Channels choose layout, emphasis and icons; the words come from here. Words a domain rule also
/// uses in its own messages (dimension and ceremony names, flag labels) live once in the domain and are read from
/// there.
/// </summary>
public static class Wording
{
    /// <summary>What an item's stream is called: "Engineering bug", "Incident lane".</summary>
    public static string Stream(WorkStream stream) => stream switch
    {
        WorkStream.Model => "Model quality",
        WorkStream.Bug => "Engineering bug",
        WorkStream.Feature => "Feature request",
        WorkStream.Incident => "Incident lane",
        _ => throw new ArgumentOutOfRangeException(nameof(stream), stream, "Unknown stream."),
    };

    /// <summary>A stream as a heading over its items (reports, tables): "Engineering bugs", "Incident lane".</summary>
    public static string StreamHeading(WorkStream stream) => stream switch
    {
        WorkStream.Model => "Model quality",
        WorkStream.Bug => "Engineering bugs",
        WorkStream.Feature => "Feature requests",
        WorkStream.Incident => "Incident lane",
        _ => throw new ArgumentOutOfRangeException(nameof(stream), stream, "Unknown stream."),
    };

    /// <summary>The queue a score places an item into: "Sprint", "Ready queue", "Icebox".</summary>
    public static string Queue(Queue queue) => queue switch
    {
        Items.Queue.Sprint => "Sprint",
        Items.Queue.Ready => "Ready queue",
        Items.Queue.Icebox => "Icebox",
        _ => throw new ArgumentOutOfRangeException(nameof(queue), queue, "Unknown queue."),
    };

    /// <summary>A placement held until a feature's capability note arrives: "Sprint, waiting for a capability note".</summary>
    public static string HeldPlacement(Queue queue) => $"{Queue(queue)}, waiting for a capability note";

    /// <summary>A rubric dimension's name: "User impact".</summary>
    public static string Dimension(Dimension dimension) => RubricText.Name(dimension);

    /// <summary>A rubric dimension in one lower-case word, for compact vote lines: "impact".</summary>
    public static string DimensionShort(Dimension dimension) => dimension switch
    {
        Rubric.Dimension.Impact => "impact",
        Rubric.Dimension.Confidence => "confidence",
        Rubric.Dimension.Rollback => "rollback",
        Rubric.Dimension.Delay => "delay",
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "Unknown rubric dimension."),
    };

    /// <summary>One vote in a line: "impact 3, confidence 2, rollback 2, delay 1".</summary>
    public static string Scores(Scores scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        return string.Join(", ", RubricRules.Dimensions.Select(d => string.Create(CultureInfo.InvariantCulture, $"{DimensionShort(d)} {scores[d]}")));
    }

    /// <summary>A finalized dimension the facilitator set away from the votes' median: "overrode the median 2".</summary>
    public static string OverrodeMedian(int median) => string.Create(CultureInfo.InvariantCulture, $"overrode the median {median}");

    /// <summary>The earlier round's result, shown on a re-scoring ballot once revealed: "Previous result (round 1, 2026-09-01): impact 3, …; total 14 → Ready queue".</summary>
    public static string PreviousResult(ItemScore score)
    {
        ArgumentNullException.ThrowIfNull(score);
        return string.Create(CultureInfo.InvariantCulture, $"Previous result (round {score.Round}, {score.At:yyyy-MM-dd}): {Scores(score.Scores)}; total {score.Total} → {Queue(score.Placement)}");
    }

    /// <summary>The facilitator's one-click re-score that keeps the earlier scores.</summary>
    public const string KeepScores = "Keep scores";

    /// <summary>A ceremony's name: "Triage clinic".</summary>
    public static string Ceremony(CeremonyKind kind) => CeremonyNames.Of(kind);

    /// <summary>The flags an item carries, in the order every surface lists them.</summary>
    public static IReadOnlyList<ItemFlag> FlagsOf(ItemSummary item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var flags = new List<ItemFlag>(4);
        if (item.CautiousRelease)
        {
            flags.Add(ItemFlag.CautiousRelease);
        }

        if (item.ResearchTimebox)
        {
            flags.Add(ItemFlag.ResearchTimebox);
        }

        if (item.NeedsCapabilityNote)
        {
            flags.Add(ItemFlag.NeedsCapabilityNote);
        }

        if (item.DueForRescore)
        {
            flags.Add(ItemFlag.DueForRescore);
        }

        return flags;
    }

    /// <summary>A flag's name: "Cautious release lane".</summary>
    public static string Flag(ItemFlag flag) => flag switch
    {
        ItemFlag.CautiousRelease => RubricRules.CautiousReleaseLabel,
        ItemFlag.ResearchTimebox => RubricRules.ResearchTimeboxLabel,
        ItemFlag.NeedsCapabilityNote => "Needs capability note",
        ItemFlag.DueForRescore => "Due for re-scoring",
        _ => throw new ArgumentOutOfRangeException(nameof(flag), flag, "Unknown flag."),
    };

    /// <summary>Why an item carries a flag, where it helps to say so: "rollback risk scored 1"; null otherwise.</summary>
    public static string? FlagReason(ItemFlag flag) => flag switch
    {
        ItemFlag.CautiousRelease => "rollback risk scored 1",
        ItemFlag.ResearchTimebox => "fix confidence scored 1",
        ItemFlag.NeedsCapabilityNote => null,
        ItemFlag.DueForRescore => "not scored for 2 months",
        _ => throw new ArgumentOutOfRangeException(nameof(flag), flag, "Unknown flag."),
    };

    // ---------------------------------------------------------------- notices

    /// <summary>The heading of a capability-note request: "TRI-7 needs a capability note".</summary>
    public static string NeedsCapabilityNote(string itemKey) => $"{itemKey} needs a capability note";

    /// <summary>Put before a request that is a reminder.</summary>
    public const string ReminderPrefix = "Reminder: ";

    /// <summary>What a capability-note request asks the engineers.</summary>
    public const string CapabilityNoteQuestion =
        "which model, retrieval or evaluation capability does this depend on, and is it a days-long feature or a weeks-long capability project?";

    /// <summary>The label of the button that opens the capability-note form.</summary>
    public const string AddCapabilityNote = "Add capability note";

    /// <summary>Said under a ceremony post made after its time because the bot was down.</summary>
    public const string PostedLate = "posted late: the bot was down at the scheduled time";

    /// <summary>Added to the title of a late ceremony post.</summary>
    public const string LateSuffix = " (posted late)";

    /// <summary>Shown for an empty list.</summary>
    public const string NothingHere = "Nothing here.";

    // ---------------------------------------------------------------- ballot status

    /// <summary>Under every open ballot.</summary>
    public const string VotesHidden = "Votes stay hidden until the facilitator reveals them.";

    /// <summary>An open ballot with no vote.</summary>
    public const string NoVotesYet = "No votes yet";

    /// <summary>On an earlier clinic's ballot of an item still being scored: voting goes on on the newest ballot.</summary>
    public const string BallotMovedOn = "This ballot is closed: the item is on a later clinic's agenda, and voting goes on there.";

    /// <summary>
    /// Who has voted on an open ballot: "3 voted so far: Ada, Eli, Mia". <paramref name="count"/> and
    /// <paramref name="names"/> come formatted by the channel (emphasis, mentions, escaping).
    /// </summary>
    public static string VotedSoFar(string count, string names) => $"{count} voted so far: {names}";
}
