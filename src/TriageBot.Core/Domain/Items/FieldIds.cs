using TriageBot.Core.Rubric;

namespace TriageBot.Core.Items;

/// <summary>
/// The fixed ids of form inputs. Forms use them as input ids, validation names them in errors, and
/// history records them as the changed field, so they never change.
/// </summary>
public static class FieldIds
{
    // every stream
    public const string Title = "title";
    public const string Description = "description";
    public const string ImpactEvidence = "impactEvidence";
    public const string Link = "link";

    // model
    public const string AffectedSlice = "affectedSlice";
    public const string Examples = "examples";
    public const string Lever = "lever";
    public const string QualityFlag = "qualityFlag";

    // bug
    public const string ReproSteps = "reproSteps";
    public const string Expected = "expected";
    public const string Actual = "actual";
    public const string Frequency = "frequency";
    public const string AffectedWauPercent = "affectedWauPercent";

    // feature
    public const string Problem = "problem";
    public const string RequestedBy = "requestedBy";
    public const string SuccessMetric = "successMetric";

    // incident
    public const string Touches = "touches";

    // capability note form
    public const string NoteText = "noteText";
    public const string NoteScale = "noteScale";

    // timebox, extend, close, keep forms
    public const string TimeboxDays = "timeboxDays";
    public const string Reason = "reason";
    public const string Rationale = "rationale";

    // vote and finalize forms: the score of a dimension and its one-line justification
    public const string ImpactScore = "impact";
    public const string ConfidenceScore = "confidence";
    public const string RollbackScore = "rollback";
    public const string DelayScore = "delay";
    public const string ImpactReason = "impactReason";
    public const string ConfidenceReason = "confidenceReason";
    public const string RollbackReason = "rollbackReason";
    public const string DelayReason = "delayReason";

    // settings
    public const string SprintThreshold = "sprintThreshold";
    public const string ReadyThreshold = "readyThreshold";

    // names used in history only (not form inputs)
    public const string Score = "score";
    public const string State = "state";
    public const string Owner = "owner";
    public const string Column = "column";
    public const string Timebox = "timebox";
    public const string CapabilityNote = "capabilityNote";
    public const string EvaluationGatePassed = "evaluationGatePassed";
    public const string Round = "round";
    public const string RescoreRequested = "rescoreRequested";
    /// <summary>A facilitator started an item beyond its stream's WIP limit: From = active before, To = the limit, Reason = why.</summary>
    public const string WipOverride = "wipOverride";
    public const string NeedsCapabilityNote = "needsCapabilityNote";

    /// <summary>The form input holding a dimension's score.</summary>
    public static string ScoreOf(Dimension dimension) => dimension switch
    {
        Dimension.Impact => ImpactScore,
        Dimension.Confidence => ConfidenceScore,
        Dimension.Rollback => RollbackScore,
        Dimension.Delay => DelayScore,
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "Unknown rubric dimension."),
    };

    /// <summary>The form input holding a dimension's justification (or override reason).</summary>
    public static string ReasonOf(Dimension dimension) => dimension switch
    {
        Dimension.Impact => ImpactReason,
        Dimension.Confidence => ConfidenceReason,
        Dimension.Rollback => RollbackReason,
        Dimension.Delay => DelayReason,
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "Unknown rubric dimension."),
    };

    /// <summary>The input fields of the intake form for a stream, in form order.</summary>
    public static IReadOnlyList<string> ForStream(WorkStream stream) => stream switch
    {
        WorkStream.Model => [Title, Description, ImpactEvidence, Link, AffectedSlice, Examples, Lever, QualityFlag],
        WorkStream.Bug => [Title, Description, ImpactEvidence, Link, ReproSteps, Expected, Actual, Frequency, AffectedWauPercent],
        WorkStream.Feature => [Title, Description, ImpactEvidence, Link, Problem, RequestedBy, SuccessMetric],
        WorkStream.Incident => [Title, Description, ImpactEvidence, Link, Touches],
        _ => throw new ArgumentOutOfRangeException(nameof(stream), stream, "Unknown stream."),
    };
}
