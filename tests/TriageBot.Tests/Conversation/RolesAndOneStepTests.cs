using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Views;
using static TriageBot.Tests.Conversation.ConversationHarness;

namespace TriageBot.Tests.Conversation;

/// <summary>Roles are checked before anyone types (or the form comes back with the text kept), and the method's single steps stay single.</summary>
public sealed class RolesAndOneStepTests : IAsyncLifetime
{
    private ConversationHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await ConversationHarness.CreateAsync();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    private static string Ref(Item item) => $"{item.BacklogId}/{item.Number}";

    private static TextView Reply(Outcome o) => o.ShouldBeOfType<ReplyOutcome>(Describe(o)).View.ShouldBeOfType<TextView>();

    private async Task<Item> ActiveModelItemAsync()
    {
        var item = await _h.ReportAsync(Sam, "model", "Answers cite the wrong policy");
        await _h.VoteAsync(Priya, item, 3, 2, 2, 2);
        var finalize = (OpenFormOutcome)await _h.Button(Priya, ButtonIds.Finalize, Ref(item));
        (await _h.Submit(Priya, finalize.Form, new Dictionary<string, string>())).ShouldBeOfType<CloseFormOutcome>();
        Reply(await _h.Command(Eli, $"timebox {item.Key} 5")).Tone.ShouldBe(Tone.Success);
        Reply(await _h.Command(Eli, $"start {item.Key}")).Tone.ShouldBe(Tone.Success);
        var active = await _h.GetAsync(item);
        (active.State, active.Model!.EvaluationGatePassed).ShouldBe((ItemState.Active, false));
        return active;
    }

    [Fact]
    public async Task ButtonsThatOpenAForm_CheckTheRoleFirst_SoAPersonWhoMayNotGetsTheRefusalInsteadOfAFormToTypeInto()
    {
        await _h.SetUpAsync();
        var item = await ActiveModelItemAsync();

        Reply(await _h.Button(Eli, ButtonIds.Close, Ref(item))).Text.ShouldBe("Only a facilitator can close items.");
        Reply(await _h.Button(Eli, ButtonIds.Keep, Ref(item))).Text.ShouldBe("Only a facilitator can keep icebox items.");
        Reply(await _h.Button(Jo, ButtonIds.Extend, Ref(item))).Text.ShouldBe("Only an engineer or a facilitator can extend timeboxes.");
        Reply(await _h.Button(Jo, ButtonIds.Done, Ref(item))).Text.ShouldBe("Only an engineer or a facilitator can mark items done.");

        (await _h.Button(Priya, ButtonIds.Close, Ref(item))).ShouldBeOfType<OpenFormOutcome>().Form.FormId.ShouldBe(FormIds.Close);
        (await _h.Button(Eli, ButtonIds.Extend, Ref(item))).ShouldBeOfType<OpenFormOutcome>().Form.FormId.ShouldBe(FormIds.Extend);
        (await _h.GetAsync(item)).State.ShouldBe(ItemState.Active);
    }

    [Fact]
    public async Task AFormSubmittedBySomeoneWhoMayNot_ComesBackWithTheRefusalAndEveryTypedWordKept_AndNothingChanges()
    {
        await _h.SetUpAsync();
        var item = await ActiveModelItemAsync();
        var form = (await _h.Button(Priya, ButtonIds.Close, Ref(item))).ShouldBeOfType<OpenFormOutcome>().Form;
        const string rationale = "Superseded by the retrieval rewrite; the policy index is rebuilt nightly now.\nKeep the eval set.";

        var back = await _h.Submit(Eli, form, new Dictionary<string, string> { [FieldIds.Rationale] = rationale });

        var shown = back.ShouldBeOfType<FormErrorsOutcome>().Form;
        shown.Values[FieldIds.Rationale].ShouldBe(rationale);
        shown.Errors.ShouldHaveSingleItem().ShouldBe(new FieldError(FieldIds.Rationale, "Only a facilitator can close items."));
        (await _h.GetAsync(item)).State.ShouldBe(ItemState.Active);
    }

    [Fact]
    public async Task MarkingAModelItemDone_WithoutItsGate_OpensOneFormThatRecordsTheGateAndMarksItDone()
    {
        await _h.SetUpAsync();
        var item = await ActiveModelItemAsync();

        var form = (await _h.Button(Eli, ButtonIds.Done, Ref(item))).ShouldBeOfType<OpenFormOutcome>().Form;
        form.FormId.ShouldBe(FormIds.Done);
        form.Fields.ShouldHaveSingleItem().Id.ShouldBe(FieldIds.EvaluationGatePassed);
        (await _h.Command(Eli, $"done {item.Key}")).ShouldBeOfType<OpenFormOutcome>().Form.FormId.ShouldBe(FormIds.Done);

        var unconfirmed = await _h.Submit(Eli, form, new Dictionary<string, string>());
        unconfirmed.ShouldBeOfType<FormErrorsOutcome>().Form.Errors.ShouldHaveSingleItem().Field.ShouldBe(FieldIds.EvaluationGatePassed);
        (await _h.GetAsync(item)).State.ShouldBe(ItemState.Active);

        var done = await _h.Submit(Eli, form, new Dictionary<string, string> { [FieldIds.EvaluationGatePassed] = Forms.GatePassed });
        done.ShouldBeOfType<CloseFormOutcome>(Describe(done)).Then.ShouldBeOfType<TextView>().Text.ShouldBe($"{item.Key} passed its evaluation gate and is Done.");
        var after = await _h.GetAsync(item);
        (after.State, after.Model!.EvaluationGatePassed).ShouldBe((ItemState.Done, true));
    }

    [Fact]
    public async Task ABugIsStillDoneInOneClick_WithoutAForm()
    {
        await _h.SetUpAsync();
        var bug = await _h.ReportAsync(Sam, "bug", "Export fails");
        await _h.VoteAsync(Priya, bug, 3, 2, 2, 2);
        var finalize = (OpenFormOutcome)await _h.Button(Priya, ButtonIds.Finalize, Ref(bug));
        await _h.Submit(Priya, finalize.Form, new Dictionary<string, string>());
        Reply(await _h.Command(Eli, $"start {bug.Key}")).Tone.ShouldBe(Tone.Success);

        Reply(await _h.Button(Eli, ButtonIds.Done, Ref(bug))).Text.ShouldBe($"{bug.Key} is Done.");
        (await _h.GetAsync(bug)).State.ShouldBe(ItemState.Done);
    }

    [Fact]
    public async Task ACapabilityNoteWithoutASize_ComesBackWithTheNoteKept_AndIsNotSaved()
    {
        await _h.SetUpAsync();
        var feature = await _h.ReportAsync(Sam, "feature", "Summaries in Slack");
        var form = (await _h.Command(Eli, $"note {feature.Key}")).ShouldBeOfType<OpenFormOutcome>().Form;
        const string note = "Needs the retrieval index to carry channel metadata.";

        var back = await _h.Submit(Eli, form, new Dictionary<string, string> { [FieldIds.NoteText] = note });

        var shown = back.ShouldBeOfType<FormErrorsOutcome>().Form;
        shown.Values[FieldIds.NoteText].ShouldBe(note);
        shown.Errors.ShouldHaveSingleItem().Field.ShouldBe(FieldIds.NoteScale);
        (await _h.GetAsync(feature)).Feature!.CapabilityNote.ShouldBeNull();

        var bogus = await _h.Submit(Eli, form, new Dictionary<string, string> { [FieldIds.NoteText] = note, [FieldIds.NoteScale] = "months" });
        bogus.ShouldBeOfType<FormErrorsOutcome>().Form.Errors.ShouldHaveSingleItem().Field.ShouldBe(FieldIds.NoteScale);
        (await _h.GetAsync(feature)).Feature!.CapabilityNote.ShouldBeNull();
    }
}
