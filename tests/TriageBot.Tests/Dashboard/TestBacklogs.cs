using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Rubric;

namespace TriageBot.Tests.Dashboard;

/// <summary>Writes backlogs and items straight into a store through Core's rules, for dashboard tests.</summary>
internal static class TestBacklogs
{
    public static readonly UserRef Reporter = new(Platform.Playground, "rita", "Rita <Reporter>");
    public static readonly UserRef Pm = new(Platform.Playground, "pam", "Pam");

    public static async Task<Backlog> CreateAsync(ITriageStore store, string id, string token, DateTimeOffset now)
    {
        var backlog = new Backlog { Id = id, Name = "Test backlog " + id, KeyPrefix = "TST", CreatedAt = now.AddDays(-30), DashboardToken = token, TimeZone = "Europe/Berlin" };
        (await store.Backlogs.TryCreateAsync(backlog, CancellationToken.None)).ShouldBeTrue();
        return backlog;
    }

    /// <summary>Creates an item, optionally scored (which places it), and saves it with its history.</summary>
    public static async Task<Item> AddAsync(ITriageStore store, Backlog backlog, string title, WorkStream stream, DateTimeOffset at, Scores? scores = null)
    {
        var values = new Dictionary<string, string> { [FieldIds.Title] = title };
        if (stream == WorkStream.Incident)
        {
            values[FieldIds.Touches] = "model";
        }

        var number = await store.Items.AllocateNumberAsync(backlog.Id, CancellationToken.None);
        var created = ItemFactory.Create(new NewItemRequest(stream, values), backlog, number, Reporter, null, at);
        var item = created.Item;
        var history = created.History.ToList();
        if (scores is not null)
        {
            var total = RubricRules.Total(scores);
            var score = new ItemScore(scores, new Dictionary<Dimension, string> { [Dimension.Impact] = "because" }, total, RubricRules.Place(total, backlog.Settings), item.Round, Pm, at.AddHours(1));
            var change = ScoringRules.ApplyScore(item, score, Pm, at.AddHours(1));
            item = change.Item;
            history.AddRange(change.History);
        }

        await store.Writes.WriteAsync(new ItemWrite { Item = item }, CancellationToken.None);
        await store.History.AppendAsync(history, CancellationToken.None);
        return item;
    }
}
