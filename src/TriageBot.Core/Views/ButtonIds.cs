namespace TriageBot.Core.Views;

/// <summary>
/// The action ids buttons carry (an id and an item ref, never state): views put them on buttons, channels send them
/// back, the use cases dispatch on them. The values never change: they are in messages already posted.
/// </summary>
public static class ButtonIds
{
    public const string Vote = "vote";
    public const string Reveal = "reveal";
    public const string Finalize = "finalize";
    public const string AddCapabilityNote = "note";
    public const string Setup = "setup";
    public const string Start = "start";
    public const string Done = "done";
    public const string Close = "close";
    public const string Rescore = "rescore";
    public const string Promote = "promote";
    public const string Keep = "keep";
    public const string Extend = "extend";
    public const string Score = "score";
    public const string Show = "show";
    public const string NewItem = "newItem";
    /// <summary>Re-scoring: the facilitator keeps the earlier round's scores in one click.</summary>
    public const string KeepScore = "keepScore";
    /// <summary>Runs a command in the backlog the button names (argument: backlog id, newline, command text).</summary>
    public const string InBacklog = "inBacklog";
    /// <summary>The ballot as the person asking sees it (their own vote, their own buttons): a card refresh in Teams.</summary>
    public const string ViewBallot = "viewBallot";
    /// <summary>A facilitator opens a new scoring round on a finalized item, announced in the conversation.</summary>
    public const string ReopenScoring = "reopenScoring";
    /// <summary>A row of the icebox sweep: opens the one dialog that closes, promotes, keeps or sends the item to re-scoring.</summary>
    public const string SweepDecide = "sweepDecide";
}
