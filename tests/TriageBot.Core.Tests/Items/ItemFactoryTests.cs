using TriageBot.Core.Items;
using static TriageBot.Core.Tests.TestData;

namespace TriageBot.Core.Tests.Items;

public class ItemFactoryTests
{
    private static NewItemRequest Request(WorkStream stream, params (string Id, string Value)[] values) =>
        new(stream, values.ToDictionary(v => v.Id, v => v.Value));

    [Fact]
    public void Create_BuildsTheKeyFromTheBacklogPrefixAndNumber()
    {
        var backlog = Backlog with { KeyPrefix = "ASK" };

        var change = ItemFactory.Create(Request(WorkStream.Bug, (FieldIds.Title, "Export fails")), backlog, 7, Max, null, T0);

        change.Item.Key.ShouldBe("ASK-7");
        change.Item.Number.ShouldBe(7);
        change.Item.BacklogId.ShouldBe("b1");
    }

    [Fact]
    public void Create_StartsNewWithReporterSourceAndTimes_AndRecordsACreatedEntry()
    {
        var source = new MessageSource(Platform.Slack, "C123", "1700000000.000100", "https://x.slack.com/archives/C123/p1700000000000100");

        var change = ItemFactory.Create(Request(WorkStream.Bug, (FieldIds.Title, "Export fails")), Backlog, 42, Max, source, T0);

        var item = change.Item;
        item.State.ShouldBe(ItemState.New);
        item.Reporter.ShouldBe(Max);
        item.Source.ShouldBe(source);
        item.CreatedAt.ShouldBe(T0);
        item.StateSince.ShouldBe(T0);
        item.UpdatedAt.ShouldBe(T0);
        item.Round.ShouldBe(1);
        item.HistoryCount.ShouldBe(1);
        var entry = change.History.ShouldHaveSingleItem();
        entry.Kind.ShouldBe(HistoryKind.Created);
        entry.Actor.ShouldBe(Max);
        entry.At.ShouldBe(T0);
        entry.To.ShouldBe("New");
        entry.Stream.ShouldBe(WorkStream.Bug);
        entry.Sequence.ShouldBe(0);
        entry.Reason.ShouldBe("reported from a Slack message");
    }

    [Fact]
    public void Create_TrimsEveryText()
    {
        var change = ItemFactory.Create(Request(WorkStream.Bug,
            (FieldIds.Title, "  Export fails  "), (FieldIds.Description, "\n details \n"), (FieldIds.ReproSteps, " 1. open ")), Backlog, 1, Max, null, T0);

        change.Item.Title.ShouldBe("Export fails");
        change.Item.Description.ShouldBe("details");
        change.Item.Bug!.ReproSteps.ShouldBe("1. open");
    }

    [Fact]
    public void Create_WithInvalidValues_ThrowsEveryFieldError()
    {
        var ex = Should.Throw<ValidationException>(() => ItemFactory.Create(
            Request(WorkStream.Bug, (FieldIds.Title, "x"), (FieldIds.Frequency, "daily")), Backlog, 1, Max, null, T0));

        ex.Errors.Select(e => e.Field).ShouldBe([FieldIds.Title, FieldIds.Frequency]);
        ex.Message.ShouldContain("Title must be 3–150 characters (you wrote 1).");
    }

    [Fact]
    public void Create_ModelItem_SetsTheModelFields()
    {
        var item = ItemFactory.Create(Request(WorkStream.Model,
            (FieldIds.Title, "Refusals on tax questions"), (FieldIds.AffectedSlice, "tax questions in German"),
            (FieldIds.Examples, "Q: ... A: I can't help"), (FieldIds.Lever, "guardrail"), (FieldIds.QualityFlag, "tax-answers-v2")), Backlog, 3, Max, null, T0).Item;

        item.Model.ShouldBe(new ModelFields
        {
            AffectedSlice = "tax questions in German", Examples = "Q: ... A: I can't help", Lever = ModelLever.Guardrail, QualityFlag = "tax-answers-v2",
        });
        item.Bug.ShouldBeNull();
        item.Feature.ShouldBeNull();
        item.Incident.ShouldBeNull();
    }

    [Fact]
    public void Create_BugItem_SetsTheBugFields()
    {
        var item = ItemFactory.Create(Request(WorkStream.Bug,
            (FieldIds.Title, "Export fails"), (FieldIds.Expected, "a CSV"), (FieldIds.Actual, "a 500"),
            (FieldIds.Frequency, "always"), (FieldIds.AffectedWauPercent, "12.5")), Backlog, 3, Max, null, T0).Item;

        item.Bug!.Expected.ShouldBe("a CSV");
        item.Bug.Actual.ShouldBe("a 500");
        item.Bug.Frequency.ShouldBe(BugFrequency.Always);
        item.Bug.AffectedWauPercent.ShouldBe(12.5);
    }

    [Fact]
    public void Create_Feature_StartsInDiscoveryAndRequestsACapabilityNoteNow()
    {
        var item = ItemFactory.Create(Request(WorkStream.Feature,
            (FieldIds.Title, "Summaries in Slack"), (FieldIds.Problem, "PMs copy-paste"), (FieldIds.RequestedBy, "Acme"),
            (FieldIds.SuccessMetric, "30% of threads summarized")), Backlog, 3, Max, null, T0).Item;

        item.Feature!.CapabilityNoteRequestedAt.ShouldBe(T0);
        item.Feature.CapabilityNote.ShouldBeNull();
        item.Feature.Column.ShouldBe(FeatureColumn.Discovery);
        item.Feature.ColumnSince.ShouldBe(T0);
        item.Feature.Problem.ShouldBe("PMs copy-paste");
        item.Feature.RequestedBy.ShouldBe("Acme");
        item.Feature.SuccessMetric.ShouldBe("30% of threads summarized");
    }

    [Fact]
    public void Create_Incident_NamesTheStreamsItTouches()
    {
        var item = ItemFactory.Create(Request(WorkStream.Incident,
            (FieldIds.Title, "Hotfix and prompt change"), (FieldIds.Touches, "bug, model")), Backlog, 3, Max, null, T0).Item;

        item.Incident!.Touches.ShouldBe([WorkStream.Model, WorkStream.Bug]);
    }

    [Fact]
    public void Create_StoresEveryLink()
    {
        var item = ItemFactory.Create(Request(WorkStream.Bug,
            (FieldIds.Title, "Export fails"), (FieldIds.Link, "https://a.example https://b.example")), Backlog, 3, Max, null, T0).Item;

        item.Links.ShouldBe(["https://a.example", "https://b.example"]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Create_WithANumberBelowOne_IsRefused(int number)
    {
        Should.Throw<ArgumentOutOfRangeException>(() =>
            ItemFactory.Create(Request(WorkStream.Bug, (FieldIds.Title, "Export fails")), Backlog, number, Max, null, T0));
    }
}
