using TriageBot.Core.Items;
using TriageBot.Core.Ports;

namespace TriageBot.Tests.Quarter;

/// <summary>The people of the quarter, whatever the platform calls them.</summary>
public enum Who { Facilitator, Engineer1, Engineer2, Member }

/// <summary>A message the bot posted in the team's channel (or its threads), as it reads now: after its latest update.</summary>
public sealed record ChannelMessage(string Id, string Text, IReadOnlyList<string> Actions)
{
    public bool Shows(string text) => Text.Contains(text, StringComparison.Ordinal);
}

/// <summary>
/// One platform driven the way its clients drive it: every human step a real request to the real host (signed Slack requests,
/// Bot Framework activities with real JWTs), everything the bot says read back from the platform's fake API. Time is a test clock.
/// </summary>
public interface IQuarterTeam
{
    ITriageStore Store { get; }

    string BacklogId { get; }

    /// <summary>How the platform names the person in the bot's messages.</summary>
    string Name(Who who);

    /// <summary>At <paramref name="at"/>: binds the channel to a backlog in UTC (the facilitator sets it up) and names two engineers.</summary>
    Task SetUpAsync(DateTimeOffset at);

    /// <summary>Moves the clock to <paramref name="at"/>, runs the ceremony scheduler once and delivers everything queued.</summary>
    Task TickAsync(DateTimeOffset at);

    /// <summary>A typed command; returns all the bot answered (the answer and the posts it caused), once delivered.</summary>
    Task<string> SayAsync(Who who, string text);

    /// <summary>A typed command that opens a form (<c>new bug</c>), filled in and submitted; returns the confirmation.</summary>
    Task<string> CommandFormAsync(Who who, string text, IReadOnlyDictionary<string, string> values);

    /// <summary>Every message the bot posted in the channel, in the order posted, each as it reads now.</summary>
    IReadOnlyList<ChannelMessage> Messages { get; }

    /// <summary>Presses a button on a message that changes things in place (reveal, keep scores); delivers what follows.</summary>
    Task PressAsync(Who who, ChannelMessage on, string actionId, string? arg = null);

    /// <summary>Presses a button that opens a form (vote, finalize, decide), fills it and submits it; returns the confirmation.</summary>
    Task<string> FormAsync(Who who, ChannelMessage on, string actionId, string? arg, IReadOnlyDictionary<string, string> values);
}

/// <summary>
/// A team's quarter on one backlog (issue 17), the same script on every platform: six clinics, an item left unscored across two
/// clinics, the ready queue re-scored in the thread (one kept in one click), a WIP breach refused then overridden, the monthly
/// allocation changed and published, and the icebox swept — an on-demand list and the quarterly one — until every row is decided.
/// Each step checks what people read; the earlier posts of an item are checked to stay true.
/// </summary>
public static class QuarterScript
{
    // Monday 4 January 2027, UTC. The default clinic is every other Wednesday 14:00 from that week: 6 and 20 January, 3 and
    // 17 February, 3 and 17 March; the allocation review is the first Monday of the month at 11:00.
    public static readonly DateTimeOffset Created = new(2027, 1, 4, 8, 0, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset[] Clinics =
    [
        new(2027, 1, 6, 14, 0, 0, TimeSpan.Zero), new(2027, 1, 20, 14, 0, 0, TimeSpan.Zero), new(2027, 2, 3, 14, 0, 0, TimeSpan.Zero),
        new(2027, 2, 17, 14, 0, 0, TimeSpan.Zero), new(2027, 3, 3, 14, 0, 0, TimeSpan.Zero), new(2027, 3, 17, 14, 0, 0, TimeSpan.Zero),
    ];

    public static async Task LiveAsync(IQuarterTeam t)
    {
        await t.SetUpAsync(Created);
        await t.TickAsync(Created.AddMinutes(5));
        var export = await ReportAsync(t, "Export fails for large workspaces");
        var search = await ReportAsync(t, "Search returns stale results");
        var flicker = await ReportAsync(t, "Login page flickers");

        // Clinic 1: all three on the agenda, a ballot each; two are scored into the ready queue, the third is left.
        var mark = t.Messages.Count;
        await t.TickAsync(Clinics[0]);
        BallotsSince(t, mark).ShouldBe([export.Key, search.Key, flicker.Key]);
        await VoteRevealFinalizeAsync(t, export, "2");
        await VoteRevealFinalizeAsync(t, search, "2");
        (await GetAsync(t, export)).State.ShouldBe(ItemState.Ready);
        await t.TickAsync(Clinics[0].AddHours(2));
        var summary = LatestStarting(t, "Triage clinic summary");
        summary.ShouldContain("Left unscored");
        summary.ShouldContain(flicker.Key);

        // Clinic 2: the unscored item is still on the agenda; the ready queue gets new, votable rounds (bulk re-scoring in the thread).
        mark = t.Messages.Count;
        await t.TickAsync(Clinics[1]);
        BallotsSince(t, mark).ShouldBe([flicker.Key, export.Key, search.Key]);
        var rescoring = NewestBallot(t, export);
        rescoring.Shows("round 2").ShouldBeTrue(rescoring.Text);
        rescoring.Actions.ShouldContain("vote");
        rescoring.Actions.ShouldContain("keepScore");
        // The clinic-1 ballot of the unscored item was closed when clinic 2 posted it again: no way to vote there.
        var flickerFirst = Ballots(t, flicker)[0];
        flickerFirst.Actions.ShouldNotContain("vote");
        flickerFirst.Shows("voting goes on there").ShouldBeTrue(flickerFirst.Text);
        await VoteRevealFinalizeAsync(t, export, "3");
        await t.PressAsync(Who.Facilitator, NewestBallot(t, search), "keepScore", $"{search.BacklogId}/{search.Number}");
        var rescored = await GetAsync(t, export);
        (rescored.Score!.Round, rescored.Score.Total, rescored.State).ShouldBe((2, 19, ItemState.Sprint));
        var kept = await GetAsync(t, search);
        (kept.Score!.Round, kept.Score.Total, kept.State).ShouldBe((2, 16, ItemState.Ready));
        NewestBallot(t, search).Actions.ShouldNotContain("vote");
        await t.TickAsync(Clinics[1].AddHours(2));

        // Clinic 3: the item left at two clinics is still there, and is scored now (with two bugs reported since); its two
        // earlier ballots show the outcome.
        var webhook = await ReportAsync(t, "Webhook retries pile up");
        var audit = await ReportAsync(t, "Audit log misses deleted users");
        mark = t.Messages.Count;
        await t.TickAsync(Clinics[2]);
        BallotsSince(t, mark)[0].ShouldBe(flicker.Key);
        BallotsSince(t, mark).ShouldContain(audit.Key);
        foreach (var item in new[] { flicker, webhook, audit })
        {
            await VoteRevealFinalizeAsync(t, item, "3");
        }

        var flickerBallots = Ballots(t, flicker);
        flickerBallots.Count.ShouldBe(3);
        foreach (var ballot in flickerBallots)
        {
            ballot.Shows("19").ShouldBeTrue(ballot.Text);
            ballot.Shows(t.Name(Who.Facilitator)).ShouldBeTrue(ballot.Text);
            ballot.Actions.ShouldNotContain("vote");
        }

        await t.TickAsync(Clinics[2].AddHours(2));
        LatestStarting(t, "Triage clinic summary").ShouldContain("Everything on the agenda was scored.");

        await ScoreOutsideAClinicAsync(t);
        await QuarterLimits.WipAsync(t, [export, flicker, webhook], audit);

        // Clinic 4; the allocation for April is changed and the review on the first Monday of March publishes it; clinics 5 and 6.
        await t.TickAsync(Clinics[3]);
        await t.TickAsync(Clinics[3].AddHours(2));
        (await t.SayAsync(Who.Facilitator, "allocation model 30 bug 30 feature 40 from 2027-04")).ShouldContain("30%");
        await t.TickAsync(new DateTimeOffset(2027, 3, 1, 11, 0, 0, TimeSpan.Zero));
        var review = LatestStarting(t, "Stream allocation review");
        review.ShouldContain("Allocation in force for April 2027");
        review.ShouldContain("Model 30%, bug 30%, feature 40%");
        review.ShouldContain(Core.Rubric.RubricRules.CautiousReleaseLabel);
        foreach (var at in Clinics[4..])
        {
            await t.TickAsync(at);
            await t.TickAsync(at.AddHours(2));
        }

        t.Messages.Count(m => m.Text.StartsWith("Triage clinic agenda", StringComparison.Ordinal)).ShouldBe(6);
        t.Messages.Count(m => m.Text.StartsWith("Triage clinic summary", StringComparison.Ordinal)).ShouldBe(6);

        await QuarterLimits.SweepAsync(t);
    }

    /// <summary>
    /// Scoring outside a clinic: the facilitator scores a new item alone and places it in the same form ("score and place");
    /// its intake confirmation in the channel stays true — it no longer offers a Score button.
    /// </summary>
    private static async Task ScoreOutsideAClinicAsync(IQuarterTeam t)
    {
        var item = await ReportAsync(t, "Dark mode toggle resets on reload");
        bool OffersScore(ChannelMessage m) => m.Shows(item.Key) && m.Actions.Contains("vote");
        t.Messages.Count(OffersScore).ShouldBe(1, "the intake confirmation offers Score");
        (await t.CommandFormAsync(Who.Facilitator, $"score {item.Key}", new Dictionary<string, string>
        {
            ["impact"] = "2", ["confidence"] = "2", ["rollback"] = "2", ["delay"] = "2", ["scoreAndPlace"] = "place",
        })).ShouldContain($"{item.Key} scored and placed: 16 → Ready.");
        (await GetAsync(t, item)).State.ShouldBe(ItemState.Ready);
        t.Messages.Count(OffersScore).ShouldBe(0, "no post still offers to score it");
    }

    /// <summary>Each engineer votes <paramref name="impact"/>/2/2/2 through the vote form; the facilitator reveals and finalizes the medians.</summary>
    internal static async Task VoteRevealFinalizeAsync(IQuarterTeam t, Item item, string impact)
    {
        var scores = new Dictionary<string, string> { ["impact"] = impact, ["confidence"] = "2", ["rollback"] = "2", ["delay"] = "2" };
        foreach (var engineer in new[] { Who.Engineer1, Who.Engineer2 })
        {
            (await t.FormAsync(engineer, NewestBallot(t, item), "vote", null, scores)).ShouldContain("is in");
        }

        var voted = NewestBallot(t, item);
        voted.Shows("voted so far").ShouldBeTrue(voted.Text);
        voted.Shows(t.Name(Who.Engineer2)).ShouldBeTrue(voted.Text);
        await t.PressAsync(Who.Facilitator, NewestBallot(t, item), "reveal");
        NewestBallot(t, item).Shows("median").ShouldBeTrue(NewestBallot(t, item).Text);
        (await t.FormAsync(Who.Facilitator, NewestBallot(t, item), "finalize", null, new Dictionary<string, string>())).ShouldContain($"{item.Key} finalized");
        var final = NewestBallot(t, item);
        final.Shows("Finalized").ShouldBeTrue(final.Text);
        final.Actions.ShouldNotContain("vote");
    }

    internal static async Task<Item> ReportAsync(IQuarterTeam t, string title)
    {
        (await t.CommandFormAsync(Who.Member, "new bug", new Dictionary<string, string> { ["title"] = title })).ShouldContain("Reported");
        await foreach (var item in t.Store.Items.QueryAsync(new ItemQuery(t.BacklogId), CancellationToken.None))
        {
            if (item.Title == title)
            {
                return item;
            }
        }

        throw new InvalidOperationException($"'{title}' was not stored.");
    }

    internal static async Task<Item> GetAsync(IQuarterTeam t, Item item) => (await t.Store.Items.GetAsync(item.BacklogId, item.Number, CancellationToken.None))!.Value;

    /// <summary>Every ballot message of the item, oldest first.</summary>
    private static List<ChannelMessage> Ballots(IQuarterTeam t, Item item) => [.. t.Messages.Where(m => IsBallotOf(m, item.Key))];

    private static ChannelMessage NewestBallot(IQuarterTeam t, Item item) => Ballots(t, item).Last();

    private static bool IsBallotOf(ChannelMessage m, string key) => m.Text.StartsWith($"Scoring {key}", StringComparison.Ordinal);

    /// <summary>The item keys of the ballots posted after the first <paramref name="mark"/> messages, in order.</summary>
    private static List<string> BallotsSince(IQuarterTeam t, int mark) =>
        [.. t.Messages.Skip(mark).Where(m => m.Text.StartsWith("Scoring ", StringComparison.Ordinal)).Select(m => m.Text["Scoring ".Length..].Split(' ', ':')[0])];

    private static string LatestStarting(IQuarterTeam t, string title) =>
        t.Messages.LastOrDefault(m => m.Text.StartsWith(title, StringComparison.Ordinal))?.Text ?? throw new InvalidOperationException($"No '{title}' was posted.");
}
