using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Reports;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>Showing, listing and moving items through their states.</summary>
internal sealed class ItemUseCases(UseCaseContext context, ItemChanges changes) : IUseCase
{
    private const int ListLimit = 20;

    public void Register(Handlers h)
    {
        h.OnCommand<HelpCommand>((_, _) => Task.FromResult<Outcome>(new ReplyOutcome(new HelpView(CommandParser.Help))));
        h.OnCommand<ShowCommand>(async (c, cmd) => new ReplyOutcome(await CardAsync(c, await context.LoadAsync(c, cmd.Key))));
        h.OnAction(ButtonIds.Show, async (c, arg) => new ReplyOutcome(await CardAsync(c, await context.LoadAsync(c, arg))));
        h.OnCommand<ListCommand>(ListAsync);

        h.OnCommand<DoneCommand>((c, cmd) => DoneAsync(c, cmd.Key));
        h.OnCommand<GateCommand>((c, cmd) => changes.ChangeAsync(c, cmd.Key, Permission.SetTimebox, "record evaluation gates",
            (item, now) => Task.FromResult(WorkRules.PassEvaluationGate(item, c.Actor, now)), i => $"{i.Key} passed its evaluation gate; it can be marked done."));
        h.OnAction(ButtonIds.Done, DoneAsync);
        h.OnForm(FormIds.Done, (c, f) => changes.FormChangeAsync(c, f, Permission.ChangeState, "mark items done",
            (item, now) => WorkRules.Done(item, c.Actor, now, evaluationGatePassed: Answers.Value(f, FieldIds.EvaluationGatePassed) == Forms.GatePassed
                ? true
                : throw new ValidationException([new FieldError(FieldIds.EvaluationGatePassed, "Confirm that it passed its evaluation gate before merge; until then it stays Active.")])),
            (item, errors) => Forms.Done(context.Summarize(c, item), f.Values, errors), i => $"{i.Key} passed its evaluation gate and is Done."));
        h.OnCommand<CloseCommand>((c, cmd) => changes.ChangeAsync(c, cmd.Key, Permission.Close, "close items",
            (item, now) => Task.FromResult(WorkRules.Close(item, cmd.Rationale, c.Actor, now)), i => $"{i.Key} is closed. Rationale recorded."));
        h.OnCommand<MoveCommand>((c, cmd) => changes.ChangeAsync(c, cmd.Key, Permission.ChangeState, "move features",
            (item, now) => Task.FromResult(WorkRules.Move(item, cmd.Column, c.Actor, now)), i => $"{i.Key} moved to {cmd.Column}."));
        h.OnCommand<TimeboxCommand>((c, cmd) => changes.ChangeAsync(c, cmd.Key, Permission.SetTimebox, "set timeboxes",
            (item, now) => Task.FromResult(WorkRules.SetTimebox(item, cmd.Days, c.Actor, now)),
            i => $"{i.Key} has a {cmd.Days}-day timebox, ending {i.Model?.Timebox?.End:yyyy-MM-dd}."));
        h.OnCommand<ExtendCommand>((c, cmd) => changes.ChangeAsync(c, cmd.Key, Permission.SetTimebox, "extend timeboxes",
            (item, now) => Task.FromResult(WorkRules.Extend(item, cmd.Days ?? item.Model?.Timebox?.LengthDays ?? 7, cmd.Reason, c.Actor, now)),
            i => $"{i.Key}'s timebox now ends {i.Model?.Timebox?.End:yyyy-MM-dd}. Re-scope recorded."));
        h.OnCommand<MetricCommand>((c, cmd) => changes.ChangeAsync(c, cmd.Key, Permission.SetSuccessMetric, "set success metrics",
            (item, now) => Task.FromResult(FieldRules.SetSuccessMetric(item, cmd.Metric, c.Actor, now)), i => $"{i.Key} has a success metric."));
        h.OnCommand<PromoteCommand>((c, cmd) => changes.ChangeAsync(c, cmd.Key, Permission.Close, "promote items",
            (item, now) => Task.FromResult(QueueRules.Promote(item, c.Actor, now)), i => $"{i.Key} moved to the ready queue."));
        h.OnAction(ButtonIds.Promote, (c, arg) => changes.ChangeAsync(c, arg, Permission.Close, "promote items",
            (item, now) => Task.FromResult(QueueRules.Promote(item, c.Actor, now)), i => $"{i.Key} moved to the ready queue."));
        h.OnCommand<KeepCommand>((c, cmd) => changes.ChangeAsync(c, cmd.Key, Permission.Close, "keep icebox items",
            (item, now) => Task.FromResult(QueueRules.Keep(item, cmd.Reason, c.Actor, now)), i => $"{i.Key} is kept out of the icebox sweep."));
        h.OnAction(ButtonIds.Rescore, (c, arg) => changes.ChangeAsync(c, arg, Permission.Vote, "ask for re-scoring",
            (item, now) => Task.FromResult(ScoringRules.RequestRescore(item, c.Actor, now)), i => $"{i.Key} will be on the next clinic agenda for re-scoring."));

        h.OnAction(ButtonIds.Close, async (c, arg) =>
        {
            Permissions.Require(c.Role, Permission.Close, "close items"); // before the form opens, never after the person typed
            return new OpenFormOutcome(Forms.Close(context.Summarize(c, await context.LoadAsync(c, arg))));
        });
        h.OnForm(FormIds.Close, (c, f) => changes.FormChangeAsync(c, f, Permission.Close, "close items",
            (item, now) => WorkRules.Close(item, Answers.Value(f, FieldIds.Rationale), c.Actor, now),
            (item, errors) => Forms.Close(context.Summarize(c, item), f.Values, errors), i => $"{i.Key} is closed. Rationale recorded."));
        h.OnAction(ButtonIds.Keep, async (c, arg) =>
        {
            Permissions.Require(c.Role, Permission.Close, "keep icebox items"); // before the form opens, never after the person typed
            return new OpenFormOutcome(Forms.Keep(context.Summarize(c, await context.LoadAsync(c, arg))));
        });
        h.OnForm(FormIds.Keep, (c, f) => changes.FormChangeAsync(c, f, Permission.Close, "keep icebox items",
            (item, now) => QueueRules.Keep(item, Answers.Value(f, FieldIds.Reason), c.Actor, now),
            (item, errors) => Forms.Keep(context.Summarize(c, item), f.Values, errors), i => $"{i.Key} is kept out of the icebox sweep."));
        h.OnAction(ButtonIds.Extend, async (c, arg) =>
        {
            Permissions.Require(c.Role, Permission.SetTimebox, "extend timeboxes"); // before the form opens, never after the person typed
            return new OpenFormOutcome(Forms.Extend(context.Summarize(c, await context.LoadAsync(c, arg))));
        });
        h.OnForm(FormIds.Extend, (c, f) => changes.FormChangeAsync(c, f, Permission.SetTimebox, "extend timeboxes",
            (item, now) => WorkRules.Extend(item, Answers.ParseInt(f, FieldIds.TimeboxDays, 1, 365), Answers.Value(f, FieldIds.Reason), c.Actor, now),
            (item, errors) => Forms.Extend(context.Summarize(c, item), f.Values, errors), i => $"{i.Key}'s timebox now ends {i.Model?.Timebox?.End:yyyy-MM-dd}."));
    }

    /// <summary>Done in one step: an active model item without its evaluation gate gets the one form that records the gate and marks it done.</summary>
    private async Task<Outcome> DoneAsync(RequestContext c, string? key)
    {
        Permissions.Require(c.Role, Permission.ChangeState, "mark items done");
        var item = await context.LoadAsync(c, key);
        if (item.Stream == WorkStream.Model && item.State == ItemState.Active && item.Model?.EvaluationGatePassed != true)
        {
            return new OpenFormOutcome(Forms.Done(context.Summarize(c, item)));
        }

        return await changes.ChangeAsync(c, key, Permission.ChangeState, "mark items done",
            (i, now) => Task.FromResult(WorkRules.Done(i, c.Actor, now)), i => $"{i.Key} is Done.");
    }

    private async Task<ItemCardView> CardAsync(RequestContext c, Item item)
    {
        IReadOnlyList<UserRef> voters = [];
        if (item.Score?.Round != item.Round)
        {
            var votes = await context.Store.Votes.ListAsync(item.BacklogId, item.Number, item.Round, c.Ct);
            voters = [.. votes.GroupBy(v => v.Voter.Key).Select(g => g.MaxBy(v => v.At)!).OrderBy(v => v.At).Select(v => v.Voter)];
        }

        return ItemCards.Build(context.Summarize(c, item), item, voters, Permissions.Allows(c.Role, Permission.Finalize));
    }

    private async Task<Outcome> ListAsync(RequestContext c, ListCommand cmd)
    {
        var backlog = c.RequireBacklog();
        var query = new ItemQuery(backlog.Id)
        {
            Stream = cmd.Stream,
            States = cmd.State is { } s ? [s] : [ItemState.New, ItemState.Sprint, ItemState.Ready, ItemState.Active],
            Outline = true,
        };
        var top = new TopN<Item>(ListLimit, ItemReading.Ranking);
        await foreach (var item in context.Store.Items.QueryAsync(query, c.Ct))
        {
            top.Add(item);
        }

        var title = $"{(cmd.Stream is { } st ? ItemCards.StreamName(st) + " — " : "")}{(cmd.State is { } q ? ItemCards.QueueName(q) : "Open items")}";
        return new ReplyOutcome(new ItemListView(title, [.. top.Sorted().Select(i => context.Summarize(c, i))], top.Count)
        {
            EmptyText = "Nothing here.",
            DashboardUrl = context.DashboardUrl(backlog),
            AsOf = c.Now,
        });
    }
}
