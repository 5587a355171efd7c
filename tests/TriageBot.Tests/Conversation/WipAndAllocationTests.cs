using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Reports;
using TriageBot.Core.Views;
using static TriageBot.Tests.Conversation.ConversationHarness;

namespace TriageBot.Tests.Conversation;

/// <summary>WIP holds the line and the planned allocation is set per month (SPEC §12), through Core over a real SQLite store.</summary>
public sealed class WipAndAllocationTests : IAsyncLifetime
{
    private ConversationHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await ConversationHarness.CreateAsync();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    private async Task<Item> SprintBugAsync(string title)
    {
        var item = await _h.ReportAsync(Sam, "bug", title);
        await _h.VoteAsync(Priya, item, 3, 2, 2, 2);
        await _h.Button(Priya, ButtonIds.Reveal, $"{item.BacklogId}/{item.Number}");
        var finalize = (OpenFormOutcome)await _h.Button(Priya, ButtonIds.Finalize, $"{item.BacklogId}/{item.Number}");
        (await _h.Submit(Priya, finalize.Form, new Dictionary<string, string>())).ShouldBeOfType<CloseFormOutcome>();
        (await _h.GetAsync(item)).State.ShouldBe(ItemState.Sprint);
        return item;
    }

    private static TextView Text(Outcome o) => o.ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<TextView>();

    /// <summary>Asks for the report as a person would, then builds what the delivery worker posts for it.</summary>
    private async Task<ReportView> PostedReportAsync(string backlogId, ReportKind kind)
    {
        // One post (issue 19): "Preparing…" is posted and then updated in place into the report.
        (await _h.Command(Priya, $"report {kind.ToString().ToLowerInvariant()}")).ShouldBeOfType<NoOutcome>();
        var pending = (await _h.PendingAsync()).Select(m => m.ToView()).ToList();
        pending.OfType<TextView>().ShouldContain(v => v.Text.StartsWith("Preparing the ", StringComparison.Ordinal) && v.Tone == Tone.Info);
        pending.OfType<LiveReportView>().ShouldContain(v => v.Kind == kind);
        var backlog = (await _h.Store.Backlogs.GetAsync(backlogId, CancellationToken.None))!.Value;
        return await _h.Core.Reports.BuildAsync(backlog, kind, _h.Clock.GetUtcNow(), CancellationToken.None);
    }

    private async Task<BacklogSettings> SettingsAsync(string backlogId) => (await _h.Store.Backlogs.GetAsync(backlogId, CancellationToken.None))!.Value.Settings;

    [Fact]
    public async Task StartingABugAtTheLimit_IsRefusedWithTheActiveBugsAndOwners_ThenAFacilitatorOverridesWithAReasonRecordedAndReported()
    {
        var backlogId = await _h.SetUpAsync();
        (await _h.Command(Priya, "limits bug 1")).ShouldBeOfType<ReplyOutcome>().Private.ShouldBeFalse();
        var engineers = (await SettingsAsync(backlogId)).Engineers;
        var active = new List<Item>();
        for (var i = 0; i < engineers; i++)
        {
            var bug = await SprintBugAsync($"Export fails for workspace {i}");
            Text(await _h.Command(Eli, $"start {bug.Key}")).Tone.ShouldBe(Tone.Success);
            active.Add(bug);
        }

        var next = await SprintBugAsync("Search returns stale results");

        var refused = Text(await _h.Command(Eli, $"start {next.Key}"));
        refused.Tone.ShouldBe(Tone.Error);
        refused.Text.ShouldStartWith($"The bug stream is at its WIP limit ({engineers} active, limit {engineers}): {active[0].Key} (Eli)");
        refused.Text.ShouldContain($"`start {next.Key} override <reason>`");
        (await _h.GetAsync(next)).State.ShouldBe(ItemState.Sprint);

        var byEngineer = Text(await _h.Command(Eli, $"start {next.Key} override customer escalation"));
        byEngineer.Text.ShouldBe("Only a facilitator can start work beyond a WIP limit.");
        (await _h.GetAsync(next)).State.ShouldBe(ItemState.Sprint);

        var started = Text(await _h.Command(Priya, $"start {next.Key} override customer escalation from the largest account"));
        started.Tone.ShouldBe(Tone.Success);
        started.Text.ShouldContain("WIP override recorded");
        (await _h.GetAsync(next)).State.ShouldBe(ItemState.Active);
        var history = new List<HistoryEntry>();
        await foreach (var e in _h.Store.History.ForItemAsync(backlogId, next.Number, CancellationToken.None))
        {
            history.Add(e);
        }

        var entry = history.Single(e => e.Field == FieldIds.WipOverride);
        (entry.Actor, entry.Reason, entry.From, entry.To).ShouldBe((Priya, "customer escalation from the largest account", $"{engineers}", $"{engineers}"));

        var weekly = await PostedReportAsync(backlogId, ReportKind.Weekly);
        weekly.Sections.Single(s => s.Heading == "WIP overrides this week").Lines.ShouldHaveSingleItem().Text
            .ShouldStartWith($"{next.Key} Search returns stale results: started by Priya on ");
        weekly.Sections.Single(s => s.Heading == "Engineering bugs").Lines[0].Problem.ShouldBeTrue("the breach is flagged too");
    }

    [Fact]
    public async Task Limits_ShowTheMethodsDefaults_AFacilitatorChangesThem_AndOthersAreRefusedWithNothingChanged()
    {
        var backlogId = await _h.SetUpAsync();
        var engineers = (await SettingsAsync(backlogId)).Engineers;

        var shown = (await _h.Command(Sam, "limits")).ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<ReportView>();
        shown.Sections.ShouldHaveSingleItem().Lines.Select(l => l.Text).ShouldBe([
            $"Model quality: 0 active, limit {engineers} (one per engineer).",
            $"Engineering bugs: 0 active, limit {engineers * 5} (5 per engineer).",
            $"Feature requests: 0 active, limit {engineers} (one per engineer).",
            "Incident lane: 0 active, limit 2 (the incident lane's cap).",
        ]);

        Text(await _h.Command(Eli, "limits model 9")).Text.ShouldBe("Only a facilitator can change WIP limits.");
        (await SettingsAsync(backlogId)).WipLimitModel.ShouldBeNull();

        var set = (await _h.Command(Priya, "limits model 2")).ShouldBeOfType<ReplyOutcome>();
        set.View.ShouldBeOfType<ReportView>().Subtitle.ShouldBe("The model WIP limit is now 2.");
        (await SettingsAsync(backlogId)).WipLimitModel.ShouldBe(2);
        await _h.Command(Priya, "limits model auto");
        (await SettingsAsync(backlogId)).WipLimitModel.ShouldBeNull();
    }

    [Theory]
    [InlineData("limits bug", "Expected `limits")]
    [InlineData("limits bug 0", "1–100")]
    [InlineData("limits bug auto", "Only the model and feature limits")]
    [InlineData("allocation model 30 bug 25", "Give all three shares")]
    [InlineData("allocation model 30 bug 25 feature 45 from march", "is not a month")]
    [InlineData("allocation model 30 bug 25 incident 45", "the incident lane has no planned share")]
    [InlineData("start TRI-1 override", "needs a written reason")]
    public void BadLimitAndAllocationCommands_SayWhatWasExpected(string text, string expected)
    {
        var (command, error) = CommandParser.Parse(text);

        command.ShouldBeNull();
        error!.Message.ShouldContain(expected);
    }

    [Fact]
    public async Task Allocation_SetFromNextMonth_WarnsOutsideTheRangesButSaves_AndTheMonthlyReviewPublishesIt()
    {
        var backlogId = await _h.SetUpAsync();
        var now = _h.Clock.GetUtcNow();
        var next = new DateOnly(now.Year, now.Month, 1).AddMonths(1);
        var nextName = next.ToString("MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture);

        var set = (await _h.Command(Priya, "allocation model 20 bug 20 feature 60 from next")).ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<ReportView>();

        set.Subtitle!.ShouldStartWith($"Planned from {nextName}: model 20%, bug 20%, feature 60%.");
        set.Sections[0].Heading.ShouldBe("Outside the recommended ranges");
        set.Sections[0].Lines.Select(l => l.Text).ShouldBe([
            "The model share of 20% is outside the recommended 30–50% for a early product. Saved anyway: the method recommends staying inside it.",
            "The feature share of 60% is outside the recommended 30–50% for a early product. Saved anyway: the method recommends staying inside it.",
        ]);
        set.Sections[1].Lines[0].Text.ShouldBe("Model 40%, bug 25%, feature 35%.");
        set.Sections[2].Heading.ShouldBe(nextName);
        set.Sections[2].Lines[0].Text.ShouldBe("Model 20%, bug 20%, feature 60%.");
        (await SettingsAsync(backlogId)).PlannedByMonth![next.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)].ShouldBe(new PlannedShares(20, 20, 60));

        var review = await PostedReportAsync(backlogId, ReportKind.Allocation);
        var published = review.Sections.Single(s => s.Heading == $"Allocation in force for {nextName}");
        published.Lines[0].Text.ShouldBe("Model 20%, bug 20%, feature 60%. Facilitators change it with `allocation`.");
    }

    [Fact]
    public async Task Allocation_NotAddingUpTo100OrByAMember_IsRefusedAndNothingChanges()
    {
        var backlogId = await _h.SetUpAsync();

        Text(await _h.Command(Priya, "allocation model 30 bug 30 feature 30")).Text
            .ShouldBe("Planned shares must add up to 100 percent; model 30 + bug 30 + feature 30 = 90. Nothing was changed.");
        Text(await _h.Command(Sam, "allocation model 30 bug 30 feature 40")).Text.ShouldBe("Only a facilitator can change the planned allocation.");
        (await SettingsAsync(backlogId)).PlannedByMonth.ShouldBeNull();
    }
}
