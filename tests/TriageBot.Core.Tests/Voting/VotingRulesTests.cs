using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;
using TriageBot.Core.Voting;
using static TriageBot.Core.Tests.TestData;

namespace TriageBot.Core.Tests.Voting;

public class VotingRulesTests
{
    private static readonly BacklogSettings Defaults = new();

    private static Dictionary<Dimension, string> Reasons(params (Dimension, string)[] pairs) => pairs.ToDictionary(p => p.Item1, p => p.Item2);

    [Fact]
    public void Cast_RecordsTheVoterScoresAndTheItemsCurrentRound()
    {
        var item = Item() with { Round = 3, Score = Score(2, 2, 2, 2, round: 2) };

        var vote = VotingRules.Cast(item, Ana, new Scores(3, 2, 1, 2), null, T0);

        vote.ShouldBe(vote with { BacklogId = "b1", ItemNumber = 42, Round = 3, Voter = Ana, At = T0 });
        vote.Scores.ShouldBe(new Scores(3, 2, 1, 2));
        vote.Reasons.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(0, 2, 2, 2, FieldIds.ImpactScore)]
    [InlineData(2, 4, 2, 2, FieldIds.ConfidenceScore)]
    [InlineData(2, 2, 9, 2, FieldIds.RollbackScore)]
    [InlineData(2, 2, 2, -1, FieldIds.DelayScore)]
    public void Cast_WithAScoreOutsideOneToThree_IsRefusedNamingTheDimension(int i, int c, int r, int d, string field)
    {
        var ex = Should.Throw<ValidationException>(() => VotingRules.Cast(Item(), Ana, new Scores(i, c, r, d), null, T0));

        ex.Errors.ShouldHaveSingleItem().Field.ShouldBe(field);
        ex.Errors[0].Message.ShouldContain("must be scored 1, 2 or 3");
    }

    [Fact]
    public void Cast_TrimsJustifications_AndDropsEmptyOnes()
    {
        var vote = VotingRules.Cast(Item(), Ana, new Scores(2, 2, 2, 2),
            Reasons((Dimension.Impact, "  blocks export for every admin  "), (Dimension.Delay, "   ")), T0);

        vote.Reasons.ShouldBe(Reasons((Dimension.Impact, "blocks export for every admin")));
    }

    [Fact]
    public void Cast_WithAJustificationOfMoreThanOneLine_IsRefused()
    {
        var ex = Should.Throw<ValidationException>(() =>
            VotingRules.Cast(Item(), Ana, new Scores(2, 2, 2, 2), Reasons((Dimension.Rollback, "first\nsecond")), T0));

        ex.Errors.ShouldBe([new FieldError(FieldIds.RollbackReason, "Justification for Rollback risk must be one line.")]);
    }

    [Fact]
    public void Cast_WithAJustificationOver300Characters_IsRefused_And300IsAccepted()
    {
        VotingRules.Cast(Item(), Ana, new Scores(2, 2, 2, 2), Reasons((Dimension.Impact, new string('x', 300))), T0)
            .Reasons[Dimension.Impact].Length.ShouldBe(300);

        var ex = Should.Throw<ValidationException>(() =>
            VotingRules.Cast(Item(), Ana, new Scores(2, 2, 2, 2), Reasons((Dimension.Impact, new string('x', 301))), T0));
        ex.Errors.ShouldBe([new FieldError(FieldIds.ImpactReason, "Justification for User impact must be at most 300 characters (you wrote 301).")]);
    }

    [Fact]
    public void Cast_ReportsEveryErrorAtOnce()
    {
        var ex = Should.Throw<ValidationException>(() =>
            VotingRules.Cast(Item(), Ana, new Scores(0, 2, 4, 2), Reasons((Dimension.Delay, "a\nb")), T0));

        ex.Errors.Select(e => e.Field).ShouldBe([FieldIds.ImpactScore, FieldIds.RollbackScore, FieldIds.DelayReason]);
    }

    [Theory]
    [InlineData(ItemState.Done)]
    [InlineData(ItemState.Closed)]
    public void Cast_OnADoneOrClosedItem_IsRefused(ItemState state)
    {
        Should.Throw<RuleViolationException>(() => VotingRules.Cast(Item(state: state), Ana, new Scores(2, 2, 2, 2), null, T0))
            .Message.ShouldContain("done and closed items are not scored");
    }

    [Theory]
    [InlineData(ItemState.New)]
    [InlineData(ItemState.Ready)]
    [InlineData(ItemState.Sprint)]
    [InlineData(ItemState.Icebox)]
    [InlineData(ItemState.Active)]
    public void Cast_OnAnOpenItem_IsAccepted(ItemState state)
    {
        VotingRules.Cast(Item(state: state), Ana, new Scores(2, 2, 2, 2), null, T0).Voter.ShouldBe(Ana);
    }

    [Fact]
    public void Cast_InARoundAlreadyFinalized_IsRefused()
    {
        var item = Item(state: ItemState.Ready) with { Round = 1, Score = Score(2, 2, 2, 2, round: 1) };

        Should.Throw<RuleViolationException>(() => VotingRules.Cast(item, Ana, new Scores(2, 2, 2, 2), null, T0))
            .Message.ShouldBe("Round 1 of TRI-42 is already finalized; ask for a re-score to open a new round.");
    }

    [Fact]
    public void Cast_AfterANewRoundOpens_IsAcceptedInTheNewRound()
    {
        var item = Item(state: ItemState.Ready) with { Round = 2, Score = Score(2, 2, 2, 2, round: 1) };

        VotingRules.Cast(item, Ana, new Scores(2, 2, 2, 2), null, T0).Round.ShouldBe(2);
    }

    [Fact]
    public void Cast_ForAnEarlierRound_IsRefusedNamingTheOpenRound()
    {
        var item = Item() with { Round = 2, Score = Score(2, 2, 2, 2, round: 1) };

        Should.Throw<RuleViolationException>(() => VotingRules.Cast(item, Ana, new Scores(2, 2, 2, 2), null, T0, round: 1))
            .Message.ShouldBe("Round 1 of TRI-42 is over; voting is open in round 2.");
    }

    [Fact]
    public void CastFromForm_ParsesScoresAndReasonsByFieldId()
    {
        var values = new Dictionary<string, string>
        {
            [FieldIds.ImpactScore] = "3", [FieldIds.ConfidenceScore] = " 2 ", [FieldIds.RollbackScore] = "1", [FieldIds.DelayScore] = "2",
            [FieldIds.ConfidenceReason] = " we reproduced it ",
        };

        var vote = VotingRules.CastFromForm(Item(), Eve, values, T0);

        vote.Scores.ShouldBe(new Scores(3, 2, 1, 2));
        vote.Reasons.ShouldBe(Reasons((Dimension.Confidence, "we reproduced it")));
    }

    [Fact]
    public void CastFromForm_WithMissingAndUnknownScores_ListsEveryDimension()
    {
        var values = new Dictionary<string, string> { [FieldIds.ImpactScore] = "high", [FieldIds.RollbackScore] = "2" };

        var ex = Should.Throw<ValidationException>(() => VotingRules.CastFromForm(Item(), Eve, values, T0));

        ex.Errors.ShouldBe([
            new FieldError(FieldIds.ImpactScore, "User impact must be scored 1, 2 or 3 (you chose \"high\")."),
            new FieldError(FieldIds.ConfidenceScore, "Fix confidence needs a score: choose 1, 2 or 3."),
            new FieldError(FieldIds.DelayScore, "Cost of delay needs a score: choose 1, 2 or 3."),
        ]);
    }

    [Theory]
    [InlineData(Role.Member)]
    [InlineData(Role.Engineer)]
    public void Reveal_ByNonFacilitator_IsRefused(Role role)
    {
        Should.Throw<NotAllowedException>(() => VotingRules.RequireCanReveal(role))
            .Message.ShouldBe("Only a facilitator can reveal votes.");
    }

    [Theory]
    [InlineData(Role.Member)]
    [InlineData(Role.Engineer)]
    public void Finalize_ByNonFacilitator_IsRefused(Role role)
    {
        Should.Throw<NotAllowedException>(() => VotingRules.RequireCanFinalize(role))
            .Message.ShouldBe("Only a facilitator can finalize scores.");
    }

    [Fact]
    public void RevealAndFinalize_ByFacilitator_AreAllowed()
    {
        Should.NotThrow(() => VotingRules.RequireCanReveal(Role.Facilitator));
        Should.NotThrow(() => VotingRules.RequireCanFinalize(Role.Facilitator));
    }

    [Theory]
    [InlineData(Role.Member)]
    [InlineData(Role.Engineer)]
    [InlineData(Role.Facilitator)]
    public void Vote_ByAnyRole_IsAllowed(Role role)
    {
        Should.NotThrow(() => VotingRules.RequireCanVote(role));
    }

    [Fact]
    public void Finalize_AcceptingTheMedians_RecordsThemWithTotalPlacementRoundAndFacilitator()
    {
        var item = Item(state: ItemState.New) with { Round = 2, Score = Score(1, 1, 1, 1, round: 1) };
        var tally = Tally.Compute([Vote(Ana, 3, 2, 2, 2, round: 2), Vote(Max, 3, 2, 2, 1, round: 2), Vote(Eve, 2, 2, 2, 3, round: 2)]);

        var score = VotingRules.Finalize(item, tally, NoOverrides, NoJustifications, Pat, T0.AddHours(2), Defaults);

        score.Scores.ShouldBe(new Scores(3, 2, 2, 2));
        score.Total.ShouldBe(19);
        score.Placement.ShouldBe(Queue.Sprint);
        score.Round.ShouldBe(2);
        score.FinalizedBy.ShouldBe(Pat);
        score.At.ShouldBe(T0.AddHours(2));
        score.Justifications.Keys.ShouldBe(RubricRules.Dimensions, ignoreOrder: true);
    }

    [Fact]
    public void Finalize_WithAnOverrideAndAReason_RecordsTheOverrideAndItsReason()
    {
        var tally = Tally.Compute([Vote(Ana, 2, 2, 2, 2), Vote(Max, 2, 2, 2, 2)]);
        var overrides = new Dictionary<Dimension, (int Score, string Reason)> { [Dimension.Impact] = (3, "  Support saw 40 tickets this week ") };

        var score = VotingRules.Finalize(Item(), tally, overrides, NoJustifications, Pat, T0, Defaults);

        score.Scores.ShouldBe(new Scores(3, 2, 2, 2));
        score.Total.ShouldBe(19);
        score.Justifications[Dimension.Impact].ShouldBe("Support saw 40 tickets this week");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Finalize_WithAnOverrideWithoutAReason_IsRefusedNamingTheDimension(string reason)
    {
        var tally = Tally.Compute([Vote(Ana, 2, 2, 2, 2)]);
        var overrides = new Dictionary<Dimension, (int Score, string Reason)> { [Dimension.Confidence] = (3, reason) };

        var ex = Should.Throw<ValidationException>(() => VotingRules.Finalize(Item(), tally, overrides, NoJustifications, Pat, T0, Defaults));

        ex.Errors.ShouldBe([new FieldError(FieldIds.ConfidenceReason,
            "Overriding Fix confidence needs a reason: say why the team's median (2) is not the score.")]);
    }

    [Fact]
    public void Finalize_WithSeveralBadOverrides_ListsThemAll()
    {
        var tally = Tally.Compute([Vote(Ana, 2, 2, 2, 2)]);
        var overrides = new Dictionary<Dimension, (int Score, string Reason)>
        {
            [Dimension.Impact] = (3, ""),
            [Dimension.Delay] = (5, "because"),
        };

        var ex = Should.Throw<ValidationException>(() => VotingRules.Finalize(Item(), tally, overrides, NoJustifications, Pat, T0, Defaults));

        ex.Errors.Select(e => e.Field).ShouldBe([FieldIds.ImpactReason, FieldIds.DelayScore]);
    }

    [Fact]
    public void Finalize_WithoutWrittenJustifications_UsesTheVotersReasonsOrTheMedianAndSpread()
    {
        var votes = new[]
        {
            Vote(Ana, 3, 2, 2, 2) with { Reasons = Reasons((Dimension.Impact, "blocks exports")) },
            Vote(Max, 3, 1, 2, 2) with { Reasons = Reasons((Dimension.Impact, "blocks exports")) },
            Vote(Eve, 3, 3, 2, 2) with { Reasons = Reasons((Dimension.Impact, "every admin hits it")) },
        };
        var justifications = new Dictionary<Dimension, string> { [Dimension.Rollback] = " behind the export flag " };

        var score = VotingRules.Finalize(Item(), Tally.Compute(votes), NoOverrides, justifications, Pat, T0, Defaults);

        score.Justifications[Dimension.Impact].ShouldBe("blocks exports; every admin hits it");
        score.Justifications[Dimension.Confidence].ShouldBe("Median of 3 votes (2; spread 1–3).");
        score.Justifications[Dimension.Rollback].ShouldBe("behind the export flag");
        score.Justifications[Dimension.Delay].ShouldBe("Median of 3 votes (2).");
    }

    [Fact]
    public void Finalize_PlacesByTheBacklogsThresholds()
    {
        var tally = Tally.Compute([Vote(Ana, 2, 2, 2, 2)]); // 16
        var settings = new BacklogSettings { SprintThreshold = 16, ReadyThreshold = 10 };

        VotingRules.Finalize(Item(), tally, NoOverrides, NoJustifications, Pat, T0, settings).Placement.ShouldBe(Queue.Sprint);
    }

    [Fact]
    public void Finalize_OfARoundAlreadyFinalized_IsRefused()
    {
        var item = Item(state: ItemState.Ready) with { Score = Score(2, 2, 2, 2, round: 1) };
        var tally = Tally.Compute([Vote(Ana, 2, 2, 2, 2)]);

        Should.Throw<RuleViolationException>(() => VotingRules.Finalize(item, tally, NoOverrides, NoJustifications, Pat, T0, Defaults))
            .Message.ShouldContain("already finalized");
    }

    [Fact]
    public void Finalize_WithVotesFromAnEarlierRound_IsRefused()
    {
        var item = Item() with { Round = 2, Score = Score(2, 2, 2, 2, round: 1) };
        var tally = Tally.Compute([Vote(Ana, 2, 2, 2, 2, round: 1)]);

        Should.Throw<RuleViolationException>(() => VotingRules.Finalize(item, tally, NoOverrides, NoJustifications, Pat, T0, Defaults))
            .Message.ShouldContain("not from round 2 of TRI-42");
    }

    [Fact]
    public void IsRoundFinalized_IsTrueOnlyWhenTheScoreBelongsToTheCurrentRound()
    {
        VotingRules.IsRoundFinalized(Item()).ShouldBeFalse();
        VotingRules.IsRoundFinalized(Item() with { Score = Score(2, 2, 2, 2, round: 1) }).ShouldBeTrue();
        VotingRules.IsRoundFinalized(Item() with { Round = 2, Score = Score(2, 2, 2, 2, round: 1) }).ShouldBeFalse();
    }
}
