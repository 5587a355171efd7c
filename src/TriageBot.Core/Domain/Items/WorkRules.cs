using System.Globalization;
using TriageBot.Core.Backlogs;
using static TriageBot.Core.Items.RuleSupport;

namespace TriageBot.Core.Items;

/// <summary>Work on an item as pure functions: start (incident cap), timeboxes, the evaluation gate, done, close and feature columns.</summary>
public static class WorkRules
{
    public const int TimeboxMinDays = 1;
    public const int TimeboxMaxDays = 30;

    /// <summary>
    /// Starts work: Sprint or Ready → Active (an incident may also start from New, unscored). A model item needs a
    /// timebox, which then starts now. WIP holds the line (SPEC §12): a stream at its limit refuses the start,
    /// naming its active items and owners (<see cref="WipLimitReachedException"/>); a facilitator's written
    /// <paramref name="overrideReason"/> lets it through and is recorded (<see cref="FieldIds.WipOverride"/>). The
    /// incident lane's cap is hard: no override. The actor becomes the owner when there is none. Check the
    /// override's role first (<see cref="Permission.ChangeSettings"/>).
    /// </summary>
    /// <param name="activeInStream">The items active in the item's stream now (items of other streams, and the item itself, are ignored).</param>
    public static ItemChange Start(
        Item item, UserRef by, DateTimeOffset now, IReadOnlyList<Item> activeInStream, BacklogSettings settings, string? overrideReason = null, UserRef? owner = null)
    {
        ArgumentNullException.ThrowIfNull(activeInStream);
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

        var others = activeInStream.Where(i => i.Stream == item.Stream && i.State == ItemState.Active && i.Number != item.Number).ToList();
        if (item.Stream == WorkStream.Incident && others.Count >= settings.IncidentCap)
        {
            var keys = JoinAnd([.. others.Select(i => i.Key)]);
            throw new RuleViolationException(
                $"The incident lane is full: {keys} {(others.Count == 1 ? "is" : "are")} active (cap {settings.IncidentCap}). Finish or close one before starting {item.Key}.");
        }

        var limit = Streams.Wip.Limit(item.Stream, settings);
        string? overridden = null;
        if (item.Stream != WorkStream.Incident && others.Count >= limit)
        {
            if (overrideReason is null)
            {
                throw new WipLimitReachedException(item, others, limit);
            }

            overridden = InputText.Clean(overrideReason);
            var length = InputText.Length(overridden);
            if (length < InputText.RationaleMin || length > InputText.FreeTextMax)
            {
                throw new ValidationException([new FieldError(FieldIds.Reason,
                    $"Starting beyond the WIP limit needs a written reason of {InputText.RationaleMin}–{InputText.FreeTextMax} characters (you wrote {length}).")]);
            }
        }

        var c = new Change(item, by, now);
        if (item.Model?.Timebox is { } timebox && timebox.Start != now)
        {
            var restarted = new Timebox(timebox.LengthDays, now, now.AddDays(timebox.LengthDays));
            c.Item = c.Item with { Model = item.Model with { Timebox = restarted } };
            c.Add(HistoryKind.TimeboxSet, FieldIds.Timebox, Str(timebox.LengthDays), Str(timebox.LengthDays), "the timebox starts with the work");
        }

        if (overridden is not null)
        {
            c.Add(HistoryKind.FieldChanged, FieldIds.WipOverride, Str(others.Count), Str(limit), overridden);
        }

        c.MoveTo(ItemState.Active, overridden is null ? null : $"WIP override: {overridden}");
        // The owner is the person the work is started for when one is named, else whoever starts it (unless it has one).
        if (owner is not null ? owner.Key != item.Owner?.Key : item.Owner is null)
        {
            var to = owner ?? by;
            c.Item = c.Item with { Owner = to };
            c.Add(HistoryKind.OwnerChanged, FieldIds.Owner, item.Owner?.Key, to.Key);
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

    private static FieldError TimeboxDaysError(int days) =>
        new(FieldIds.TimeboxDays, $"Timebox must be {TimeboxMinDays}–{TimeboxMaxDays} days (you wrote {days}).");
}
