using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using static TriageBot.Tests.Conversation.ConversationHarness;

namespace TriageBot.Tests.Conversation;

/// <summary>The use cases of SPEC §2–§8 through Core's one entry point, over a real SQLite store.</summary>
public sealed class ConversationTests : IAsyncLifetime
{
    private ConversationHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await ConversationHarness.CreateAsync();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    [Fact]
    public async Task Setup_InAnUnboundChannel_CreatesABacklogAndMakesTheFirstPersonItsFacilitator()
    {
        var backlogId = await _h.SetUpAsync();

        backlogId.ShouldBe("acme-assistant");
        (await _h.Store.Members.GetAsync(backlogId, Priya.Key, default))!.Role.ShouldBe(Role.Facilitator);
        (await _h.Store.Members.GetAsync(backlogId, Eli.Key, default))!.Role.ShouldBe(Role.Engineer);
        (await _h.Store.Backlogs.GetAsync(backlogId, default))!.Value.TimeZone.ShouldBe("Europe/Berlin");
    }

    [Fact]
    public async Task Setup_InABoundChannel_ByAMember_IsRefused()
    {
        await _h.SetUpAsync();

        var outcome = await _h.Command(Sam, "setup");

        outcome.ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<TextView>().Text.ShouldContain("facilitator");
    }

    [Fact]
    public async Task Setup_WithAnUnknownTimeZone_ComesBackWithEverythingTypedAndTheError()
    {
        var open = (OpenFormOutcome)await _h.Command(Priya, "setup");

        var outcome = await _h.Submit(Priya, open.Form, new Dictionary<string, string> { [Forms.SetupName] = "Acme", [Forms.SetupTimeZone] = "Mars/Olympus" });

        var form = outcome.ShouldBeOfType<FormErrorsOutcome>().Form;
        form.Values[Forms.SetupName].ShouldBe("Acme");
        form.Errors.ShouldContain(e => e.Field == Forms.SetupTimeZone && e.Message.Contains("IANA"));
    }

    [Fact]
    public async Task Commands_InAnUnboundChannel_AskForSetup()
    {
        var outcome = await _h.Command(Sam, "list");

        outcome.ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<TextView>().Text.ShouldContain("setup");
    }

    [Fact]
    public async Task UnknownCommand_GetsAnErrorPlusHelp()
    {
        var outcome = await _h.Command(Sam, "frobnicate");

        var help = outcome.ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<HelpView>();
        help.Error.ShouldNotBeNull().ShouldContain("frobnicate");
        help.Commands.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Intake_WithATooShortTitle_IsRefusedWithTheFieldAndRule_AndKeepsWhatWasTyped()
    {
        await _h.SetUpAsync();
        var open = (OpenFormOutcome)await _h.Command(Sam, "new bug");

        var outcome = await _h.Submit(Sam, open.Form, new Dictionary<string, string> { [FieldIds.Title] = "ab", [FieldIds.ReproSteps] = "click save" });

        var form = outcome.ShouldBeOfType<FormErrorsOutcome>().Form;
        form.Errors.ShouldContain(e => e.Field == FieldIds.Title);
        form.Values[FieldIds.ReproSteps].ShouldBe("click save");
        form.Values[FieldIds.Title].ShouldBe("ab");
    }

    [Fact]
    public async Task Intake_CreatesTheItemWithABacklogScopedKey_AndQueuesTheConfirmation()
    {
        var backlogId = await _h.SetUpAsync();

        var item = await _h.ReportAsync(Sam, "bug", "Export button does nothing");

        item.Key.ShouldBe("TRI-1");
        item.State.ShouldBe(ItemState.New);
        item.Reporter.ShouldBe(Sam);
        var posts = await _h.PendingAsync();
        posts.ShouldContain(m => m.Kind == OutboxKind.Post && m.ToView() is ItemCreatedView && m.Target.ChannelId == "C-TRIAGE" && m.BacklogId == backlogId);
    }

    [Fact]
    public async Task Intake_SwitchingTheStream_ShowsThatStreamsFields_AndKeepsTheTitle()
    {
        await _h.SetUpAsync();
        var open = (OpenFormOutcome)await _h.Command(Sam, "new bug");

        var outcome = await _h.Submit(Sam, open.Form, new Dictionary<string, string> { [Forms.StreamField] = "feature", [FieldIds.Title] = "Summaries in Slack" });

        var form = outcome.ShouldBeOfType<FormErrorsOutcome>().Form;
        form.Fields.ShouldContain(f => f.Id == FieldIds.Problem);
        form.Values[FieldIds.Title].ShouldBe("Summaries in Slack");
    }

    [Fact]
    public async Task IntakeForm_OffersTheSuccessMetric_ToAFacilitatorOnly()
    {
        await _h.SetUpAsync();

        ((OpenFormOutcome)await _h.Command(Priya, "new feature")).Form.Fields.ShouldContain(f => f.Id == FieldIds.SuccessMetric);
        ((OpenFormOutcome)await _h.Command(Eli, "new feature")).Form.Fields.ShouldNotContain(f => f.Id == FieldIds.SuccessMetric);
        ((OpenFormOutcome)await _h.Command(Sam, "new feature")).Form.Fields.ShouldNotContain(f => f.Id == FieldIds.SuccessMetric);
    }

    [Fact]
    public async Task Intake_WithASuccessMetricFromAnEngineer_IsRefusedOnThatField_KeepingEverythingTyped_AndNothingIsCreated()
    {
        await _h.SetUpAsync();
        var open = (OpenFormOutcome)await _h.Command(Eli, "new feature");

        var outcome = await _h.Submit(Eli, open.Form, new Dictionary<string, string>
        {
            [FieldIds.Title] = "Summaries in Slack", [FieldIds.Problem] = "People miss threads", [FieldIds.SuccessMetric] = "30% of weekly users read one",
        });

        var form = outcome.ShouldBeOfType<FormErrorsOutcome>().Form;
        form.Errors.ShouldHaveSingleItem().ShouldBe(new FieldError(FieldIds.SuccessMetric,
            "Only a facilitator can set a success metric. Move it into the description or clear it."));
        form.Fields.ShouldContain(f => f.Id == FieldIds.SuccessMetric, "the typed metric stays visible to be moved");
        form.Values[FieldIds.SuccessMetric].ShouldBe("30% of weekly users read one");
        form.Values[FieldIds.Problem].ShouldBe("People miss threads");
        var backlogId = (await _h.Store.Bindings.GetAsync(Platform.Slack, "T1", "C-TRIAGE", CancellationToken.None))!.BacklogId;
        await foreach (var _ in _h.Store.Items.QueryAsync(new ItemQuery(backlogId), CancellationToken.None))
        {
            throw new ShouldAssertException("no item is created from a refused intake");
        }
    }

    [Fact]
    public async Task MetricCommand_ByAnEngineer_IsRefused_AndTheItemIsUnchanged_ByAFacilitator_SetsIt()
    {
        await _h.SetUpAsync();
        var item = await _h.ReportAsync(Sam, "feature", "Summaries in Slack");

        var refused = await _h.Command(Eli, $"metric {item.Key} 30% of weekly users read one");

        refused.ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<TextView>().Text.ShouldBe("Only a facilitator can set success metrics.");
        (await _h.GetAsync(item)).Feature!.SuccessMetric.ShouldBe("");

        var set = await _h.Command(Priya, $"metric {item.Key} 30% of weekly users read one");

        set.ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<TextView>().Text.ShouldContain("has a success metric");
        (await _h.GetAsync(item)).Feature!.SuccessMetric.ShouldBe("30% of weekly users read one");
    }

    [Fact]
    public async Task Engineers_StillSetTimeboxes_AndOpenTheCapabilityNoteForm()
    {
        await _h.SetUpAsync();
        var model = await _h.ReportAsync(Sam, "model", "Answers cite the wrong policy");
        var feature = await _h.ReportAsync(Sam, "feature", "Summaries in Slack");

        (await _h.Command(Eli, $"timebox {model.Key} 5")).ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<TextView>().Text.ShouldContain("5-day timebox");
        (await _h.Command(Eli, $"note {feature.Key}")).ShouldBeOfType<OpenFormOutcome>().Form.FormId.ShouldBe(FormIds.CapabilityNote);
        (await _h.Command(Sam, $"note {feature.Key}")).ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<TextView>().Text
            .ShouldBe("Only an engineer or a facilitator can write capability notes.");
    }

    [Fact]
    public async Task Feature_AsksTheEngineersForACapabilityNote_WithAButton()
    {
        await _h.SetUpAsync();

        await _h.ReportAsync(Sam, "feature", "Summaries in Slack");

        var request = (await _h.PendingAsync()).Select(m => m.ToView()).OfType<CapabilityNoteRequestView>().ShouldHaveSingleItem();
        request.Engineers.ShouldContain(Eli);
        request.Item.NeedsCapabilityNote.ShouldBeTrue();
    }

    [Fact]
    public async Task ReportToTriage_FromAMessage_PrefillsTheFormAndLinksBack()
    {
        await _h.SetUpAsync();
        var source = new MessageSource(Platform.Slack, "C-TRIAGE", "1700000000.000100", "https://acme.slack.com/archives/C/p1");

        var outcome = await _h.Conversation.HandleAsync(new Interaction(Sam, ConversationHarness.Channel,
            new ReportMessageIntent("Answers cite the wrong doc\nSeen three times today", source), _h.Clock.GetUtcNow()), default);

        var form = outcome.ShouldBeOfType<OpenFormOutcome>().Form;
        form.Values[FieldIds.Title].ShouldBe("Answers cite the wrong doc");
        form.Values[FieldIds.Link].ShouldBe(source.Link);
        var done = await _h.Submit(Sam, form, new Dictionary<string, string>());
        done.ShouldBeOfType<CloseFormOutcome>();
        var created = (await _h.PendingAsync()).Where(m => m.ToView() is ItemCreatedView).ShouldHaveSingleItem();
        created.Target.ThreadId.ShouldBe("1700000000.000100");
    }

    [Fact]
    public async Task Votes_AreHiddenUntilReveal_AndTheBallotShowsWhoVoted()
    {
        await _h.SetUpAsync();
        var item = await _h.ReportAsync(Sam, "bug", "Export button does nothing");
        await _h.VoteAsync(Sam, item, 3, 2, 2, 2);
        await _h.VoteAsync(Jo, item, 2, 2, 2, 1);

        var ballot = await _h.Core.Views.ResolveAsync(new LiveBallotView(item.BacklogId, item.Number), default);

        var view = ballot.ShouldBeOfType<BallotView>();
        view.Voters.Select(v => v.DisplayName).ShouldBe(["Sam", "Jo"], ignoreOrder: true);
        view.Revealed.ShouldBeFalse();
        view.Votes.ShouldBeEmpty();
        view.Results.ShouldBeEmpty();
    }

    [Fact]
    public async Task Reveal_ByAMember_IsRefused_AndNothingIsRevealed()
    {
        await _h.SetUpAsync();
        var item = await _h.ReportAsync(Sam, "bug", "Export button does nothing");
        await _h.VoteAsync(Sam, item, 3, 2, 2, 2);

        var outcome = await _h.Button(Jo, ButtonIds.Reveal, $"{item.BacklogId}/{item.Number}");

        outcome.ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<TextView>().Text.ShouldContain("facilitator");
        (await _h.GetAsync(item)).RoundRevealed.ShouldBeFalse();
    }

    [Fact]
    public async Task ClinicScoring_FiveVotersWithAChangedVote_RevealThenFinalize_PlacesTheItem()
    {
        await _h.SetUpAsync();
        var item = await _h.ReportAsync(Sam, "bug", "Export button does nothing");
        await _h.VoteAsync(Sam, item, 3, 2, 2, 2);
        await _h.VoteAsync(Jo, item, 3, 3, 2, 2);
        await _h.VoteAsync(Kim, item, 2, 2, 2, 1);
        await _h.VoteAsync(Eli, item, 3, 2, 1, 2);
        await _h.VoteAsync(Priya, item, 1, 1, 1, 1);
        await _h.VoteAsync(Priya, item, 3, 2, 2, 3); // changed: the last vote counts

        var revealed = (await _h.Button(Priya, ButtonIds.Reveal, $"{item.BacklogId}/{item.Number}")).ShouldBeOfType<UpdateCardOutcome>().View.ShouldBeOfType<BallotView>();
        revealed.Votes.Count.ShouldBe(5);
        revealed.Results.Single(r => r.Dimension == Core.Rubric.Dimension.Impact).Median.ShouldBe(3);
        revealed.ImpliedTotal.ShouldBe(19); // 3·3 + 2·2 + 2·2 + 1·2

        var finalize = (OpenFormOutcome)await _h.Button(Priya, ButtonIds.Finalize, $"{item.BacklogId}/{item.Number}");
        var done = await _h.Submit(Priya, finalize.Form, new Dictionary<string, string>());

        done.ShouldBeOfType<CloseFormOutcome>().Then.ShouldBeOfType<TextView>().Text.ShouldContain("19 → Sprint");
        var placed = await _h.GetAsync(item);
        placed.State.ShouldBe(ItemState.Sprint);
        placed.Score!.Total.ShouldBe(19);
    }

    [Fact]
    public async Task Finalize_OverridingAMedianWithoutAReason_IsRefused_NamingTheDimension()
    {
        await _h.SetUpAsync();
        var item = await _h.ReportAsync(Sam, "bug", "Export button does nothing");
        await _h.VoteAsync(Sam, item, 3, 2, 2, 2);
        var finalize = (OpenFormOutcome)await _h.Button(Priya, ButtonIds.Finalize, $"{item.BacklogId}/{item.Number}");

        var outcome = await _h.Submit(Priya, finalize.Form, new Dictionary<string, string> { [FieldIds.ImpactScore] = "1", [FieldIds.ImpactReason] = "" });

        outcome.ShouldBeOfType<FormErrorsOutcome>().Form.Errors.ShouldContain(e => e.Field == FieldIds.ImpactReason);
        (await _h.GetAsync(item)).Score.ShouldBeNull();
    }

    [Fact]
    public async Task Finalize_ByAMember_IsRefused()
    {
        await _h.SetUpAsync();
        var item = await _h.ReportAsync(Sam, "bug", "Export button does nothing");
        await _h.VoteAsync(Sam, item, 3, 2, 2, 2);

        var outcome = await _h.Button(Sam, ButtonIds.Finalize, $"{item.BacklogId}/{item.Number}");

        outcome.ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<TextView>().Text.ShouldContain("facilitator");
    }

    [Fact]
    public async Task FeatureScoredIntoTheSprint_IsHeldUntilTheCapabilityNoteArrives()
    {
        await _h.SetUpAsync();
        var item = await _h.ReportAsync(Sam, "feature", "Summaries in Slack");
        await _h.VoteAsync(Sam, item, 3, 3, 3, 3);
        var finalize = (OpenFormOutcome)await _h.Button(Priya, ButtonIds.Finalize, $"{item.BacklogId}/{item.Number}");
        await _h.Submit(Priya, finalize.Form, new Dictionary<string, string>());

        var held = await _h.GetAsync(item);
        held.State.ShouldBe(ItemState.New);
        held.HeldPlacement.ShouldBe(Queue.Sprint);

        var note = (OpenFormOutcome)await _h.Command(Eli, $"note {item.Key}");
        var saved = await _h.Submit(Eli, note.Form, new Dictionary<string, string> { [FieldIds.NoteText] = "Needs the retrieval index to carry channel metadata.", [FieldIds.NoteScale] = "days" });

        saved.ShouldBeOfType<CloseFormOutcome>();
        var placed = await _h.GetAsync(item);
        placed.State.ShouldBe(ItemState.Sprint);
        placed.HeldPlacement.ShouldBeNull();
    }

    [Fact]
    public async Task CapabilityNote_ByAMember_IsRefused()
    {
        await _h.SetUpAsync();
        var item = await _h.ReportAsync(Sam, "feature", "Summaries in Slack");

        var outcome = await _h.Command(Sam, $"note {item.Key}");

        outcome.ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<TextView>().Tone.ShouldBe(Tone.Error);
    }

    [Fact]
    public async Task IncidentLane_RefusesAThirdActiveIncident_NamingTheTwoActiveOnes()
    {
        await _h.SetUpAsync();
        var touches = new Dictionary<string, string> { [FieldIds.Touches] = "model, bug" };
        var a = await _h.ReportAsync(Sam, "incident", "Hotfix and prompt change", touches);
        var b = await _h.ReportAsync(Sam, "incident", "Bug exposes model gap", touches);
        var c = await _h.ReportAsync(Sam, "incident", "Feature blocked on eval", touches);
        (await _h.Command(Eli, $"start {a.Key}")).ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<TextView>().Tone.ShouldBe(Tone.Success);
        (await _h.Command(Eli, $"start {b.Key}")).ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<TextView>().Tone.ShouldBe(Tone.Success);

        var refused = (await _h.Command(Eli, $"start {c.Key}")).ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<TextView>();

        refused.Tone.ShouldBe(Tone.Error);
        refused.Text.ShouldContain(a.Key);
        refused.Text.ShouldContain(b.Key);
        (await _h.GetAsync(c)).State.ShouldNotBe(ItemState.Active);
    }

    [Fact]
    public async Task Close_RecordsTheRationaleInHistory()
    {
        await _h.SetUpAsync();
        var item = await _h.ReportAsync(Sam, "bug", "Export button does nothing");

        await _h.Command(Priya, $"close {item.Key} duplicate of the export epic");

        var closed = await _h.GetAsync(item);
        closed.State.ShouldBe(ItemState.Closed);
        var history = new List<HistoryEntry>();
        await foreach (var e in _h.Store.History.ForItemAsync(item.BacklogId, item.Number, default))
        {
            history.Add(e);
        }

        history.ShouldContain(e => e.Kind == HistoryKind.StateChanged && e.To == "Closed" && e.Reason == "duplicate of the export epic" && e.Actor == Priya);
    }

    [Fact]
    public async Task List_RanksByWeightedTotalThenAge()
    {
        await _h.SetUpAsync();
        var low = await _h.ReportAsync(Sam, "bug", "Low");
        _h.Clock.Advance(TimeSpan.FromMinutes(1));
        var high = await _h.ReportAsync(Sam, "bug", "High");
        foreach (var (item, impact) in new[] { (low, 2), (high, 3) })
        {
            await _h.VoteAsync(Sam, item, impact, 2, 2, 2);
            var finalize = (OpenFormOutcome)await _h.Button(Priya, ButtonIds.Finalize, $"{item.BacklogId}/{item.Number}");
            await _h.Submit(Priya, finalize.Form, new Dictionary<string, string>());
        }

        var list = (await _h.Command(Sam, "list")).ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<ItemListView>();

        list.Items.Select(i => i.Key).ShouldBe([high.Key, low.Key]);
    }

    [Fact]
    public async Task AButtonNamingAnotherBacklog_FromSomeoneWhoIsNotInIt_ActsAsIfItDidNotExist()
    {
        await _h.SetUpAsync();
        var item = await _h.ReportAsync(Sam, "bug", "Export button does nothing");
        var elsewhere = ConversationHarness.Channel with { ChannelId = "C-OTHER" };

        var mallory = new UserRef(Platform.Slack, "UMALLORY", "Mallory");

        var vote = await _h.Button(mallory, ButtonIds.Vote, $"{item.BacklogId}/{item.Number}", elsewhere);
        var reveal = await _h.Button(mallory, ButtonIds.Reveal, $"{item.BacklogId}/{item.Number}", elsewhere);

        vote.ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<TextView>().Text.ShouldContain("setup");
        reveal.ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<TextView>().Tone.ShouldBe(Tone.Error);
        (await _h.GetAsync(item)).RoundRevealed.ShouldBeFalse();
    }

    [Fact]
    public async Task Rubric_ShowsTheWeightsAndThresholdsInForce()
    {
        var outcome = await _h.Command(Sam, "rubric");

        var rubric = outcome.ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<RubricView>();
        rubric.SprintThreshold.ShouldBe(19);
        rubric.ReadyThreshold.ShouldBe(12);
        rubric.Dimensions.Select(d => d.Weight).ShouldBe([3, 2, 2, 1]);
    }
    [Fact]
    public async Task Changes_from_chat_are_stored_through_the_write_path_with_their_domain_events()
    {
        await _h.SetUpAsync();
        var item = await _h.ReportAsync(Sam, "bug", "Export button does nothing");
        _h.Clock.Advance(TimeSpan.FromMinutes(1));

        (await _h.Command(Priya, $"close {item.Key} duplicate of the export epic")).ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<TextView>().Tone.ShouldBe(Tone.Success);

        var events = await _h.Store.Events.ReadAsync(item.BacklogId, DateTimeOffset.UnixEpoch, _h.Clock.GetUtcNow().AddDays(1), default).ToListAsync();
        events.Select(e => (e.ItemNumber, e.Kind, e.Actor.Key)).ShouldBe([(item.Number, ItemEventKind.Created, Sam.Key), (item.Number, ItemEventKind.Closed, Priya.Key)]);
        events[1].From.ShouldBe(ItemState.New);
        (await _h.Store.History.ForItemAsync(item.BacklogId, item.Number, default).ToListAsync()).Select(h => h.Kind).ShouldBe([HistoryKind.Created, HistoryKind.StateChanged]);
    }

    [Fact]
    public async Task A_refused_request_comes_back_as_an_error_answer_and_never_as_an_exception()
    {
        await _h.SetUpAsync();
        var item = await _h.ReportAsync(Sam, "bug", "Export button does nothing");

        var notAllowed = await _h.Command(Sam, $"close {item.Key} not mine to close");
        var missing = await _h.Button(Priya, ButtonIds.Done, $"{item.BacklogId}/999");
        var badKey = await _h.Button(Priya, ButtonIds.Start, "nonsense");

        foreach (var outcome in new[] { notAllowed, missing, badKey })
        {
            var text = outcome.ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<TextView>();
            text.Tone.ShouldBe(Tone.Error, ConversationHarness.Describe(outcome));
        }

        (await _h.GetAsync(item)).State.ShouldBe(ItemState.New);
    }
}
