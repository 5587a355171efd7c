using TriageBot.Core.Ports;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>Turns a live view queued in the outbox (a ballot, a report) into the view of the state when it is sent.</summary>
internal sealed class LiveViewResolver(UseCaseContext context, Ballots ballots, ReportBuilder reports) : IViewResolver
{
    public async Task<View?> ResolveAsync(View view, CancellationToken ct)
    {
        var store = context.Store;
        switch (view)
        {
            case LiveBallotView live:
                var backlog = await store.Backlogs.GetAsync(live.BacklogId, ct);
                var item = await store.Items.GetAsync(live.BacklogId, live.Number, ct);
                return backlog is null || item is null ? null : await ballots.BuildAsync(RequestContext.System(backlog.Value, context.Time.GetUtcNow(), ct), item.Value);
            case LiveReportView report:
                var b = await store.Backlogs.GetAsync(report.BacklogId, ct);
                return b is null ? null : await reports.BuildAsync(b.Value, report.Kind, context.Time.GetUtcNow(), ct) with { Late = report.Late };
            default:
                return view;
        }
    }
}
