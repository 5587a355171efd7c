using TriageBot.Core.Items;
using static TriageBot.Core.Tests.TestData;

namespace TriageBot.Core.Tests.Items;

public class ScoringRulesTests
{
    private static readonly DateTimeOffset Later = T0.AddDays(1);

    [Theory]
    [InlineData(3, 2, 2, 2, ItemState.Sprint)]
    [InlineData(2, 2, 2, 2, ItemState.Ready)]
    [InlineData(1, 1, 2, 1, ItemState.Icebox)]
    public void ApplyScore_OnANewItem_PlacesItIntoTheScoresQueue(int i, int c, int r, int d, ItemState expected)
    {
        var score = Score(i, c, r, d);

        var change = ScoringRules.ApplyScore(Item(), score, Pat, Later);

        change.Item.State.ShouldBe(expected);
        change.Item.StateSince.ShouldBe(Later);
        change.Item.Score.ShouldBeSameAs(score);
        change.History.Select(h => h.Kind).ShouldBe([HistoryKind.Scored, HistoryKind.StateChanged]);
        change.History[1].From.ShouldBe("New");
        change.History[1].To.ShouldBe(expected.ToString());
    }

    [Fact]
    public void ApplyScore_RecordsFromAndToTotalsWithWhoWhenAndTheScores()
    {
        var item = Item(state: ItemState.Ready) with { Round = 2, Score = Score(2, 2, 2, 2) };

        var scored = ScoringRules.ApplyScore(item, Score(3, 2, 2, 2, round: 2), Pat, Later).History[0];

        scored.Kind.ShouldBe(HistoryKind.Scored);
        scored.From.ShouldBe("16");
        scored.To.ShouldBe("19");
        scored.Actor.ShouldBe(Pat);
        scored.At.ShouldBe(Later);
        scored.Reason.ShouldBe("Round 2: impact 3, confidence 2, rollback 2, delay 2 → Sprint");
    }

    [Theory]
    [InlineData(ItemState.Ready, 3, ItemState.Sprint)]
    [InlineData(ItemState.Sprint, 1, ItemState.Icebox)]
    [InlineData(ItemState.Icebox, 2, ItemState.Ready)]
    public void ApplyScore_OnAQueuedItem_MovesItBetweenQueues(ItemState from, int level, ItemState expected)
    {
        var score = level switch { 3 => Score(3, 3, 3, 3), 2 => Score(2, 2, 2, 2), _ => Score(1, 1, 1, 1) };

        ScoringRules.ApplyScore(Item(state: from), score, Pat, Later).Item.State.ShouldBe(expected);
    }

    [Fact]
    public void ApplyScore_IntoTheQueueItIsAlreadyIn_RecordsOnlyTheScore()
    {
        var change = ScoringRules.ApplyScore(Item(state: ItemState.Ready), Score(2, 2, 2, 2), Pat, Later);

        change.Item.State.ShouldBe(ItemState.Ready);
        change.Item.StateSince.ShouldBe(T0);
        change.History.ShouldHaveSingleItem().Kind.ShouldBe(HistoryKind.Scored);
    }

    [Theory]
    [InlineData(ItemState.Active)]
    [InlineData(ItemState.Done)]
    [InlineData(ItemState.Closed)]
    public void ApplyScore_OnActiveDoneOrClosed_RecordsTheScoreButDoesNotMoveIt(ItemState state)
    {
        var change = ScoringRules.ApplyScore(Item(state: state), Score(1, 1, 1, 1), Pat, Later);

        change.Item.State.ShouldBe(state);
        change.Item.Score!.Total.ShouldBe(8);
        change.History.ShouldHaveSingleItem().Kind.ShouldBe(HistoryKind.Scored);
    }

    [Theory]
    [InlineData(3, ItemState.Sprint, Queue.Sprint)]
    [InlineData(2, ItemState.Ready, Queue.Ready)]
    public void ApplyScore_FeatureWithoutCapabilityNote_HoldsItsPlacement(int level, ItemState _, Queue held)
    {
        var score = level == 3 ? Score(3, 3, 3, 3) : Score(2, 2, 2, 2);

        var change = ScoringRules.ApplyScore(Item(WorkStream.Feature), score, Pat, Later);

        change.Item.State.ShouldBe(ItemState.New);
        change.Item.HeldPlacement.ShouldBe(held);
        change.Item.Score.ShouldBe(score);
        change.History.Select(h => h.Kind).ShouldBe([HistoryKind.Scored, HistoryKind.PlacementHeld]);
        change.History[1].Reason.ShouldBe("waiting for capability note");
    }

    [Fact]
    public void ApplyScore_FeatureWithoutCapabilityNoteScoredIntoTheIcebox_IsPlaced()
    {
        var change = ScoringRules.ApplyScore(Item(WorkStream.Feature), Score(1, 1, 1, 1), Pat, Later);

        change.Item.State.ShouldBe(ItemState.Icebox);
        change.Item.HeldPlacement.ShouldBeNull();
    }

    [Fact]
    public void ApplyScore_FeatureWithCapabilityNote_IsPlaced()
    {
        var change = ScoringRules.ApplyScore(Item(WorkStream.Feature).WithNote(), Score(3, 3, 3, 3), Pat, Later);

        change.Item.State.ShouldBe(ItemState.Sprint);
        change.Item.HeldPlacement.ShouldBeNull();
    }

    [Fact]
    public void ApplyScore_MarksTheRoundRevealedAndClearsARescoreRequest()
    {
        var item = Item(state: ItemState.Ready) with { RescoreRequested = true, RoundRevealed = false };

        var after = ScoringRules.ApplyScore(item, Score(2, 2, 2, 2), Pat, Later).Item;

        after.RoundRevealed.ShouldBeTrue();
        after.RescoreRequested.ShouldBeFalse();
    }

    [Fact]
    public void ApplyScore_WithATotalThatDoesNotMatchTheScores_IsRefused()
    {
        Should.Throw<ArgumentException>(() => ScoringRules.ApplyScore(Item(), Score(2, 2, 2, 2) with { Total = 20 }, Pat, Later));
    }

    [Fact]
    public void AddCapabilityNote_AppliesAHeldPlacement()
    {
        var held = ScoringRules.ApplyScore(Item(WorkStream.Feature), Score(3, 3, 3, 3), Pat, Later).Item;

        var change = CapabilityNoteRules.AddCapabilityNote(held, "  Needs ticket retrieval; days of work.  ", CapabilityScale.DaysFeature, Eve, Later.AddHours(1));

        change.Item.State.ShouldBe(ItemState.Sprint);
        change.Item.HeldPlacement.ShouldBeNull();
        change.Item.Feature!.CapabilityNote.ShouldBe(new CapabilityNote("Needs ticket retrieval; days of work.", CapabilityScale.DaysFeature, Eve, Later.AddHours(1)));
        change.History.Select(h => h.Kind).ShouldBe([HistoryKind.CapabilityNoteAdded, HistoryKind.StateChanged]);
        change.History[1].Reason.ShouldBe("capability note arrived: applying the held placement");
    }

    [Fact]
    public void AddCapabilityNote_WithoutAHeldPlacement_LeavesTheStateAlone()
    {
        var change = CapabilityNoteRules.AddCapabilityNote(Item(WorkStream.Feature), "Weeks of retrieval work.", CapabilityScale.WeeksCapability, Eve, Later);

        change.Item.State.ShouldBe(ItemState.New);
        change.History.ShouldHaveSingleItem().Reason.ShouldBe("a weeks-long capability project");
        CapabilityNoteRules.NeedsCapabilityNote(change.Item).ShouldBeFalse();
    }

    [Theory]
    [InlineData("")]
    [InlineData("    ")]
    public void AddCapabilityNote_WithoutText_IsRefused(string text)
    {
        Should.Throw<ValidationException>(() => CapabilityNoteRules.AddCapabilityNote(Item(WorkStream.Feature), text, CapabilityScale.DaysFeature, Eve, Later))
            .Errors.ShouldHaveSingleItem().Field.ShouldBe(FieldIds.NoteText);
    }

    [Theory]
    [InlineData(".")]
    [InlineData("ok")]
    public void AddCapabilityNote_ShorterThanASentence_IsRefused_AndTheItemKeepsWaiting(string text)
    {
        Should.Throw<ValidationException>(() => CapabilityNoteRules.AddCapabilityNote(Item(WorkStream.Feature), text, CapabilityScale.DaysFeature, Eve, Later))
            .Errors.ShouldBe([new FieldError(FieldIds.NoteText, NoteSentence.Message)]);
    }

    [Fact]
    public void AddCapabilityNote_Over3000Characters_IsRefused()
    {
        Should.Throw<ValidationException>(() => CapabilityNoteRules.AddCapabilityNote(Item(WorkStream.Feature), new string('n', 3001), CapabilityScale.DaysFeature, Eve, Later))
            .Errors.ShouldHaveSingleItem().Message.ShouldBe("Capability note must be at most 3000 characters (you wrote 3001).");
    }

    [Fact]
    public void AddCapabilityNote_OnABugWithoutAFlaggedDependency_IsRefused()
    {
        Should.Throw<RuleViolationException>(() => CapabilityNoteRules.AddCapabilityNote(Item(WorkStream.Bug), "text", CapabilityScale.DaysFeature, Eve, Later))
            .Message.ShouldContain("capability notes are for features, or items flagged");
    }

    [Fact]
    public void AddCapabilityNote_OnAnItemFlaggedWithAModelDependency_IsKeptAndClearsTheFlag()
    {
        var flagged = CapabilityNoteRules.FlagModelDependency(Item(WorkStream.Bug), Pat, Later, "needs the reranker").Item;
        CapabilityNoteRules.NeedsCapabilityNote(flagged).ShouldBeTrue();

        var noted = CapabilityNoteRules.AddCapabilityNote(flagged, "Reranker exists; days.", CapabilityScale.DaysFeature, Eve, Later).Item;

        noted.NeedsCapabilityNote.ShouldBeFalse();
        CapabilityNoteRules.CapabilityNoteOf(noted)!.Text.ShouldBe("Reranker exists; days.");
        CapabilityNoteRules.NeedsCapabilityNote(noted).ShouldBeFalse();
    }

    [Fact]
    public void FlagModelDependency_OnAFeature_IsRefused_AndTwiceIsANoOp()
    {
        Should.Throw<RuleViolationException>(() => CapabilityNoteRules.FlagModelDependency(Item(WorkStream.Feature), Pat, Later));

        var once = CapabilityNoteRules.FlagModelDependency(Item(WorkStream.Model), Pat, Later);
        once.History.ShouldHaveSingleItem().Field.ShouldBe(FieldIds.NeedsCapabilityNote);
        CapabilityNoteRules.FlagModelDependency(once.Item, Pat, Later).Changed.ShouldBeFalse();
    }

    [Fact]
    public void OpenNewRound_AfterFinalize_IncrementsTheRoundAndHidesVotesAgain()
    {
        var item = Item(state: ItemState.Ready) with { Score = Score(2, 2, 2, 2, round: 1), RoundRevealed = true };

        var change = ScoringRules.OpenNewRound(item, Pat, Later);

        change.Item.Round.ShouldBe(2);
        change.Item.RoundRevealed.ShouldBeFalse();
        change.Item.Score.ShouldBe(item.Score);
        var entry = change.History.ShouldHaveSingleItem();
        entry.Kind.ShouldBe(HistoryKind.VotingRoundOpened);
        (entry.From, entry.To).ShouldBe(("1", "2"));
    }

    [Fact]
    public void OpenNewRound_WhileTheRoundIsStillOpen_IsRefused()
    {
        Should.Throw<RuleViolationException>(() => ScoringRules.OpenNewRound(Item(), Pat, Later))
            .Message.ShouldBe("Round 1 of TRI-42 is still open: finalize it before opening another.");
    }

    [Fact]
    public void RequestRescore_OfAScoredItem_FlagsItAndOpensANewRound()
    {
        var item = Item(state: ItemState.Icebox) with { Score = Score(1, 1, 1, 1, round: 1) };

        var change = ScoringRules.RequestRescore(item, Max, Later, "customers complain again");

        change.Item.RescoreRequested.ShouldBeTrue();
        change.Item.Round.ShouldBe(2);
        change.History.Select(h => h.Kind).ShouldBe([HistoryKind.FieldChanged, HistoryKind.VotingRoundOpened]);
        change.History[0].Reason.ShouldBe("customers complain again");
    }

    [Fact]
    public void RequestRescore_Twice_ChangesNothingTheSecondTime()
    {
        var once = ScoringRules.RequestRescore(Item(), Max, Later).Item;

        ScoringRules.RequestRescore(once, Max, Later).Changed.ShouldBeFalse();
    }

    [Fact]
    public void MarkRevealed_RevealsTheRoundOnce()
    {
        var change = ScoringRules.MarkRevealed(Item() with { Round = 3 }, Pat, Later);

        change.Item.RoundRevealed.ShouldBeTrue();
        change.History.ShouldHaveSingleItem().To.ShouldBe("3");
        ScoringRules.MarkRevealed(change.Item, Pat, Later).Changed.ShouldBeFalse();
    }

    [Theory]
    [InlineData(ItemState.Ready)]
    [InlineData(ItemState.Icebox)]
    public void DueForRescore_InReadyOrIcebox_AfterTwoCalendarMonthsSinceTheScore(ItemState state)
    {
        var scoredAt = new DateTimeOffset(2025, 1, 31, 12, 0, 0, TimeSpan.Zero);
        var item = Item(state: state) with { Score = Score(2, 2, 2, 2) with { At = scoredAt } };

        ScoringRules.DueForRescore(item, new DateTimeOffset(2025, 3, 31, 11, 59, 59, TimeSpan.Zero)).ShouldBeFalse();
        ScoringRules.DueForRescore(item, new DateTimeOffset(2025, 3, 31, 12, 0, 0, TimeSpan.Zero)).ShouldBeTrue();
    }

    [Fact]
    public void DueForRescore_OfANeverScoredItem_CountsFromCreation()
    {
        var item = Item(state: ItemState.Icebox);

        ScoringRules.DueForRescore(item, T0.AddMonths(2).AddTicks(-1)).ShouldBeFalse();
        ScoringRules.DueForRescore(item, T0.AddMonths(2)).ShouldBeTrue();
    }

    [Theory]
    [InlineData(ItemState.New)]
    [InlineData(ItemState.Sprint)]
    [InlineData(ItemState.Active)]
    [InlineData(ItemState.Done)]
    [InlineData(ItemState.Closed)]
    public void DueForRescore_OutsideReadyAndIcebox_IsNeverDue(ItemState state)
    {
        ScoringRules.DueForRescore(Item(state: state), T0.AddYears(1)).ShouldBeFalse();
    }
}
