using System.Globalization;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;

namespace TriageBot.Core.Voting;

/// <summary>The rules of scoring votes (SPEC §4): who may vote, reveal and finalize, what a vote holds, and how a round becomes a score.</summary>
public static class VotingRules
{
    /// <summary>True once the item's current round has been finalized: its score carries the round number.</summary>
    public static bool IsRoundFinalized(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Score is { } score && score.Round == item.Round;
    }

    public static void RequireCanVote(Role role) => Permissions.Require(role, Permission.Vote, "vote");

    /// <summary>Throws "Only a facilitator can reveal votes." for anyone else.</summary>
    public static void RequireCanReveal(Role role) => Permissions.Require(role, Permission.Reveal, "reveal votes");

    /// <summary>Throws "Only a facilitator can finalize scores." for anyone else.</summary>
    public static void RequireCanFinalize(Role role) => Permissions.Require(role, Permission.Finalize, "finalize scores");

    /// <summary>Refuses when the item takes no votes: it is Done or Closed, or its current round is already finalized.</summary>
    public static void RequireOpenForVoting(Item item, int? round = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.State is ItemState.Done or ItemState.Closed)
        {
            throw new RuleViolationException(
                $"{item.Key} is {item.State.ToString().ToLowerInvariant()}: done and closed items are not scored.");
        }

        if (round is { } r && r != item.Round)
        {
            throw new RuleViolationException(
                $"Round {r} of {item.Key} is over; voting is open in round {item.Round}.");
        }

        if (IsRoundFinalized(item))
        {
            throw new RuleViolationException(
                $"Round {item.Round} of {item.Key} is already finalized; ask for a re-score to open a new round.");
        }
    }

    /// <summary>
    /// A person's vote in the item's current round. Scores must be 1–3; justifications are optional, trimmed,
    /// one line of at most 300 characters (empty ones are dropped). Throws <see cref="ValidationException"/> with every error.
    /// </summary>
    public static Vote Cast(
        Item item, UserRef voter, Scores scores, IReadOnlyDictionary<Dimension, string>? reasons, DateTimeOffset now, int? round = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(voter);
        ArgumentNullException.ThrowIfNull(scores);
        RequireOpenForVoting(item, round);

        var errors = new List<FieldError>();
        foreach (var d in RubricRules.Dimensions)
        {
            if (!RubricRules.IsValidScore(scores[d]))
            {
                errors.Add(new FieldError(FieldIds.ScoreOf(d), $"{RubricText.Name(d)} must be scored 1, 2 or 3 (you chose {scores[d]})."));
            }
        }

        var cleanReasons = CleanReasons(reasons, errors);
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        return new Vote(item.BacklogId, item.Number, item.Round, voter, scores, cleanReasons, now);
    }

    /// <summary>
    /// A vote from the vote form's raw values (<see cref="FieldIds.ScoreOf"/> and <see cref="FieldIds.ReasonOf"/>):
    /// every score is required and must be 1, 2 or 3. Throws <see cref="ValidationException"/> with every error.
    /// </summary>
    public static Vote CastFromForm(Item item, UserRef voter, IReadOnlyDictionary<string, string> values, DateTimeOffset now, int? round = null)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(values);
        RequireOpenForVoting(item, round);

        var errors = new List<FieldError>();
        var parsed = new Dictionary<Dimension, int>();
        foreach (var d in RubricRules.Dimensions)
        {
            var id = FieldIds.ScoreOf(d);
            var raw = InputText.Clean(values.GetValueOrDefault(id));
            if (raw.Length == 0)
            {
                errors.Add(new FieldError(id, $"{RubricText.Name(d)} needs a score: choose 1, 2 or 3."));
            }
            else if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var score) || !RubricRules.IsValidScore(score))
            {
                errors.Add(new FieldError(id, $"{RubricText.Name(d)} must be scored 1, 2 or 3 (you chose \"{raw}\")."));
            }
            else
            {
                parsed[d] = score;
            }
        }

        var reasons = RubricRules.Dimensions
            .Where(d => values.ContainsKey(FieldIds.ReasonOf(d)))
            .ToDictionary(d => d, d => values[FieldIds.ReasonOf(d)]);
        var cleanReasons = CleanReasons(reasons, errors);
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        var scores = new Scores(parsed[Dimension.Impact], parsed[Dimension.Confidence], parsed[Dimension.Rollback], parsed[Dimension.Delay]);
        return new Vote(item.BacklogId, item.Number, item.Round, voter, scores, cleanReasons, now);
    }

    /// <summary>
    /// Turns a tallied round into the item's score. The facilitator accepts the medians or overrides a
    /// dimension with a reason (required, naming the dimension when missing). Justifications: the one given,
    /// else the override reason, else the voters' reasons, else a note of the median and spread.
    /// The caller checks the role with <see cref="RequireCanFinalize"/>.
    /// </summary>
    public static ItemScore Finalize(
        Item item,
        TallyResult tally,
        IReadOnlyDictionary<Dimension, (int Score, string Reason)> overrides,
        IReadOnlyDictionary<Dimension, string> justifications,
        UserRef by,
        DateTimeOffset now,
        BacklogSettings settings)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(tally);
        ArgumentNullException.ThrowIfNull(overrides);
        ArgumentNullException.ThrowIfNull(justifications);
        ArgumentNullException.ThrowIfNull(by);
        ArgumentNullException.ThrowIfNull(settings);
        RequireOpenForVoting(item);
        if (tally.Counted.Any(v => v.BacklogId != item.BacklogId || v.ItemNumber != item.Number || v.Round != item.Round))
        {
            throw new RuleViolationException(
                $"These votes are not from round {item.Round} of {item.Key}; tally the current round again and finalize that.");
        }

        var errors = new List<FieldError>();
        var final = new Dictionary<Dimension, int>();
        var texts = new Dictionary<Dimension, string>();
        foreach (var d in RubricRules.Dimensions)
        {
            var given = InputText.Clean(justifications.GetValueOrDefault(d));
            if (InputText.Length(given) > InputText.FreeTextMax)
            {
                errors.Add(new FieldError(FieldIds.ReasonOf(d),
                    $"Justification for {RubricText.Name(d)} must be at most {InputText.FreeTextMax} characters (you wrote {InputText.Length(given)})."));
            }

            if (overrides.TryGetValue(d, out var o))
            {
                var reason = InputText.Clean(o.Reason);
                if (!RubricRules.IsValidScore(o.Score))
                {
                    errors.Add(new FieldError(FieldIds.ScoreOf(d), $"{RubricText.Name(d)} must be scored 1, 2 or 3 (you chose {o.Score})."));
                }

                if (reason.Length == 0)
                {
                    errors.Add(new FieldError(FieldIds.ReasonOf(d),
                        $"Overriding {RubricText.Name(d)} needs a reason: say why the team's median ({tally.Medians[d]}) is not the score."));
                }
                else if (InputText.Length(reason) > InputText.FreeTextMax)
                {
                    errors.Add(new FieldError(FieldIds.ReasonOf(d),
                        $"The reason for overriding {RubricText.Name(d)} must be at most {InputText.FreeTextMax} characters (you wrote {InputText.Length(reason)})."));
                }

                final[d] = o.Score;
                texts[d] = given.Length > 0 ? given : reason;
            }
            else
            {
                final[d] = tally.Medians[d];
                texts[d] = given.Length > 0 ? given : DefaultJustification(tally, d);
            }
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        var scores = new Scores(final[Dimension.Impact], final[Dimension.Confidence], final[Dimension.Rollback], final[Dimension.Delay]);
        var total = RubricRules.Total(scores);
        return new ItemScore(scores, texts, total, RubricRules.Place(total, settings), item.Round, by, now);
    }

    private static string DefaultJustification(TallyResult tally, Dimension d)
    {
        var reasons = tally.Counted
            .Select(v => v.Reasons.GetValueOrDefault(d))
            .Where(r => !string.IsNullOrWhiteSpace(r))
            .Select(r => r!.Trim())
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (reasons.Count > 0)
        {
            var joined = string.Join("; ", reasons);
            return joined.Length <= InputText.FreeTextMax ? joined : joined[..(InputText.FreeTextMax - 1)] + "…";
        }

        var r = tally[d];
        var votes = tally.Counted.Count == 1 ? "1 vote" : $"{tally.Counted.Count} votes";
        return r.Min == r.Max
            ? $"Median of {votes} ({r.Median})."
            : $"Median of {votes} ({r.Median}; spread {r.Min}–{r.Max}).";
    }

    private static Dictionary<Dimension, string> CleanReasons(IReadOnlyDictionary<Dimension, string>? reasons, List<FieldError> errors)
    {
        var clean = new Dictionary<Dimension, string>();
        if (reasons is null)
        {
            return clean;
        }

        foreach (var d in RubricRules.Dimensions)
        {
            var text = InputText.Clean(reasons.GetValueOrDefault(d));
            if (text.Length == 0)
            {
                continue;
            }

            if (!InputText.IsOneLine(text))
            {
                errors.Add(new FieldError(FieldIds.ReasonOf(d), $"Justification for {RubricText.Name(d)} must be one line."));
            }
            else if (InputText.Length(text) > InputText.ReasonLineMax)
            {
                errors.Add(new FieldError(FieldIds.ReasonOf(d),
                    $"Justification for {RubricText.Name(d)} must be at most {InputText.ReasonLineMax} characters (you wrote {InputText.Length(text)})."));
            }
            else
            {
                clean[d] = text;
            }
        }

        return clean;
    }
}
