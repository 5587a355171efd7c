using Microsoft.Data.Sqlite;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Storage.Sqlite;

namespace TriageBot.Storage.Tests;

/// <summary>
/// The SQLite store keeps bindings, backlogs and memberships in memory for a moment (every request reads them): its own
/// writes are seen at once, another process's within the 2 s bound, and a write refused on a stale version forgets them.
/// </summary>
public sealed class SqliteReadCacheTests : IAsyncLifetime
{
    private readonly string folder = Directory.CreateTempSubdirectory("triage-cache-").FullName;
    private SqliteTriageStore a = null!;
    private SqliteTriageStore b = null!;
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var path = Path.Combine(folder, "triagebot.db");
        a = new SqliteTriageStore(path);
        await a.InitializeAsync(Ct);
        b = new SqliteTriageStore(path);
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task OwnWrites_AreSeenByTheNextRead_AtOnce()
    {
        var backlog = Build.Backlog();
        (await a.Backlogs.TryCreateAsync(backlog, Ct)).ShouldBeTrue();
        var member = new Member(backlog.Id, Build.User("U7"), Role.Member);
        await a.Members.UpsertAsync(member, Ct);
        var binding = new Binding { Address = Build.Address("C7"), BacklogId = backlog.Id };
        await a.Bindings.UpsertAsync(binding, Ct);

        // Read once so each row is cached, then change each through the same store.
        (await a.Members.GetAsync(backlog.Id, member.User.Key, Ct)).ShouldNotBeNull().Role.ShouldBe(Role.Member);
        (await a.Bindings.GetAsync(Platform.Slack, "T1", "C7", Ct)).ShouldNotBeNull().Active.ShouldBeTrue();
        var read = (await a.Backlogs.GetAsync(backlog.Id, Ct)).ShouldNotBeNull();

        await a.Members.UpsertAsync(member with { Role = Role.Facilitator }, Ct);
        await a.Bindings.UpsertAsync(binding with { Active = false, InactiveReason = "removed" }, Ct);
        await a.Backlogs.ReplaceAsync(read.Value with { Name = "Renamed" }, read.ETag, Ct);

        (await a.Members.GetAsync(backlog.Id, member.User.Key, Ct)).ShouldNotBeNull().Role.ShouldBe(Role.Facilitator);
        (await a.Bindings.GetAsync(Platform.Slack, "T1", "C7", Ct)).ShouldNotBeNull().Active.ShouldBeFalse();
        (await a.Backlogs.GetAsync(backlog.Id, Ct)).ShouldNotBeNull().Value.Name.ShouldBe("Renamed");
    }

    [Fact]
    public async Task AWriteRefusedOnAStaleVersion_ForgetsTheCachedRead_SoTheRetrySeesTheNewRow()
    {
        var backlog = Build.Backlog();
        await a.Backlogs.TryCreateAsync(backlog, Ct);
        var cached = (await a.Backlogs.GetAsync(backlog.Id, Ct)).ShouldNotBeNull();
        var other = (await b.Backlogs.GetAsync(backlog.Id, Ct)).ShouldNotBeNull();
        await b.Backlogs.ReplaceAsync(other.Value with { Name = "Changed elsewhere" }, other.ETag, Ct);

        await Should.ThrowAsync<ConcurrencyException>(() => a.Backlogs.ReplaceAsync(cached.Value with { Name = "Mine" }, cached.ETag, Ct));

        var fresh = (await a.Backlogs.GetAsync(backlog.Id, Ct)).ShouldNotBeNull();
        fresh.Value.Name.ShouldBe("Changed elsewhere");
        await a.Backlogs.ReplaceAsync(fresh.Value with { Name = "Mine" }, fresh.ETag, Ct);
        (await b.Backlogs.GetAsync(backlog.Id, Ct)).ShouldNotBeNull().Value.Name.ShouldBe("Mine");
    }

    [Fact]
    public async Task AnotherProcessesWrite_IsSeenOnceTheCachedReadIsTwoSecondsOld()
    {
        var backlog = Build.Backlog();
        await a.Backlogs.TryCreateAsync(backlog, Ct);
        var member = new Member(backlog.Id, Build.User("U8"), Role.Member);
        await a.Members.UpsertAsync(member, Ct);
        (await a.Members.GetAsync(backlog.Id, member.User.Key, Ct)).ShouldNotBeNull().Role.ShouldBe(Role.Member);

        var changed = System.Diagnostics.Stopwatch.StartNew();
        await b.Members.UpsertAsync(member with { Role = Role.Engineer }, Ct);

        Member? seen = null;
        while (changed.Elapsed < TimeSpan.FromSeconds(10) && seen?.Role != Role.Engineer)
        {
            seen = await a.Members.GetAsync(backlog.Id, member.User.Key, Ct);
            await Task.Yield();
        }

        seen.ShouldNotBeNull().Role.ShouldBe(Role.Engineer, "the cached membership is at most 2 s old");
    }
}
