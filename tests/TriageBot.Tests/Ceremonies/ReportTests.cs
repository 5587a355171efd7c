using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;
using TriageBot.Slack.Blocks;
using TriageBot.Slack.Tests;
using TriageBot.Teams.Cards;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Ceremonies;

/// <summary>
/// <c>report weekly|allocation|icebox</c> and <c>clinic</c> through the real host on a seeded backlog, checked line by
/// line against figures worked out by hand (see <see cref="ReportBacklog"/>), and the posts checked as Block Kit and
/// as Adaptive Cards with the channels' validators.
/// </summary>
public sealed class ReportTests
{
    private static readonly ConversationAddress Here = Seed.Channel("C-rep");

    [Fact]
    public async Task ReportWeekly_ShowsEachStreamsFindings_AndLinksProblemLinesToTheirItems()
    {
        await using var host = await StartAsync();

        var report = await PostAsync(host, "report weekly");

        Section(report, "Model quality").ShouldBe(["1 active of a WIP limit of 3.", "REP-7 Tune retrieval for long queries: timebox ended Fri 12 Mar 2027; re-scope, close or mark done."]);
        Section(report, "Engineering bugs").ShouldBe(["0 active of a WIP limit of 15.", "REP-13 Tooltip typo in settings: the oldest open bug, 238 days old.", "Inflow: 1 reported in the last 7 days, 1 in the 7 days before."]);
        Section(report, "Feature requests").ShouldBe(
        [
            "1 active of a WIP limit of 3.",
            "REP-12 Team workspaces: in Discovery for 14 days.",
            "REP-11 Export to CSV: waiting for a capability note since Wed 10 Mar 2027, unanswered for more than 2 working days.",
        ]);
        Section(report, "Incident lane").ShouldBe(["0 active of a cap of 2.", "This week's share of capacity: 18%."]);
        var problems = report.Sections.SelectMany(s => s.Lines).Where(l => l.Problem).ToList();
        problems.Select(l => l.Item?.Key).ShouldBe(["REP-7", "REP-12", "REP-11"]);
    }

    [Fact]
    public async Task ReportWeekly_WithAPublicUrl_EachProblemLineLinksToItsItem_AndChannelsShowTheKeyOnce()
    {
        await using var host = await StartAsync("https://triage.example.test");
        var token = (await host.Store.Backlogs.GetAsync(ReportBacklog.Id, CancellationToken.None))!.Value.DashboardToken;

        var report = await PostAsync(host, "report weekly");

        var line = report.Sections.SelectMany(s => s.Lines).Single(l => l.Item?.Key == "REP-7");
        line.Item!.Url.ShouldBe($"https://triage.example.test/d/{token}/items/7");
        var readable = new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var slack = BlockKitRenderer.Render(report).ToJson().ToJsonString(readable);
        slack.ShouldContain($"<https://triage.example.test/d/{token}/items/7|REP-7>* Tune retrieval for long queries: timebox ended");
        slack.Split("REP-7").Length.ShouldBe(2, "the key appears once, as the link");
        var teams = AdaptiveCardRenderer.Render(report).ToJsonString(readable);
        teams.Split("REP-7").Length.ShouldBe(2, "the key appears once");
    }

    [Fact]
    public async Task ReportWeekly_AStreamWithNothingToSay_SaysSoInOneLine()
    {
        await using var host = TestHost.Sqlite(ReportBacklog.Now);
        await Seed.BacklogAsync(host.Store, "quiet", "UTC", ReportBacklog.At(2027, 1, 1));

        var report = await PostAsync(host, "report weekly", Seed.Channel("C-quiet"));

        report.Sections.Where(s => s.Heading is not ("WIP overrides this week" or "Cautious release lane"))
            .ShouldAllBe(s => s.Lines[0].Text.StartsWith("Nothing to report: ", StringComparison.Ordinal));
        report.Sections.Where(s => s.Heading != "Engineering bugs").ShouldAllBe(s => s.Lines.Count == 1);
        Section(report, "Engineering bugs")[1].ShouldBe("Inflow: 0 reported in the last 7 days, 0 in the 7 days before.");
    }

    [Fact]
    public async Task ReportAllocation_ComputesActualsFromStateHistoryAcrossSprintBoundaries()
    {
        await using var host = await StartAsync();

        var report = await PostAsync(host, "report allocation");

        report.Subtitle.ShouldBe("Planned vs actual, last 4 sprints of 14 days, Mon 18 Jan 2027 – Mon 15 Mar 2027");
        Section(report, "Planned vs actual").ShouldBe(
        [
            "Model quality: planned 40%, actual 27% (15 days of work, −13 points): off plan by more than 10 points",
            "Engineering bugs: planned 25%, actual 18% (10 days of work, −7 points)",
            "Feature requests: planned 35%, actual 55% (30 days of work, +20 points): off plan by more than 10 points",
        ]);
        Section(report, "Incident lane").ShouldBe(["3 days of incident work, 5% of all days of work (reported here, not counted in the shares above)."]);
        Section(report, "Question for the team").ShouldBe(["Model work ran at 27% against a plan of 40%: why did model work underrun?"]);
        Section(report, "Post-launch tail").ShouldBe(
        [
            "Launched 1 Feb 2027: until 2 Apr 2027, reserve 25–40% of capacity for the post-launch tail.",
            "Feature work (actual 55%) exceeds the 10% left after the 25% tail reserve and the planned model and bug shares.",
        ]);
        report.ChartUrl.ShouldBeNull("without a public base URL the table above is the chart");
    }

    [Fact]
    public async Task ReportIcebox_ListsOldUnscoredItemsWithOneDecideEach_AKeepUpdatesThePostedRow_AndExemptsTheItem()
    {
        await using var host = await StartAsync();

        var report = await PostAsync(host, "report icebox");

        report.Subtitle.ShouldBe("1 icebox item older than 6 months, not re-scored since Tue 15 Sep 2026, with no reason to keep");
        var section = report.Sections.ShouldHaveSingleItem();
        section.Heading.ShouldBe("REP-13 Tooltip typo in settings");
        section.Lines.Select(l => l.Text).ShouldBe(["In the icebox since Sat 1 Aug 2026, last scored Sat 1 Aug 2026 (total 10)."]);
        section.Actions.Select(a => (a.ActionId, a.Label, a.Argument)).ShouldBe([(ButtonIds.SweepDecide, "Decide…", "rep/13")]);

        var before = host.Log.All.Count;
        await host.SayAsync(Seed.Facilitator, Here, "keep REP-13 Still wanted by support");
        await host.DrainAsync();
        var updated = host.Log.All.Skip(before).ShouldHaveSingleItem(); // the posted sweep, updated in place: the row is decided
        updated.Kind.ShouldBe(OutboxKind.Update);
        var row = updated.Report.ShouldNotBeNull().Sections.ShouldHaveSingleItem();
        row.Actions.ShouldBeEmpty();
        row.Lines.ShouldHaveSingleItem().Text.ShouldStartWith("✓ Kept in the icebox by Priya PM on ");
        row.Lines[0].Text.ShouldEndWith(": Still wanted by support");
        var after = await PostAsync(host, "report icebox");
        after.Sections.ShouldHaveSingleItem().Heading.ShouldBe("Nothing to sweep");
    }

    [Fact]
    public async Task Clinic_PostsTheAgendaThenABallotPerAgendaItemInItsThread()
    {
        await using var host = await StartAsync();

        (await host.SayAsync(Seed.Facilitator, Here, "clinic")).ShouldBeOfType<ReplyOutcome>();
        await host.DrainAsync();

        var kickoff = host.Log.All.Single(s => s.Title == "Triage clinic agenda");
        Section(kickoff.Report!, "Still New, oldest first").ShouldBe(
            ["REP-8 Search box loses focus · Engineering bug, reported Wed 10 Mar 2027", "REP-11 Export to CSV · Feature request, reported Wed 10 Mar 2027"]);
        Section(kickoff.Report!, "Top 2 of the ready queue (2 in all)").ShouldBe(["REP-12 Team workspaces · total 17", "REP-9 Slow dashboard load · total 15"]);
        Section(kickoff.Report!, "Due for re-scoring (not scored for 2 months)").ShouldBe(
            ["REP-14 Guardrail for legal terms · Icebox, last scored Wed 1 Jul 2026", "REP-13 Tooltip typo in settings · Icebox, last scored Sat 1 Aug 2026"]);
        var ballots = host.Log.All.Where(s => s.View is BallotView).ToList();
        ballots.Select(b => ((BallotView)b.View).Item.Key).ShouldBe(["REP-8", "REP-11", "REP-12", "REP-9", "REP-14", "REP-13"], ignoreOrder: true);
        ballots.ShouldAllBe(b => b.Target.ThreadId == kickoff.PlatformMessageId);
    }

    [Fact]
    public async Task EveryReportAndClinicPost_PassesTheBlockKitAndAdaptiveCardChecks()
    {
        await using var host = await StartAsync();
        foreach (var command in new[] { "report weekly", "report allocation", "report icebox", "clinic", "schedule" })
        {
            var reply = await host.SayAsync(Seed.Facilitator, Here, command);
            if (reply is ReplyOutcome { View: ReportView schedules })
            {
                host.Log.Add(new Sent("reply", OutboxKind.Ephemeral, Here, schedules, ReportBacklog.Now, null, "reply"));
            }
        }

        await host.DrainAsync();
        var views = host.Log.All.Select(s => s.View).ToList();
        views.Count.ShouldBeGreaterThanOrEqualTo(11);

        var constants = views.Select((v, i) => BlockKitTypeCheck.Message($"post{i}", BlockKitRenderer.Render(v).ToJson())).ToList();
        var (code, tscOutput) = await BlockKitTypeCheck.CompileAsync(constants);
        code.ShouldBe(0, "tsc found Block Kit errors:\n" + tscOutput);

        var folder = Directory.CreateTempSubdirectory("triagebot-report-cards-").FullName;
        try
        {
            for (var i = 0; i < views.Count; i++)
            {
                await File.WriteAllTextAsync(Path.Combine(folder, $"post{i}.json"), AdaptiveCardRenderer.Render(views[i]).ToJsonString());
            }

            var result = await NodeTools.RunAsync("validate-cards.mjs", NodeTools.SchemaPath("adaptive-card-1.5.0.schema.json"), folder);
            var files = result["files"]!.AsArray();
            files.Count.ShouldBe(views.Count);
            foreach (var file in files.Select(f => f!))
            {
                file["schemaErrors"]!.AsArray().ShouldBeEmpty($"{file["file"]}: {file["schemaErrors"]!.ToJsonString()}");
                file["parseEvents"]!.AsArray().ShouldBeEmpty($"{file["file"]}: {file["parseEvents"]!.ToJsonString()}");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    internal static async Task<TestHost> StartAsync(string? publicBaseUrl = null)
    {
        var host = TestHost.Sqlite(ReportBacklog.Now, publicBaseUrl);
        await ReportBacklog.SeedAsync(host.Store);
        return host;
    }

    internal static async Task<ReportView> PostAsync(TestHost host, string command, ConversationAddress? place = null)
    {
        var before = host.Log.All.Count;
        // One post (issue 19): the acknowledgement goes out at once and is updated in place into the report.
        (await host.SayAsync(Seed.Facilitator, place ?? Here, command)).ShouldBeOfType<NoOutcome>();
        await host.DrainAsync();
        var delivered = host.Log.All.Skip(before).ToList();
        var ack = delivered.First(s => s.Kind == OutboxKind.Post);
        var sent = delivered.Where(s => s.MessageRef == ack.MessageRef).ToList(); // other posts' updates may go out meanwhile
        sent.Select(s => s.Kind).ShouldBe([OutboxKind.Post, OutboxKind.Update]);
        sent[0].View.ShouldBeOfType<TextView>().Text.ShouldStartWith("Preparing the ");
        sent[1].PlatformMessageId.ShouldBe(sent[0].PlatformMessageId);
        sent.ShouldAllBe(s => s.Target.ChannelId == (place ?? Here).ChannelId);
        return sent[1].Report.ShouldNotBeNull();
    }

    private static List<string> Section(ReportView report, string heading) =>
        report.Sections.Single(s => s.Heading == heading).Lines.Select(l => l.Text).ToList();
}
