using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Teams;

/// <summary>
/// A WIP override through the real host (SPEC §12): an engineer's start is refused at the limit, and the facilitator starts the
/// item for them — the engineer becomes its owner, the override is recorded as the facilitator's.
/// </summary>
public sealed class TeamsWipOverrideTests(LocalOpenIdIssuer issuer) : TeamsFlow(issuer)
{
    private async Task<Item> BugAsync(string backlogId, int number, ItemState state, TeamsPerson? owner)
    {
        var at = P.Time.GetUtcNow().AddDays(-1);
        var backlog = (await P.Store.Backlogs.GetAsync(backlogId, Ct))!.Value;
        var item = new Item
        {
            BacklogId = backlogId, Number = number, Key = $"{backlog.KeyPrefix}-{number}", Title = $"Export fails for workspace {number}", Stream = WorkStream.Bug,
            Reporter = new UserRef(Platform.Teams, People.Grace.Id, People.Grace.Name), Owner = owner is null ? null : new UserRef(Platform.Teams, owner.Id, owner.Name),
            CreatedAt = at, State = state, StateSince = at, UpdatedAt = at, Bug = new BugFields(),
        };
        await P.Store.Writes.WriteAsync(new ItemWrite { Item = item }, Ct);
        return item;
    }

    [Fact]
    public async Task AnOverrideForAnEngineer_MakesTheEngineerTheOwner_AndRecordsTheFacilitatorsReason_ANonMemberIsRefused()
    {
        var backlogId = await SetUpAsync(People.Ada);
        await CommandAsync(People.Ada, "role {0} engineer", People.Eli);
        var settings = (await P.Store.Backlogs.GetAsync(backlogId, Ct))!.Value.Settings;
        var limit = Core.Streams.Wip.Limit(WorkStream.Bug, settings);
        for (var n = 0; n < limit; n++) await BugAsync(backlogId, 800 + n, ItemState.Active, People.Eli);
        var next = await BugAsync(backlogId, 850, ItemState.Sprint, null);

        var refused = string.Join("\n", (await CommandAsync(People.Eli, $"start {next.Key}")).Select(p => p.Text));
        refused.ShouldContain("WIP limit");
        refused.ShouldContain($"start {next.Key} for @person override <reason>");

        var notMember = string.Join("\n", (await CommandAsync(People.Ada, $"start {next.Key} for {{0}} override customer escalation", People.Ken)).Select(p => p.Text));
        notMember.ShouldContain("not a member");
        (await P.Store.Items.GetAsync(backlogId, 850, Ct))!.Value.State.ShouldBe(ItemState.Sprint);

        var started = string.Join("\n", (await CommandAsync(People.Ada, $"start {next.Key} for {{0}} override customer escalation from the largest account", People.Eli)).Select(p => p.Text));
        started.ShouldContain($"owner: {People.Eli.Name}");
        started.ShouldContain("WIP override recorded");
        var item = (await P.Store.Items.GetAsync(backlogId, 850, Ct))!.Value;
        item.State.ShouldBe(ItemState.Active);
        item.Owner!.UserId.ShouldBe(People.Eli.Id);
        var history = new List<HistoryEntry>();
        await foreach (var e in P.Store.History.ForItemAsync(backlogId, 850, Ct)) history.Add(e);
        var overridden = history.Single(e => e.Field == FieldIds.WipOverride);
        (overridden.Actor.UserId, overridden.Reason).ShouldBe((People.Ada.Id, "customer escalation from the largest account"));
    }
}
