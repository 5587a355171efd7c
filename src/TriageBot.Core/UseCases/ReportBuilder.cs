using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Reports;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>Builds reports from storage when they are posted: the weekly review, the allocation review, the icebox sweep.</summary>
public sealed class ReportBuilder
{
    private static readonly ItemState[] OpenStates = [ItemState.New, ItemState.Sprint, ItemState.Ready, ItemState.Icebox, ItemState.Active];

    private readonly UseCaseContext context;

    internal ReportBuilder(UseCaseContext context) => this.context = context;

    /// <summary>Builds a report from storage, streaming items and history: never the whole backlog in memory.</summary>
    public async Task<ReportView> BuildAsync(Backlog backlog, ReportKind kind, DateTimeOffset now, CancellationToken ct)
    {
        var zone = IanaZone.Find(backlog.TimeZone);
        ReportView view;
        switch (kind)
        {
            case ReportKind.Weekly:
                var weekly = new WeeklyReportBuilder(backlog.Settings, zone, now);
                await foreach (var entry in context.Store.History.ReadAsync(backlog.Id, weekly.HistorySince, now.AddTicks(1), ct))
                {
                    weekly.Add(entry);
                }

                await foreach (var item in context.Store.Items.QueryAsync(new ItemQuery(backlog.Id) { States = OpenStates, Outline = true }, ct))
                {
                    weekly.Add(item);
                }

                // A year of done and closed work would dominate the read; only recent bugs among them count (inflow).
                var closedBugs = new ItemQuery(backlog.Id) { States = [ItemState.Done, ItemState.Closed], Stream = WorkStream.Bug, CreatedAfter = weekly.ClosedBugsSince.AddTicks(-1), Outline = true };
                await foreach (var item in context.Store.Items.QueryAsync(closedBugs, ct))
                {
                    weekly.Add(item);
                }

                view = ReportViews.Weekly(weekly.Build());
                break;
            case ReportKind.Allocation:
                // The chart link carries the report's instant, so the picture shows the figures this message shows.
                view = ReportViews.Allocation(await BuildAllocationAsync(backlog, now, ct)) with { ChartUrl = ChartLinks.Url(context.Options.PublicBaseUrl, backlog, now) };
                break;
            default:
                var sweep = new IceboxSweepBuilder(now);
                await foreach (var item in context.Store.Items.QueryAsync(new ItemQuery(backlog.Id) { States = [ItemState.Icebox], Outline = true }, ct))
                {
                    sweep.Add(item);
                }

                view = ReportViews.Sweep(sweep.Build());
                break;
        }

        return WithItemLinks(view, backlog) with { DashboardUrl = context.DashboardUrl(backlog) };
    }

    /// <summary>Points every line about an item at the item's dashboard page, so channels can link each problem line to its item.</summary>
    internal ReportView WithItemLinks(ReportView view, Backlog backlog) => context.DashboardUrl(backlog) is null ? view : view with
    {
        Sections = [.. view.Sections.Select(s => s with
        {
            Lines = [.. s.Lines.Select(l => l.Item is { } i ? l with { Item = i with { Url = context.ItemUrl(backlog, i.Number) } } : l)],
        })],
    };

    /// <summary>The allocation review as of <paramref name="now"/>, from history and the items active now; the allocation chart draws it.</summary>
    public async Task<AllocationReview> BuildAllocationAsync(Backlog backlog, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(backlog);
        var allocation = new AllocationReviewBuilder(backlog.Settings, IanaZone.Find(backlog.TimeZone), now);
        await foreach (var entry in context.Store.History.ReadAsync(backlog.Id, allocation.HistorySince, now.AddTicks(1), ct))
        {
            allocation.Add(entry);
        }

        await foreach (var item in context.Store.Items.QueryAsync(new ItemQuery(backlog.Id) { States = [ItemState.Active], Outline = true }, ct))
        {
            allocation.Add(item);
        }

        return allocation.Build();
    }
}
