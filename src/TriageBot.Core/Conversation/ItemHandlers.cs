using System.Globalization;
using System.Runtime.CompilerServices;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Reports;
using TriageBot.Core.Views;

namespace TriageBot.Core.Conversation;

/// <summary>Showing, listing and moving items through their states.</summary>
public sealed partial class TriageConversation
{
    private const int ListLimit = 20;

    private void RegisterItemHandlers()
    {
        OnCommand<HelpCommand>((_, _) => Task.FromResult<Outcome>(new ReplyOutcome(new HelpView(CommandParser.Help))));
        OnCommand<ShowCommand>(async (c, cmd) => new ReplyOutcome(await ItemCardAsync(c, await LoadAsync(c, cmd.Key))));
        OnAction(ActionIds.Show, async (c, arg) => new ReplyOutcome(await ItemCardAsync(c, await LoadAsync(c, arg))));
        OnCommand<ListCommand>(ListAsync);

        OnCommand<StartCommand>((c, cmd) => ChangeAsync(c, cmd.Key, Permission.ChangeState, "start work", async (item, now) =>
        {
            var backlog = c.RequireBacklog();
            var incidents = item.Stream == WorkStream.Incident ? await ActiveIncidentKeysAsync(backlog.Id, c.Ct) : [];
            return ItemRules.Start(item, c.Actor, now, incidents.Count, incidents, backlog.Settings);
        }, i => $"{i.Key} is now Active (owner: {i.Owner?.DisplayName ?? c.Actor.DisplayName})."));
        OnAction(ActionIds.Start, (c, arg) => ChangeAsync(c, arg, Permission.ChangeState, "start work", async (item, now) =>
        {
            var backlog = c.RequireBacklog();
            var incidents = item.Stream == WorkStream.Incident ? await ActiveIncidentKeysAsync(backlog.Id, c.Ct) : [];
            return ItemRules.Start(item, c.Actor, now, incidents.Count, incidents, backlog.Settings);
        }, i => $"{i.Key} is now Active."));
        OnCommand<DoneCommand>((c, cmd) => ChangeAsync(c, cmd.Key, Permission.ChangeState, "mark items done",
            (item, now) => Task.FromResult(ItemRules.Done(item, c.Actor, now)), i => $"{i.Key} is Done."));
        OnCommand<GateCommand>((c, cmd) => ChangeAsync(c, cmd.Key, Permission.SetTimebox, "record evaluation gates",
            (item, now) => Task.FromResult(ItemRules.PassEvaluationGate(item, c.Actor, now)), i => $"{i.Key} passed its evaluation gate; it can be marked done."));
        OnAction(ActionIds.Done, (c, arg) => ChangeAsync(c, arg, Permission.ChangeState, "mark items done",
            (item, now) => Task.FromResult(ItemRules.Done(item, c.Actor, now)), i => $"{i.Key} is Done."));
        OnCommand<CloseCommand>((c, cmd) => ChangeAsync(c, cmd.Key, Permission.Close, "close items",
            (item, now) => Task.FromResult(ItemRules.Close(item, cmd.Rationale, c.Actor, now)), i => $"{i.Key} is closed. Rationale recorded."));
        OnCommand<MoveCommand>((c, cmd) => ChangeAsync(c, cmd.Key, Permission.ChangeState, "move features",
            (item, now) => Task.FromResult(ItemRules.Move(item, cmd.Column, c.Actor, now)), i => $"{i.Key} moved to {cmd.Column}."));
        OnCommand<TimeboxCommand>((c, cmd) => ChangeAsync(c, cmd.Key, Permission.SetTimebox, "set timeboxes",
            (item, now) => Task.FromResult(ItemRules.SetTimebox(item, cmd.Days, c.Actor, now)),
            i => $"{i.Key} has a {cmd.Days}-day timebox, ending {i.Model?.Timebox?.End:yyyy-MM-dd}."));
        OnCommand<ExtendCommand>((c, cmd) => ChangeAsync(c, cmd.Key, Permission.SetTimebox, "extend timeboxes",
            (item, now) => Task.FromResult(ItemRules.Extend(item, cmd.Days ?? item.Model?.Timebox?.LengthDays ?? 7, cmd.Reason, c.Actor, now)),
            i => $"{i.Key}'s timebox now ends {i.Model?.Timebox?.End:yyyy-MM-dd}. Re-scope recorded."));
        OnCommand<MetricCommand>((c, cmd) => ChangeAsync(c, cmd.Key, Permission.ChangeState, "set success metrics",
            (item, now) => Task.FromResult(ItemRules.SetSuccessMetric(item, cmd.Metric, c.Actor, now)), i => $"{i.Key} has a success metric."));
        OnCommand<PromoteCommand>((c, cmd) => ChangeAsync(c, cmd.Key, Permission.Close, "promote items",
            (item, now) => Task.FromResult(ItemRules.Promote(item, c.Actor, now)), i => $"{i.Key} moved to the ready queue."));
        OnAction(ActionIds.Promote, (c, arg) => ChangeAsync(c, arg, Permission.Close, "promote items",
            (item, now) => Task.FromResult(ItemRules.Promote(item, c.Actor, now)), i => $"{i.Key} moved to the ready queue."));
        OnCommand<KeepCommand>((c, cmd) => ChangeAsync(c, cmd.Key, Permission.Close, "keep icebox items",
            (item, now) => Task.FromResult(ItemRules.Keep(item, cmd.Reason, c.Actor, now)), i => $"{i.Key} is kept out of the icebox sweep."));
        OnAction(ActionIds.Rescore, (c, arg) => ChangeAsync(c, arg, Permission.Vote, "ask for re-scoring",
            (item, now) => Task.FromResult(ItemRules.RequestRescore(item, c.Actor, now)), i => $"{i.Key} will be on the next clinic agenda for re-scoring."));

        OnAction(ActionIds.Close, async (c, arg) => new OpenFormOutcome(Forms.Close(Summarize(c, await LoadAsync(c, arg)))));
        OnForm(FormIds.Close, (c, f) => FormChangeAsync(c, f, Permission.Close, "close items",
            (item, now) => ItemRules.Close(item, Value(f, FieldIds.Rationale), c.Actor, now),
            (item, errors) => Forms.Close(Summarize(c, item), f.Values, errors), i => $"{i.Key} is closed. Rationale recorded."));
        OnAction(ActionIds.Keep, async (c, arg) => new OpenFormOutcome(Forms.Keep(Summarize(c, await LoadAsync(c, arg)))));
        OnForm(FormIds.Keep, (c, f) => FormChangeAsync(c, f, Permission.Close, "keep icebox items",
            (item, now) => ItemRules.Keep(item, Value(f, FieldIds.Reason), c.Actor, now),
            (item, errors) => Forms.Keep(Summarize(c, item), f.Values, errors), i => $"{i.Key} is kept out of the icebox sweep."));
        OnAction(ActionIds.Extend, async (c, arg) => new OpenFormOutcome(Forms.Extend(Summarize(c, await LoadAsync(c, arg)))));
        OnForm(FormIds.Extend, (c, f) => FormChangeAsync(c, f, Permission.SetTimebox, "extend timeboxes",
            (item, now) => ItemRules.Extend(item, ParseInt(f, FieldIds.TimeboxDays, 1, 365), Value(f, FieldIds.Reason), c.Actor, now),
            (item, errors) => Forms.Extend(Summarize(c, item), f.Values, errors), i => $"{i.Key}'s timebox now ends {i.Model?.Timebox?.End:yyyy-MM-dd}."));
    }

    private async Task<Outcome> ListAsync(Context c, ListCommand cmd)
    {
        var backlog = c.RequireBacklog();
        var query = new ItemQuery(backlog.Id)
        {
            Stream = cmd.Stream,
            States = cmd.State is { } s ? [s] : [ItemState.New, ItemState.Sprint, ItemState.Ready, ItemState.Active],
            Outline = true,
        };
        var top = new TopN<Item>(ListLimit, ItemRules.Ranking);
        await foreach (var item in _store.Items.QueryAsync(query, c.Ct))
        {
            top.Add(item);
        }

        var title = $"{(cmd.Stream is { } st ? StreamName(st) + " — " : "")}{(cmd.State is { } q ? QueueName(q) : "Open items")}";
        return new ReplyOutcome(new ItemListView(title, [.. top.Sorted().Select(i => Summarize(c, i))], top.Count)
        {
            EmptyText = "Nothing here.",
            DashboardUrl = DashboardUrl(backlog),
        });
    }

    /// <summary>Loads, checks the role, applies a rule and saves with optimistic concurrency; answers in one line.</summary>
    private async Task<Outcome> ChangeAsync(Context c, string? key, Permission permission, string what,
        Func<Item, DateTimeOffset, Task<ItemChange>> change, Func<Item, string> done)
    {
        Permissions.Require(c.Role, permission, what);
        var item = await LoadAsync(c, key);
        var saved = await UpdateAsync(c, item.Number, i => change(i, c.Now));
        await AfterChangeAsync(c, saved);
        return Info(done(saved), Tone.Success);
    }

    /// <summary>Like <see cref="ChangeAsync"/> for a form: a refused value re-shows the form with what was typed.</summary>
    private async Task<Outcome> FormChangeAsync(Context c, FormSubmitIntent f, Permission permission, string what,
        Func<Item, DateTimeOffset, ItemChange> change, Func<Item, IReadOnlyList<FieldError>, FormView> reshow, Func<Item, string> done)
    {
        Permissions.Require(c.Role, permission, what);
        var item = await LoadAsync(c, f.Argument);
        try
        {
            var saved = await UpdateAsync(c, item.Number, i => Task.FromResult(change(i, c.Now)));
            await AfterChangeAsync(c, saved);
            return new CloseFormOutcome(new TextView(done(saved), Tone.Success));
        }
        catch (ValidationException e)
        {
            return new FormErrorsOutcome(reshow(item, e.Errors));
        }
        catch (FormFieldException e)
        {
            return new FormErrorsOutcome(reshow(item, [e.Error]));
        }
        catch (RuleViolationException e) when (e is not NotAllowedException)
        {
            return new FormErrorsOutcome(reshow(item, [new FieldError(f.Values.Keys.FirstOrDefault() ?? "form", e.Message)]));
        }
    }

    /// <summary>Re-reads and re-applies the change when another instance saved the item first; then appends the history it implies.</summary>
    private async Task<Item> UpdateAsync(Context c, int number, Func<Item, Task<ItemChange>> change)
    {
        var backlog = c.RequireBacklog();
        try
        {
            var (saved, result) = await Retrying.UpdateAsync($"{backlog.KeyPrefix}-{number}",
                ct => _store.Items.GetAsync(backlog.Id, number, ct),
                async item =>
                {
                    var r = await change(item);
                    return (r.Item with { UpdatedAt = c.Now }, r);
                },
                _store.Items.ReplaceAsync, MaxUpdateAttempts, c.Ct);
            if (result.History.Count > 0)
            {
                await _store.History.AppendAsync(result.History, c.Ct);
            }

            return saved.Value;
        }
        catch (KeyNotFoundException)
        {
            throw new RuleViolationException($"{backlog.KeyPrefix}-{number} does not exist.");
        }
    }

    /// <summary>Side effects of a change that others should see: a held placement applied, a ballot refreshed.</summary>
    private Task AfterChangeAsync(Context c, Item item) => RefreshBallotAsync(c, item);

    private async Task<Item> LoadAsync(Context c, string? key)
    {
        var backlog = c.RequireBacklog();
        int? number = ItemRef.TryParse(key, out var r) ? r.Number : key is null ? null : CommandParser.ParseItemNumber(key);
        if (number is null)
        {
            throw new RuleViolationException($"\"{key}\" is not an item key. Keys look like {backlog.KeyPrefix}-42.");
        }

        var found = await _store.Items.GetAsync(backlog.Id, number.Value, c.Ct);
        return found?.Value ?? throw new RuleViolationException($"{backlog.KeyPrefix}-{number} does not exist in {backlog.Name}.");
    }

    private async Task<ItemCardView> ItemCardAsync(Context c, Item item)
    {
        var summary = Summarize(c, item);
        var fields = new List<LabeledValue>
        {
            new("Stream", StreamName(item.Stream)),
            new("State", item.State.ToString()),
            new("Reporter", item.Reporter.DisplayName),
            new("Reported", item.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        };
        if (item.Owner is { } owner) fields.Add(new("Owner", owner.DisplayName));
        if (item.Model is { } m)
        {
            fields.Add(new("Suspected lever", m.Lever.ToString()));
            if (m.Timebox is { } tb) fields.Add(new("Timebox", $"{tb.LengthDays} days, {tb.Start:yyyy-MM-dd} → {tb.End:yyyy-MM-dd}"));
            if (m.AffectedSlice.Length > 0) fields.Add(new("Affected slice", m.AffectedSlice));
            if (m.QualityFlag.Length > 0) fields.Add(new("Quality flag", m.QualityFlag));
            fields.Add(new("Evaluation gate", m.EvaluationGatePassed ? "passed" : "not passed yet"));
        }

        if (item.Bug is { } b)
        {
            fields.Add(new("Frequency", b.Frequency.ToString()));
            if (b.AffectedWauPercent is { } pct) fields.Add(new("Affected weekly active users", $"{pct.ToString(CultureInfo.InvariantCulture)}%"));
            if (b.ReproSteps.Length > 0) fields.Add(new("Reproduction steps", b.ReproSteps));
            if (b.Expected.Length > 0) fields.Add(new("Expected", b.Expected));
            if (b.Actual.Length > 0) fields.Add(new("Actual", b.Actual));
        }

        if (item.Feature is { } f)
        {
            fields.Add(new("Column", f.Column.ToString()));
            if (f.Problem.Length > 0) fields.Add(new("Problem", f.Problem));
            if (f.RequestedBy.Length > 0) fields.Add(new("Requested by", f.RequestedBy));
            fields.Add(new("Success metric", f.SuccessMetric.Length > 0 ? f.SuccessMetric : "not set"));
            fields.Add(new("Capability note", f.CapabilityNote is { } n ? $"{n.Text} ({(n.Scale == CapabilityScale.DaysFeature ? "days-long feature" : "weeks-long capability project")}, {n.Author.DisplayName})" : "needs capability note"));
        }

        if (item.Incident is { } inc) fields.Add(new("Touches", string.Join(", ", inc.Touches.Select(StreamName))));
        if (item.ClosedRationale is { } why) fields.Add(new("Closed because", why));

        var scores = new List<LabeledValue>();
        if (item.Score is { } s)
        {
            foreach (var d in Enum.GetValues<Rubric.Dimension>())
            {
                var just = s.Justifications.GetValueOrDefault(d);
                scores.Add(new(Rubric.RubricText.Name(d), string.IsNullOrWhiteSpace(just) ? s.Scores[d].ToString(CultureInfo.InvariantCulture) : $"{s.Scores[d]} — {just}"));
            }

            scores.Add(new("Weighted total", $"{s.Total} → {s.Placement} (round {s.Round})"));
        }

        var notices = new List<string>();
        if (summary.HeldPlacement is { } held) notices.Add($"Scored into {held}; waiting for a capability note.");
        if (summary.CautiousRelease) notices.Add("Cautious release lane: rollback risk scored 1.");
        if (summary.ResearchTimebox) notices.Add("Timebox, don't estimate: fix confidence scored 1.");
        if (summary.DueForRescore) notices.Add("Due for re-scoring (not re-scored for 2 months).");

        var actions = new List<ActionButton> { new(ActionIds.Vote, "Score", summary.Ref) };
        if (summary.NeedsCapabilityNote) actions.Add(new(ActionIds.AddCapabilityNote, "Add capability note", summary.Ref, ButtonStyle.Primary));
        if (item.State is ItemState.Sprint or ItemState.Ready) actions.Add(new(ActionIds.Start, "Start", summary.Ref));
        if (item.State is ItemState.Active) actions.Add(new(ActionIds.Done, "Done", summary.Ref));
        if (item.State is ItemState.Icebox) actions.Add(new(ActionIds.Promote, "Promote", summary.Ref));
        if (item.State is not (ItemState.Done or ItemState.Closed)) actions.Add(new(ActionIds.Close, "Close…", summary.Ref, ButtonStyle.Danger));

        await Task.CompletedTask;
        return new ItemCardView(summary)
        {
            Description = item.Description,
            Fields = fields,
            Scores = scores,
            Notices = notices,
            Actions = actions,
        };
    }

    private async Task<IReadOnlyList<string>> ActiveIncidentKeysAsync(string backlogId, CancellationToken ct)
    {
        var keys = new List<string>();
        await foreach (var i in _store.Items.QueryAsync(new ItemQuery(backlogId) { Stream = WorkStream.Incident, States = [ItemState.Active], Outline = true }, ct))
        {
            keys.Add(i.Key);
        }

        return keys;
    }

    internal ItemSummary Summarize(Context c, Item item) =>
        ItemRules.Summarize(item, c.Now, c.Backlog is { } b ? ItemUrl(b.Value, item.Number) : null);

    internal string? DashboardUrl(Backlog backlog) =>
        string.IsNullOrEmpty(_options.PublicBaseUrl) || string.IsNullOrEmpty(backlog.DashboardToken)
            ? null
            : $"{_options.PublicBaseUrl.TrimEnd('/')}/d/{backlog.DashboardToken}";

    internal string? ItemUrl(Backlog backlog, int number) => DashboardUrl(backlog) is { } d ? $"{d}/items/{number}" : null;

    internal static string StreamName(WorkStream s) => s switch
    {
        WorkStream.Model => "Model quality",
        WorkStream.Bug => "Engineering bugs",
        WorkStream.Feature => "Feature requests",
        WorkStream.Incident => "Incident lane",
        _ => s.ToString(),
    };

    private static string QueueName(ItemState s) => s switch
    {
        ItemState.Ready => "Ready queue",
        ItemState.Icebox => "Icebox",
        ItemState.Sprint => "Next sprint",
        _ => s.ToString(),
    };

    internal static string Value(FormSubmitIntent f, string id) => f.Values.TryGetValue(id, out var v) ? v.Trim() : "";

    internal static int ParseInt(FormSubmitIntent f, string id, int min, int max) =>
        int.TryParse(Value(f, id), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new FormFieldException(new FieldError(id, $"Enter a whole number from {min} to {max}."));
}

/// <summary>One refused form value, raised while reading a submission.</summary>
internal sealed class FormFieldException(FieldError error) : RuleViolationException(error.Message)
{
    public FieldError Error { get; } = error;
}
