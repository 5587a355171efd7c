using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;

namespace TriageBot.Core.DataTransfer;

/// <summary>The columns of the item CSV, in file order. Names are lower snake case and never change.</summary>
public static class ItemColumns
{
    public const string Key = "key";
    public const string ImportId = "import_id";
    public const string Title = "title";
    public const string Description = "description";
    public const string Stream = "stream";
    public const string State = "state";
    public const string Column = "column";
    public const string Impact = "impact";
    public const string Confidence = "confidence";
    public const string Rollback = "rollback";
    public const string Delay = "delay";
    public const string Total = "total";
    public const string Placement = "placement";
    public const string Reporter = "reporter";
    public const string Owner = "owner";
    public const string Created = "created";
    public const string StateSince = "state_since";
    public const string LastScored = "last_scored";
    public const string Links = "links";
    public const string ImpactEvidence = "impact_evidence";
    public const string AffectedSlice = "affected_slice";
    public const string Examples = "examples";
    public const string Lever = "lever";
    public const string QualityFlag = "quality_flag";
    public const string TimeboxDays = "timebox_days";
    public const string TimeboxStart = "timebox_start";
    public const string ReproSteps = "repro_steps";
    public const string Expected = "expected";
    public const string Actual = "actual";
    public const string Frequency = "frequency";
    public const string AffectedWauPercent = "affected_wau_percent";
    public const string Problem = "problem";
    public const string RequestedBy = "requested_by";
    public const string SuccessMetric = "success_metric";
    public const string CapabilityNote = "capability_note";
    public const string Touches = "touches";
    public const string ClosedRationale = "closed_rationale";

    public static IReadOnlyList<string> All { get; } =
    [
        Key, ImportId, Title, Description, Stream, State, Column, Impact, Confidence, Rollback, Delay, Total, Placement,
        Reporter, Owner, Created, StateSince, LastScored, Links, ImpactEvidence,
        AffectedSlice, Examples, Lever, QualityFlag, TimeboxDays, TimeboxStart,
        ReproSteps, Expected, Actual, Frequency, AffectedWauPercent,
        Problem, RequestedBy, SuccessMetric, CapabilityNote, Touches, ClosedRationale,
    ];

    /// <summary>Columns that hold a form field, with the field id Core's input rules know it by.</summary>
    public static IReadOnlyDictionary<string, string> FieldOf { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Title] = FieldIds.Title,
        [Description] = FieldIds.Description,
        [ImpactEvidence] = FieldIds.ImpactEvidence,
        [Links] = FieldIds.Link,
        [AffectedSlice] = FieldIds.AffectedSlice,
        [Examples] = FieldIds.Examples,
        [Lever] = FieldIds.Lever,
        [QualityFlag] = FieldIds.QualityFlag,
        [ReproSteps] = FieldIds.ReproSteps,
        [Expected] = FieldIds.Expected,
        [Actual] = FieldIds.Actual,
        [Frequency] = FieldIds.Frequency,
        [AffectedWauPercent] = FieldIds.AffectedWauPercent,
        [Problem] = FieldIds.Problem,
        [RequestedBy] = FieldIds.RequestedBy,
        [SuccessMetric] = FieldIds.SuccessMetric,
        [Touches] = FieldIds.Touches,
    };

    /// <summary>Columns that only one stream has.</summary>
    public static IReadOnlyDictionary<string, WorkStream> StreamOnly { get; } = new Dictionary<string, WorkStream>(StringComparer.Ordinal)
    {
        [AffectedSlice] = WorkStream.Model, [Examples] = WorkStream.Model, [Lever] = WorkStream.Model, [QualityFlag] = WorkStream.Model,
        [TimeboxDays] = WorkStream.Model, [TimeboxStart] = WorkStream.Model,
        [ReproSteps] = WorkStream.Bug, [Expected] = WorkStream.Bug, [Actual] = WorkStream.Bug, [Frequency] = WorkStream.Bug, [AffectedWauPercent] = WorkStream.Bug,
        [Problem] = WorkStream.Feature, [RequestedBy] = WorkStream.Feature, [SuccessMetric] = WorkStream.Feature, [CapabilityNote] = WorkStream.Feature,
        [Column] = WorkStream.Feature,
        [Touches] = WorkStream.Incident,
    };
}

/// <summary>How a CSV row names the item it is about.</summary>
public abstract record RowIdentity
{
    private RowIdentity()
    {
    }

    /// <summary>A key with the backlog's own prefix (<c>TRI-42</c>): the item with that number.</summary>
    public sealed record Number(int Value) : RowIdentity;

    /// <summary>An external key, an <c>import_id</c>, or a hash of the row: matched against <see cref="Item.ImportId"/>.</summary>
    public sealed record External(string Value) : RowIdentity;
}

/// <summary>A CSV row that passed every check, with its values parsed.</summary>
public sealed record ParsedItemRow
{
    public required WorkStream Stream { get; init; }
    public required ItemState State { get; init; }
    public FeatureColumn? Column { get; init; }
    public Scores? Scores { get; init; }
    public Queue? Placement { get; init; }
    public UserRef? Reporter { get; init; }
    public UserRef? Owner { get; init; }
    public DateTimeOffset? Created { get; init; }
    public DateTimeOffset? StateSince { get; init; }
    public DateTimeOffset? LastScored { get; init; }
    public int? TimeboxDays { get; init; }
    public DateTimeOffset? TimeboxStart { get; init; }
    public string CapabilityNote { get; init; } = "";
    public string ClosedRationale { get; init; } = "";
    /// <summary>The item fields by form field id, for <see cref="ItemValidation"/> and <see cref="ItemFactory"/>.</summary>
    public required IReadOnlyDictionary<string, string> Fields { get; init; }
}
