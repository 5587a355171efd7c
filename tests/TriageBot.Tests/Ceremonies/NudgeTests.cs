using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;

namespace TriageBot.Tests.Ceremonies;

/// <summary>Nudges by direct message from the scheduler's hourly pass: once per unanswered capability note, once per ended timebox.</summary>
public sealed class NudgeTests
{
    [Fact]
    public async Task ACapabilityNoteUnansweredForTwoWorkingDays_GetsOneDmPerEngineer_AndNotAgain()
    {
        // REP-11 asked for its note on Wednesday 10 March 10:00 UTC: due Friday 12 March 10:00.
        await using var host = TestHost.Sqlite(ReportBacklog.At(2027, 3, 12, 8));
        await ReportBacklog.SeedAsync(host.Store);

        await TickAsync(host, ReportBacklog.At(2027, 3, 12, 9) + TimeSpan.FromMinutes(30));
        NoteDms(host).ShouldBeEmpty("two working days have not passed yet");

        await TickAsync(host, ReportBacklog.At(2027, 3, 12, 10) + TimeSpan.FromMinutes(1));
        var dms = NoteDms(host);
        dms.Select(d => d.Target.UserId).ShouldBe([Seed.Engineer1.UserId, Seed.Engineer2.UserId], ignoreOrder: true);
        var section = dms[0].Report!.Sections.ShouldHaveSingleItem();
        section.Heading.ShouldBe("REP-11 Export to CSV");
        section.Actions.ShouldHaveSingleItem().ActionId.ShouldBe(ButtonIds.AddCapabilityNote);

        await TickAsync(host, ReportBacklog.At(2027, 3, 12, 11) + TimeSpan.FromMinutes(1));
        await TickAsync(host, ReportBacklog.At(2027, 3, 15, 10) + TimeSpan.FromMinutes(1));
        NoteDms(host).Count.ShouldBe(2, "the reminder goes out once");
    }

    [Fact]
    public async Task AnEndedTimebox_GetsOneDmToItsOwner_WithExtendCloseAndDone()
    {
        // REP-7's timebox ended Friday 12 March 09:00 UTC.
        await using var host = TestHost.Sqlite(ReportBacklog.At(2027, 3, 12, 8));
        await ReportBacklog.SeedAsync(host.Store);

        await TickAsync(host, ReportBacklog.At(2027, 3, 12, 8) + TimeSpan.FromMinutes(30));
        TimeboxDms(host).ShouldBeEmpty();

        await TickAsync(host, ReportBacklog.At(2027, 3, 12, 9) + TimeSpan.FromMinutes(5));
        await TickAsync(host, ReportBacklog.At(2027, 3, 12, 10) + TimeSpan.FromMinutes(5));
        var dm = TimeboxDms(host).ShouldHaveSingleItem();
        dm.Kind.ShouldBe(OutboxKind.Direct);
        dm.Target.UserId.ShouldBe(Seed.Engineer1.UserId);
        var section = dm.Report!.Sections.ShouldHaveSingleItem();
        section.Heading.ShouldBe("REP-7 Tune retrieval for long queries");
        section.Actions.Select(a => (a.ActionId, a.Argument)).ShouldBe([(ButtonIds.Extend, "rep/7"), (ButtonIds.Close, "rep/7"), (ButtonIds.Done, "rep/7")]);
    }

    [Fact]
    public async Task AChannelTheBotWasRemovedFrom_IsMarkedInactive_AndTheFacilitatorsAreTold()
    {
        await using var host = await ReportTests.StartAsync();
        host.Log.Script = m => m.Kind == OutboxKind.Post ? new SendFailedPermanently("channel_not_found", ChannelLost: true) : null;

        await host.SayAsync(Seed.Facilitator, Seed.Channel("C-rep"), "report weekly");
        await host.DrainAsync();

        var binding = await host.Store.Bindings.GetAsync(Platform.Playground, "local", "C-rep", CancellationToken.None);
        binding!.Active.ShouldBeFalse();
        binding.InactiveReason.ShouldBe("channel_not_found");
        var notice = host.Log.All.ShouldHaveSingleItem();
        notice.Kind.ShouldBe(OutboxKind.Direct);
        notice.Target.UserId.ShouldBe(Seed.Facilitator.UserId);
        notice.View.ShouldBeOfType<TextView>().Text.ShouldContain("can no longer post");
    }

    private static List<Sent> NoteDms(TestHost host) => host.Log.All.Where(s => s.Title == "Capability notes waiting for you").ToList();

    private static List<Sent> TimeboxDms(TestHost host) => host.Log.All.Where(s => s.Title == "Timeboxes that ended").ToList();

    private static async Task TickAsync(TestHost host, DateTimeOffset at)
    {
        host.SetTime(at);
        await host.Scheduler.TickAsync(CancellationToken.None);
        await host.DrainAsync();
    }
}
