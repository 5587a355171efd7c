using System.Runtime.CompilerServices;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Voting;

namespace TriageBot.Storage.Tests;

/// <summary>Issue 14: ETag-checked members and bindings with concurrent writers, and the all-or-nothing restore, on every backend.</summary>
public abstract partial class TriageStoreContract
{
    // ---------- members: the roster's ETag ----------

    [Fact]
    public async Task Members_TwoFacilitatorsDemotingThemselvesAtOnceThroughTwoInstances_OneOfThemStaysFacilitator()
    {
        var backlog = Build.Id();
        var (ada, bo) = (Build.User("U1", "Ada"), Build.User("U2", "Bo"));
        await Store.Members.UpsertAsync(new Member(backlog, ada, Role.Facilitator), Ct);
        await Store.Members.UpsertAsync(new Member(backlog, bo, Role.Facilitator), Ct);
        var other = await OpenAsync(scope);

        // Both read the roster (two facilitators: each may step down) before either writes.
        var seenByAda = await Store.Members.ListVersionedAsync(backlog, Ct);
        var seenByBo = await other.Members.ListVersionedAsync(backlog, Ct);
        seenByAda.Value.Count(m => m.Role == Role.Facilitator).ShouldBe(2);
        seenByBo.Value.Count(m => m.Role == Role.Facilitator).ShouldBe(2);

        await Store.Members.UpsertAsync(new Member(backlog, ada, Role.Engineer), seenByAda.ETag, Ct);
        await Should.ThrowAsync<ConcurrencyException>(() => other.Members.UpsertAsync(new Member(backlog, bo, Role.Engineer), seenByBo.ETag, Ct));

        var roster = await other.Members.ListAsync(backlog, Ct);
        roster.Single(m => m.Role == Role.Facilitator).User.ShouldBe(bo);
        roster.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Members_EightFacilitatorsDemotingThemselvesAtOnceThroughFourInstances_NeverLeaveTheBacklogWithoutOne()
    {
        var backlog = Build.Id();
        var people = Enumerable.Range(1, 8).Select(i => Build.User($"U{i}", $"Person {i}")).ToList();
        foreach (var person in people)
        {
            await Store.Members.UpsertAsync(new Member(backlog, person, Role.Facilitator), Ct);
        }

        var instances = new List<ITriageStore> { Store };
        for (var i = 1; i < 4; i++)
        {
            instances.Add(await OpenAsync(scope));
        }

        // Each runs the rule "step down only if another facilitator remains", retrying with a fresh roster when it loses a race.
        var outcomes = await Task.WhenAll(people.Select((person, i) => Task.Run(async () =>
        {
            var store = instances[i % 4];
            while (true)
            {
                var roster = await store.Members.ListVersionedAsync(backlog, Ct);
                if (roster.Value.Count(m => m.Role == Role.Facilitator) <= 1)
                {
                    return false;
                }

                try
                {
                    await store.Members.UpsertAsync(new Member(backlog, person, Role.Engineer), roster.ETag, Ct);
                    return true;
                }
                catch (ConcurrencyException)
                {
                }
            }
        }, Ct)));

        outcomes.Count(stepped => stepped).ShouldBe(7);
        (await Store.Members.ListAsync(backlog, Ct)).Count(m => m.Role == Role.Facilitator).ShouldBe(1);
    }

    [Fact]
    public async Task Members_AnyWriteToTheRoster_MakesAnEarlierRosterVersionStale()
    {
        var backlog = Build.Id();
        var empty = await Store.Members.ListVersionedAsync(backlog, Ct);
        empty.Value.ShouldBeEmpty();
        await Store.Members.UpsertAsync(new Member(backlog, Build.User("U1"), Role.Facilitator), empty.ETag, Ct);
        await Should.ThrowAsync<ConcurrencyException>(() => Store.Members.UpsertAsync(new Member(backlog, Build.User("U2"), Role.Facilitator), empty.ETag, Ct));

        var read = await Store.Members.ListVersionedAsync(backlog, Ct);
        await Store.Members.UpsertAsync(new Member(backlog, Build.User("U3"), Role.Member), Ct);

        await Should.ThrowAsync<ConcurrencyException>(() => Store.Members.UpsertAsync(new Member(backlog, Build.User("U1"), Role.Engineer), read.ETag, Ct));
        (await Store.Members.GetAsync(backlog, "slack:U1", Ct))!.Role.ShouldBe(Role.Facilitator);
        (await Store.Members.ListAsync(backlog, Ct)).Select(m => m.User.UserId).ShouldBe(["U1", "U3"], ignoreOrder: true);
    }

    // ---------- bindings: the binding's ETag ----------

    [Fact]
    public async Task Binding_DeactivationWithAnETagReadBeforeAConcurrentSetup_IsRefused_AndTheSetupStands()
    {
        var (old, fresh) = (Build.Id(), Build.Id());
        await Store.Bindings.UpsertAsync(new Binding { Address = Build.Address("C7"), BacklogId = old }, Ct);
        var other = await OpenAsync(scope);

        // The delivery worker reads the binding to mark it lost; meanwhile someone runs setup in the channel.
        var read = (await Store.Bindings.GetVersionedAsync(Platform.Slack, "T1", "C7", Ct))!;
        await other.Bindings.UpsertAsync(new Binding { Address = Build.Address("C7"), BacklogId = fresh, Roles = ChannelRoles.Clinic }, Ct);

        await Should.ThrowAsync<ConcurrencyException>(() =>
            Store.Bindings.ReplaceAsync(read.Value with { Active = false, InactiveReason = "bot removed" }, read.ETag, Ct));

        var now = (await other.Bindings.GetAsync(Platform.Slack, "T1", "C7", Ct))!;
        now.Active.ShouldBeTrue();
        now.BacklogId.ShouldBe(fresh);
        now.Roles.ShouldBe(ChannelRoles.Clinic);
    }

    [Fact]
    public async Task Binding_ReplaceWithItsCurrentETag_Succeeds_AndReturnsANewOne_AndAMissingBindingIsAConflict()
    {
        var backlog = Build.Id();
        await Store.Bindings.UpsertAsync(new Binding { Address = Build.Address("C8"), BacklogId = backlog }, Ct);
        var read = (await Store.Bindings.GetVersionedAsync(Platform.Slack, "T1", "C8", Ct))!;

        var saved = await Store.Bindings.ReplaceAsync(read.Value with { Active = false, InactiveReason = "gone" }, read.ETag, Ct);

        saved.ETag.ShouldNotBe(read.ETag);
        (await Store.Bindings.GetAsync(Platform.Slack, "T1", "C8", Ct))!.Active.ShouldBeFalse();
        await Should.ThrowAsync<ConcurrencyException>(() => Store.Bindings.ReplaceAsync(read.Value, read.ETag, Ct));
        await Should.ThrowAsync<ConcurrencyException>(() =>
            Store.Bindings.ReplaceAsync(new Binding { Address = Build.Address("C-none"), BacklogId = backlog }, saved.ETag, Ct));
        (await Store.Bindings.GetAsync(Platform.Slack, "T1", "C-none", Ct)).ShouldBeNull();
    }

    // ---------- restore: all or nothing ----------

    private IBacklogAdministration Admin => Backend.Administration;

    /// <summary>A backlog with two items, their history, a vote, a member and a binding: the "old" one a restore replaces.</summary>
    private async Task<Backlog> OldBacklogAsync()
    {
        var backlog = Build.Backlog() with { Name = "Old" };
        (await Store.Backlogs.TryCreateAsync(backlog, Ct)).ShouldBeTrue();
        await Store.Members.UpsertAsync(new Member(backlog.Id, Build.User("U1"), Role.Facilitator), Ct);
        await Store.Bindings.UpsertAsync(new Binding { Address = Build.Address("C-old"), BacklogId = backlog.Id }, Ct);
        for (var n = 1; n <= 2; n++)
        {
            await Store.Writes.WriteAsync(new ItemWrite { Item = Build.Item(backlog.Id, await Store.Items.AllocateNumberAsync(backlog.Id, Ct), title: $"Old {n}") }, Ct);
            await Store.History.AppendAsync([Build.History(backlog.Id, n, Build.T0.AddHours(n))], Ct);
        }

        await Store.Votes.UpsertAsync(Build.Vote(backlog.Id, 1, "U1"), Ct);
        return backlog;
    }

    private static async IAsyncEnumerable<object> NewRecords(string backlogId, int items, int failAt = 0, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var n = 0;
        for (var i = 1; i <= items; i++)
        {
            if (++n == failAt)
            {
                throw new StoreUnavailableException("failed part-way");
            }

            yield return Build.Item(backlogId, i, title: $"New {i}");
        }

        for (var i = 1; i <= items; i++)
        {
            if (++n == failAt)
            {
                throw new StoreUnavailableException("failed part-way");
            }

            yield return Build.History(backlogId, i, Build.T0.AddDays(1).AddHours(i), HistoryKind.Created);
        }

        await Task.CompletedTask;
        yield return Build.Vote(backlogId, 2, "U7");
        yield return Build.Claim(backlogId, "2026-03-03T10:00", "host");
    }

    private static BacklogRestore NewBacklog(Backlog old, int items, int failAt = 0) => new()
    {
        Backlog = old with { Name = "New" },
        Members = [new Member(old.Id, Build.User("U7", "Nia"), Role.Facilitator)],
        Bindings = [new Binding { Address = Build.Address("C-new"), BacklogId = old.Id }],
        Counter = items,
        Records = NewRecords(old.Id, items, failAt),
        Replace = true,
    };

    /// <summary>Everything a restore replaces, as one line: name | titles | history entries | members | channels | votes.</summary>
    private async Task<string> SnapshotAsync(string backlogId) => string.Join(" | ",
        (await Store.Backlogs.GetAsync(backlogId, Ct))?.Value.Name ?? "(none)",
        string.Join(",", await Store.Items.QueryAsync(new ItemQuery(backlogId), Ct).Select(i => i.Title).ToListAsync(Ct)),
        await Store.History.ReadAsync(backlogId, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, Ct).CountAsync(Ct),
        string.Join(",", (await Store.Members.ListAsync(backlogId, Ct)).Select(m => m.User.UserId).Order()),
        string.Join(",", await Store.Bindings.ListForBacklogAsync(backlogId, Ct).Select(b => b.Address.ChannelId).ToListAsync(Ct)),
        (await Store.Votes.ListAsync(backlogId, 1, 1, Ct)).Count + (await Store.Votes.ListAsync(backlogId, 2, 1, Ct)).Count);

    [Fact]
    public async Task Restore_Replace_PutsTheWholeNewBacklogInPlace_AndTheCounterAfterItsItems()
    {
        var old = await OldBacklogAsync();

        await Admin.RestoreAsync(NewBacklog(old, items: 5), Ct);

        (await SnapshotAsync(old.Id)).ShouldBe("New | New 1,New 2,New 3,New 4,New 5 | 5 | U7 | C-new | 1");
        (await Store.Bindings.GetAsync(Platform.Slack, "T1", "C-old", Ct)).ShouldBeNull();
        (await Store.Items.AllocateNumberAsync(old.Id, Ct)).ShouldBe(6);
        (await Store.Ledger.ListAsync(old.Id, Build.T0.AddYears(-1), Ct).CountAsync(Ct)).ShouldBe(1);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(9)]
    public async Task Restore_Replace_FailingPartWay_LeavesTheOldBacklogWhole(int failAt)
    {
        var old = await OldBacklogAsync();
        var before = await SnapshotAsync(old.Id);

        await Should.ThrowAsync<StoreUnavailableException>(() => Admin.RestoreAsync(NewBacklog(old, items: 5, failAt), Ct));

        (await SnapshotAsync(old.Id)).ShouldBe(before);
        before.ShouldBe("Old | Old 1,Old 2 | 2 | U1 | C-old | 1");
        (await Store.Items.AllocateNumberAsync(old.Id, Ct)).ShouldBe(3);
    }

    [Fact]
    public async Task Restore_OverAChannelBoundToAnotherBacklog_IsRefused_AndNothingChanges()
    {
        var old = await OldBacklogAsync();
        var before = await SnapshotAsync(old.Id);
        var elsewhere = Build.Id();
        await Store.Bindings.UpsertAsync(new Binding { Address = Build.Address("C-new"), BacklogId = elsewhere }, Ct);

        var refused = await Should.ThrowAsync<RestoreRefusedException>(() => Admin.RestoreAsync(NewBacklog(old, items: 3), Ct));

        refused.Message.ShouldContain($"bound to another backlog, '{elsewhere}'");
        (await SnapshotAsync(old.Id)).ShouldBe(before);
        (await Store.Bindings.GetAsync(Platform.Slack, "T1", "C-new", Ct))!.BacklogId.ShouldBe(elsewhere);
    }

    [Fact]
    public async Task Restore_WithoutReplace_OverAnExistingBacklog_IsRefused_AndNothingChanges()
    {
        var old = await OldBacklogAsync();
        var before = await SnapshotAsync(old.Id);

        await Should.ThrowAsync<RestoreRefusedException>(() => Admin.RestoreAsync(NewBacklog(old, items: 3) with { Replace = false }, Ct));

        (await SnapshotAsync(old.Id)).ShouldBe(before);
    }

    [Fact]
    public async Task Restore_Replace_MakesARosterVersionReadBeforeItStale()
    {
        var old = await OldBacklogAsync();
        var read = await Store.Members.ListVersionedAsync(old.Id, Ct);

        await Admin.RestoreAsync(NewBacklog(old, items: 1), Ct);

        await Should.ThrowAsync<ConcurrencyException>(() => Store.Members.UpsertAsync(new Member(old.Id, Build.User("U1"), Role.Engineer), read.ETag, Ct));
    }
}
