using TriageBot.Core.Ceremonies;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;
using TriageBot.Core.Views;

namespace TriageBot.Core.Tests.Views;

/// <summary>The one wording catalogue every surface reads its words from.</summary>
public sealed class WordingTests
{
    [Fact]
    public void EachStream_HasOneName_ForAnItem_AndOneHeading_ForAGroupOfItems()
    {
        Enum.GetValues<WorkStream>().Select(Wording.Stream).ShouldBe(["Model quality", "Engineering bug", "Feature request", "Incident lane"]);
        Enum.GetValues<WorkStream>().Select(Wording.StreamHeading).ShouldBe(["Model quality", "Engineering bugs", "Feature requests", "Incident lane"]);
    }

    [Fact]
    public void DimensionNames_AreTheRubricsOwn_SoRuleMessagesAndScreensAgree()
    {
        foreach (var d in RubricRules.Dimensions)
        {
            Wording.Dimension(d).ShouldBe(RubricText.Name(d));
            Wording.Dimension(d).ToLowerInvariant().ShouldContain(Wording.DimensionShort(d));
        }

        Wording.Scores(new Scores(3, 2, 1, 2)).ShouldBe("impact 3, confidence 2, rollback 1, delay 2");
    }

    [Fact]
    public void CeremonyNames_AreTheCeremoniesOwn()
    {
        Enum.GetValues<CeremonyKind>().Select(Wording.Ceremony)
            .ShouldBe(["Weekly stream review", "Triage clinic", "Stream allocation review", "Icebox sweep"]);
    }

    [Fact]
    public void Flags_AreListedInOneOrder_WithTheLabelsTheRubricStatesItsConsequencesWith()
    {
        var item = ItemSummaries.Of(TestData.Item(), TestData.T0) with { DueForRescore = true, CautiousRelease = true, ResearchTimebox = true, NeedsCapabilityNote = true };

        Wording.FlagsOf(item).ShouldBe([ItemFlag.CautiousRelease, ItemFlag.ResearchTimebox, ItemFlag.NeedsCapabilityNote, ItemFlag.DueForRescore]);
        Wording.FlagsOf(item with { CautiousRelease = false, DueForRescore = false }).ShouldBe([ItemFlag.ResearchTimebox, ItemFlag.NeedsCapabilityNote]);
        Wording.Flag(ItemFlag.CautiousRelease).ShouldBe(RubricRules.CautiousReleaseLabel);
        Wording.Flag(ItemFlag.ResearchTimebox).ShouldBe(RubricRules.ResearchTimeboxLabel);
        var consequences = RubricRules.Consequences(new Scores(2, 1, 1, 2), WorkStream.Bug);
        consequences.ShouldContain(c => c.StartsWith(Wording.Flag(ItemFlag.ResearchTimebox) + ":", StringComparison.Ordinal));
        consequences.ShouldContain(c => c.StartsWith(Wording.Flag(ItemFlag.CautiousRelease) + ":", StringComparison.Ordinal));
    }

    [Fact]
    public void Queues_AndHeldPlacements_ReadTheSameEverywhere()
    {
        Enum.GetValues<Queue>().Select(Wording.Queue).ShouldBe(["Sprint", "Ready queue", "Icebox"]);
        Wording.HeldPlacement(Queue.Sprint).ShouldBe("Sprint, waiting for a capability note");
    }

    [Fact]
    public void BallotStatus_SaysHowManyVoted_NeverHow()
    {
        Wording.VotedSoFar("2", "Ada, Eli").ShouldBe("2 voted so far: Ada, Eli");
        Wording.NoVotesYet.ShouldBe("No votes yet");
        Wording.VotesHidden.ShouldBe("Votes stay hidden until the facilitator reveals them.");
    }
}
