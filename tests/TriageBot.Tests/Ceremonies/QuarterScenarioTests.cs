using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;

namespace TriageBot.Tests.Ceremonies;

/// <summary>
/// A team's quarter on one backlog, through the real host on a test clock: the scheduled clinics with their ballots, an item
/// left unscored across two clinics, the ready queue re-scored in the thread, a WIP breach refused then overridden, and the
/// monthly allocation changed and published by the allocation review, and the quarterly icebox sweep whose posted list ends
/// with every row decided.
/// </summary>
public sealed class QuarterScenarioTests
{
    // Monday 4 January 2027, UTC. The default clinic is every other Wednesday 14:00 from that week: 6 and 20 January, 3 and
    // 17 February, 3 and 17 March; the allocation review is the first Monday of the month at 11:00.
    private static readonly DateTimeOffset Created = new(2027, 1, 4, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset[] Clinics =
    [
        new(2027, 1, 6, 14, 0, 0, TimeSpan.Zero), new(2027, 1, 20, 14, 0, 0, TimeSpan.Zero), new(2027, 2, 3, 14, 0, 0, TimeSpan.Zero),
        new(2027, 2, 17, 14, 0, 0, TimeSpan.Zero), new(2027, 3, 3, 14, 0, 0, TimeSpan.Zero), new(2027, 3, 17, 14, 0, 0, TimeSpan.Zero),
    ];

    private static readonly ConversationAddress Channel = Seed.Channel("C-quarter");
    private static readonly UserRef Pm = Seed.Facilitator;
    private static readonly UserRef Erik = Seed.Engineer1;
    private static readonly UserRef Ellen = Seed.Engineer2;

    [Fact]
    public async Task AQuarterOfClinics_KeepsEveryOpenQuestionOnTheAgenda_ReScoresTheReadyQueueInTheThread_HoldsWipPublishesTheAllocation_AndSweepsTheIcebox()
    {
        await using var host = TestHost.Sqlite(Created);
        await Seed.BacklogAsync(host.Store, "quarter", "Etc/UTC", Created, channels: [("C-quarter", ChannelRoles.All)]);
        await TickAsync(host, Created.AddMinutes(5));

        var export = await ReportAsync(host, "Export fails for large workspaces");
        var search = await ReportAsync(host, "Search returns stale results");
        var flicker = await ReportAsync(host, "Login page flickers");

        // Clinic 1: all three on the agenda with a ballot each; two are scored into the ready queue, the third is left.
        await TickAsync(host, Clinics[0]);
        BallotsPostedAt(host, Clinics[0]).ShouldBe([export.Key, search.Key, flicker.Key]);
        foreach (var item in new[] { export, search })
        {
            await VoteRevealFinalizeAsync(host, item, (2, 2, 2, 2));
        }

        (await GetAsync(host, export)).State.ShouldBe(ItemState.Ready);
        await TickAsync(host, Clinics[0].AddHours(2));
        var firstSummary = Summary(host, Clinics[0]);
        Lines(firstSummary, "Left unscored").ShouldBe([$"{flicker.Key} {flicker.Title}"]);
        firstSummary.Sections.ShouldNotContain(x => x.Heading.StartsWith("Re-scoring", StringComparison.Ordinal));

        // Clinic 2: the unscored item is still on the agenda; the ready queue gets new, votable rounds (bulk re-scoring).
        await TickAsync(host, Clinics[1]);
        BallotsPostedAt(host, Clinics[1]).ShouldBe([flicker.Key, export.Key, search.Key]);
        var rescoring = host.Log.All.Where(s => s.At >= Clinics[1] && s.Kind == OutboxKind.Post && s.View is BallotView b && b.Item.Key == export.Key).Select(s => (BallotView)s.View).First();
        (rescoring.Round, rescoring.Final, rescoring.Previous).ShouldBe((2, null, null));
        rescoring.Actions.Select(a => a.ActionId).ShouldContain(ButtonIds.KeepScore);
        await VoteRevealFinalizeAsync(host, export, (3, 2, 2, 2));
        (await Handle(host, Pm, new ButtonIntent(ButtonIds.KeepScore, Ref(search)))).ShouldBeOfType<UpdateCardOutcome>();
        await host.DrainAsync();
        var rescoredExport = await GetAsync(host, export);
        (rescoredExport.Score!.Round, rescoredExport.State).ShouldBe((2, ItemState.Sprint));
        var keptSearch = await GetAsync(host, search);
        (keptSearch.Score!.Round, keptSearch.Score.Total, keptSearch.State).ShouldBe((2, 16, ItemState.Ready));
        var revealedBallot = host.Log.All.Last(s => s.View is BallotView b && b.Item.Key == export.Key && b.Final is not null).View.ShouldBeOfType<BallotView>();
        revealedBallot.Final!.Total.ShouldBe(19);
        await TickAsync(host, Clinics[1].AddHours(2));

        // Clinic 3: the item left at two clinics is still there, and is scored now.
        await TickAsync(host, Clinics[2]);
        BallotsPostedAt(host, Clinics[2]).ShouldContain(flicker.Key);
        await VoteRevealFinalizeAsync(host, flicker, (3, 2, 2, 2));
        // Posts stay true: the item's ballots of clinics 1 and 2 were closed when a later clinic posted it again (no way to vote
        // there), and now show its outcome — as does the newest.
        var flickerBallots = host.Log.All.Where(s => s.Kind == OutboxKind.Post && s.View is BallotView b && b.Item.Key == flicker.Key).Select(s => s.PlatformMessageId).ToList();
        flickerBallots.Count.ShouldBe(3);
        foreach (var earlier in flickerBallots[..2])
        {
            var updates = host.Log.All.Where(s => s.Kind == OutboxKind.Update && s.PlatformMessageId == earlier).Select(s => (BallotView)s.View).ToList();
            updates.ShouldContain(b => b.ClosedNote == Wording.BallotMovedOn && b.InlineVote == null && b.Actions.Single().ActionId == ButtonIds.Show);
            updates[^1].Final.ShouldNotBeNull().Total.ShouldBe(19);
            updates[^1].Final!.FinalizedBy.ShouldBe(Pm);
        }

        await TickAsync(host, Clinics[2].AddHours(2));
        // The summary keeps a ready-queue item whose new round was not voted apart from the never-scored: its score stands.
        var thirdSummary = Summary(host, Clinics[2]);
        Lines(thirdSummary, "Left unscored").ShouldBe(["Everything on the agenda was scored."]);
        Lines(thirdSummary, "Re-scoring still open (earlier scores stand)").ShouldContain($"{search.Key} {search.Title}: 16 → Ready");
        thirdSummary.Subtitle!.ShouldContain("0 left unscored");

        // WIP holds the line: at the bug limit a start is refused naming the active items; a facilitator overrides with a reason.
        (await SayAsync(host, Pm, "limits bug 1")).ShouldBeOfType<ReplyOutcome>();
        var extra = new List<Item>();
        // Two unrelated bugs (similar titles would be offered as possible duplicates before filing).
        foreach (var title in new[] { "Webhook retries pile up", "Audit log misses deleted users" })
        {
            var bug = await ReportAsync(host, title);
            await VoteRevealFinalizeAsync(host, bug, (3, 2, 2, 2));
            extra.Add(bug);
        }

        foreach (var bug in new[] { export, flicker, extra[0] })
        {
            Text(await SayAsync(host, Erik, $"start {bug.Key}")).Tone.ShouldBe(Tone.Success);
        }

        var refused = Text(await SayAsync(host, Erik, $"start {extra[1].Key}"));
        refused.Tone.ShouldBe(Tone.Error);
        refused.Text.ShouldContain("WIP limit");
        refused.Text.ShouldContain(export.Key);
        Text(await SayAsync(host, Pm, $"start {extra[1].Key} override release blocker for the largest customer")).Text.ShouldContain("WIP override recorded");
        (await GetAsync(host, extra[1])).State.ShouldBe(ItemState.Active);

        // Clinic 4: the kept item's round opened at clinic 3 was not voted on; it stays open (one open round), not bumped again.
        (await GetAsync(host, search)).Round.ShouldBe(3);
        await TickAsync(host, Clinics[3]);
        BallotsPostedAt(host, Clinics[3]).ShouldContain(search.Key);
        (await GetAsync(host, search)).Round.ShouldBe(3);
        await TickAsync(host, Clinics[3].AddHours(2));

        // The allocation for next month is changed, and the allocation review on the first Monday of March publishes it.
        (await SayAsync(host, Pm, "allocation model 30 bug 30 feature 40 from 2027-04")).ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<ReportView>();
        await TickAsync(host, new DateTimeOffset(2027, 3, 1, 11, 0, 0, TimeSpan.Zero));
        var review = host.Log.All.Last(s => s.Title == "Stream allocation review").Report.ShouldNotBeNull();
        review.Sections.Single(s => s.Heading == "Allocation in force for April 2027").Lines[0].Text
            .ShouldBe("Model 30%, bug 30%, feature 40%. Facilitators change it with `allocation`.");

        // Clinics 5 and 6 run; every clinic of the quarter posted its agenda, and its summary followed.
        foreach (var at in Clinics[4..])
        {
            await TickAsync(host, at);
            await TickAsync(host, at.AddHours(2));
        }

        host.Log.All.Count(s => s.Title == "Triage clinic agenda").ShouldBe(6);
        host.Log.All.Count(s => s.Title == "Triage clinic summary").ShouldBe(6);

        // The quarterly icebox sweep (first Tuesday of April, 15:00) lists what has sat in the icebox since last summer; each
        // row is decided — from its dialog or by command — and the posted list is updated in place until every row is decided.
        var iced = new List<Item>();
        foreach (var (n, title) in new[] { (901, "Legacy CSV dialect"), (902, "Retina icons"), (903, "Fax export"), (904, "Old browser banner") })
        {
            iced.Add(await IcedSinceLastSummerAsync(host, n, title));
        }

        await TickAsync(host, new DateTimeOffset(2027, 4, 6, 15, 0, 0, TimeSpan.Zero));
        var sweep = host.Log.All.Where(s => s.Kind == OutboxKind.Post && s.Title == "Icebox sweep" && s.At.Month == 4).ShouldHaveSingleItem();
        sweep.Report!.Sections.Select(s => s.Heading).ShouldBe(iced.Select(i => $"{i.Key} {i.Title}"));
        sweep.Report.Sections.ShouldAllBe(s => s.Actions.Count == 1 && s.Actions[0].ActionId == ButtonIds.SweepDecide);

        var close = (await Handle(host, Pm, new ButtonIntent(ButtonIds.SweepDecide, Ref(iced[0])))).ShouldBeOfType<OpenFormOutcome>().Form;
        (await SubmitAsync(host, Pm, close, new Dictionary<string, string> { [SweepForms.DecisionField] = SweepForms.Close, [SweepForms.TextField] = "Nobody uses that dialect any more." }))
            .ShouldBeOfType<CloseFormOutcome>();
        Text(await SayAsync(host, Pm, $"promote {iced[1].Key}")).Tone.ShouldBe(Tone.Success);
        Text(await SayAsync(host, Pm, $"keep {iced[2].Key} Required by the public-sector contract")).Tone.ShouldBe(Tone.Success);
        var rescore = (await Handle(host, Pm, new ButtonIntent(ButtonIds.SweepDecide, Ref(iced[3])))).ShouldBeOfType<OpenFormOutcome>().Form;
        (await SubmitAsync(host, Pm, rescore, new Dictionary<string, string> { [SweepForms.DecisionField] = SweepForms.Rescore })).ShouldBeOfType<CloseFormOutcome>();
        await host.DrainAsync();

        var final = host.Log.All.Last(s => s.Kind == OutboxKind.Update && s.PlatformMessageId == sweep.PlatformMessageId).Report.ShouldNotBeNull();
        final.Sections.ShouldAllBe(s => s.Actions.Count == 0);
        final.Sections.Select(s => s.Lines.Single().Text[..s.Lines.Single().Text.IndexOf(" by ", StringComparison.Ordinal)])
            .ShouldBe(["✓ Closed", "✓ Promoted to the ready queue", "✓ Kept in the icebox", "✓ Sent to re-scoring"]);
        final.Sections.ShouldAllBe(s => s.Lines.Single().Text.Contains("by Priya PM on Tue 6 Apr 2027", StringComparison.Ordinal));
        final.Subtitle!.ShouldEndWith("· all 4 decided");
    }

    /// <summary>A bug scored into the icebox on 1 June 2026 and left there (as an import or restore would write it).</summary>
    private static async Task<Item> IcedSinceLastSummerAsync(TestHost host, int number, string title)
    {
        var at = new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);
        var item = new Item
        {
            BacklogId = "quarter", Number = number, Key = $"REP-{number}", Title = title, Stream = WorkStream.Bug, Reporter = Seed.Member,
            CreatedAt = at, State = ItemState.Icebox, StateSince = at, UpdatedAt = at, Bug = new BugFields(),
            Score = new ItemScore(new Core.Rubric.Scores(1, 1, 1, 1), new Dictionary<Core.Rubric.Dimension, string>(), 8, Queue.Icebox, 1, Pm, at),
        };
        await host.Store.Writes.WriteAsync(new ItemWrite { Item = item }, CancellationToken.None);
        return item;
    }

    private static string Ref(Item item) => $"{item.BacklogId}/{item.Number}";

    private static TextView Text(Outcome o) => o.ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<TextView>();

    private static List<string> BallotsPostedAt(TestHost host, DateTimeOffset clinic) =>
        [.. host.Log.All.Where(s => s.Kind == OutboxKind.Post && s.View is BallotView && s.At >= clinic && s.At < clinic.AddHours(1)).Select(s => ((BallotView)s.View).Item.Key)];

    private static async Task TickAsync(TestHost host, DateTimeOffset at)
    {
        host.SetTime(at);
        await host.Scheduler.TickAsync(CancellationToken.None);
        await host.DrainAsync();
    }

    private static Task<Outcome> SayAsync(TestHost host, UserRef who, string text) => host.SayAsync(who, Channel, text);

    private static Task<Outcome> Handle(TestHost host, UserRef who, Intent intent) =>
        host.Core.Conversation.HandleAsync(new Interaction(who, Channel, intent, host.Clock.GetUtcNow()), CancellationToken.None);

    private static async Task<Outcome> SubmitAsync(TestHost host, UserRef who, FormView form, IReadOnlyDictionary<string, string> changes)
    {
        var values = new Dictionary<string, string>(form.Values, StringComparer.Ordinal);
        foreach (var (k, v) in changes)
        {
            values[k] = v;
        }

        return await Handle(host, who, new FormSubmitIntent(form.FormId, form.Argument, values));
    }

    private static ReportView Summary(TestHost host, DateTimeOffset clinic) =>
        host.Log.All.Where(s => s.At > clinic && s.View is ReportView { Title: "Triage clinic summary" }).Select(s => (ReportView)s.View).First();

    private static List<string> Lines(ReportView report, string heading) =>
        [.. report.Sections.Single(x => x.Heading == heading).Lines.Select(l => l.Text)];

    private static async Task<Item> ReportAsync(TestHost host, string title)
    {
        var form = (await SayAsync(host, Seed.Member, "new bug")).ShouldBeOfType<OpenFormOutcome>().Form;
        (await SubmitAsync(host, Seed.Member, form, new Dictionary<string, string> { [FieldIds.Title] = title })).ShouldBeOfType<CloseFormOutcome>();
        await host.DrainAsync();
        Item? found = null;
        await foreach (var i in host.Store.Items.QueryAsync(new ItemQuery("quarter"), CancellationToken.None))
        {
            if (i.Title == title)
            {
                found = i;
            }
        }

        return found.ShouldNotBeNull();
    }

    private static async Task<Item> GetAsync(TestHost host, Item item) => (await host.Store.Items.GetAsync(item.BacklogId, item.Number, CancellationToken.None))!.Value;

    private static async Task VoteRevealFinalizeAsync(TestHost host, Item item, (int I, int C, int R, int D) scores)
    {
        foreach (var voter in new[] { Erik, Ellen })
        {
            var vote = (await Handle(host, voter, new ButtonIntent(ButtonIds.Vote, Ref(item)))).ShouldBeOfType<OpenFormOutcome>().Form;
            (await SubmitAsync(host, voter, vote, new Dictionary<string, string>
            {
                [FieldIds.ImpactScore] = $"{scores.I}", [FieldIds.ConfidenceScore] = $"{scores.C}", [FieldIds.RollbackScore] = $"{scores.R}", [FieldIds.DelayScore] = $"{scores.D}",
            })).ShouldBeOfType<CloseFormOutcome>();
        }

        (await Handle(host, Pm, new ButtonIntent(ButtonIds.Reveal, Ref(item)))).ShouldBeOfType<UpdateCardOutcome>();
        var finalize = (await Handle(host, Pm, new ButtonIntent(ButtonIds.Finalize, Ref(item)))).ShouldBeOfType<OpenFormOutcome>().Form;
        (await SubmitAsync(host, Pm, finalize, new Dictionary<string, string>())).ShouldBeOfType<CloseFormOutcome>();
        await host.DrainAsync();
    }
}
