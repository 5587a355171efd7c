using System.Globalization;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Rubric;
using TriageBot.Core.Voting;

namespace TriageBot.Core.Items;

/// <summary>
/// Every state change of SPEC §2 as a pure function: each returns the new snapshot and the history entries
/// that record it (actor, time, from/to, reason), or throws <see cref="RuleViolationException"/> naming the rule.
/// Roles are checked by the caller with <see cref="Permissions"/>. A request that changes nothing returns the
/// item unchanged with no history (<see cref="ItemChange.Changed"/> is false).
/// </summary>
public static class ItemRules
{
    public const int TimeboxMinDays = 1;
    public const int TimeboxMaxDays = 30;
    /// <summary>Scores age: Ready and Icebox items not re-scored for this many calendar months are due.</summary>
    public const int RescoreAfterMonths = 2;
    public const string WaitingForCapabilityNote = "waiting for capability note";

    /// <summary>States an item can still change from; Done and Closed are final.</summary>
    public static bool IsOpen(ItemState state) => state is not (ItemState.Done or ItemState.Closed);

    /// <summary>States a score places an item from (the three queues and New).</summary>
    public static bool IsQueued(ItemState state) => state is ItemState.New or ItemState.Ready or ItemState.Sprint or ItemState.Icebox;

    // ---------------------------------------------------------------- scoring

    /// <summary>
    /// Records a finalized score and places the item: from New/Ready/Sprint/Icebox into the score's queue.
    /// A feature without a capability note is not placed into Ready or Sprint: its placement is held
    /// (<see cref="HistoryKind.PlacementHeld"/>) until the note arrives. An Active, Done or Closed item
    /// keeps its state; the score is still recorded. The round counts as revealed once finalized.
    /// </summary>
    public static ItemChange ApplyScore(Item item, ItemScore score, UserRef by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(score);
        if (RubricRules.Total(score.Scores) != score.Total)
        {
            throw new ArgumentException($"The score's total ({score.Total}) does not match its scores ({RubricRules.Total(score.Scores)}).", nameof(score));
        }

        var c = new Change(item, by, now);
        var s = score.Scores;
        c.Add(HistoryKind.Scored, FieldIds.Score, item.Score?.Total.ToString(CultureInfo.InvariantCulture), score.Total.ToString(CultureInfo.InvariantCulture),
            $"Round {score.Round}: impact {s.Impact}, confidence {s.Confidence}, rollback {s.Rollback}, delay {s.Delay} → {score.Placement}");
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

    // ---------------------------------------------------------------- capability notes

    /// <summary>
    /// Adds (or replaces) the capability note of a feature or of an item flagged with a model dependency, and
    /// applies a placement held for it. The text is required, at most 3,000 characters.
    /// </summary>
    public static ItemChange AddCapabilityNote(Item item, string text, CapabilityScale scale, UserRef by, DateTimeOffset now)
    {
        RequireOpen(item, "given a capability note");
        if (item.Stream != WorkStream.Feature && !item.NeedsCapabilityNote && item.DependencyNote is null)
        {
            throw new RuleViolationException(
                $"{item.Key} is a {ItemValidation.StreamName(item.Stream)} item with no model dependency flagged: capability notes are for features, or items flagged as depending on a model capability.");
        }

        if (!Enum.IsDefined(scale))
        {
            throw new ValidationException([new FieldError(FieldIds.NoteScale, "Scale must be a days-long feature or a weeks-long capability project.")]);
        }

        var clean = InputText.Clean(text);
        if (clean.Length == 0)
        {
            throw new ValidationException([new FieldError(FieldIds.NoteText,
                "Capability note is required: one paragraph on the model, retrieval or evaluation capability this depends on.")]);
        }

        if (InputText.Length(clean) > InputText.FreeTextMax)
        {
            throw new ValidationException([new FieldError(FieldIds.NoteText,
                $"Capability note must be at most {InputText.FreeTextMax} characters (you wrote {InputText.Length(clean)}).")]);
        }

        if (!NoteSentence.IsASentence(clean))
        {
            throw new ValidationException([new FieldError(FieldIds.NoteText, NoteSentence.Message)]);
        }

        var note = new CapabilityNote(clean, scale, by, now);
        var previous = CapabilityNoteOf(item);
        var c = new Change(item, by, now);
        c.Item = item.Stream == WorkStream.Feature
            ? c.Item with { Feature = (item.Feature ?? new FeatureFields()) with { CapabilityNote = note }, NeedsCapabilityNote = false }
            : c.Item with { DependencyNote = note, NeedsCapabilityNote = false };
        c.Add(HistoryKind.CapabilityNoteAdded, FieldIds.CapabilityNote, previous?.Text, clean, ScaleText(scale));

        if (item.HeldPlacement is { } held && IsQueued(item.State))
        {
            c.Item = c.Item with { HeldPlacement = null };
            c.MoveTo(ToState(held), "capability note arrived: applying the held placement");
        }

        return c.Result();
    }

    /// <summary>Flags a model dependency on a non-feature item, which asks the engineers for a capability note (SPEC §5).</summary>
    public static ItemChange FlagModelDependency(Item item, UserRef by, DateTimeOffset now, string? reason = null)
    {
        RequireOpen(item, "flagged");
        if (item.Stream == WorkStream.Feature)
        {
            throw new RuleViolationException($"{item.Key} is a feature: features always need a capability note, no flag required.");
        }

        var text = CheckOptionalReason(reason);
        if (item.NeedsCapabilityNote)
        {
            return new ItemChange(item, []);
        }

        var c = new Change(item, by, now);
        c.Item = c.Item with { NeedsCapabilityNote = true };
        c.Add(HistoryKind.FieldChanged, FieldIds.NeedsCapabilityNote, "false", "true", text);
        return c.Result();
    }

    /// <summary>The item's capability note, wherever its stream keeps it.</summary>
    public static CapabilityNote? CapabilityNoteOf(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Feature?.CapabilityNote ?? item.DependencyNote;
    }

    /// <summary>Shows "needs capability note": a feature without one, or an item flagged and not yet answered.</summary>
    public static bool NeedsCapabilityNote(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return IsOpen(item.State)
            && (item.NeedsCapabilityNote || (item.Stream == WorkStream.Feature && item.Feature?.CapabilityNote is null));
    }

    // ---------------------------------------------------------------- work

    /// <summary>
    /// Starts work: Sprint or Ready → Active (an incident may also start from New, unscored). A model item needs a
    /// timebox, which then starts now; the incident lane refuses a start beyond its cap, naming the active incidents.
    /// The actor becomes the owner when there is none.
    /// </summary>
    public static ItemChange Start(
        Item item, UserRef by, DateTimeOffset now, int activeIncidentCount, IReadOnlyList<string> activeIncidentKeys, BacklogSettings settings)
    {
        ArgumentNullException.ThrowIfNull(activeIncidentKeys);
        ArgumentNullException.ThrowIfNull(settings);
        RequireOpen(item, "started");
        switch (item.State)
        {
            case ItemState.Active:
                throw new RuleViolationException($"{item.Key} is already active.");
            case ItemState.Icebox:
                throw new RuleViolationException($"{item.Key} is in the icebox: promote it to Ready before starting it.");
            case ItemState.New when item.Stream != WorkStream.Incident:
                throw new RuleViolationException(
                    item.HeldPlacement is null
                        ? $"{item.Key} has not been scored yet: score it before starting it (only incidents start unscored)."
                        : $"{item.Key} is {WaitingForCapabilityNote}: it can start once the note places it.");
        }

        if (item.Stream == WorkStream.Model && item.Model?.Timebox is null)
        {
            var choices = string.Join(" or ", settings.TimeboxChoicesDays.Select(d => d == 1 ? "1 day" : $"{d} days"));
            throw new RuleViolationException(
                $"Set a timebox first: {item.Key} is model-quality work, sized by a timebox ({choices}), never by points.");
        }

        if (item.Stream == WorkStream.Incident && activeIncidentCount >= settings.IncidentCap)
        {
            var keys = activeIncidentKeys.Count == 0 ? $"{activeIncidentCount} incidents" : JoinAnd(activeIncidentKeys);
            throw new RuleViolationException(
                $"The incident lane is full: {keys} {(activeIncidentKeys.Count == 1 ? "is" : "are")} active (cap {settings.IncidentCap}). Finish or close one before starting {item.Key}.");
        }

        var c = new Change(item, by, now);
        if (item.Model?.Timebox is { } timebox && timebox.Start != now)
        {
            var restarted = new Timebox(timebox.LengthDays, now, now.AddDays(timebox.LengthDays));
            c.Item = c.Item with { Model = item.Model with { Timebox = restarted } };
            c.Add(HistoryKind.TimeboxSet, FieldIds.Timebox, Str(timebox.LengthDays), Str(timebox.LengthDays), "the timebox starts with the work");
        }

        c.MoveTo(ItemState.Active, null);
        if (item.Owner is null)
        {
            c.Item = c.Item with { Owner = by };
            c.Add(HistoryKind.OwnerChanged, FieldIds.Owner, null, by.Key);
        }

        return c.Result();
    }

    /// <summary>Sets a model item's timebox (1–30 days, starting now). An active item's timebox changes only by <see cref="Extend"/>, with a reason.</summary>
    public static ItemChange SetTimebox(Item item, int days, UserRef by, DateTimeOffset now)
    {
        RequireOpen(item, "timeboxed");
        RequireModel(item);
        if (item.State == ItemState.Active && item.Model?.Timebox is not null)
        {
            throw new RuleViolationException($"{item.Key} is active with a timebox: extend it with a reason instead, so the re-scope is recorded.");
        }

        if (days is < TimeboxMinDays or > TimeboxMaxDays)
        {
            throw new ValidationException([TimeboxDaysError(days)]);
        }

        var old = item.Model?.Timebox;
        var c = new Change(item, by, now);
        c.Item = c.Item with { Model = (item.Model ?? new ModelFields()) with { Timebox = new Timebox(days, now, now.AddDays(days)) } };
        c.Add(HistoryKind.TimeboxSet, FieldIds.Timebox, old is null ? null : Str(old.LengthDays), Str(days));
        return c.Result();
    }

    /// <summary>
    /// Extends a model item's timebox by 1–30 days from its end (or from now, if it already ended). The reason
    /// is required and is recorded as a re-scope.
    /// </summary>
    public static ItemChange Extend(Item item, int days, string reason, UserRef by, DateTimeOffset now)
    {
        RequireOpen(item, "extended");
        RequireModel(item);
        if (item.Model?.Timebox is not { } timebox)
        {
            throw new RuleViolationException($"{item.Key} has no timebox to extend: set one first.");
        }

        var errors = new List<FieldError>();
        if (days is < TimeboxMinDays or > TimeboxMaxDays)
        {
            errors.Add(TimeboxDaysError(days));
        }

        var text = InputText.Clean(reason);
        if (text.Length == 0)
        {
            errors.Add(new FieldError(FieldIds.Reason, "Extending a timebox needs a reason: say what changed (it is recorded as a re-scope)."));
        }
        else if (InputText.Length(text) > InputText.FreeTextMax)
        {
            errors.Add(new FieldError(FieldIds.Reason, $"Reason must be at most {InputText.FreeTextMax} characters (you wrote {InputText.Length(text)})."));
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        var end = (timebox.End > now ? timebox.End : now).AddDays(days);
        var extended = new Timebox((int)Math.Ceiling((end - timebox.Start).TotalDays), timebox.Start, end);
        var c = new Change(item, by, now);
        c.Item = c.Item with { Model = item.Model with { Timebox = extended } };
        c.Add(HistoryKind.Rescoped, FieldIds.Timebox, Iso(timebox.End), Iso(end), text);
        return c.Result();
    }

    /// <summary>An active model item whose timebox has ended: its owner is asked to extend, close or mark it done.</summary>
    public static bool TimeboxExpired(Item item, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.State == ItemState.Active && item.Model?.Timebox is { } timebox && now >= timebox.End;
    }

    /// <summary>Records that a model item passed its evaluation gate (the gate before merge).</summary>
    public static ItemChange PassEvaluationGate(Item item, UserRef by, DateTimeOffset now)
    {
        RequireOpen(item, "changed");
        RequireModel(item);
        if (item.Model!.EvaluationGatePassed)
        {
            return new ItemChange(item, []);
        }

        var c = new Change(item, by, now);
        c.Item = c.Item with { Model = item.Model with { EvaluationGatePassed = true } };
        c.Add(HistoryKind.FieldChanged, FieldIds.EvaluationGatePassed, "false", "true");
        return c.Result();
    }

    /// <summary>
    /// Active → Done. A model item must have passed its evaluation gate (or the actor confirms it passed now);
    /// a feature must be in Measure with a success metric.
    /// </summary>
    public static ItemChange Done(Item item, UserRef by, DateTimeOffset now, bool evaluationGatePassed = false)
    {
        RequireOpen(item, "marked done");
        if (item.State != ItemState.Active)
        {
            throw new RuleViolationException($"{item.Key} is {StateName(item.State)}: start it before marking it done.");
        }

        var c = new Change(item, by, now);
        if (item.Stream == WorkStream.Model && item.Model?.EvaluationGatePassed != true)
        {
            if (!evaluationGatePassed)
            {
                throw new RuleViolationException(
                    $"{item.Key} is model-quality work: it is done only after it passes an evaluation gate before merge. Record the gate with `gate {item.Key}`, then mark it done.");
            }

            c.Item = c.Item with { Model = (item.Model ?? new ModelFields()) with { EvaluationGatePassed = true } };
            c.Add(HistoryKind.FieldChanged, FieldIds.EvaluationGatePassed, "false", "true");
        }

        if (item.Stream == WorkStream.Feature)
        {
            var feature = item.Feature ?? new FeatureFields();
            if (string.IsNullOrWhiteSpace(feature.SuccessMetric))
            {
                throw new RuleViolationException($"{item.Key} has no success metric: a feature is done when it is measured against one.");
            }

            if (feature.Column != FeatureColumn.Measure)
            {
                throw new RuleViolationException($"{item.Key} is in {feature.Column}: a feature is done from Measure (Discovery → Build → Measure).");
            }
        }

        c.MoveTo(ItemState.Done, null);
        return c.Result();
    }

    /// <summary>Closes an open item with a written rationale (required: trimmed, 3–3,000 characters).</summary>
    public static ItemChange Close(Item item, string rationale, UserRef by, DateTimeOffset now)
    {
        RequireOpen(item, "closed");
        var text = InputText.Clean(rationale);
        var length = InputText.Length(text);
        if (length < InputText.RationaleMin)
        {
            throw new ValidationException([new FieldError(FieldIds.Rationale,
                $"Closing needs a written rationale of at least {InputText.RationaleMin} characters (you wrote {length}).")]);
        }

        if (length > InputText.FreeTextMax)
        {
            throw new ValidationException([new FieldError(FieldIds.Rationale,
                $"Rationale must be at most {InputText.FreeTextMax} characters (you wrote {length}).")]);
        }

        var c = new Change(item, by, now);
        c.Item = c.Item with { ClosedRationale = text, HeldPlacement = null };
        c.MoveTo(ItemState.Closed, text);
        return c.Result();
    }

    /// <summary>Moves a feature in Ready, Sprint or Active between Discovery, Build and Measure; Build and Measure need a success metric.</summary>
    public static ItemChange Move(Item item, FeatureColumn column, UserRef by, DateTimeOffset now)
    {
        RequireOpen(item, "moved");
        if (item.Stream != WorkStream.Feature)
        {
            throw new RuleViolationException($"Only features have columns; {item.Key} is a {ItemValidation.StreamName(item.Stream)} item.");
        }

        if (item.State is not (ItemState.Ready or ItemState.Sprint or ItemState.Active))
        {
            throw new RuleViolationException($"{item.Key} is {StateName(item.State)}: a feature moves between columns once it is in Ready, Sprint or Active.");
        }

        if (!Enum.IsDefined(column))
        {
            throw new ArgumentOutOfRangeException(nameof(column), column, "Unknown feature column.");
        }

        var feature = item.Feature ?? new FeatureFields();
        if (feature.Column == column)
        {
            return new ItemChange(item, []);
        }

        if (column != FeatureColumn.Discovery && string.IsNullOrWhiteSpace(feature.SuccessMetric))
        {
            throw new RuleViolationException($"{item.Key} needs a success metric before it moves into {column}: the PM sets a measurable one.");
        }

        var c = new Change(item, by, now);
        c.Item = c.Item with { Feature = feature with { Column = column, ColumnSince = now } };
        c.Add(HistoryKind.ColumnChanged, FieldIds.Column, feature.Column.ToString(), column.ToString());
        return c.Result();
    }

    // ---------------------------------------------------------------- queues

    /// <summary>Icebox → Ready (the sweep's "promote"). A feature still needs its capability note to enter Ready.</summary>
    public static ItemChange Promote(Item item, UserRef by, DateTimeOffset now, string? reason = null)
    {
        RequireOpen(item, "promoted");
        if (item.State != ItemState.Icebox)
        {
            throw new RuleViolationException($"{item.Key} is {StateName(item.State)}: only icebox items are promoted.");
        }

        if (NeedsNoteToPlace(item, Queue.Ready))
        {
            throw new RuleViolationException($"{item.Key} needs a capability note before it can enter Ready.");
        }

        var text = CheckOptionalReason(reason);
        var c = new Change(item, by, now);
        c.MoveTo(ItemState.Ready, text ?? "promoted from the icebox");
        return c.Result();
    }

    /// <summary>Keeps an icebox item out of the sweep, with a required reason.</summary>
    public static ItemChange Keep(Item item, string reason, UserRef by, DateTimeOffset now)
    {
        RequireOpen(item, "kept");
        if (item.State != ItemState.Icebox)
        {
            throw new RuleViolationException($"{item.Key} is {StateName(item.State)}: only icebox items are kept out of the sweep.");
        }

        var text = InputText.Clean(reason);
        var length = InputText.Length(text);
        if (length < InputText.RationaleMin || length > InputText.FreeTextMax)
        {
            throw new ValidationException([new FieldError(FieldIds.Reason,
                $"Keeping an item in the icebox needs a reason of {InputText.RationaleMin}–{InputText.FreeTextMax} characters (you wrote {length}).")]);
        }

        var c = new Change(item, by, now);
        c.Item = c.Item with { KeepReason = text };
        c.Add(HistoryKind.KeepMarked, null, item.KeepReason, text, text);
        return c.Result();
    }

    // ---------------------------------------------------------------- fields

    /// <summary>Sets or clears the owner.</summary>
    public static ItemChange SetOwner(Item item, UserRef? owner, UserRef by, DateTimeOffset now)
    {
        RequireOpen(item, "reassigned");
        if (item.Owner?.Key == owner?.Key)
        {
            return new ItemChange(item, []);
        }

        var c = new Change(item, by, now);
        c.Item = c.Item with { Owner = owner };
        c.Add(HistoryKind.OwnerChanged, FieldIds.Owner, item.Owner?.Key, owner?.Key);
        return c.Result();
    }

    /// <summary>Sets a feature's success metric (at most 3,000 characters). It cannot be cleared while the feature is in Build or Measure.</summary>
    public static ItemChange SetSuccessMetric(Item item, string text, UserRef by, DateTimeOffset now) =>
        EditField(item, FieldIds.SuccessMetric, text, by, now);

    /// <summary>Edits one intake field with the intake rules (<see cref="ItemValidation.ValidateField"/>). The stream cannot change.</summary>
    public static ItemChange EditField(Item item, string fieldId, string? value, UserRef by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(fieldId);
        RequireOpen(item, "edited");
        if (!FieldIds.ForStream(item.Stream).Contains(fieldId))
        {
            throw new RuleViolationException($"{item.Key} is a {ItemValidation.StreamName(item.Stream)} item: it has no field \"{fieldId}\" to edit.");
        }

        var errors = ItemValidation.ValidateField(item.Stream, fieldId, value);
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        var text = InputText.Clean(value);
        if (fieldId == FieldIds.SuccessMetric && text.Length == 0
            && item.Feature?.Column is FeatureColumn.Build or FeatureColumn.Measure
            && item.State is ItemState.Ready or ItemState.Sprint or ItemState.Active)
        {
            throw new RuleViolationException($"{item.Key} is in {item.Feature.Column}: a feature there keeps its success metric.");
        }

        var before = FieldValue(item, fieldId);
        var updated = WithField(item, fieldId, text);
        var after = FieldValue(updated, fieldId);
        if (before == after)
        {
            return new ItemChange(item, []);
        }

        var c = new Change(item, by, now);
        c.Item = updated;
        c.Add(HistoryKind.FieldChanged, fieldId, before, after);
        return c.Result();
    }

    /// <summary>A field's current value as the form shows it (the inverse of an edit).</summary>
    public static string FieldValue(Item item, string fieldId)
    {
        ArgumentNullException.ThrowIfNull(item);
        return fieldId switch
        {
            FieldIds.Title => item.Title,
            FieldIds.Description => item.Description,
            FieldIds.ImpactEvidence => item.ImpactEvidence,
            FieldIds.Link => string.Join(" ", item.Links),
            FieldIds.AffectedSlice => item.Model?.AffectedSlice ?? "",
            FieldIds.Examples => item.Model?.Examples ?? "",
            FieldIds.Lever => item.Model is null ? "" : ItemValidation.ValueOf(item.Model.Lever),
            FieldIds.QualityFlag => item.Model?.QualityFlag ?? "",
            FieldIds.ReproSteps => item.Bug?.ReproSteps ?? "",
            FieldIds.Expected => item.Bug?.Expected ?? "",
            FieldIds.Actual => item.Bug?.Actual ?? "",
            FieldIds.Frequency => item.Bug is null ? "" : ItemValidation.ValueOf(item.Bug.Frequency),
            FieldIds.AffectedWauPercent => item.Bug?.AffectedWauPercent?.ToString(CultureInfo.InvariantCulture) ?? "",
            FieldIds.Problem => item.Feature?.Problem ?? "",
            FieldIds.RequestedBy => item.Feature?.RequestedBy ?? "",
            FieldIds.SuccessMetric => item.Feature?.SuccessMetric ?? "",
            FieldIds.Touches => item.Incident is null ? "" : ItemValidation.ValueOf(item.Incident.Touches),
            _ => throw new ArgumentException($"Unknown item field \"{fieldId}\".", nameof(fieldId)),
        };
    }

    /// <summary>Every intake field of the item's stream with its current value: prefills an edit form.</summary>
    public static IReadOnlyDictionary<string, string> FormValues(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return FieldIds.ForStream(item.Stream).ToDictionary(id => id, id => FieldValue(item, id), StringComparer.Ordinal);
    }

    // ---------------------------------------------------------------- reading

    /// <summary>Bug severity from user impact × frequency: the scored impact, else the affected share of weekly active users (≥ 5% → 2).</summary>
    public static Severity? Severity(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.Stream != WorkStream.Bug || item.Bug is null)
        {
            return null;
        }

        int? impact = item.Score?.Scores.Impact ?? item.Bug.AffectedWauPercent switch
        {
            null => null,
            >= 5 => 2,
            _ => 1,
        };
        return impact is { } i ? SeverityOf(i, item.Bug.Frequency) : null;
    }

    /// <summary>The severity table: impact 3 × always/often is S1; impact 1 × sometimes/rarely is S4.</summary>
    public static Severity SeverityOf(int impact, BugFrequency frequency)
    {
        if (!RubricRules.IsValidScore(impact))
        {
            throw new ArgumentOutOfRangeException(nameof(impact), impact, "User impact is 1, 2 or 3.");
        }

        var often = frequency is BugFrequency.Always or BugFrequency.Often;
        return (impact, often, frequency) switch
        {
            (3, true, _) => Items.Severity.S1,
            (3, false, BugFrequency.Sometimes) => Items.Severity.S2,
            (3, false, _) => Items.Severity.S3,
            (2, true, _) => Items.Severity.S2,
            (2, false, BugFrequency.Sometimes) => Items.Severity.S3,
            (2, false, _) => Items.Severity.S4,
            (_, true, _) => Items.Severity.S3,
            _ => Items.Severity.S4,
        };
    }

    /// <summary>List order (SPEC §8): weighted total, highest first, unscored last; then age, oldest first; then number.</summary>
    public static IComparer<Item> Ranking { get; } = Comparer<Item>.Create((a, b) =>
    {
        var byTotal = (b.Score?.Total ?? int.MinValue).CompareTo(a.Score?.Total ?? int.MinValue);
        if (byTotal != 0)
        {
            return byTotal;
        }

        var byAge = a.CreatedAt.CompareTo(b.CreatedAt);
        return byAge != 0 ? byAge : a.Number.CompareTo(b.Number);
    });

    // ---------------------------------------------------------------- helpers

    private static bool NeedsNoteToPlace(Item item, Queue placement) =>
        item.Stream == WorkStream.Feature && item.Feature?.CapabilityNote is null && placement is Queue.Ready or Queue.Sprint;

    private static ItemState ToState(Queue queue) => queue switch
    {
        Queue.Sprint => ItemState.Sprint,
        Queue.Ready => ItemState.Ready,
        Queue.Icebox => ItemState.Icebox,
        _ => throw new ArgumentOutOfRangeException(nameof(queue), queue, "Unknown queue."),
    };

    private static void RequireOpen(Item item, string what)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!IsOpen(item.State))
        {
            throw new RuleViolationException($"{item.Key} is {StateName(item.State)}: done and closed items cannot be {what}.");
        }
    }

    private static void RequireModel(Item item)
    {
        if (item.Stream != WorkStream.Model)
        {
            throw new RuleViolationException($"Timeboxes are for model-quality items; {item.Key} is a {ItemValidation.StreamName(item.Stream)} item.");
        }
    }

    private static string? CheckOptionalReason(string? reason)
    {
        var text = InputText.Clean(reason);
        if (InputText.Length(text) > InputText.FreeTextMax)
        {
            throw new ValidationException([new FieldError(FieldIds.Reason,
                $"Reason must be at most {InputText.FreeTextMax} characters (you wrote {InputText.Length(text)}).")]);
        }

        return text.Length == 0 ? null : text;
    }

    private static FieldError TimeboxDaysError(int days) =>
        new(FieldIds.TimeboxDays, $"Timebox must be {TimeboxMinDays}–{TimeboxMaxDays} days (you wrote {days}).");

    private static Item WithField(Item item, string id, string text) => id switch
    {
        FieldIds.Title => item with { Title = text },
        FieldIds.Description => item with { Description = text },
        FieldIds.ImpactEvidence => item with { ImpactEvidence = text },
        FieldIds.Link => item with { Links = ItemValidation.ParseLinks(text) },
        FieldIds.AffectedSlice => item with { Model = Model(item) with { AffectedSlice = text } },
        FieldIds.Examples => item with { Model = Model(item) with { Examples = text } },
        FieldIds.Lever => item with { Model = Model(item) with { Lever = ItemValidation.ParseLever(text) } },
        FieldIds.QualityFlag => item with { Model = Model(item) with { QualityFlag = text } },
        FieldIds.ReproSteps => item with { Bug = Bug(item) with { ReproSteps = text } },
        FieldIds.Expected => item with { Bug = Bug(item) with { Expected = text } },
        FieldIds.Actual => item with { Bug = Bug(item) with { Actual = text } },
        FieldIds.Frequency => item with { Bug = Bug(item) with { Frequency = ItemValidation.ParseFrequency(text) } },
        FieldIds.AffectedWauPercent => item with { Bug = Bug(item) with { AffectedWauPercent = ItemValidation.ParsePercent(text) } },
        FieldIds.Problem => item with { Feature = Feature(item) with { Problem = text } },
        FieldIds.RequestedBy => item with { Feature = Feature(item) with { RequestedBy = text } },
        FieldIds.SuccessMetric => item with { Feature = Feature(item) with { SuccessMetric = text } },
        FieldIds.Touches => item with { Incident = (item.Incident ?? new IncidentFields()) with { Touches = ItemValidation.ParseTouches(text) } },
        _ => throw new ArgumentException($"Unknown item field \"{id}\".", nameof(id)),
    };

    private static ModelFields Model(Item item) => item.Model ?? new ModelFields();

    private static BugFields Bug(Item item) => item.Bug ?? new BugFields();

    private static FeatureFields Feature(Item item) => item.Feature ?? new FeatureFields();

    private static string ScaleText(CapabilityScale scale) => scale switch
    {
        CapabilityScale.DaysFeature => "a days-long feature",
        CapabilityScale.WeeksCapability => "a weeks-long capability project",
        _ => scale.ToString(),
    };

    private static string StateName(ItemState state) => state switch
    {
        ItemState.New => "new (not yet scored)",
        ItemState.Icebox => "in the icebox",
        ItemState.Ready => "in the ready queue",
        ItemState.Sprint => "in the sprint queue",
        _ => state.ToString().ToLowerInvariant(),
    };

    private static string JoinAnd(IReadOnlyList<string> keys) =>
        keys.Count <= 1 ? string.Join("", keys) : $"{string.Join(", ", keys.Take(keys.Count - 1))} and {keys[^1]}";

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Iso(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>Accumulates one change: the evolving snapshot and its history entries, numbered after the item's existing ones.</summary>
    private sealed class Change(Item original, UserRef by, DateTimeOffset now)
    {
        private readonly List<HistoryEntry> _entries = [];

        public Item Item { get; set; } = original ?? throw new ArgumentNullException(nameof(original));

        public void Add(HistoryKind kind, string? field = null, string? from = null, string? to = null, string? reason = null)
        {
            ArgumentNullException.ThrowIfNull(by);
            _entries.Add(new HistoryEntry
            {
                BacklogId = original.BacklogId,
                ItemNumber = original.Number,
                Stream = original.Stream,
                At = now,
                Sequence = original.HistoryCount + _entries.Count,
                Actor = by,
                Kind = kind,
                Field = field,
                From = from,
                To = to,
                Reason = reason,
            });
        }

        public void MoveTo(ItemState state, string? reason)
        {
            var from = Item.State;
            if (from == state)
            {
                return;
            }

            Item = Item with
            {
                State = state,
                StateSince = now,
                KeepReason = from == ItemState.Icebox ? null : Item.KeepReason,
            };
            Add(HistoryKind.StateChanged, FieldIds.State, from.ToString(), state.ToString(), reason);
        }

        public ItemChange Result() => _entries.Count == 0
            ? new ItemChange(original, [])
            : new ItemChange(Item with { UpdatedAt = now, HistoryCount = original.HistoryCount + _entries.Count }, [.. _entries]);
    }
}
