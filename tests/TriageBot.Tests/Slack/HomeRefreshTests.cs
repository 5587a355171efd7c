using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.UseCases;
using TriageBot.Scheduling;
using TriageBot.Slack.Tests.Fakes;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>
/// Issue 20: App Homes also change when nothing was asked of the bot — the scheduler posts a clinic's ballots, an item is
/// changed by the CLI import or a tracker webhook through the write path. Through the real host on a fake clock: the
/// affected person's home is published again (<c>views.publish</c> to the fake Slack), nobody else's, at most once per window.
/// </summary>
public sealed class HomeRefreshTests
{
    private static List<SlackApiCall> Publishes(SlackHost h, SlackPerson who) =>
        [.. h.Api.CallsTo("views.publish").Where(c => c.Status == 200 && (string?)c.Json["user_id"] == who.Id)];

    private static bool Shows(SlackApiCall publish, string text) => TextOf(publish.Json["view"]!["blocks"]).Contains(text, StringComparison.Ordinal);

    private static Task<SlackHost> HostAsync(FakeTimeProvider time) => SlackHost.StartAsync(b =>
    {
        b.UseSetting("Homes:Enabled", "false");
        b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(time));
    });

    private static async Task OpenHomeAsync(SlackHost h, SlackPerson who)
    {
        var before = Publishes(h, who).Count;
        (await h.EventAsync(AppHomeTests.HomeOpened(who))).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Eventually.Async(() => Publishes(h, who).Count > before, () => $"{who.Name}'s home to be published");
    }

    /// <summary>Changes an item the way the CLI import or a tracker webhook does: through the one write path, no request.</summary>
    private static async Task RetitleAsync(SlackHost h, FakeTimeProvider time, int number, string title)
    {
        var stored = (await h.Store.Items.GetAsync(BacklogId, number, default)).ShouldNotBeNull();
        var change = new ItemChange(stored.Value with { Title = title }, []);
        await h.Store.Writes.WriteAsync(ItemWrite.Changed(stored.Value, stored.ETag, change, new UserRef(Platform.Slack, "USYNC", "tracker"), time.GetUtcNow()), default);
    }

    [Fact]
    public async Task An_item_changed_through_the_write_path_outside_any_request_republishes_only_the_affected_persons_home_and_at_most_once_per_window()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await HostAsync(time);
        var watch = h.Services.GetRequiredService<HomeWatch>();
        await SetUpChannelAsync(h);
        await MakeEliEngineerAsync(h);
        var item = await ReportAsync(h, Eli, "bug", "Search ignores typos");
        await OpenHomeAsync(h, Ada);
        await OpenHomeAsync(h, Eli);
        (await watch.TickAsync(default)).ShouldBeEmpty("the first pass after a start only notes where things stand");

        await RetitleAsync(h, time, item.Number, "Search ignores typos and accents");
        time.Advance(watch.Window);
        var queued = await watch.TickAsync(default);

        queued.Select(p => p.UserId).ShouldBe([Eli.Id], "Ada's home shows nothing of Eli's item");
        await Eventually.Async(() => Publishes(h, Eli).Count == 2, () => "Eli's home to be published again");
        Shows(Publishes(h, Eli)[^1], "Search ignores typos and accents").ShouldBeTrue();
        Publishes(h, Ada).Count.ShouldBe(1);

        // Two more changes within one window: the first waits, and both are published once, after the window.
        await RetitleAsync(h, time, item.Number, "Search ignores typos, v3");
        time.Advance(TimeSpan.FromSeconds(10));
        (await watch.TickAsync(default)).ShouldBeEmpty("Eli's home was queued less than a window ago");
        await RetitleAsync(h, time, item.Number, "Search ignores typos, v4");
        time.Advance(watch.Window - TimeSpan.FromSeconds(10));
        (await watch.TickAsync(default)).Select(p => p.UserId).ShouldBe([Eli.Id]);
        await Eventually.Async(() => Publishes(h, Eli).Count == 3, () => "Eli's home to be published a third time");
        Shows(Publishes(h, Eli)[^1], "Search ignores typos, v4").ShouldBeTrue();

        // Nothing changed since: nothing is published.
        time.Advance(watch.Window);
        (await watch.TickAsync(default)).ShouldBeEmpty();
        Publishes(h, Eli).Count.ShouldBe(3);
        Publishes(h, Ada).Count.ShouldBe(1);
    }

    [Fact]
    public async Task When_the_scheduler_posts_the_clinics_ballots_the_engineers_home_lists_the_ballot_and_a_person_of_no_backlog_is_left_alone()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await HostAsync(time);
        var watch = h.Services.GetRequiredService<HomeWatch>();
        await SetUpChannelAsync(h);
        await MakeEliEngineerAsync(h);
        await ReportAsync(h, Ada, "bug", "Refunds time out for large carts");
        var mia = Members[0];
        await OpenHomeAsync(h, Eli);
        await OpenHomeAsync(h, mia);
        Shows(Publishes(h, Eli)[^1], "Refunds time out").ShouldBeFalse("no ballot is posted yet");
        await watch.TickAsync(default);

        var backlog = (await BacklogsAsync(h.Store)).Single();
        var zone = IanaZone.Find(backlog.TimeZone);
        var clinic = CeremonyCalendar.Occurrences(CeremonyCalendar.InForce(backlog, zone), zone, time.GetUtcNow(), time.GetUtcNow() + TimeSpan.FromDays(15))
            .First(o => o.Kind == CeremonyKind.TriageClinic && o.At >= CeremonyCalendar.PostableFrom(backlog, CeremonyKind.TriageClinic));
        time.SetUtcNow(clinic.At + TimeSpan.FromMinutes(1));
        await h.Services.GetRequiredService<CeremonyScheduler>().TickAsync(default);
        await h.WaitForAsync("chat.postMessage", c => Mentions(c, "Scoring TRI-1"), "the clinic's TRI-1 ballot");
        time.Advance(watch.Window);
        var queued = await watch.TickAsync(default);

        queued.Select(p => p.UserId).ShouldContain(Eli.Id);
        queued.Select(p => p.UserId).ShouldNotContain(mia.Id);
        await Eventually.Async(() => Publishes(h, Eli).Count == 2, () => "Eli's home to be published again");
        var home = Publishes(h, Eli)[^1].Json["view"]!.AsObject();
        var blocks = TextOf(home["blocks"]);
        blocks.ShouldContain("Ballots waiting for your vote");
        blocks[blocks.IndexOf("Ballots waiting for your vote", StringComparison.Ordinal)..].ShouldContain("TRI-1");
        Publishes(h, mia).Count.ShouldBe(1);

        // Every home the fake Slack recorded is a valid App Home view for Slack's own types.
        var homes = h.Api.CallsTo("views.publish").Where(c => c.Status == 200).Select((c, i) => TriageBot.Slack.Tests.BlockKitTypeCheck.Home($"home_{i}", c.Json["view"]!.AsObject())).ToList();
        homes.Count.ShouldBeGreaterThanOrEqualTo(3);
        var (code, output) = await TriageBot.Slack.Tests.BlockKitTypeCheck.CompileAsync(homes);
        code.ShouldBe(0, "tsc found Block Kit errors in a published home:\n" + output);
    }

    [Fact]
    public async Task A_timebox_coming_within_seven_days_of_its_end_by_the_clock_alone_appears_in_its_owners_home_and_again_when_it_ends()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var h = await HostAsync(time);
        var watch = h.Services.GetRequiredService<HomeWatch>();
        await SetUpChannelAsync(h);
        await MakeEliEngineerAsync(h);
        var backlog = (await h.Store.Backlogs.GetAsync(BacklogId, default))!.Value;
        var now = time.GetUtcNow();
        var end = now + TimeSpan.FromDays(7) + TimeSpan.FromMinutes(5);
        var eli = new UserRef(Platform.Slack, Eli.Id, Eli.Name);
        await h.Store.Writes.WriteAsync(new ItemWrite
        {
            Item = new Item
            {
                BacklogId = BacklogId, Number = 700, Key = $"{backlog.KeyPrefix}-700", Title = "Retrain the ranking model", Stream = WorkStream.Model,
                Reporter = eli, Owner = eli, CreatedAt = now, State = ItemState.Active, StateSince = now, UpdatedAt = now,
                Model = new ModelFields { Timebox = new Timebox(14, end - TimeSpan.FromDays(14), end) },
            },
        }, default);
        await OpenHomeAsync(h, Eli);
        await OpenHomeAsync(h, Ada);
        Shows(Publishes(h, Eli)[^1], "timebox ends").ShouldBeFalse("the timebox ends in more than 7 days");
        await watch.TickAsync(default);
        time.Advance(watch.Window);
        (await watch.TickAsync(default)).ShouldBeEmpty("nothing changed yet");

        time.Advance(TimeSpan.FromMinutes(5));
        (await watch.TickAsync(default)).Select(p => p.UserId).ShouldBe([Eli.Id]);
        await Eventually.Async(() => Publishes(h, Eli).Count == 2, () => "Eli's home to be published with the timebox");
        Shows(Publishes(h, Eli)[^1], $"timebox ends {end:yyyy-MM-dd}").ShouldBeTrue();
        Publishes(h, Ada).Count.ShouldBe(1, "Ada's home shows no timebox of hers");

        // A week later the timebox has ended (and the week's ceremonies moved on: Ada's home changes too).
        time.Advance(TimeSpan.FromDays(7));
        (await watch.TickAsync(default)).Select(p => p.UserId).ShouldContain(Eli.Id);
        await Eventually.Async(() => Publishes(h, Eli).Count == 3, () => "Eli's home to be published with the timebox ended");
        Shows(Publishes(h, Eli)[^1], $"timebox ended {end:yyyy-MM-dd}").ShouldBeTrue();
    }
}
