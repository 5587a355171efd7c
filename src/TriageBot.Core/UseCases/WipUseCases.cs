using TriageBot.Core.Allocation;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Streams;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>
/// WIP holds the line (SPEC §12): <c>start</c> refused at a stream's limit unless a facilitator overrides with a reason;
/// <c>limits</c> and <c>allocation</c> show and (facilitators) set the per-stream limits and the monthly planned shares.
/// </summary>
internal sealed class WipUseCases(UseCaseContext context, ItemChanges changes) : IUseCase
{
    public void Register(Handlers h)
    {
        h.OnCommand<StartCommand>((c, cmd) =>
        {
            if (cmd.OverrideReason is not null)
            {
                Permissions.Require(c.Role, Permission.OverrideWip);
            }

            return changes.ChangeAsync(c, cmd.Key, Permission.ChangeState, "start work",
                async (item, now) => await StartAsync(c, item, now, cmd.OverrideReason, await StartedForAsync(c, cmd)),
                i => cmd.OverrideReason is null
                    ? $"{i.Key} is now Active (owner: {i.Owner?.DisplayName ?? c.Actor.DisplayName})."
                    : $"{i.Key} is now Active (owner: {i.Owner?.DisplayName ?? c.Actor.DisplayName}). WIP override recorded: it will be listed in the weekly report.");
        });
        h.OnAction(ButtonIds.Start, (c, arg) => changes.ChangeAsync(c, arg, Permission.ChangeState, "start work",
            (item, now) => StartAsync(c, item, now, null), i => $"{i.Key} is now Active."));
        h.OnCommand<LimitsCommand>(LimitsAsync);
        h.OnCommand<AllocationCommand>(AllocationAsync);
    }

    /// <summary>The person named by <c>start … for @person</c>: a member of the backlog, or a refusal (null when nobody is named).</summary>
    private async Task<UserRef?> StartedForAsync(RequestContext c, StartCommand cmd)
    {
        if (cmd.ForMention is null)
        {
            return null;
        }

        var named = SetupUseCases.ParseMention(cmd.ForMention, c.Actor.Platform)
            ?? throw new RuleViolationException("Name the person the work is for with an @mention: `start TRI-42 for @person`.");
        var member = await context.Store.Members.GetAsync(c.RequireBacklog().Id, named.Key, c.Ct)
            ?? throw new RuleViolationException($"{named.DisplayName} is not a member of this backlog yet: a facilitator adds them with `role @person engineer`.");
        return member.User;
    }

    private async Task<ItemChange> StartAsync(RequestContext c, Item item, DateTimeOffset now, string? overrideReason, UserRef? owner = null)
    {
        var backlog = c.RequireBacklog();
        var active = new List<Item>();
        await foreach (var i in context.Store.Items.QueryAsync(new ItemQuery(backlog.Id) { Stream = item.Stream, States = [ItemState.Active], Outline = true }, c.Ct))
        {
            active.Add(i);
        }

        active.Sort((a, b) => a.Number.CompareTo(b.Number));
        return WorkRules.Start(item, c.Actor, now, active, backlog.Settings, overrideReason, owner);
    }

    private async Task<Outcome> LimitsAsync(RequestContext c, LimitsCommand cmd)
    {
        var backlog = c.RequireBacklog();
        string? said = null;
        if (cmd.Stream is { } stream)
        {
            Permissions.Require(c.Role, Permission.ChangeSettings, "change WIP limits");
            backlog = await context.UpdateBacklogAsync(backlog.Id, b => b with { Settings = WithLimit(b.Settings, stream, cmd.Value) }, c.Ct);
            said = $"The {ItemValidation.StreamName(stream)} {(stream == WorkStream.Incident ? "cap" : "WIP limit")} is now {Wip.Limit(stream, backlog.Settings)}.";
        }

        var counts = new WipCounter(backlog.Settings);
        await foreach (var i in context.Store.Items.QueryAsync(new ItemQuery(backlog.Id) { States = [ItemState.Active], Outline = true }, c.Ct))
        {
            counts.Add(i);
        }

        var s = backlog.Settings;
        var lines = counts.Build().Select(w => new ReportLine(
            $"{Wording.StreamHeading(w.Stream)}: {w.Active} active, limit {w.Limit} ({Basis(w.Stream, s)}){(w.Active >= w.Limit ? " — full: a start is refused" + (w.Stream == WorkStream.Incident ? " (hard cap, no override)" : " unless a facilitator overrides with a reason") : "")}.",
            Problem: w.Breached)).ToList();
        return new ReplyOutcome(new ReportView("WIP limits", [new ReportSection($"{s.Engineers} engineers", lines)])
        {
            Subtitle = said ?? "Facilitators set them: `limits bug 6` (per engineer), `limits model 3`, `limits feature auto`, `limits incident 2`.",
        }, Private: said is null);
    }

    private static BacklogSettings WithLimit(BacklogSettings s, WorkStream stream, int? value) => stream switch
    {
        WorkStream.Model => s with { WipLimitModel = value },
        WorkStream.Feature => s with { WipLimitFeature = value },
        WorkStream.Bug => s with { BugWipPerEngineer = value ?? s.BugWipPerEngineer },
        WorkStream.Incident => s with { IncidentCap = value ?? s.IncidentCap },
        _ => throw new ArgumentOutOfRangeException(nameof(stream), stream, "Unknown stream."),
    };

    private static string Basis(WorkStream stream, BacklogSettings s) => stream switch
    {
        WorkStream.Model => s.WipLimitModel is null ? "one per engineer" : "set by a facilitator",
        WorkStream.Feature => s.WipLimitFeature is null ? "one per engineer" : "set by a facilitator",
        WorkStream.Bug => $"{s.BugWipPerEngineer} per engineer",
        _ => "the incident lane's cap",
    };

    private async Task<Outcome> AllocationAsync(RequestContext c, AllocationCommand cmd)
    {
        var backlog = c.RequireBacklog();
        var today = ZoneClock.LocalDate(c.Now, IanaZone.Find(backlog.TimeZone));
        var thisMonth = new DateOnly(today.Year, today.Month, 1);
        var lines = new List<ReportLine>();
        string? said = null;
        if (cmd.Shares is { } shares)
        {
            Permissions.Require(c.Role, Permission.ChangeSettings, "change the planned allocation");
            var problems = AllocationPlan.Problems(shares);
            if (problems.Count > 0)
            {
                throw new RuleViolationException(string.Join(" ", problems) + " Nothing was changed.");
            }

            var from = cmd.From switch
            {
                null => thisMonth,
                { Next: true } => thisMonth.AddMonths(1),
                { } m => new DateOnly(m.Year, m.Month, 1),
            };
            if (from < thisMonth)
            {
                throw new RuleViolationException($"{from:MMMM yyyy} is over: a plan starts this month or later. Nothing was changed.");
            }

            backlog = await context.UpdateBacklogAsync(backlog.Id, b => b with { Settings = AllocationPlan.WithPlanFrom(b.Settings, from, shares) }, c.Ct);
            said = $"Planned from {from:MMMM yyyy}: model {shares.Model}%, bug {shares.Bug}%, feature {shares.Feature}%.";
            lines.AddRange(AllocationPlan.Warnings(shares, backlog.Settings.Stage).Select(w => new ReportLine(w + " Saved anyway: the method recommends staying inside it.", Problem: true)));
        }

        var sections = new List<ReportSection>();
        foreach (var month in new[] { thisMonth, thisMonth.AddMonths(1), thisMonth.AddMonths(2) })
        {
            var plan = AllocationPlan.PlannedFor(backlog.Settings, month);
            var monthLines = new List<ReportLine> { new($"Model {plan.Model}%, bug {plan.Bug}%, feature {plan.Feature}%.") };
            monthLines.AddRange(AllocationPlan.Warnings(plan, backlog.Settings.Stage).Select(w => new ReportLine(w, Problem: true)));
            sections.Add(new ReportSection(month.ToString("MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture), monthLines));
        }

        if (lines.Count > 0)
        {
            sections.Insert(0, new ReportSection("Outside the recommended ranges", lines));
        }

        var stage = backlog.Settings.Stage.ToString().ToLowerInvariant();
        return new ReplyOutcome(new ReportView("Planned allocation", sections)
        {
            Subtitle = (said is null ? "" : said + " ") + $"Recommended for a {stage} product: model {AllocationPlan.Recommended(WorkStream.Model, backlog.Settings.Stage)}, bug {AllocationPlan.Recommended(WorkStream.Bug, backlog.Settings.Stage)}, feature {AllocationPlan.Recommended(WorkStream.Feature, backlog.Settings.Stage)}. Facilitators set it: `allocation model 30 bug 25 feature 45 from next`.",
        }, Private: said is null);
    }
}
