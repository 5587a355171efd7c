using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Streams;
using static TriageBot.Core.Tests.Streams.Fixtures;

namespace TriageBot.Core.Tests.Streams;

public class WipTests
{
    [Fact]
    public void Limits_ComeFromTheSettings_BugIsEngineersTimesPerEngineer()
    {
        var settings = new BacklogSettings { WipLimitModel = 2, WipLimitFeature = 5, Engineers = 4, BugWipPerEngineer = 2, IncidentCap = 2 };

        Wip.Limit(WorkStream.Model, settings).ShouldBe(2);
        Wip.Limit(WorkStream.Feature, settings).ShouldBe(5);
        Wip.Limit(WorkStream.Bug, settings).ShouldBe(8);
        Wip.Limit(WorkStream.Incident, settings).ShouldBe(2);
    }

    [Fact]
    public void Compute_CountsOnlyActiveItems_AndFlagsAStreamOnlyWhenAboveItsLimit()
    {
        var settings = new BacklogSettings { WipLimitModel = 1, WipLimitFeature = 4, Engineers = 1, BugWipPerEngineer = 1, IncidentCap = 2 };
        Item[] items =
        [
            Item(1, WorkStream.Model, ItemState.Active),
            Item(2, WorkStream.Model, ItemState.Active),
            Item(3, WorkStream.Model, ItemState.Ready),
            Item(4, WorkStream.Bug, ItemState.Active),
            Item(5, WorkStream.Bug, ItemState.Done),
            Item(6, WorkStream.Incident, ItemState.Active),
            Item(7, WorkStream.Incident, ItemState.Active),
        ];

        var wip = Wip.Compute(items, settings);

        wip.ShouldBe([
            new StreamWip(WorkStream.Model, 2, 1, true),
            new StreamWip(WorkStream.Bug, 1, 1, false),
            new StreamWip(WorkStream.Feature, 0, 4, false),
            new StreamWip(WorkStream.Incident, 2, 2, false),
        ]);
    }
}

public class TimeboxTests
{
    private static Item ModelItem(ItemState state, DateTimeOffset end) =>
        Item(1, WorkStream.Model, state) with { Model = new ModelFields { Timebox = new Timebox(3, end.AddDays(-3), end) } };

    [Fact]
    public void IsExpired_WhenActiveAndNowReachesTheEnd()
    {
        var end = T0.AddDays(3);

        Timeboxes.IsExpired(ModelItem(ItemState.Active, end), end.AddTicks(-1)).ShouldBeFalse();
        Timeboxes.IsExpired(ModelItem(ItemState.Active, end), end).ShouldBeTrue();
        Timeboxes.IsExpired(ModelItem(ItemState.Done, end), end.AddDays(1)).ShouldBeFalse();
    }

    [Fact]
    public void AnEndMovedLaterWithoutARescope_IsASilentExtension()
    {
        var first = T0.AddDays(3);
        var later = T0.AddDays(7);
        HistoryEntry[] history =
        [
            Entry(1, WorkStream.Model, HistoryKind.TimeboxSet, T0, to: Iso(first)),
            Entry(1, WorkStream.Model, HistoryKind.TimeboxSet, T0.AddDays(3), from: Iso(first), to: Iso(later)),
        ];

        var extension = Timeboxes.SilentExtensions(history).ShouldHaveSingleItem();

        extension.ItemNumber.ShouldBe(1);
        extension.PreviousEnd.ShouldBe(first);
        extension.NewEnd.ShouldBe(later);
        extension.At.ShouldBe(T0.AddDays(3));
    }

    [Fact]
    public void AnEndMovedLaterWithARescopeReason_IsNotSilent()
    {
        var first = T0.AddDays(3);
        HistoryEntry[] history =
        [
            Entry(1, WorkStream.Model, HistoryKind.TimeboxSet, T0, to: Iso(first)),
            Entry(1, WorkStream.Model, HistoryKind.Rescoped, T0.AddDays(3), reason: "eval set grew"),
            Entry(1, WorkStream.Model, HistoryKind.TimeboxSet, T0.AddDays(3), to: Iso(first.AddDays(4))),
            Entry(2, WorkStream.Model, HistoryKind.TimeboxSet, T0, to: Iso(first)),
            Entry(2, WorkStream.Model, HistoryKind.Rescoped, T0.AddDays(3), from: Iso(first), to: Iso(first.AddDays(2)), reason: "one more prompt"),
        ];

        Timeboxes.SilentExtensions(history).ShouldBeEmpty();
    }

    [Fact]
    public void ARescopeWithoutAReason_OrOnAnotherDay_DoesNotJustifyTheExtension()
    {
        var first = T0.AddDays(3);
        HistoryEntry[] history =
        [
            Entry(1, WorkStream.Model, HistoryKind.TimeboxSet, T0, to: Iso(first)),
            Entry(1, WorkStream.Model, HistoryKind.Rescoped, T0.AddDays(1), reason: "earlier rescope"),
            Entry(1, WorkStream.Model, HistoryKind.FieldChanged, T0.AddDays(3), to: Iso(first.AddDays(4)), field: "timebox"),
            Entry(2, WorkStream.Model, HistoryKind.TimeboxSet, T0, to: Iso(first)),
            Entry(2, WorkStream.Model, HistoryKind.Rescoped, T0.AddDays(3), to: Iso(first.AddDays(1)), reason: "  "),
        ];

        Timeboxes.SilentExtensions(history).Select(x => x.ItemNumber).ShouldBe([1, 2]);
    }

    [Fact]
    public void ShorteningATimebox_IsNotAnExtension()
    {
        var first = T0.AddDays(7);
        HistoryEntry[] history =
        [
            Entry(1, WorkStream.Model, HistoryKind.TimeboxSet, T0, to: Iso(first)),
            Entry(1, WorkStream.Model, HistoryKind.TimeboxSet, T0.AddDays(1), to: Iso(T0.AddDays(3))),
        ];

        Timeboxes.SilentExtensions(history).ShouldBeEmpty();
    }

    [Fact]
    public void ParseEnd_ReadsAnInstantOrASerializedTimebox()
    {
        var end = new DateTimeOffset(2026, 1, 8, 9, 0, 0, TimeSpan.Zero);
        var json = System.Text.Json.JsonSerializer.Serialize(new Timebox(3, T0, end), CoreJson.Options);

        Timeboxes.ParseEnd(Iso(end)).ShouldBe(end);
        Timeboxes.ParseEnd(json).ShouldBe(end);
        Timeboxes.ParseEnd("three days").ShouldBeNull();
    }
}

public class FeatureCheckTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static Item Feature(ItemState state, FeatureFields fields) =>
        Item(1, WorkStream.Feature, state) with { Feature = fields };

    [Fact]
    public void InBuildWithoutMetric_OnlyForBuildColumnWithABlankMetric()
    {
        FeatureChecks.InBuildWithoutMetric(Feature(ItemState.Active, new() { Column = FeatureColumn.Build, SuccessMetric = " " })).ShouldBeTrue();
        FeatureChecks.InBuildWithoutMetric(Feature(ItemState.Active, new() { Column = FeatureColumn.Build, SuccessMetric = "activation +5%" })).ShouldBeFalse();
        FeatureChecks.InBuildWithoutMetric(Feature(ItemState.Active, new() { Column = FeatureColumn.Discovery })).ShouldBeFalse();
        FeatureChecks.InBuildWithoutMetric(Feature(ItemState.Done, new() { Column = FeatureColumn.Build })).ShouldBeFalse();
    }

    [Fact]
    public void DiscoveryOverdue_AfterMoreThanTenDaysSinceTheColumnChange()
    {
        var item = Feature(ItemState.Ready, new() { Column = FeatureColumn.Discovery, ColumnSince = T0 });

        FeatureChecks.DaysInDiscovery(item, T0.AddDays(10)).ShouldBe(10);
        FeatureChecks.DiscoveryOverdue(item, T0.AddDays(10)).ShouldBeFalse();
        FeatureChecks.DiscoveryOverdue(item, T0.AddDays(10).AddHours(1)).ShouldBeTrue();
        FeatureChecks.DiscoveryOverdue(item with { State = ItemState.New }, T0.AddDays(30)).ShouldBeFalse();
    }

    [Fact]
    public void CapabilityNote_WaitingUntilANoteExists_AndDueForAReminderAfterTwoWorkingDays()
    {
        var friday = new DateTimeOffset(2026, 1, 9, 16, 0, 0, TimeSpan.FromHours(1));
        var waiting = Feature(ItemState.Ready, new() { CapabilityNoteRequestedAt = friday });
        var answered = Feature(ItemState.Ready, new() { CapabilityNote = new CapabilityNote("uses retrieval", CapabilityScale.DaysFeature, Eng, friday) });
        var tuesday1600 = new DateTimeOffset(2026, 1, 13, 16, 0, 0, TimeSpan.FromHours(1));

        FeatureChecks.WaitingForCapabilityNote(waiting).ShouldBeTrue();
        FeatureChecks.WaitingForCapabilityNote(answered).ShouldBeFalse();
        FeatureChecks.NoteReminderDue(waiting, Berlin, tuesday1600.AddMinutes(-1)).ShouldBeFalse();
        FeatureChecks.NoteReminderDue(waiting, Berlin, tuesday1600).ShouldBeTrue();
        FeatureChecks.NoteReminderDue(waiting with { Feature = waiting.Feature! with { CapabilityNoteReminded = true } }, Berlin, tuesday1600).ShouldBeFalse();
    }
}
