using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using static TriageBot.Core.Tests.TestData;

namespace TriageBot.Core.Tests.Items;

public class WorkRulesTests
{
    private static readonly BacklogSettings Defaults = new();
    private static readonly DateTimeOffset Later = T0.AddDays(2);

    private static ItemChange Start(Item item, UserRef? by = null, IReadOnlyList<string>? keys = null) =>
        WorkRules.Start(item, by ?? Eve, Later, Active(WorkStream.Incident, keys ?? []), Defaults);

    private static List<Item> Active(WorkStream stream, IReadOnlyList<string> keys, UserRef? owner = null) =>
        [.. keys.Select(k => Item(stream, ItemState.Active, int.Parse(k.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture)) with { Owner = owner })];

    // ---------------------------------------------------------------- start

    [Theory]
    [InlineData(ItemState.Sprint)]
    [InlineData(ItemState.Ready)]
    public void Start_FromSprintOrReady_MakesItActive(ItemState from)
    {
        var change = Start(Item(state: from));

        change.Item.State.ShouldBe(ItemState.Active);
        change.Item.StateSince.ShouldBe(Later);
        var moved = change.History.First(h => h.Kind == HistoryKind.StateChanged);
        (moved.From, moved.To, moved.Actor, moved.At).ShouldBe((from.ToString(), "Active", Eve, Later));
    }

    [Fact]
    public void Start_WithoutAnOwner_MakesTheActorTheOwner()
    {
        var change = Start(Item(state: ItemState.Ready));

        change.Item.Owner.ShouldBe(Eve);
        change.History.Last().Kind.ShouldBe(HistoryKind.OwnerChanged);
        change.History.Last().To.ShouldBe(Eve.Key);
    }

    [Fact]
    public void Start_WithAnOwner_KeepsTheOwner()
    {
        var change = Start(Item(state: ItemState.Ready) with { Owner = Ana });

        change.Item.Owner.ShouldBe(Ana);
        change.History.ShouldNotContain(h => h.Kind == HistoryKind.OwnerChanged);
    }

    [Fact]
    public void Start_FromTheIcebox_IsRefusedAskingForAPromotion()
    {
        Should.Throw<RuleViolationException>(() => Start(Item(state: ItemState.Icebox)))
            .Message.ShouldBe("TRI-42 is in the icebox: promote it to Ready before starting it.");
    }

    [Fact]
    public void Start_OfAnUnscoredItem_IsRefused()
    {
        Should.Throw<RuleViolationException>(() => Start(Item()))
            .Message.ShouldContain("has not been scored yet");
    }

    [Fact]
    public void Start_OfAFeatureWaitingForItsNote_SaysItIsWaiting()
    {
        Should.Throw<RuleViolationException>(() => Start(Item(WorkStream.Feature) with { HeldPlacement = Queue.Sprint }))
            .Message.ShouldContain("waiting for capability note");
    }

    [Fact]
    public void Start_OfAnUnscoredIncident_IsAllowed()
    {
        Start(Item(WorkStream.Incident)).Item.State.ShouldBe(ItemState.Active);
    }

    [Fact]
    public void Start_OfAnActiveItem_IsRefused()
    {
        Should.Throw<RuleViolationException>(() => Start(Item(state: ItemState.Active))).Message.ShouldBe("TRI-42 is already active.");
    }

    [Fact]
    public void Start_ModelItemWithoutATimebox_IsRefusedAskingForOne()
    {
        Should.Throw<RuleViolationException>(() => Start(Item(WorkStream.Model, ItemState.Sprint)))
            .Message.ShouldBe("Set a timebox first: TRI-42 is model-quality work, sized by a timebox (3 days or 7 days), never by points.");
    }

    [Fact]
    public void Start_ModelItemWithATimebox_StartsTheTimeboxWithTheWork()
    {
        var change = Start(Item(WorkStream.Model, ItemState.Sprint).WithTimebox(3));

        change.Item.State.ShouldBe(ItemState.Active);
        change.Item.Model!.Timebox.ShouldBe(new Timebox(3, Later, Later.AddDays(3)));
        change.History.Select(h => h.Kind).ShouldBe([HistoryKind.TimeboxSet, HistoryKind.StateChanged, HistoryKind.OwnerChanged]);
    }

    [Fact]
    public void Start_IncidentWhenTheLaneHoldsTwo_IsRefusedNamingTheTwoActiveIncidents()
    {
        var ex = Should.Throw<RuleViolationException>(() =>
            Start(Item(WorkStream.Incident, ItemState.Sprint), keys: ["TRI-7", "TRI-9"]));

        ex.Message.ShouldBe("The incident lane is full: TRI-7 and TRI-9 are active (cap 2). Finish or close one before starting TRI-42.");
    }

    [Fact]
    public void Start_IncidentWithOneActive_IsAllowed()
    {
        Start(Item(WorkStream.Incident, ItemState.Sprint), keys: ["TRI-7"]).Item.State.ShouldBe(ItemState.Active);
    }

    [Fact]
    public void Start_IncidentAgainstACustomCap_UsesTheBacklogsCap()
    {
        var settings = new BacklogSettings { IncidentCap = 3 };

        WorkRules.Start(Item(WorkStream.Incident, ItemState.Ready), Eve, Later, Active(WorkStream.Incident, ["TRI-1", "TRI-2"]), settings).Item.State.ShouldBe(ItemState.Active);
        Should.Throw<RuleViolationException>(() => WorkRules.Start(Item(WorkStream.Incident, ItemState.Ready), Eve, Later, Active(WorkStream.Incident, ["TRI-1", "TRI-2", "TRI-3"]), settings))
            .Message.ShouldContain("TRI-1, TRI-2 and TRI-3 are active (cap 3)");
    }

    [Fact]
    public void Start_OfABugWhileTheIncidentLaneIsFull_IsAllowed()
    {
        Start(Item(WorkStream.Bug, ItemState.Sprint), keys: ["TRI-7", "TRI-9"]).Item.State.ShouldBe(ItemState.Active);
    }

    [Fact]
    public void Start_OfABugWhenTheBugStreamIsAtItsLimit_IsRefusedListingTheActiveBugsAndTheirOwners()
    {
        var settings = new BacklogSettings { Engineers = 1, BugWipPerEngineer = 2 };
        var active = Active(WorkStream.Bug, ["TRI-3", "TRI-5"], Eve);
        active[1] = active[1] with { Owner = null };

        var ex = Should.Throw<WipLimitReachedException>(() => WorkRules.Start(Item(WorkStream.Bug, ItemState.Sprint), Pat, Later, active, settings));

        ex.Message.ShouldBe("The bug stream is at its WIP limit (2 active, limit 2): TRI-3 (Eve (engineer)), TRI-5 (no owner). Finish one before starting TRI-42, " +
            "or a facilitator overrides with a written reason: `start TRI-42 override <reason>` " +
            "(`start TRI-42 for @person override <reason>` starts it for someone else, who becomes its owner).");
        ex.Active.Select(i => i.Key).ShouldBe(["TRI-3", "TRI-5"]);
    }

    [Fact]
    public void Start_BelowTheLimit_IsAllowedAndRecordsNoOverride()
    {
        var settings = new BacklogSettings { Engineers = 1, BugWipPerEngineer = 2 };

        var change = WorkRules.Start(Item(WorkStream.Bug, ItemState.Sprint), Pat, Later, Active(WorkStream.Bug, ["TRI-3"]), settings, "no need for this");

        change.Item.State.ShouldBe(ItemState.Active);
        change.History.ShouldNotContain(h => h.Field == FieldIds.WipOverride);
    }

    [Fact]
    public void Start_AtTheLimitWithAWrittenReason_StartsAndRecordsTheOverrideInHistory()
    {
        var settings = new BacklogSettings { Engineers = 1, BugWipPerEngineer = 2 };

        var change = WorkRules.Start(Item(WorkStream.Bug, ItemState.Sprint), Pat, Later, Active(WorkStream.Bug, ["TRI-3", "TRI-5"]), settings, "  customer escalation  ");

        change.Item.State.ShouldBe(ItemState.Active);
        var entry = change.History.Single(h => h.Field == FieldIds.WipOverride);
        (entry.From, entry.To, entry.Reason, entry.Actor).ShouldBe(("2", "2", "customer escalation", Pat));
        change.History.Single(h => h.Kind == HistoryKind.StateChanged).Reason.ShouldBe("WIP override: customer escalation");
    }

    [Theory]
    [InlineData("")]
    [InlineData("ok")]
    public void Start_AtTheLimitWithATooShortReason_IsRefusedOnTheReasonField(string reason)
    {
        var settings = new BacklogSettings { Engineers = 1, BugWipPerEngineer = 1 };

        var ex = Should.Throw<ValidationException>(() => WorkRules.Start(Item(WorkStream.Bug, ItemState.Sprint), Pat, Later, Active(WorkStream.Bug, ["TRI-3"]), settings, reason));

        ex.Errors.Single().Field.ShouldBe(FieldIds.Reason);
    }

    [Fact]
    public void Start_OfAnIncidentBeyondTheCap_IsRefusedEvenWithAnOverrideReason()
    {
        Should.Throw<RuleViolationException>(() => WorkRules.Start(Item(WorkStream.Incident, ItemState.Sprint), Pat, Later,
            Active(WorkStream.Incident, ["TRI-7", "TRI-9"]), Defaults, "the customer is on fire")).Message.ShouldStartWith("The incident lane is full");
    }

    [Theory]
    [InlineData(WorkStream.Model, 4)]
    [InlineData(WorkStream.Feature, 4)]
    [InlineData(WorkStream.Bug, 20)]
    [InlineData(WorkStream.Incident, 2)]
    public void Limits_ByDefault_FollowTheMethodFromTheEngineersCount(WorkStream stream, int expected)
    {
        TriageBot.Core.Streams.Wip.Limit(stream, new BacklogSettings { Engineers = 4 }).ShouldBe(expected);
    }

    // ---------------------------------------------------------------- timebox

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(30)]
    public void SetTimebox_OnAModelItem_StartsNowForTheGivenDays(int days)
    {
        var change = WorkRules.SetTimebox(Item(WorkStream.Model, ItemState.Sprint), days, Eve, Later);

        change.Item.Model!.Timebox.ShouldBe(new Timebox(days, Later, Later.AddDays(days)));
        change.History.ShouldHaveSingleItem().Kind.ShouldBe(HistoryKind.TimeboxSet);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    public void SetTimebox_OutsideOneTo30Days_IsRefused(int days)
    {
        Should.Throw<ValidationException>(() => WorkRules.SetTimebox(Item(WorkStream.Model), days, Eve, Later))
            .Errors.ShouldBe([new FieldError(FieldIds.TimeboxDays, $"Timebox must be 1–30 days (you wrote {days}).")]);
    }

    [Fact]
    public void SetTimebox_OnABug_IsRefused()
    {
        Should.Throw<RuleViolationException>(() => WorkRules.SetTimebox(Item(WorkStream.Bug), 3, Eve, Later))
            .Message.ShouldBe("Timeboxes are for model-quality items; TRI-42 is a bug item.");
    }

    [Fact]
    public void SetTimebox_OnAnActiveTimeboxedItem_IsRefusedPointingToExtend()
    {
        Should.Throw<RuleViolationException>(() => WorkRules.SetTimebox(Item(WorkStream.Model, ItemState.Active).WithTimebox(), 7, Eve, Later))
            .Message.ShouldContain("extend it with a reason");
    }

    [Fact]
    public void Extend_WithAReason_MovesTheEndAndRecordsARescope()
    {
        var item = Item(WorkStream.Model, ItemState.Active).WithTimebox(3);

        var change = WorkRules.Extend(item, 4, "  eval set grew by 200 cases ", Eve, T0.AddDays(2));

        change.Item.Model!.Timebox.ShouldBe(new Timebox(7, T0, T0.AddDays(7)));
        var entry = change.History.ShouldHaveSingleItem();
        entry.Kind.ShouldBe(HistoryKind.Rescoped);
        entry.Reason.ShouldBe("eval set grew by 200 cases");
        entry.From.ShouldBe(T0.AddDays(3).ToString("O"));
        entry.To.ShouldBe(T0.AddDays(7).ToString("O"));
    }

    [Fact]
    public void Extend_AfterTheTimeboxEnded_CountsFromNow()
    {
        var item = Item(WorkStream.Model, ItemState.Active).WithTimebox(3);

        var timebox = WorkRules.Extend(item, 2, "waiting on labels", Eve, T0.AddDays(5)).Item.Model!.Timebox!;

        timebox.End.ShouldBe(T0.AddDays(7));
        timebox.LengthDays.ShouldBe(7);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Extend_WithoutAReason_IsRefused(string reason)
    {
        Should.Throw<ValidationException>(() => WorkRules.Extend(Item(WorkStream.Model, ItemState.Active).WithTimebox(), 3, reason, Eve, Later))
            .Errors.ShouldBe([new FieldError(FieldIds.Reason, "Extending a timebox needs a reason: say what changed (it is recorded as a re-scope).")]);
    }

    [Fact]
    public void Extend_WithoutATimebox_IsRefused()
    {
        Should.Throw<RuleViolationException>(() => WorkRules.Extend(Item(WorkStream.Model, ItemState.Sprint), 3, "why", Eve, Later))
            .Message.ShouldBe("TRI-42 has no timebox to extend: set one first.");
    }

    [Fact]
    public void TimeboxExpired_IsTrueForAnActiveModelItemFromItsEnd()
    {
        var item = Item(WorkStream.Model, ItemState.Active).WithTimebox(3);

        WorkRules.TimeboxExpired(item, T0.AddDays(3).AddTicks(-1)).ShouldBeFalse();
        WorkRules.TimeboxExpired(item, T0.AddDays(3)).ShouldBeTrue();
        WorkRules.TimeboxExpired(item with { State = ItemState.Sprint }, T0.AddDays(9)).ShouldBeFalse();
        WorkRules.TimeboxExpired(Item(WorkStream.Model, ItemState.Active), T0.AddDays(9)).ShouldBeFalse();
    }

    // ---------------------------------------------------------------- done

    [Fact]
    public void Done_FromActive_FinishesTheItem()
    {
        var change = WorkRules.Done(Item(WorkStream.Bug, ItemState.Active), Eve, Later);

        change.Item.State.ShouldBe(ItemState.Done);
        change.History.ShouldHaveSingleItem().To.ShouldBe("Done");
    }

    [Theory]
    [InlineData(ItemState.New)]
    [InlineData(ItemState.Ready)]
    [InlineData(ItemState.Sprint)]
    [InlineData(ItemState.Icebox)]
    public void Done_OfAnItemNotActive_IsRefused(ItemState state)
    {
        Should.Throw<RuleViolationException>(() => WorkRules.Done(Item(state: state), Eve, Later))
            .Message.ShouldContain("start it before marking it done");
    }

    [Fact]
    public void Done_ModelItemWithoutTheEvaluationGate_IsRefused()
    {
        Should.Throw<RuleViolationException>(() => WorkRules.Done(Item(WorkStream.Model, ItemState.Active).WithTimebox(), Eve, Later))
            .Message.ShouldContain("passes an evaluation gate");
    }

    [Fact]
    public void Done_ModelItemConfirmingTheGate_RecordsTheGateAndFinishes()
    {
        var change = WorkRules.Done(Item(WorkStream.Model, ItemState.Active).WithTimebox(), Eve, Later, evaluationGatePassed: true);

        change.Item.State.ShouldBe(ItemState.Done);
        change.Item.Model!.EvaluationGatePassed.ShouldBeTrue();
        change.History.Select(h => h.Kind).ShouldBe([HistoryKind.FieldChanged, HistoryKind.StateChanged]);
        change.History.Select(h => h.Sequence).ShouldBe([0, 1]);
    }

    [Fact]
    public void Done_ModelItemThatPassedTheGateEarlier_Finishes()
    {
        var passed = WorkRules.PassEvaluationGate(Item(WorkStream.Model, ItemState.Active).WithTimebox(), Eve, Later).Item;

        WorkRules.Done(passed, Eve, Later).Item.State.ShouldBe(ItemState.Done);
    }

    [Fact]
    public void Done_FeatureOutsideMeasure_IsRefused_AndInMeasureFinishes()
    {
        var feature = Item(WorkStream.Feature, ItemState.Active).WithNote().WithMetric();
        Should.Throw<RuleViolationException>(() => WorkRules.Done(feature, Eve, Later)).Message.ShouldContain("is in Discovery");

        var measuring = feature with { Feature = feature.Feature! with { Column = FeatureColumn.Measure } };
        WorkRules.Done(measuring, Eve, Later).Item.State.ShouldBe(ItemState.Done);
    }

    // ---------------------------------------------------------------- close

    [Theory]
    [InlineData(ItemState.New)]
    [InlineData(ItemState.Ready)]
    [InlineData(ItemState.Sprint)]
    [InlineData(ItemState.Icebox)]
    [InlineData(ItemState.Active)]
    public void Close_FromAnyOpenState_WithARationale_ClosesIt(ItemState from)
    {
        var change = WorkRules.Close(Item(state: from), "  Duplicate of TRI-12  ", Pat, Later);

        change.Item.State.ShouldBe(ItemState.Closed);
        change.Item.ClosedRationale.ShouldBe("Duplicate of TRI-12");
        var entry = change.History.ShouldHaveSingleItem();
        (entry.From, entry.To, entry.Reason).ShouldBe((from.ToString(), "Closed", "Duplicate of TRI-12"));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("  no ", 2)]
    public void Close_WithoutAWrittenRationale_IsRefused(string rationale, int length)
    {
        Should.Throw<ValidationException>(() => WorkRules.Close(Item(), rationale, Pat, Later))
            .Errors.ShouldBe([new FieldError(FieldIds.Rationale, $"Closing needs a written rationale of at least 3 characters (you wrote {length}).")]);
    }

    [Fact]
    public void Close_WithARationaleOver3000Characters_IsRefused()
    {
        Should.Throw<ValidationException>(() => WorkRules.Close(Item(), new string('r', 3001), Pat, Later))
            .Errors.ShouldHaveSingleItem().Field.ShouldBe(FieldIds.Rationale);
    }

    [Theory]
    [InlineData(ItemState.Done)]
    [InlineData(ItemState.Closed)]
    public void Close_OfADoneOrClosedItem_IsRefused(ItemState state)
    {
        Should.Throw<RuleViolationException>(() => WorkRules.Close(Item(state: state), "rationale", Pat, Later))
            .Message.ShouldContain("done and closed items cannot be closed");
    }

    [Fact]
    public void Close_OfAFeatureWithAHeldPlacement_DropsTheHold()
    {
        WorkRules.Close(Item(WorkStream.Feature) with { HeldPlacement = Queue.Sprint }, "Out of scope", Pat, Later)
            .Item.HeldPlacement.ShouldBeNull();
    }

    // ---------------------------------------------------------------- feature columns

    [Fact]
    public void Move_FeatureIntoBuildWithoutASuccessMetric_IsRefused()
    {
        Should.Throw<RuleViolationException>(() => WorkRules.Move(Item(WorkStream.Feature, ItemState.Sprint).WithNote(), FeatureColumn.Build, Eve, Later))
            .Message.ShouldBe("TRI-42 needs a success metric before it moves into Build: the PM sets a measurable one.");
    }

    [Fact]
    public void Move_FeatureWithASuccessMetric_ChangesColumnAndRecordsSince()
    {
        var change = WorkRules.Move(Item(WorkStream.Feature, ItemState.Active).WithNote().WithMetric(), FeatureColumn.Build, Eve, Later);

        change.Item.Feature!.Column.ShouldBe(FeatureColumn.Build);
        change.Item.Feature.ColumnSince.ShouldBe(Later);
        var entry = change.History.ShouldHaveSingleItem();
        (entry.Kind, entry.From, entry.To).ShouldBe((HistoryKind.ColumnChanged, "Discovery", "Build"));
    }

    [Fact]
    public void Move_BackToDiscovery_NeedsNoMetric()
    {
        var building = Item(WorkStream.Feature, ItemState.Active).WithNote();
        building = building with { Feature = building.Feature! with { Column = FeatureColumn.Build } };

        WorkRules.Move(building, FeatureColumn.Discovery, Eve, Later).Item.Feature!.Column.ShouldBe(FeatureColumn.Discovery);
    }

    [Fact]
    public void Move_IntoTheColumnItIsIn_ChangesNothing()
    {
        WorkRules.Move(Item(WorkStream.Feature, ItemState.Ready).WithNote(), FeatureColumn.Discovery, Eve, Later).Changed.ShouldBeFalse();
    }

    [Fact]
    public void Move_OfANonFeature_IsRefused()
    {
        Should.Throw<RuleViolationException>(() => WorkRules.Move(Item(WorkStream.Bug, ItemState.Ready), FeatureColumn.Build, Eve, Later))
            .Message.ShouldBe("Only features have columns; TRI-42 is a bug item.");
    }

    [Theory]
    [InlineData(ItemState.New)]
    [InlineData(ItemState.Icebox)]
    public void Move_OfAFeatureOutsideReadySprintActive_IsRefused(ItemState state)
    {
        Should.Throw<RuleViolationException>(() => WorkRules.Move(Item(WorkStream.Feature, state).WithMetric(), FeatureColumn.Build, Eve, Later))
            .Message.ShouldContain("once it is in Ready, Sprint or Active");
    }

    // ---------------------------------------------------------------- icebox

    [Fact]
    public void Promote_FromIcebox_MovesToReady()
    {
        var change = QueueRules.Promote(Item(state: ItemState.Icebox) with { KeepReason = "legal asked" }, Pat, Later);

        change.Item.State.ShouldBe(ItemState.Ready);
        change.Item.KeepReason.ShouldBeNull();
        change.History.ShouldHaveSingleItem().Reason.ShouldBe("promoted from the icebox");
    }

    [Fact]
    public void Promote_OutsideTheIcebox_IsRefused()
    {
        Should.Throw<RuleViolationException>(() => QueueRules.Promote(Item(state: ItemState.Ready), Pat, Later))
            .Message.ShouldContain("only icebox items are promoted");
    }

    [Fact]
    public void Promote_FeatureWithoutACapabilityNote_IsRefused()
    {
        Should.Throw<RuleViolationException>(() => QueueRules.Promote(Item(WorkStream.Feature, ItemState.Icebox), Pat, Later))
            .Message.ShouldBe("TRI-42 needs a capability note before it can enter Ready.");
    }

    [Fact]
    public void Keep_WithAReason_ExemptsTheIceboxItem()
    {
        var change = QueueRules.Keep(Item(state: ItemState.Icebox), " contract renewal in Q3 ", Pat, Later);

        change.Item.KeepReason.ShouldBe("contract renewal in Q3");
        var entry = change.History.ShouldHaveSingleItem();
        (entry.Kind, entry.Reason).ShouldBe((HistoryKind.KeepMarked, "contract renewal in Q3"));
    }

    [Fact]
    public void Keep_WithoutAReason_IsRefused()
    {
        Should.Throw<ValidationException>(() => QueueRules.Keep(Item(state: ItemState.Icebox), "  ", Pat, Later))
            .Errors.ShouldHaveSingleItem().Field.ShouldBe(FieldIds.Reason);
    }

    [Fact]
    public void Keep_OutsideTheIcebox_IsRefused()
    {
        Should.Throw<RuleViolationException>(() => QueueRules.Keep(Item(state: ItemState.Ready), "reason", Pat, Later));
    }

    // ---------------------------------------------------------------- owner and fields

    [Fact]
    public void SetOwner_RecordsFromAndTo_AndTheSameOwnerChangesNothing()
    {
        var change = FieldRules.SetOwner(Item() with { Owner = Ana }, Eve, Pat, Later);

        change.Item.Owner.ShouldBe(Eve);
        var entry = change.History.ShouldHaveSingleItem();
        (entry.Kind, entry.From, entry.To, entry.Actor).ShouldBe((HistoryKind.OwnerChanged, Ana.Key, Eve.Key, Pat));
        FieldRules.SetOwner(change.Item, Eve, Pat, Later).Changed.ShouldBeFalse();
    }

    [Fact]
    public void SetOwner_ToNobody_ClearsIt()
    {
        FieldRules.SetOwner(Item() with { Owner = Ana }, null, Pat, Later).Item.Owner.ShouldBeNull();
    }

    [Fact]
    public void EditField_RecordsOldAndNewValue()
    {
        var change = FieldRules.EditField(Item(), FieldIds.Title, "  Answers cite the wrong PDF ", Max, Later);

        change.Item.Title.ShouldBe("Answers cite the wrong PDF");
        change.Item.UpdatedAt.ShouldBe(Later);
        var entry = change.History.ShouldHaveSingleItem();
        (entry.Kind, entry.Field, entry.From, entry.To).ShouldBe((HistoryKind.FieldChanged, "title", "Answers cite the wrong document", "Answers cite the wrong PDF"));
    }

    [Fact]
    public void EditField_WithTheInputRules_RefusesABadValue()
    {
        Should.Throw<ValidationException>(() => FieldRules.EditField(Item(), FieldIds.Title, "no", Max, Later))
            .Errors.ShouldBe([new FieldError(FieldIds.Title, "Title must be 3–150 characters (you wrote 2).")]);
        Should.Throw<ValidationException>(() => FieldRules.EditField(Item(), FieldIds.Frequency, "daily", Max, Later));
    }

    [Fact]
    public void EditField_OfStreamFields_UpdatesTypedValues()
    {
        FieldRules.EditField(Item(WorkStream.Bug), FieldIds.Frequency, "Always", Max, Later).Item.Bug!.Frequency.ShouldBe(BugFrequency.Always);
        FieldRules.EditField(Item(WorkStream.Bug), FieldIds.AffectedWauPercent, "8", Max, Later).Item.Bug!.AffectedWauPercent.ShouldBe(8);
        FieldRules.EditField(Item(WorkStream.Model), FieldIds.Lever, "retrieval", Max, Later).Item.Model!.Lever.ShouldBe(ModelLever.Retrieval);
        FieldRules.EditField(Item(WorkStream.Incident), FieldIds.Touches, "feature", Max, Later).Item.Incident!.Touches.ShouldBe([WorkStream.Feature]);
    }

    [Fact]
    public void EditField_ToTheSameValue_ChangesNothing()
    {
        FieldRules.EditField(Item(WorkStream.Bug), FieldIds.Frequency, "sometimes", Max, Later).Changed.ShouldBeFalse();
    }

    [Fact]
    public void EditField_OfAFieldTheStreamDoesNotHave_IsRefused()
    {
        Should.Throw<RuleViolationException>(() => FieldRules.EditField(Item(WorkStream.Bug), FieldIds.Lever, "prompt", Max, Later))
            .Message.ShouldBe("TRI-42 is a bug item: it has no field \"lever\" to edit.");
    }

    [Fact]
    public void FormValues_PrefillEveryFieldOfTheStream()
    {
        var item = Item(WorkStream.Bug) with { Bug = new BugFields { Frequency = BugFrequency.Rarely, AffectedWauPercent = 2.5 }, Links = ["https://a.example"] };

        var values = FieldRules.FormValues(item);

        values.Keys.ShouldBe(FieldIds.ForStream(WorkStream.Bug));
        values[FieldIds.Frequency].ShouldBe("rarely");
        values[FieldIds.AffectedWauPercent].ShouldBe("2.5");
        values[FieldIds.Link].ShouldBe("https://a.example");
    }

    [Fact]
    public void SetSuccessMetric_OnAFeature_SetsIt()
    {
        var change = FieldRules.SetSuccessMetric(Item(WorkStream.Feature), "Exports per team +10% in 4 weeks", Pat, Later);

        change.Item.Feature!.SuccessMetric.ShouldBe("Exports per team +10% in 4 weeks");
        change.History.ShouldHaveSingleItem().Field.ShouldBe(FieldIds.SuccessMetric);
    }

    [Fact]
    public void SetSuccessMetric_ClearingItInBuild_IsRefused()
    {
        var building = Item(WorkStream.Feature, ItemState.Active).WithNote().WithMetric();
        building = building with { Feature = building.Feature! with { Column = FeatureColumn.Build } };

        Should.Throw<RuleViolationException>(() => FieldRules.SetSuccessMetric(building, "  ", Pat, Later))
            .Message.ShouldBe("TRI-42 is in Build: a feature there keeps its success metric.");
    }

    [Fact]
    public void SetSuccessMetric_OnABug_IsRefused()
    {
        Should.Throw<RuleViolationException>(() => FieldRules.SetSuccessMetric(Item(WorkStream.Bug), "metric", Pat, Later));
    }

    // ---------------------------------------------------------------- history is append-only

    [Fact]
    public void History_EntriesOfSuccessiveChanges_NumberOnFromTheItemsCount()
    {
        var created = ItemFactory.Create(new NewItemRequest(WorkStream.Bug, new Dictionary<string, string> { [FieldIds.Title] = "Export fails" }), TestData.Backlog, 5, Max, null, T0);
        var scored = ScoringRules.ApplyScore(created.Item, Score(3, 3, 3, 3), Pat, T0);
        var started = WorkRules.Start(scored.Item, Eve, T0, [], Defaults);

        var all = created.History.Concat(scored.History).Concat(started.History).ToList();

        all.Select(h => h.Sequence).ShouldBe([0, 1, 2, 3, 4]);
        started.Item.HistoryCount.ShouldBe(5);
        all.ShouldAllBe(h => h.ItemNumber == 5 && h.BacklogId == "b1" && h.Stream == WorkStream.Bug);
    }

    [Fact]
    public void Changes_NeverAlterTheItemPassedIn()
    {
        var item = Item(state: ItemState.Ready);
        var copy = item with { };

        WorkRules.Start(item, Eve, Later, [], Defaults);
        WorkRules.Close(item, "rationale", Pat, Later);

        item.ShouldBe(copy);
    }

    [Theory]
    [InlineData(ItemState.Done)]
    [InlineData(ItemState.Closed)]
    public void EveryChange_OfADoneOrClosedItem_IsRefused(ItemState state)
    {
        var item = Item(WorkStream.Feature, state).WithNote().WithMetric();
        var actions = new Action[]
        {
            () => WorkRules.Start(item, Eve, Later, [], Defaults),
            () => WorkRules.Done(item, Eve, Later),
            () => WorkRules.Close(item, "rationale", Pat, Later),
            () => WorkRules.Move(item, FeatureColumn.Build, Eve, Later),
            () => QueueRules.Promote(item, Pat, Later),
            () => QueueRules.Keep(item, "reason", Pat, Later),
            () => ScoringRules.RequestRescore(item, Pat, Later),
            () => FieldRules.SetOwner(item, Eve, Pat, Later),
            () => FieldRules.EditField(item, FieldIds.Title, "New title", Pat, Later),
            () => CapabilityNoteRules.AddCapabilityNote(item, "note", CapabilityScale.DaysFeature, Eve, Later),
        };

        foreach (var action in actions)
        {
            Should.Throw<RuleViolationException>(action).Message.ShouldContain("done and closed items cannot be");
        }
    }
}
