using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Items;
using TriageBot.Core.Views;
using static TriageBot.Core.Tests.TestData;

namespace TriageBot.Core.Tests.Views;

/// <summary>A person's home, built from the facts of their backlogs: each list shows what is that person's to do.</summary>
public class HomeViewsTests
{
    private static (Item, ItemSummary) Entry(Item item) => (item, ItemSummaries.Of(item, T0));

    private static readonly Item OpenBallot = Item(WorkStream.Bug, ItemState.New, 1);
    private static readonly Item Voted = Item(WorkStream.Bug, ItemState.New, 2);
    private static readonly Item NoBallot = Item(WorkStream.Bug, ItemState.New, 3);
    private static readonly Item Feature = Item(WorkStream.Feature, ItemState.Ready, 4);
    private static readonly Item EvesModel = Item(WorkStream.Model, ItemState.Active, 5) with
    {
        Owner = Eve,
        Model = new ModelFields { Timebox = new Timebox(5, T0.AddDays(-2), T0.AddDays(3)) },
    };
    private static readonly Item EvesLaterModel = Item(WorkStream.Model, ItemState.Active, 6) with
    {
        Owner = Eve,
        Model = new ModelFields { Timebox = new Timebox(20, T0, T0.AddDays(20)) },
    };
    private static readonly Item Done = Item(WorkStream.Bug, ItemState.Done, 7) with { Owner = Eve };

    /// <summary>The facts as the viewer sees them: <paramref name="votedIn"/> are the ballots the viewer voted in.</summary>
    private static HomeBacklogFacts Facts(Role role, params int[] votedIn) =>
        new(TestData.Backlog, role, [.. new[] { OpenBallot, Voted, NoBallot, Feature, EvesModel, EvesLaterModel, Done }.Select(Entry)])
        {
            BallotsPosted = new HashSet<int> { 1, 2 },
            Voted = votedIn.ToHashSet(),
            NextCeremonies =
            [
                new Occurrence(CeremonyKind.TriageClinic, T0.AddDays(2), "clinic"),
                new Occurrence(CeremonyKind.WeeklyStreamReview, T0.AddDays(1), "weekly"),
            ],
        };

    [Fact]
    public void AnEngineer_IsAskedForTheBallotsTheyHaveNotVotedIn_TheNotesOfTheirBacklog_AndTheirTimeboxesEndingWithinAWeek()
    {
        var home = HomeViews.Build(Eve, T0, [Facts(Role.Engineer, 2)]);

        home.Ballots.Select(e => e.Item.Key).ShouldBe(["TRI-1"], "TRI-2 has Eve's vote, TRI-3 no ballot");
        home.Ballots[0].Actions.Select(a => a.ActionId).ShouldBe([ButtonIds.Vote, ButtonIds.Show]);
        home.Ballots[0].Actions[0].Argument.ShouldBe("b1/1");
        home.NotesRequested.Select(e => e.Item.Key).ShouldBe(["TRI-4"]);
        home.NotesRequested[0].Actions[0].ActionId.ShouldBe(ButtonIds.AddCapabilityNote);
        home.MyItems.Select(e => e.Item.Key).ShouldBe(["TRI-5", "TRI-6"], "open items Eve owns; the done one is not listed");
        home.MyItems[0].Detail.ShouldBe("active, yours");
        home.Timeboxes.Select(e => e.Item.Key).ShouldBe(["TRI-5"], "TRI-6's timebox ends in 20 days");
        home.Timeboxes[0].Detail.ShouldBe("timebox ends 2025-03-13");
        home.Ceremonies.Select(c => c.At).ShouldBe([T0.AddDays(1), T0.AddDays(2)], "soonest first");
        home.Backlogs.ShouldBe(["Assistant"]);
    }

    [Fact]
    public void AMemberWhoReported_SeesTheirReportsAndBallots_ButIsNotAskedForNotes()
    {
        var home = HomeViews.Build(Max, T0, [Facts(Role.Member)]);

        home.Ballots.Select(e => e.Item.Key).ShouldBe(["TRI-1", "TRI-2"], "Max voted in neither");
        home.NotesRequested.ShouldBeEmpty();
        home.MyItems.Select(e => e.Item.Key).ShouldBe(["TRI-1", "TRI-2", "TRI-3", "TRI-4", "TRI-5", "TRI-6"]);
        home.MyItems.First(e => e.Item.Key == "TRI-5").Detail.ShouldBe("active, you reported it");
        home.Timeboxes.ShouldBeEmpty("timeboxes are their owners'");
    }

    [Fact]
    public void AnEndedTimebox_IsListedAsEnded_AndAFinalizedRoundAsksForNoVote()
    {
        var ended = EvesModel with { Model = new ModelFields { Timebox = new Timebox(5, T0.AddDays(-6), T0.AddDays(-1)) } };
        var finalized = OpenBallot with { Score = Score(3, 3, 3, 3) };
        var facts = new HomeBacklogFacts(TestData.Backlog, Role.Engineer, [Entry(ended), Entry(finalized)]) { BallotsPosted = new HashSet<int> { 1 } };

        var home = HomeViews.Build(Eve, T0, [facts]);

        home.Timeboxes.ShouldHaveSingleItem().Detail.ShouldBe("timebox ended 2025-03-09");
        home.Ballots.ShouldBeEmpty();
    }

    [Fact]
    public void SomeoneInNoBacklog_HasAnEmptyHome()
    {
        var home = HomeViews.Build(Ana, T0, []);
        home.Backlogs.ShouldBeEmpty();
        home.Ballots.ShouldBeEmpty();
        home.MyItems.ShouldBeEmpty();
    }
}
