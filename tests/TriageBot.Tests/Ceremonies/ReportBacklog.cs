using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Rubric;

namespace TriageBot.Tests.Ceremonies;

/// <summary>
/// A backlog with a known history, for checking every report against figures worked out by hand. The zone is UTC and
/// "now" is Monday 15 March 2027, 09:00; the allocation window is the 4 sprints of 14 days from Monday 18 January, 09:00.
/// </summary>
public static class ReportBacklog
{
    public const string Id = "rep";
    public static readonly DateTimeOffset Now = At(2027, 3, 15);

    public static DateTimeOffset At(int y, int m, int d, int h = 9) => new(y, m, d, h, 0, 0, TimeSpan.Zero);

    public static async Task<Backlog> SeedAsync(ITriageStore store)
    {
        var backlog = await Seed.BacklogAsync(store, Id, "UTC", At(2026, 6, 1), new BacklogSettings { LaunchDate = new DateOnly(2027, 2, 1) });
        var note = new CapabilityNote("Uses the existing export pipeline.", CapabilityScale.DaysFeature, Seed.Engineer1, At(2026, 6, 2));

        // Active time inside the window: model 2 + 3 + 10 = 15 days, bug 10, feature 21 + 9 = 30, incident 3.
        await ItemAsync(store, 1, WorkStream.Model, "Prompt fix for refunds", At(2027, 1, 4), ItemState.Done,
            ("New", "Sprint", At(2027, 1, 5)), ("Sprint", "Active", At(2027, 1, 11)), ("Active", "Done", At(2027, 1, 20)));
        await ItemAsync(store, 2, WorkStream.Model, "Eval set for invoices", At(2027, 1, 25), ItemState.Done,
            ("New", "Sprint", At(2027, 1, 26)), ("Sprint", "Active", At(2027, 2, 1)), ("Active", "Done", At(2027, 2, 4)));
        await ItemAsync(store, 3, WorkStream.Bug, "Checkout 500 on retry", At(2027, 2, 10), ItemState.Done,
            ("New", "Sprint", At(2027, 2, 11)), ("Sprint", "Active", At(2027, 2, 15)), ("Active", "Done", At(2027, 2, 25)));
        await ItemAsync(store, 4, WorkStream.Feature, "Bulk export", At(2027, 2, 8), ItemState.Active,
            [("New", "Ready", At(2027, 2, 9)), ("Ready", "Active", At(2027, 2, 22))],
            i => i with { Feature = new FeatureFields { Column = FeatureColumn.Build, SuccessMetric = "Weekly exports per account +20%", CapabilityNote = note } });
        await ItemAsync(store, 5, WorkStream.Feature, "Saved filters", At(2027, 1, 10), ItemState.Done,
            [("New", "Sprint", At(2027, 1, 12)), ("Sprint", "Active", At(2027, 1, 18)), ("Active", "Done", At(2027, 1, 27))],
            i => i with { Feature = new FeatureFields { Column = FeatureColumn.Measure, SuccessMetric = "Filter reuse 30%", CapabilityNote = note } });
        await ItemAsync(store, 6, WorkStream.Incident, "Outage and prompt regression", At(2027, 3, 8, 8), ItemState.Done,
            [("New", "Active", At(2027, 3, 8)), ("Active", "Done", At(2027, 3, 11))],
            i => i with { Incident = new IncidentFields { Touches = [WorkStream.Bug, WorkStream.Model] } });
        await ItemAsync(store, 7, WorkStream.Model, "Tune retrieval for long queries", At(2027, 2, 26), ItemState.Active,
            [("New", "Sprint", At(2027, 3, 2)), ("Sprint", "Active", At(2027, 3, 5))],
            i => i with { Owner = Seed.Engineer1, Model = new ModelFields { Timebox = new Timebox(7, At(2027, 3, 5), At(2027, 3, 12)) } });
        await ItemAsync(store, 8, WorkStream.Bug, "Search box loses focus", At(2027, 3, 10), ItemState.New);
        await ItemAsync(store, 9, WorkStream.Bug, "Slow dashboard load", At(2027, 2, 13), ItemState.Ready,
            [("New", "Ready", At(2027, 2, 14))], i => i with { Score = Score(2, 2, 2, 1, Queue.Ready, At(2027, 2, 14)) });
        await ItemAsync(store, 10, WorkStream.Bug, "Duplicate of REP-3", At(2027, 3, 3), ItemState.Closed,
            [("New", "Closed", At(2027, 3, 4))], i => i with { ClosedRationale = "Duplicate." });
        await ItemAsync(store, 11, WorkStream.Feature, "Export to CSV", At(2027, 3, 10, 10), ItemState.New, [],
            i => i with { Feature = new FeatureFields { CapabilityNoteRequestedAt = At(2027, 3, 10, 10) } });
        await ItemAsync(store, 12, WorkStream.Feature, "Team workspaces", At(2027, 2, 20), ItemState.Ready,
            [("New", "Ready", At(2027, 2, 21))],
            i => i with { Score = Score(2, 2, 2, 3, Queue.Ready, At(2027, 2, 21)), Feature = new FeatureFields { Column = FeatureColumn.Discovery, ColumnSince = At(2027, 3, 1), CapabilityNote = note } });
        await ItemAsync(store, 13, WorkStream.Bug, "Tooltip typo in settings", At(2026, 7, 20), ItemState.Icebox,
            [("New", "Icebox", At(2026, 8, 1))], i => i with { Score = Score(1, 1, 1, 3, Queue.Icebox, At(2026, 8, 1)) });
        await ItemAsync(store, 14, WorkStream.Model, "Guardrail for legal terms", At(2026, 6, 20), ItemState.Icebox,
            [("New", "Icebox", At(2026, 7, 1))], i => i with { Score = Score(1, 1, 1, 2, Queue.Icebox, At(2026, 7, 1)), KeepReason = "Needed for the EU launch audit", Model = new ModelFields() });
        await ItemAsync(store, 15, WorkStream.Feature, "Dark mode", At(2027, 1, 20), ItemState.Icebox,
            [("New", "Icebox", At(2027, 2, 1))], i => i with { Score = Score(1, 1, 2, 2, Queue.Icebox, At(2027, 2, 1)), Feature = new FeatureFields { CapabilityNote = note } });
        return backlog;
    }

    private static ItemScore Score(int impact, int confidence, int rollback, int delay, Queue placement, DateTimeOffset at) =>
        new(new Scores(impact, confidence, rollback, delay), new Dictionary<Dimension, string>(),
            3 * impact + 2 * confidence + 2 * rollback + delay, placement, 1, Seed.Facilitator, at);

    private static Task ItemAsync(ITriageStore store, int number, WorkStream stream, string title, DateTimeOffset created, ItemState state,
        params (string From, string To, DateTimeOffset At)[] changes) => ItemAsync(store, number, stream, title, created, state, changes, i => i);

    private static async Task ItemAsync(ITriageStore store, int number, WorkStream stream, string title, DateTimeOffset created, ItemState state,
        (string From, string To, DateTimeOffset At)[] changes, Func<Item, Item> fields)
    {
        var item = fields(new Item
        {
            BacklogId = Id,
            Number = number,
            Key = $"REP-{number}",
            Title = title,
            Stream = stream,
            Reporter = Seed.Member,
            CreatedAt = created,
            State = state,
            StateSince = changes.Length > 0 ? changes[^1].At : created,
            UpdatedAt = changes.Length > 0 ? changes[^1].At : created,
            HistoryCount = changes.Length + 1,
        });
        item = item with
        {
            Feature = stream == WorkStream.Feature ? item.Feature ?? new FeatureFields() : item.Feature,
            Model = stream == WorkStream.Model ? item.Model ?? new ModelFields() : item.Model,
            Bug = stream == WorkStream.Bug ? item.Bug ?? new BugFields() : item.Bug,
        };
        await store.Writes.WriteAsync(new ItemWrite { Item = item }, CancellationToken.None);
        var history = new List<HistoryEntry>
        {
            new() { BacklogId = Id, ItemNumber = number, Stream = stream, At = created, Sequence = 0, Actor = Seed.Member, Kind = HistoryKind.Created },
        };
        history.AddRange(changes.Select((c, i) => new HistoryEntry
        {
            BacklogId = Id, ItemNumber = number, Stream = stream, At = c.At, Sequence = i + 1, Actor = Seed.Facilitator,
            Kind = HistoryKind.StateChanged, Field = FieldIds.State, From = c.From, To = c.To,
        }));
        await store.History.AppendAsync(history, CancellationToken.None);
    }
}
