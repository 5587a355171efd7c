using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;
using TriageBot.Core.Views;
using static TriageBot.Tests.Conversation.ConversationHarness;

namespace TriageBot.Tests.Conversation;

/// <summary>Re-scoring in the clinic thread (SPEC §6): ready-queue and due items get a new round that is voted like a new item's.</summary>
public sealed class RescoringTests : IAsyncLifetime
{
    private ConversationHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await ConversationHarness.CreateAsync();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    private static string Ref(Item item) => $"{item.BacklogId}/{item.Number}";

    private async Task<Item> ReadyBugAsync(string title)
    {
        var item = await _h.ReportAsync(Sam, "bug", title);
        await _h.VoteAsync(Priya, item, 2, 2, 2, 2);
        await _h.Button(Priya, ButtonIds.Reveal, Ref(item));
        var finalize = (OpenFormOutcome)await _h.Button(Priya, ButtonIds.Finalize, Ref(item));
        (await _h.Submit(Priya, finalize.Form, new Dictionary<string, string>())).ShouldBeOfType<CloseFormOutcome>();
        var ready = await _h.GetAsync(item);
        (ready.State, ready.Score!.Total, ready.Round).ShouldBe((ItemState.Ready, 16, 1));
        return ready;
    }

    private async Task<BallotView> BallotAsync(Item item) =>
        (await _h.Core.Views.ResolveAsync(new LiveBallotView(item.BacklogId, item.Number), default)).ShouldBeOfType<BallotView>();

    private async Task StartClinicAsync()
    {
        var started = await _h.Command(Priya, "clinic");
        started.ShouldBeOfType<ReplyOutcome>(Describe(started));
    }

    [Fact]
    public async Task AClinic_GivesAReadyQueueItemANewRound_VotedRevealedAndFinalizedInTheThread_ThePreviousResultShownOnlyAfterReveal()
    {
        await _h.SetUpAsync();
        var item = await ReadyBugAsync("Export fails for large workspaces");

        await StartClinicAsync();

        var reopened = await _h.GetAsync(item);
        (reopened.Round, reopened.Score!.Round, reopened.State).ShouldBe((2, 1, ItemState.Ready));
        (await _h.PendingAsync()).Select(m => m.ToView()).OfType<LiveBallotView>().ShouldContain(v => v.Number == item.Number);
        var open = await BallotAsync(reopened);
        (open.Round, open.Final, open.Previous).ShouldBe((2, null, null));
        open.Actions.Select(a => a.ActionId).ShouldBe([ButtonIds.Vote, ButtonIds.Reveal, ButtonIds.Finalize, ButtonIds.KeepScore]);
        open.InlineVote.ShouldNotBeNull().Argument.ShouldEndWith(":2");

        await _h.VoteAsync(Eli, reopened, 3, 3, 2, 2);
        await _h.VoteAsync(Sam, reopened, 3, 3, 2, 2);
        var voted = await BallotAsync(reopened);
        (voted.Revealed, voted.Previous).ShouldBe((false, null));
        voted.Voters.Select(v => v.DisplayName).ShouldBe(["Eli", "Sam"]);

        (await _h.Button(Priya, ButtonIds.Reveal, Ref(item))).ShouldBeOfType<UpdateCardOutcome>();
        var revealed = await BallotAsync(await _h.GetAsync(item));
        revealed.Revealed.ShouldBeTrue();
        var previous = revealed.Previous.ShouldNotBeNull();
        (previous.Round, previous.Total, previous.Placement).ShouldBe((1, 16, Queue.Ready));
        Wording.PreviousResult(previous).ShouldStartWith("Previous result (round 1, 2026-11-02): impact 2, confidence 2, rollback 2, delay 2; total 16 → Ready queue");

        var finalize = (OpenFormOutcome)await _h.Button(Priya, ButtonIds.Finalize, Ref(item));
        (await _h.Submit(Priya, finalize.Form, new Dictionary<string, string>())).ShouldBeOfType<CloseFormOutcome>();
        var rescored = await _h.GetAsync(item);
        (rescored.Score!.Round, rescored.Score.Total, rescored.State).ShouldBe((2, 21, ItemState.Sprint));
        var final = await BallotAsync(rescored);
        final.Final.ShouldNotBeNull().Round.ShouldBe(2);
        final.Actions.Select(a => a.ActionId).ShouldBe([ButtonIds.Show]);
    }

    [Fact]
    public async Task AFacilitatorKeepsADueItemsScoresInOneClick_RecordedAsARescoreWithTheSameValuesAndAReason_AMemberCannot()
    {
        await _h.SetUpAsync();
        var item = await ReadyBugAsync("Search returns stale results");
        _h.Clock.Advance(TimeSpan.FromDays(70));
        ScoringRules.DueForRescore(await _h.GetAsync(item), _h.Clock.GetUtcNow()).ShouldBeTrue();
        await StartClinicAsync();
        var open = await _h.GetAsync(item);
        open.Round.ShouldBe(2);

        var refused = await _h.Button(Jo, ButtonIds.KeepScore, Ref(item));
        refused.ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<TextView>().Text.ShouldContain("facilitator");
        (await _h.GetAsync(item)).Score!.Round.ShouldBe(1);

        var kept = await _h.Button(Priya, ButtonIds.KeepScore, Ref(item));
        var card = kept.ShouldBeOfType<UpdateCardOutcome>().View.ShouldBeOfType<BallotView>();
        card.Final.ShouldNotBeNull().FinalizedBy.ShouldBe(Priya);

        var after = await _h.GetAsync(item);
        var score = after.Score.ShouldNotBeNull();
        (score.Round, score.Scores, score.Total, score.Placement, score.At).ShouldBe((2, new Scores(2, 2, 2, 2), 16, Queue.Ready, _h.Clock.GetUtcNow()));
        after.State.ShouldBe(ItemState.Ready);
        ScoringRules.DueForRescore(after, _h.Clock.GetUtcNow()).ShouldBeFalse();
        var history = new List<HistoryEntry>();
        await foreach (var e in _h.Store.History.ForItemAsync(item.BacklogId, item.Number, CancellationToken.None))
        {
            history.Add(e);
        }

        var entry = history.Last(e => e.Kind == HistoryKind.Scored);
        (entry.Actor, entry.From, entry.To).ShouldBe((Priya, "16", "16"));
        entry.Reason.ShouldBe("Round 2: impact 2, confidence 2, rollback 2, delay 2 → Ready (kept the scores of round 1: still hold at re-scoring (last scored 2026-11-02))");

        var again = await _h.Button(Priya, ButtonIds.KeepScore, Ref(item));
        again.ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<TextView>().Text.ShouldBe($"Round 2 of {item.Key} was already finalized: 16 → Ready.");
    }

    [Fact]
    public async Task AnItemNeverScored_HasNoKeepButton_AndKeepingItIsRefused()
    {
        await _h.SetUpAsync();
        var item = await _h.ReportAsync(Sam, "bug", "Login page flickers");
        await StartClinicAsync();

        (await BallotAsync(await _h.GetAsync(item))).Actions.Select(a => a.ActionId).ShouldNotContain(ButtonIds.KeepScore);
        var refused = await _h.Button(Priya, ButtonIds.KeepScore, Ref(item));
        refused.ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<TextView>().Text.ShouldBe($"{item.Key} has never been scored: there are no scores to keep. Vote on it instead.");
        (await _h.GetAsync(item)).Score.ShouldBeNull();
    }

    [Fact]
    public async Task AFinalizedBallot_ShowsEachOverrideNextToTheMedianItReplaced()
    {
        await _h.SetUpAsync();
        var item = await _h.ReportAsync(Sam, "bug", "Refunds time out");
        await _h.VoteAsync(Eli, item, 2, 2, 2, 2);
        await _h.VoteAsync(Sam, item, 2, 2, 2, 2);
        await _h.Button(Priya, ButtonIds.Reveal, Ref(item));
        var finalize = (OpenFormOutcome)await _h.Button(Priya, ButtonIds.Finalize, Ref(item));
        var done = await _h.Submit(Priya, finalize.Form, new Dictionary<string, string>
        {
            [FieldIds.DelayScore] = "3",
            [FieldIds.ReasonOf(Dimension.Delay)] = "The regulator's deadline is next month",
        });
        done.ShouldBeOfType<CloseFormOutcome>(Describe(done));

        var ballot = await BallotAsync(await _h.GetAsync(item));
        ballot.Overrides.ShouldBe([new ScoreOverride(Dimension.Delay, 2, 3)]);
        Wording.OverrodeMedian(2).ShouldBe("overrode the median 2");
    }
}

/// <summary>Scoring outside a clinic (`score`): the card shows who has voted, a facilitator reveals and finalizes from it, or scores and places alone.</summary>
public sealed class ScoringOutsideAClinicTests : IAsyncLifetime
{
    private ConversationHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await ConversationHarness.CreateAsync();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    private static string Ref(Item item) => $"{item.BacklogId}/{item.Number}";

    private async Task<ItemCardView> CardAsync(UserRef who, Item item) =>
        (await _h.Command(who, $"show {item.Key}")).ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<ItemCardView>();

    private async Task<Outcome> ScoreAsync(UserRef who, Item item, IReadOnlyDictionary<string, string> values)
    {
        var form = (await _h.Command(who, $"score {item.Key}")).ShouldBeOfType<OpenFormOutcome>().Form;
        return await _h.Submit(who, form, values);
    }

    private static Dictionary<string, string> Scores(int i, int c, int r, int d) => new()
    {
        [FieldIds.ImpactScore] = $"{i}", [FieldIds.ConfidenceScore] = $"{c}", [FieldIds.RollbackScore] = $"{r}", [FieldIds.DelayScore] = $"{d}",
    };

    [Fact]
    public async Task AnItemScoredWithScore_ShowsWhoHasVotedOnItsCard_AndAFacilitatorRevealsAndFinalizesFromTheCard()
    {
        await _h.SetUpAsync();
        var item = await _h.ReportAsync(Sam, "bug", "Export fails for large workspaces");
        (await ScoreAsync(Sam, item, Scores(3, 2, 2, 2))).ShouldBeOfType<CloseFormOutcome>();
        _h.Clock.Advance(TimeSpan.FromMinutes(5));
        (await ScoreAsync(Eli, item, Scores(3, 2, 2, 2))).ShouldBeOfType<CloseFormOutcome>();

        var forMember = await CardAsync(Jo, item);
        forMember.Notices.ShouldContain("Round 1: 2 voted so far: Sam, Eli. " + Wording.VotesHidden);
        forMember.Actions.Select(a => a.ActionId).ShouldNotContain(ButtonIds.Finalize);

        var forFacilitator = await CardAsync(Priya, item);
        forFacilitator.Actions.Select(a => a.ActionId).ShouldContain(ButtonIds.Reveal);
        forFacilitator.Actions.Select(a => a.ActionId).ShouldContain(ButtonIds.Finalize);

        (await _h.Button(Priya, ButtonIds.Reveal, Ref(item))).ShouldBeOfType<UpdateCardOutcome>().View.ShouldBeOfType<BallotView>().Revealed.ShouldBeTrue();
        (await CardAsync(Priya, item)).Notices.ShouldContain("Round 1: 2 voted so far: Sam, Eli; revealed.");
        var finalize = (await _h.Button(Priya, ButtonIds.Finalize, Ref(item))).ShouldBeOfType<OpenFormOutcome>().Form;
        (await _h.Submit(Priya, finalize, new Dictionary<string, string>())).ShouldBeOfType<CloseFormOutcome>();
        (await _h.GetAsync(item)).State.ShouldBe(ItemState.Sprint);
        var done = await CardAsync(Priya, item);
        done.Actions.Select(a => a.ActionId).ShouldNotContain(ButtonIds.Finalize);
        done.Notices.ShouldNotContain(n => n.Contains("voted so far", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AFacilitatorScoresAndPlacesAloneInOneForm_OfferedOnlyWhileNobodyElseHasVoted()
    {
        await _h.SetUpAsync();
        var item = await _h.ReportAsync(Sam, "bug", "Search returns stale results");

        (await _h.Command(Eli, $"score {item.Key}")).ShouldBeOfType<OpenFormOutcome>().Form.Fields.Select(f => f.Id).ShouldNotContain(Forms.ScoreAndPlace);
        var form = (await _h.Command(Priya, $"score {item.Key}")).ShouldBeOfType<OpenFormOutcome>().Form;
        form.Fields.Select(f => f.Id).ShouldContain(Forms.ScoreAndPlace);

        var placed = await _h.Submit(Priya, form, new Dictionary<string, string>(Scores(2, 2, 2, 2)) { [FieldIds.ImpactReason] = "Two enterprise customers", [Forms.ScoreAndPlace] = Forms.PlaceNow });

        placed.ShouldBeOfType<CloseFormOutcome>(Describe(placed)).Then.ShouldBeOfType<TextView>().Text.ShouldBe($"{item.Key} scored and placed: 16 → Ready.");
        var after = await _h.GetAsync(item);
        var score = after.Score.ShouldNotBeNull();
        (after.State, score.Total, score.FinalizedBy, score.Justifications[Dimension.Impact]).ShouldBe((ItemState.Ready, 16, Priya, "Two enterprise customers"));
        (await _h.Store.Votes.ListAsync(item.BacklogId, item.Number, 1, CancellationToken.None)).ShouldHaveSingleItem().Voter.ShouldBe(Priya);

        var other = await _h.ReportAsync(Sam, "bug", "Login page flickers");
        var late = (await _h.Command(Priya, $"score {other.Key}")).ShouldBeOfType<OpenFormOutcome>().Form;
        (await ScoreAsync(Eli, other, Scores(1, 1, 1, 1))).ShouldBeOfType<CloseFormOutcome>();
        var refused = await _h.Submit(Priya, late, new Dictionary<string, string>(Scores(3, 3, 3, 3)) { [Forms.ScoreAndPlace] = Forms.PlaceNow });
        var back = refused.ShouldBeOfType<FormErrorsOutcome>().Form;
        back.Errors.ShouldHaveSingleItem().Field.ShouldBe(Forms.ScoreAndPlace);
        back.Values[FieldIds.ImpactScore].ShouldBe("3");
        (await _h.GetAsync(other)).Score.ShouldBeNull();
        (await _h.Store.Votes.ListAsync(other.BacklogId, other.Number, 1, CancellationToken.None)).ShouldHaveSingleItem().Voter.ShouldBe(Eli);
    }
}
