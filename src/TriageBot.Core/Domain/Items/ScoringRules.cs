using System.Globalization;
using TriageBot.Core.Rubric;
using TriageBot.Core.Voting;
using static TriageBot.Core.Items.RuleSupport;

namespace TriageBot.Core.Items;

/// <summary>Scoring rules of SPEC §2 as pure functions: a finalized score places the item; rounds open, reveal and age.</summary>
public static class ScoringRules
{
    /// <summary>Scores age: Ready and Icebox items not re-scored for this many calendar months are due.</summary>
    public const int RescoreAfterMonths = 2;

    /// <summary>
    /// Records a finalized score and places the item: from New/Ready/Sprint/Icebox into the score's queue.
    /// A feature without a capability note is not placed into Ready or Sprint: its placement is held
    /// (<see cref="HistoryKind.PlacementHeld"/>) until the note arrives. An Active, Done or Closed item
    /// keeps its state; the score is still recorded. The round counts as revealed once finalized.
    /// </summary>
    public static ItemChange ApplyScore(Item item, ItemScore score, UserRef by, DateTimeOffset now) => ApplyScore(item, score, by, now, note: null);

    /// <summary>
    /// Keeps the earlier round's scores as the open round's result: a re-score with the same values (SPEC §6), finalized by
    /// <paramref name="by"/> with a reason, placed under the current thresholds. The round must be open and the item scored before.
    /// </summary>
    public static ItemChange KeepScore(Item item, UserRef by, DateTimeOffset now, Backlogs.BacklogSettings settings, string reason)
    {
        RequireOpen(item, "re-scored");
        ArgumentNullException.ThrowIfNull(settings);
        if (item.Score is not { } previous)
        {
            throw new RuleViolationException($"{item.Key} has never been scored: there are no scores to keep. Vote on it instead.");
        }

        if (VotingRules.IsRoundFinalized(item))
        {
            throw new RuleViolationException($"Round {item.Round} of {item.Key} is already finalized: {previous.Total} → {previous.Placement}.");
        }

        var text = CheckOptionalReason(reason) ?? throw new ValidationException([new FieldError(FieldIds.Reason, "Say why the scores still hold.")]);
        var kept = previous with { Round = item.Round, FinalizedBy = by, At = now, Placement = RubricRules.Place(previous.Total, settings) };
        return ApplyScore(item, kept, by, now, $"kept the scores of round {previous.Round}: {text}");
    }

    private static ItemChange ApplyScore(Item item, ItemScore score, UserRef by, DateTimeOffset now, string? note)
    {
        ArgumentNullException.ThrowIfNull(score);
        if (RubricRules.Total(score.Scores) != score.Total)
        {
            throw new ArgumentException($"The score's total ({score.Total}) does not match its scores ({RubricRules.Total(score.Scores)}).", nameof(score));
        }

        var c = new Change(item, by, now);
        var s = score.Scores;
        c.Add(HistoryKind.Scored, FieldIds.Score, item.Score?.Total.ToString(CultureInfo.InvariantCulture), score.Total.ToString(CultureInfo.InvariantCulture),
            $"Round {score.Round}: impact {s.Impact}, confidence {s.Confidence}, rollback {s.Rollback}, delay {s.Delay} → {score.Placement}" + (note is null ? "" : $" ({note})"));
        c.Item = c.Item with { Score = score, RoundRevealed = true, RescoreRequested = false };

        if (!IsQueued(item.State))
        {
            return c.Result();
        }

        var target = ToState(score.Placement);
        if (NeedsNoteToPlace(c.Item, score.Placement))
        {
            c.Item = c.Item with { HeldPlacement = score.Placement };
            c.Add(HistoryKind.PlacementHeld, FieldIds.State, item.State.ToString(), target.ToString(), WaitingForCapabilityNote);
            return c.Result();
        }

        c.Item = c.Item with { HeldPlacement = null };
        c.MoveTo(target, $"scored {score.Total}");
        return c.Result();
    }

    /// <summary>Opens the next scoring round once the current one is finalized; earlier rounds stay in history.</summary>
    public static ItemChange OpenNewRound(Item item, UserRef by, DateTimeOffset now)
    {
        RequireOpen(item, "re-scored");
        if (!VotingRules.IsRoundFinalized(item))
        {
            throw new RuleViolationException($"Round {item.Round} of {item.Key} is still open: finalize it before opening another.");
        }

        var c = new Change(item, by, now);
        c.Item = c.Item with { Round = item.Round + 1, RoundRevealed = false };
        c.Add(HistoryKind.VotingRoundOpened, FieldIds.Round, Str(item.Round), Str(item.Round + 1));
        return c.Result();
    }

    /// <summary>Asks for a re-score at the next clinic; opens a new round if the current one is finalized.</summary>
    public static ItemChange RequestRescore(Item item, UserRef by, DateTimeOffset now, string? reason = null)
    {
        RequireOpen(item, "re-scored");
        var text = CheckOptionalReason(reason);
        if (item.RescoreRequested && !VotingRules.IsRoundFinalized(item))
        {
            return new ItemChange(item, []);
        }

        var c = new Change(item, by, now);
        if (!item.RescoreRequested)
        {
            c.Item = c.Item with { RescoreRequested = true };
            c.Add(HistoryKind.FieldChanged, FieldIds.RescoreRequested, "false", "true", text);
        }

        if (VotingRules.IsRoundFinalized(item))
        {
            c.Item = c.Item with { Round = item.Round + 1, RoundRevealed = false };
            c.Add(HistoryKind.VotingRoundOpened, FieldIds.Round, Str(item.Round), Str(item.Round + 1), text);
        }

        return c.Result();
    }

    /// <summary>Records that the facilitator revealed the current round's votes (check the role first).</summary>
    public static ItemChange MarkRevealed(Item item, UserRef by, DateTimeOffset now)
    {
        RequireOpen(item, "scored");
        if (item.RoundRevealed)
        {
            return new ItemChange(item, []);
        }

        var c = new Change(item, by, now);
        c.Item = c.Item with { RoundRevealed = true };
        c.Add(HistoryKind.Revealed, FieldIds.Round, null, Str(item.Round));
        return c.Result();
    }

    /// <summary>Due for re-scoring: in Ready or Icebox and not scored (or, never scored, not created) for 2 calendar months.</summary>
    public static bool DueForRescore(Item item, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.State is not (ItemState.Ready or ItemState.Icebox))
        {
            return false;
        }

        var since = item.Score?.At ?? item.CreatedAt;
        return since.AddMonths(RescoreAfterMonths) <= now;
    }
}
