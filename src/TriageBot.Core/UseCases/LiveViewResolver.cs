using TriageBot.Core.Ports;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>Turns a live view queued in the outbox (a ballot, a report) into the view of the state when it is sent.</summary>
internal sealed class LiveViewResolver(UseCaseContext context, Ballots ballots, ReportBuilder reports, Sweeps sweeps) : IViewResolver
{
    public async Task<View?> ResolveAsync(View view, CancellationToken ct)
    {
        var store = context.Store;
        switch (view)
        {
            case LiveBallotView live:
                var backlog = await store.Backlogs.GetAsync(live.BacklogId, ct);
                var item = await store.Items.GetAsync(live.BacklogId, live.Number, ct);
                return backlog is null || item is null ? null : await ballots.BuildAsync(RequestContext.System(backlog.Value, context.Time.GetUtcNow(), ct), item.Value, live.Earlier);
            case LiveSweepView sweep:
                return await sweeps.ResolveAsync(sweep, ct);
            case LiveItemPostView post:
                return await ItemPostAsync(post, ct);
            case LiveReportView report:
                var b = await store.Backlogs.GetAsync(report.BacklogId, ct);
                return b is null ? null : await reports.BuildAsync(b.Value, report.Kind, context.Time.GetUtcNow(), ct) with { Late = report.Late };
            default:
                return view;
        }
    }

    /// <summary>An item's intake confirmation or note request as it should read now: finished ones lose their buttons and say what happened, and who did it.</summary>
    private async Task<View?> ItemPostAsync(LiveItemPostView post, CancellationToken ct)
    {
        var backlog = await context.Store.Backlogs.GetAsync(post.BacklogId, ct);
        var found = await context.Store.Items.GetAsync(post.BacklogId, post.Number, ct);
        if (backlog is null || found is null)
        {
            return null;
        }

        var item = found.Value;
        var summary = context.Summarize(RequestContext.System(backlog.Value, context.Time.GetUtcNow(), ct), item);
        var open = item.State is not (Items.ItemState.Done or Items.ItemState.Closed);
        if (post.Kind == LiveItemPostView.Created)
        {
            return new ItemCreatedView(summary, item.Reporter)
            {
                SourceLink = item.Source?.Link,
                Actions = open && item.Score is null ? [new(ButtonIds.Show, "Show", summary.Ref), new(ButtonIds.Vote, "Score", summary.Ref)] : [new(ButtonIds.Show, "Show", summary.Ref)],
            };
        }

        var note = item.Feature?.CapabilityNote ?? item.DependencyNote;
        var outcome = note is not null
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Capability note added by {note.Author.DisplayName} on {note.At:yyyy-MM-dd}.")
            : !open ? $"{item.Key} is {item.State.ToString().ToLowerInvariant()}; no note is needed." : null;
        return new CapabilityNoteRequestView(summary, await context.EngineersAsync(post.BacklogId, ct)) { Outcome = outcome };
    }
}
