using TriageBot.Core.Items;
using TriageBot.Core.Ports;

namespace TriageBot.Tests.Quarter;

/// <summary>The quarter's WIP breach and icebox sweep (see <see cref="QuarterScript"/>).</summary>
public static class QuarterLimits
{
    /// <summary>
    /// WIP holds the line: with the bug limit at 1 per engineer (3), a fourth start is refused naming the active items and their
    /// owners; the facilitator overrides with a reason, which the weekly report lists.
    /// </summary>
    public static async Task WipAsync(IQuarterTeam t, IReadOnlyList<Item> started, Item audit)
    {
        (await t.SayAsync(Who.Facilitator, "limits bug 1")).ShouldContain("The bug WIP limit is now 3.");
        foreach (var bug in started)
        {
            (await t.SayAsync(Who.Engineer1, $"start {bug.Key}")).ShouldContain($"{bug.Key} is now Active");
        }

        var refused = await t.SayAsync(Who.Engineer1, $"start {audit.Key}");
        refused.ShouldContain("at its WIP limit (3 active, limit 3)");
        refused.ShouldContain($"{started[0].Key} ({t.Name(Who.Engineer1)})");
        (await QuarterScript.GetAsync(t, audit)).State.ShouldNotBe(ItemState.Active);

        const string Reason = "release blocker for the largest customer";
        (await t.SayAsync(Who.Facilitator, $"start {audit.Key} override {Reason}")).ShouldContain("WIP override recorded");
        (await QuarterScript.GetAsync(t, audit)).State.ShouldBe(ItemState.Active);
        var weekly = await t.SayAsync(Who.Facilitator, "report weekly");
        weekly.ShouldContain(audit.Key);
        weekly.ShouldContain(Reason);
        // What the method checks is in the report as each platform shows it: the cautious release lane, the bug inflow, no "Top 0".
        weekly.ShouldContain(Core.Rubric.RubricRules.CautiousReleaseLabel);
        weekly.ShouldContain("Inflow:");
        weekly.ShouldNotContain("Top 0");
    }

    /// <summary>
    /// The icebox sweep: four bugs iced since last summer are listed by an on-demand sweep and again by the quarterly one (first
    /// Tuesday of April, 15:00); each row is decided — from the newer post's dialog or by command — and both posts end with every
    /// row saying what happened and who did it, with no button left.
    /// </summary>
    public static async Task SweepAsync(IQuarterTeam t)
    {
        var iced = new List<Item>();
        foreach (var (n, title) in new[] { (901, "Legacy CSV dialect"), (902, "Retina icons"), (903, "Fax export"), (904, "Old browser banner") })
        {
            iced.Add(await IcedSinceLastSummerAsync(t, n, title));
        }

        await t.TickAsync(new DateTimeOffset(2027, 4, 5, 9, 0, 0, TimeSpan.Zero));
        await t.SayAsync(Who.Facilitator, "report icebox");
        await t.TickAsync(new DateTimeOffset(2027, 4, 6, 15, 0, 0, TimeSpan.Zero));
        var sweeps = t.Messages.Where(m => m.Text.StartsWith("Icebox sweep", StringComparison.Ordinal) && m.Shows(iced[0].Key)).ToList();
        sweeps.Count.ShouldBe(2, "the on-demand sweep and the quarterly one");
        foreach (var sweep in sweeps)
        {
            iced.ShouldAllBe(i => sweep.Shows(i.Key));
            sweep.Actions.ShouldContain("sweepDecide");
        }

        string Row(Item i) => $"{i.BacklogId}/{i.Number}";
        ChannelMessage Newer() => t.Messages.Single(m => m.Id == sweeps[1].Id);
        (await t.FormAsync(Who.Facilitator, Newer(), "sweepDecide", Row(iced[0]), new Dictionary<string, string> { ["decision"] = "close", ["rationale"] = "Nobody uses that dialect any more." }))
            .ShouldContain($"{iced[0].Key} is closed");
        (await t.SayAsync(Who.Facilitator, $"promote {iced[1].Key}")).ShouldContain(iced[1].Key);
        (await t.SayAsync(Who.Facilitator, $"keep {iced[2].Key} Required by the public-sector contract")).ShouldContain(iced[2].Key);
        (await t.FormAsync(Who.Facilitator, Newer(), "sweepDecide", Row(iced[3]), new Dictionary<string, string> { ["decision"] = "rescore" }))
            .ShouldContain($"{iced[3].Key} will be on the next clinic agenda");

        var by = t.Name(Who.Facilitator);
        foreach (var sweep in sweeps.Select(s => t.Messages.Single(m => m.Id == s.Id)))
        {
            sweep.Actions.ShouldNotContain("sweepDecide", sweep.Text);
            foreach (var done in new[] { "Closed by ", "Promoted to the ready queue by ", "Kept in the icebox by ", "Sent to re-scoring by " })
            {
                sweep.Shows(done + by).ShouldBeTrue($"'{done + by}' in: {sweep.Text}");
            }

            sweep.Shows("all 4 decided").ShouldBeTrue(sweep.Text);
        }
    }

    /// <summary>A bug scored into the icebox on 1 June 2026 and left there (as an import or restore would write it).</summary>
    private static async Task<Item> IcedSinceLastSummerAsync(IQuarterTeam t, int number, string title)
    {
        var at = new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);
        var backlog = (await t.Store.Backlogs.GetAsync(t.BacklogId, CancellationToken.None))!.Value;
        var reporter = (await t.Store.Items.GetAsync(t.BacklogId, 1, CancellationToken.None))!.Value.Reporter;
        var item = new Item
        {
            BacklogId = t.BacklogId, Number = number, Key = $"{backlog.KeyPrefix}-{number}", Title = title, Stream = WorkStream.Bug, Reporter = reporter,
            CreatedAt = at, State = ItemState.Icebox, StateSince = at, UpdatedAt = at, Bug = new BugFields(),
            Score = new ItemScore(new Core.Rubric.Scores(1, 1, 1, 1), new Dictionary<Core.Rubric.Dimension, string>(), 8, Queue.Icebox, 1, reporter, at),
        };
        await t.Store.Writes.WriteAsync(new ItemWrite { Item = item }, CancellationToken.None);
        return item;
    }
}
