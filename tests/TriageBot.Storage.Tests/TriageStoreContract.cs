using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;

namespace TriageBot.Storage.Tests;

/// <summary>
/// The behaviour every <see cref="ITriageStore"/> must have. Each backend runs all of it through a subclass;
/// every test gets a fresh, empty store.
/// </summary>
public abstract partial class TriageStoreContract : IAsyncLifetime
{
    private string scope = "";

    /// <summary>The backend under test: its store and its capabilities (maintenance, administration) as their own ports.</summary>
    protected StorageBackend Backend { get; private set; } = null!;

    protected ITriageStore Store => Backend.Store;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A new, initialized backend over the data of <paramref name="scope"/>: same scope, same data (as another app instance).</summary>
    protected abstract Task<StorageBackend> OpenBackendAsync(string scope);

    /// <summary>The store of a new, initialized backend over the data of <paramref name="scope"/>.</summary>
    protected async Task<ITriageStore> OpenAsync(string scope) => (await OpenBackendAsync(scope)).Store;

    /// <summary>A fresh scope id: a temp file for SQLite, a table prefix for Azure.</summary>
    protected abstract string NewScope();

    public virtual async ValueTask InitializeAsync()
    {
        scope = NewScope();
        Backend = await OpenBackendAsync(scope);
    }

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    // ---------- backlogs ----------

    [Fact]
    public async Task Backlog_Created_IsReadBackWithAnETag()
    {
        var backlog = Build.Backlog() with { Settings = new BacklogSettings { SprintThreshold = 20, TimeboxChoicesDays = [2, 5] } };

        (await Store.Backlogs.TryCreateAsync(backlog, Ct)).ShouldBeTrue();
        var read = await Store.Backlogs.GetAsync(backlog.Id, Ct);

        read.ShouldNotBeNull();
        read.Value.Settings.SprintThreshold.ShouldBe(20);
        read.Value.Settings.TimeboxChoicesDays.ShouldBe([2, 5]);
        read.Value.TimeZone.ShouldBe("Europe/Berlin");
        read.ETag.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task Backlog_CreatedTwice_SecondIsRefused()
    {
        var backlog = Build.Backlog();
        (await Store.Backlogs.TryCreateAsync(backlog, Ct)).ShouldBeTrue();

        (await Store.Backlogs.TryCreateAsync(backlog with { Name = "Other" }, Ct)).ShouldBeFalse();
        (await Store.Backlogs.GetAsync(backlog.Id, Ct))!.Value.Name.ShouldBe("Payments");
    }

    [Fact]
    public async Task Backlog_ReplaceWithStaleETag_ThrowsConcurrencyException()
    {
        var backlog = Build.Backlog();
        await Store.Backlogs.TryCreateAsync(backlog, Ct);
        var first = (await Store.Backlogs.GetAsync(backlog.Id, Ct))!;
        var second = await Store.Backlogs.ReplaceAsync(backlog with { Name = "Renamed" }, first.ETag, Ct);

        second.ETag.ShouldNotBe(first.ETag);
        await Should.ThrowAsync<ConcurrencyException>(() => Store.Backlogs.ReplaceAsync(backlog with { Name = "Late" }, first.ETag, Ct));
        (await Store.Backlogs.GetAsync(backlog.Id, Ct))!.Value.Name.ShouldBe("Renamed");
    }

    [Fact]
    public async Task Backlog_Missing_ReadsAsNull()
    {
        (await Store.Backlogs.GetAsync("nope", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task Backlog_FoundByDashboardToken_AndNotByAnotherToken()
    {
        var a = Build.Backlog(token: "tok-a");
        var b = Build.Backlog(token: "tok-b");
        await Store.Backlogs.TryCreateAsync(a, Ct);
        await Store.Backlogs.TryCreateAsync(b, Ct);

        (await Store.Backlogs.FindByDashboardTokenAsync("tok-b", Ct))!.Id.ShouldBe(b.Id);
        (await Store.Backlogs.FindByDashboardTokenAsync("tok-c", Ct)).ShouldBeNull();
        (await Store.Backlogs.FindByDashboardTokenAsync("", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task Backlog_RotatedToken_FindsByTheNewTokenOnly()
    {
        var backlog = Build.Backlog(token: "old");
        await Store.Backlogs.TryCreateAsync(backlog, Ct);
        var read = (await Store.Backlogs.GetAsync(backlog.Id, Ct))!;

        await Store.Backlogs.ReplaceAsync(backlog with { DashboardToken = "new" }, read.ETag, Ct);

        (await Store.Backlogs.FindByDashboardTokenAsync("old", Ct)).ShouldBeNull();
        (await Store.Backlogs.FindByDashboardTokenAsync("new", Ct))!.Id.ShouldBe(backlog.Id);
    }

    [Fact]
    public async Task Backlogs_Listed_IncludeEveryCreatedBacklog()
    {
        var ids = Enumerable.Range(0, 3).Select(_ => Build.Id()).ToList();
        foreach (var id in ids)
        {
            await Store.Backlogs.TryCreateAsync(Build.Backlog(id), Ct);
        }

        var listed = await Store.Backlogs.ListAsync(Ct).Select(b => b.Id).ToListAsync(Ct);

        listed.ShouldBe(ids, ignoreOrder: true);
    }

    // ---------- members and bindings ----------

    [Fact]
    public async Task Member_Upserted_ReplacesTheRoleAndIsListed()
    {
        var backlog = Build.Id();
        var ada = Build.User("U1", "Ada");
        await Store.Members.UpsertAsync(new Member(backlog, ada, Role.Member), Ct);
        await Store.Members.UpsertAsync(new Member(backlog, ada, Role.Facilitator), Ct);
        await Store.Members.UpsertAsync(new Member(backlog, Build.User("U2", "Bo"), Role.Engineer), Ct);
        await Store.Members.UpsertAsync(new Member(Build.Id(), ada, Role.Member), Ct);

        (await Store.Members.GetAsync(backlog, ada.Key, Ct))!.Role.ShouldBe(Role.Facilitator);
        (await Store.Members.GetAsync(backlog, "slack:U9", Ct)).ShouldBeNull();
        (await Store.Members.ListAsync(backlog, Ct)).Select(m => m.User.UserId).ShouldBe(["U1", "U2"], ignoreOrder: true);
    }

    [Fact]
    public async Task Binding_Upserted_IsFoundByChannelAndListedForItsBacklog()
    {
        var backlog = Build.Id();
        var teams = new Binding
        {
            Address = Build.Address("19:abc/def#x?y@thread.tacv2", "tenant-1", Platform.Teams) with { ServiceUrl = "https://smba.example/", TeamId = "19:team" },
            BacklogId = backlog,
            Roles = ChannelRoles.Clinic | ChannelRoles.Reports,
            ChannelName = "triage",
        };
        var slack = new Binding { Address = Build.Address("C42", "T1"), BacklogId = backlog, Roles = ChannelRoles.Intake };
        await Store.Bindings.UpsertAsync(teams, Ct);
        await Store.Bindings.UpsertAsync(slack, Ct);
        await Store.Bindings.UpsertAsync(new Binding { Address = Build.Address("C43", "T1"), BacklogId = Build.Id() }, Ct);

        var read = await Store.Bindings.GetAsync(Platform.Teams, "tenant-1", "19:abc/def#x?y@thread.tacv2", Ct);
        read.ShouldBe(teams);
        (await Store.Bindings.GetAsync(Platform.Slack, "tenant-1", "19:abc/def#x?y@thread.tacv2", Ct)).ShouldBeNull();
        (await Store.Bindings.ListForBacklogAsync(backlog, Ct).Select(b => b.Address.ChannelId).ToListAsync(Ct))
            .ShouldBe(["C42", "19:abc/def#x?y@thread.tacv2"], ignoreOrder: true);
    }

    [Fact]
    public async Task Binding_Rebound_MovesToTheNewBacklog()
    {
        var (first, second) = (Build.Id(), Build.Id());
        var binding = new Binding { Address = Build.Address("C1"), BacklogId = first };
        await Store.Bindings.UpsertAsync(binding, Ct);
        await Store.Bindings.UpsertAsync(binding with { BacklogId = second, Active = false, InactiveReason = "removed" }, Ct);

        (await Store.Bindings.ListForBacklogAsync(first, Ct).ToListAsync(Ct)).ShouldBeEmpty();
        var moved = await Store.Bindings.ListForBacklogAsync(second, Ct).SingleAsync(Ct);
        moved.Active.ShouldBeFalse();
        moved.InactiveReason.ShouldBe("removed");
    }

    // ---------- items ----------

    [Fact]
    public async Task Item_Inserted_IsReadBackWhole()
    {
        var backlog = Build.Id();
        var item = Build.Item(backlog, 1, WorkStream.Feature) with
        {
            Feature = new FeatureFields { Problem = "p", SuccessMetric = "m", Column = FeatureColumn.Build },
            Links = ["https://a", "https://b"],
            Owner = Build.User("U7", "Owner"),
        };

        var inserted = await Store.Writes.WriteAsync(new ItemWrite { Item = item }, Ct);
        var read = await Store.Items.GetAsync(backlog, 1, Ct);

        read.ShouldNotBeNull();
        read.ETag.ShouldBe(inserted.ETag);
        read.Value.Feature!.Column.ShouldBe(FeatureColumn.Build);
        read.Value.Links.ShouldBe(["https://a", "https://b"]);
        read.Value.Owner.ShouldBe(item.Owner);
        read.Value.CreatedAt.ShouldBe(item.CreatedAt);
        (await Store.Items.GetAsync(backlog, 2, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task Item_InsertedTwiceWithTheSameNumber_ThrowsDuplicateKeyException()
    {
        var backlog = Build.Id();
        await Store.Writes.WriteAsync(new ItemWrite { Item = Build.Item(backlog, 7) }, Ct);

        await Should.ThrowAsync<DuplicateKeyException>(() => Store.Writes.WriteAsync(new ItemWrite { Item = Build.Item(backlog, 7, title: "again") }, Ct));
        (await Store.Items.GetAsync(backlog, 7, Ct))!.Value.Title.ShouldBe("Item 7");
    }

    [Fact]
    public async Task Item_ReplaceWithStaleETag_ThrowsConcurrencyException()
    {
        var backlog = Build.Id();
        var v1 = await Store.Writes.WriteAsync(new ItemWrite { Item = Build.Item(backlog, 1) }, Ct);
        var v2 = await Store.Writes.WriteAsync(new ItemWrite { Item = v1.Value with { State = ItemState.Ready }, ETag = v1.ETag }, Ct);

        await Should.ThrowAsync<ConcurrencyException>(() => Store.Writes.WriteAsync(new ItemWrite { Item = v1.Value with { State = ItemState.Icebox }, ETag = v1.ETag }, Ct));
        var read = (await Store.Items.GetAsync(backlog, 1, Ct))!;
        read.Value.State.ShouldBe(ItemState.Ready);
        read.ETag.ShouldBe(v2.ETag);
    }

    [Fact]
    public async Task Item_ReplaceOfAMissingItem_ThrowsConcurrencyException()
    {
        var item = Build.Item(Build.Id(), 1);
        var other = await Store.Writes.WriteAsync(new ItemWrite { Item = Build.Item(Build.Id(), 1) }, Ct);

        await Should.ThrowAsync<ConcurrencyException>(() => Store.Writes.WriteAsync(new ItemWrite { Item = item, ETag = other.ETag }, Ct));
    }

    [Fact]
    public async Task Item_WithJsonLargerThanOneAzureProperty_RoundTrips()
    {
        // 100,000 characters with emoji (surrogate pairs) everywhere, so some land on a split boundary.
        var description = string.Concat(Enumerable.Repeat("ab😀", 25_000));
        var item = Build.Item(Build.Id(), 1) with { Description = description };

        await Store.Writes.WriteAsync(new ItemWrite { Item = item }, Ct);

        (await Store.Items.GetAsync(item.BacklogId, 1, Ct))!.Value.Description.ShouldBe(description);
    }

    [Fact]
    public async Task AllocateNumber_CountsUpFromOnePerBacklog()
    {
        var (a, b) = (Build.Id(), Build.Id());

        (await Store.Items.AllocateNumberAsync(a, Ct)).ShouldBe(1);
        (await Store.Items.AllocateNumberAsync(a, Ct)).ShouldBe(2);
        (await Store.Items.AllocateNumberAsync(b, Ct)).ShouldBe(1);
        (await Store.Items.AllocateNumberAsync(a, Ct)).ShouldBe(3);
    }

    [Fact]
    public async Task ItemsCreatedAtOnceThroughFourInstances_GetDistinctNumbers()
    {
        var backlog = Build.Id();
        var instances = new List<ITriageStore> { Store };
        for (var i = 1; i < 4; i++)
        {
            instances.Add(await OpenAsync(scope));
        }

        var numbers = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            var store = instances[i % 4];
            var number = await store.Items.AllocateNumberAsync(backlog, Ct);
            await store.Writes.WriteAsync(new ItemWrite { Item = Build.Item(backlog, number) }, Ct);
            return number;
        })));

        numbers.Distinct().Count().ShouldBe(200);
        numbers.Order().ShouldBe(Enumerable.Range(1, 200));
        (await Store.Items.QueryAsync(new ItemQuery(backlog), Ct).CountAsync(Ct)).ShouldBe(200);
    }

    [Fact]
    public async Task ReserveNumber_GivesARequestTheSameNumberEveryTime_AndOtherRequestsNewOnes()
    {
        var (a, b) = (Build.Id(), Build.Id());
        await Store.Items.AllocateNumberAsync(a, Ct);

        var first = await Store.Items.ReserveNumberAsync(a, "intake:slack:U1:f1", Ct);
        var again = await Store.Items.ReserveNumberAsync(a, "intake:slack:U1:f1", Ct);
        var other = await Store.Items.ReserveNumberAsync(a, "intake:slack:U1:f2", Ct);
        var elsewhere = await Store.Items.ReserveNumberAsync(b, "intake:slack:U1:f1", Ct);

        first.ShouldBe(new NumberReservation(2, Repeated: false));
        again.ShouldBe(new NumberReservation(2, Repeated: true));
        other.ShouldBe(new NumberReservation(3, Repeated: false));
        elsewhere.ShouldBe(new NumberReservation(1, Repeated: false));
        (await Store.Items.AllocateNumberAsync(a, Ct)).ShouldBe(4);
    }

    [Fact]
    public async Task ReserveNumber_OneRequestArrivingAtFourInstancesAtOnce_GetsOneNumber()
    {
        var backlog = Build.Id();
        var instances = new List<ITriageStore> { Store };
        for (var i = 1; i < 4; i++)
        {
            instances.Add(await OpenAsync(scope));
        }

        var reservations = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() =>
            instances[i % 4].Items.ReserveNumberAsync(backlog, $"intake:teams:29:x:form{i % 2}", Ct))));

        reservations.GroupBy(r => r.Number).Count().ShouldBe(2);
        reservations.Count(r => !r.Repeated).ShouldBe(2, "each request is new exactly once");
        reservations.Where(r => r.Repeated).Select(r => r.Number).Distinct().Count().ShouldBe(2);
    }

    [Fact]
    public async Task ReserveNumber_IsForgottenWithItsBacklog()
    {
        var backlog = Build.Backlog();
        await Store.Backlogs.TryCreateAsync(backlog, Ct);
        (await Store.Items.ReserveNumberAsync(backlog.Id, "intake:slack:U1:f1", Ct)).Repeated.ShouldBeFalse();

        await Backend.Administration.DeleteBacklogAsync(backlog.Id, Ct);

        (await Store.Items.ReserveNumberAsync(backlog.Id, "intake:slack:U1:f1", Ct)).ShouldBe(new NumberReservation(1, Repeated: false));
    }

    [Fact]
    public async Task ReserveNumber_KeysCanHoldAnyText()
    {
        var backlog = Build.Id();
        const string key = "intake:teams:29:1a/b+c=|~é😀?#\\:\u0001";

        var first = await Store.Items.ReserveNumberAsync(backlog, key, Ct);

        (await Store.Items.ReserveNumberAsync(backlog, key, Ct)).ShouldBe(first with { Repeated = true });
        (await Store.Items.ReserveNumberAsync(backlog, key + "x", Ct)).Number.ShouldNotBe(first.Number);
    }

    [Fact]
    public async Task Query_FiltersByStateStreamAndCreatedTime_InNumberOrder()
    {
        var backlog = Build.Id();
        await Store.Writes.WriteAsync(new ItemWrite { Item = Build.Item(backlog, 3, WorkStream.Bug, ItemState.Ready) }, Ct);
        await Store.Writes.WriteAsync(new ItemWrite { Item = Build.Item(backlog, 1, WorkStream.Bug, ItemState.Icebox) }, Ct);
        await Store.Writes.WriteAsync(new ItemWrite { Item = Build.Item(backlog, 2, WorkStream.Model, ItemState.Ready) }, Ct);
        await Store.Writes.WriteAsync(new ItemWrite { Item = Build.Item(backlog, 4, WorkStream.Bug, ItemState.Done) }, Ct);
        await Store.Writes.WriteAsync(new ItemWrite { Item = Build.Item(Build.Id(), 5, WorkStream.Bug, ItemState.Ready) }, Ct);

        async Task<List<int>> Numbers(ItemQuery q) => await Store.Items.QueryAsync(q, Ct).Select(i => i.Number).ToListAsync(Ct);

        (await Numbers(new ItemQuery(backlog))).ShouldBe([1, 2, 3, 4]);
        (await Numbers(new ItemQuery(backlog) { States = [ItemState.Ready, ItemState.Icebox] })).ShouldBe([1, 2, 3]);
        (await Numbers(new ItemQuery(backlog) { States = [ItemState.Ready], Stream = WorkStream.Bug })).ShouldBe([3]);
        (await Numbers(new ItemQuery(backlog) { Stream = WorkStream.Model })).ShouldBe([2]);
        (await Numbers(new ItemQuery(backlog) { CreatedAfter = Build.T0.AddMinutes(2) })).ShouldBe([3, 4]);
        (await Numbers(new ItemQuery(backlog) { States = [] })).ShouldBeEmpty();
    }

    [Fact]
    public async Task Query_AfterAReplace_FiltersOnTheNewState()
    {
        var backlog = Build.Id();
        var v1 = await Store.Writes.WriteAsync(new ItemWrite { Item = Build.Item(backlog, 1) }, Ct);
        await Store.Writes.WriteAsync(new ItemWrite { Item = v1.Value with { State = ItemState.Active }, ETag = v1.ETag }, Ct);

        (await Store.Items.QueryAsync(new ItemQuery(backlog) { States = [ItemState.New] }, Ct).CountAsync(Ct)).ShouldBe(0);
        (await Store.Items.QueryAsync(new ItemQuery(backlog) { States = [ItemState.Active] }, Ct).CountAsync(Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task Query_OverFiveThousandItems_StreamsPagesLazily()
    {
        const int count = 5_000;
        var backlog = Build.Id();
        var states = new[] { ItemState.New, ItemState.Ready, ItemState.Icebox, ItemState.Sprint };
        await Parallel.ForEachAsync(Enumerable.Range(1, count), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Ct }, async (n, ct) =>
            await Store.Writes.WriteAsync(new ItemWrite { Item = Build.Item(backlog, n, n % 2 == 0 ? WorkStream.Bug : WorkStream.Feature, states[n % 4]) }, ct));

        var seen = 0;
        var last = 0;
        var sawLateItem = false;
        await foreach (var item in Store.Items.QueryAsync(new ItemQuery(backlog) { States = [ItemState.Ready, ItemState.Icebox], Stream = WorkStream.Bug }, Ct))
        {
            if (seen == 0)
            {
                // Inserted after the first page was read: only a store that pages on demand can still return it.
                await Store.Writes.WriteAsync(new ItemWrite { Item = Build.Item(backlog, count + 2, WorkStream.Bug, ItemState.Icebox) }, Ct);
            }

            item.Number.ShouldBeGreaterThan(last);
            item.Stream.ShouldBe(WorkStream.Bug);
            item.State.ShouldBeOneOf(ItemState.Ready, ItemState.Icebox);
            sawLateItem |= item.Number == count + 2;
            last = item.Number;
            seen++;
        }

        // n even and n % 4 in {1, 2} → n % 4 == 2 → Icebox: 1,250 items, plus the late one.
        seen.ShouldBe(count / 4 + 1);
        sawLateItem.ShouldBeTrue();
    }

    // ---------- outlines ----------

    /// <summary>
    /// Makes every stored item of <paramref name="backlogId"/> look as an earlier version wrote it: without an outline
    /// (<paramref name="outline"/> null) or with an outline of another format.
    /// </summary>
    protected abstract Task ReplaceOutlinesAsync(string scope, string backlogId, string? outline);

    private static string Json(Item item) => System.Text.Json.JsonSerializer.Serialize(item, TriageBot.Core.CoreJson.Options);

    [Fact]
    public async Task Outlines_AreTheItemsWithoutTheirFreeText_FilteredLikeWholeItems()
    {
        var backlog = Build.Id();
        var items = Enum.GetValues<WorkStream>().Select((stream, i) => Build.EveryField(backlog, i + 1, stream, i % 2 == 0 ? ItemState.Active : ItemState.Ready)).ToList();
        foreach (var item in items)
        {
            await Store.Writes.WriteAsync(new ItemWrite { Item = item }, Ct);
        }

        var outlines = await Store.Items.QueryAsync(new ItemQuery(backlog) { Outline = true }, Ct).ToListAsync(Ct);
        var active = await Store.Items.QueryAsync(new ItemQuery(backlog) { States = [ItemState.Active], Outline = true }, Ct).Select(i => i.Number).ToListAsync(Ct);

        outlines.Select(Json).ShouldBe(items.Select(i => Json(ItemOutline.Of(i))));
        outlines.ShouldAllBe(i => i.IsOutline && i.Description == "" && i.Score!.Justifications.Count == 0);
        active.ShouldBe([1, 3]);
        // Whole items are still whole.
        (await Store.Items.QueryAsync(new ItemQuery(backlog), Ct).Select(Json).ToListAsync(Ct)).ShouldBe(items.Select(Json));
    }

    [Fact]
    public async Task Outline_AfterAReplace_IsTheNewItemsOutline()
    {
        var backlog = Build.Id();
        var v1 = await Store.Writes.WriteAsync(new ItemWrite { Item = Build.EveryField(backlog, 1, WorkStream.Feature, ItemState.Ready) }, Ct);
        var changed = v1.Value with { Title = "Renamed", State = ItemState.Sprint, Feature = v1.Value.Feature! with { Column = FeatureColumn.Build, SuccessMetric = "" }, Owner = null };

        await Store.Writes.WriteAsync(new ItemWrite { Item = changed, ETag = v1.ETag }, Ct);

        var outline = await Store.Items.QueryAsync(new ItemQuery(backlog) { Outline = true }, Ct).SingleAsync(Ct);
        Json(outline).ShouldBe(Json(ItemOutline.Of(changed)));
    }

    [Fact]
    public async Task Outline_CannotBeStored_SoNoListOrReportCanEraseAnItemsText()
    {
        var backlog = Build.Id();
        var whole = await Store.Writes.WriteAsync(new ItemWrite { Item = Build.EveryField(backlog, 1, WorkStream.Bug) }, Ct);
        var outline = await Store.Items.QueryAsync(new ItemQuery(backlog) { Outline = true }, Ct).SingleAsync(Ct);

        await Should.ThrowAsync<ArgumentException>(() => Store.Writes.WriteAsync(new ItemWrite { Item = outline with { Title = "changed" }, ETag = whole.ETag }, Ct));
        await Should.ThrowAsync<ArgumentException>(() => Store.Writes.WriteAsync(new ItemWrite { Item = outline with { Number = 2 } }, Ct));

        var read = (await Store.Items.GetAsync(backlog, 1, Ct))!;
        Json(read.Value).ShouldBe(Json(whole.Value));
        read.ETag.ShouldBe(whole.ETag);
        (await Store.Items.GetAsync(backlog, 2, Ct)).ShouldBeNull();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("""[2,1,"a format of a later version"]""")]
    public async Task Outline_OfAnItemStoredWithoutOneOrInAnotherFormat_IsMadeFromTheWholeItem(string? stored)
    {
        var backlog = Build.Id();
        var items = Enum.GetValues<WorkStream>().Select((stream, i) => Build.EveryField(backlog, i + 1, stream)).ToList();
        foreach (var item in items)
        {
            await Store.Writes.WriteAsync(new ItemWrite { Item = item }, Ct);
        }

        await ReplaceOutlinesAsync(scope, backlog, stored);

        var outlines = await Store.Items.QueryAsync(new ItemQuery(backlog) { Stream = WorkStream.Feature, Outline = true }, Ct).ToListAsync(Ct);
        Json(outlines.ShouldHaveSingleItem()).ShouldBe(Json(ItemOutline.Of(items[2])));
        outlines[0].IsOutline.ShouldBeTrue();
    }

    [Fact]
    public async Task Retrying_ConcurrentUpdatesOfOneItem_AreAllApplied()
    {
        var backlog = Build.Id();
        await Store.Writes.WriteAsync(new ItemWrite { Item = Build.Item(backlog, 1) }, Ct);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() =>
            UpdateItemAsync(Store.Writes, backlog, 1, item => item with { Links = [.. item.Links, $"link-{i}"] }, maxAttempts: 50))));

        (await Store.Items.GetAsync(backlog, 1, Ct))!.Value.Links.Order().ShouldBe(Enumerable.Range(0, 10).Select(i => $"link-{i}").Order());
    }

    [Fact]
    public async Task Retrying_ItemThatAlwaysLosesTheRace_GivesUpWithAClearError()
    {
        var backlog = Build.Id();
        await Store.Writes.WriteAsync(new ItemWrite { Item = Build.Item(backlog, 1) }, Ct);
        var meddler = new MeddlingItemWrites(Store.Items, Store.Writes);

        var error = await Should.ThrowAsync<ConcurrencyException>(() =>
            UpdateItemAsync(meddler, backlog, 1, item => item with { Title = "mine" }, maxAttempts: 3));

        error.Message.ShouldContain("gave up after 3 attempts");
        meddler.Interferences.ShouldBe(3);
        (await Store.Items.GetAsync(backlog, 1, Ct))!.Value.Title.ShouldBe("meddled 3");
    }

    [Fact]
    public async Task Retrying_BacklogUpdates_RetryAndThenGiveUp()
    {
        var backlog = Build.Backlog();
        await Store.Backlogs.TryCreateAsync(backlog, Ct);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            Retrying.UpdateBacklogAsync(Store.Backlogs, backlog.Id, b => b with { Settings = b.Settings with { Engineers = b.Settings.Engineers + 1 } }, 50, Ct))));
        (await Store.Backlogs.GetAsync(backlog.Id, Ct))!.Value.Settings.Engineers.ShouldBe(3 + 8);

        var meddler = new MeddlingBacklogStore(Store.Backlogs);
        var error = await Should.ThrowAsync<ConcurrencyException>(() => Retrying.UpdateBacklogAsync(meddler, backlog.Id, b => b with { Name = "x" }, 2, Ct));
        error.Message.ShouldContain("gave up after 2 attempts");
        await Should.ThrowAsync<KeyNotFoundException>(() => Retrying.UpdateBacklogAsync(Store.Backlogs, "missing", b => b, 2, Ct));
    }

    // ---------- text that looks like a query ----------

    public static TheoryData<string> HostileText =>
    [
        "it's \"quoted\"",
        "x' or 1 eq 1 or 'a' eq 'a",
        "'; DROP TABLE items; --",
        "or 1 eq 1",
        "Grüße, 日本語, emoji 🚀, ﬁ",
        "slash/back\\slash#hash?query",
        "tab\there\u0001ctrl",
        "%27 ~7E ~ | pipe",
    ];

    [Theory]
    [MemberData(nameof(HostileText))]
    public async Task HostileText_InTitlesKeysAndIds_IsStoredAndFoundExactly(string text)
    {
        var backlogId = "b-" + text;
        var backlog = Build.Backlog(backlogId, token: text);
        await Store.Backlogs.TryCreateAsync(backlog, Ct);
        await Store.Writes.WriteAsync(new ItemWrite { Item = Build.Item(backlogId, 1, title: text) with { Description = text } }, Ct);
        await Store.Writes.WriteAsync(new ItemWrite { Item = Build.Item(backlogId + "x", 1, title: "other") }, Ct);
        var voter = Build.User(text, text);
        await Store.Members.UpsertAsync(new Member(backlogId, voter, Role.Engineer), Ct);
        await Store.Bindings.UpsertAsync(new Binding { Address = Build.Address(text, text), BacklogId = backlogId }, Ct);
        await Store.Votes.UpsertAsync(Build.Vote(backlogId, 1, text), Ct);

        (await Store.Backlogs.GetAsync(backlogId, Ct))!.Value.Id.ShouldBe(backlogId);
        (await Store.Backlogs.FindByDashboardTokenAsync(text, Ct))!.Id.ShouldBe(backlogId);
        var items = await Store.Items.QueryAsync(new ItemQuery(backlogId), Ct).ToListAsync(Ct);
        items.ShouldHaveSingleItem().Title.ShouldBe(text);
        (await Store.Members.GetAsync(backlogId, voter.Key, Ct))!.User.UserId.ShouldBe(text);
        (await Store.Bindings.GetAsync(Platform.Slack, text, text, Ct))!.BacklogId.ShouldBe(backlogId);
        (await Store.Bindings.ListForBacklogAsync(backlogId, Ct).ToListAsync(Ct)).ShouldHaveSingleItem();
        (await Store.Votes.ListAsync(backlogId, 1, 1, Ct)).ShouldHaveSingleItem().Voter.UserId.ShouldBe(text);
        (await Store.Inbox.TryRecordAsync(Platform.Teams, text, Build.T0, Ct)).ShouldBeTrue();
        (await Store.Inbox.TryRecordAsync(Platform.Teams, text, Build.T0, Ct)).ShouldBeFalse();
        (await Store.Ledger.TryClaimAsync(Build.Claim(backlogId, text, "i1"), Ct)).ShouldBeTrue();
        (await Store.Ledger.ListAsync(backlogId, Build.T0, Ct).SingleAsync(Ct)).Occurrence.ShouldBe(text);
        await Store.MessageRefs.SetAsync(text, Build.Address(text), text, Ct);
        (await Store.MessageRefs.GetAsync(text, Ct))!.Value.PlatformMessageId.ShouldBe(text);
    }

    // ---------- history ----------

    [Fact]
    public async Task History_ReadByTimeRange_IsHalfOpenOldestFirstAndPerBacklog()
    {
        var (backlog, other) = (Build.Id(), Build.Id());
        await Store.History.AppendAsync(
        [
            Build.History(backlog, 2, Build.T0.AddHours(3), to: "c"),
            Build.History(backlog, 1, Build.T0, to: "a"),
            Build.History(backlog, 1, Build.T0.AddHours(1), to: "b"),
            Build.History(backlog, 1, Build.T0.AddHours(5), to: "d"),
            Build.History(other, 1, Build.T0.AddHours(2), to: "x"),
        ], Ct);

        var read = await Store.History.ReadAsync(backlog, Build.T0, Build.T0.AddHours(5), Ct).Select(e => e.To).ToListAsync(Ct);

        read.ShouldBe(["a", "b", "c"]);
    }

    [Fact]
    public async Task History_ReadFromTheMiddleOverManyPages_ReturnsEachEntryOnceInOrder()
    {
        var backlog = Build.Id();
        // More than two pages of entries inside the range, with entries before and after it.
        var entries = Enumerable.Range(0, 1400).Select(i => Build.History(backlog, 1 + (i % 7), Build.T0.AddMinutes(i), to: i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        foreach (var chunk in entries.Chunk(100))
        {
            await Store.History.AppendAsync(chunk, Ct);
        }

        var read = await Store.History.ReadAsync(backlog, Build.T0.AddMinutes(150), Build.T0.AddMinutes(1350), Ct).Select(e => e.To).ToListAsync(Ct);

        read.ShouldBe(Enumerable.Range(150, 1200).Select(i => (string?)i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList());
    }

    [Fact]
    public async Task History_ForItem_ReturnsOnlyThatItemOldestFirst()
    {
        var backlog = Build.Id();
        await Store.History.AppendAsync(
        [
            Build.History(backlog, 1, Build.T0.AddHours(2), sequence: 1, to: "second"),
            Build.History(backlog, 2, Build.T0.AddHours(1), to: "other"),
            Build.History(backlog, 1, Build.T0.AddHours(2), sequence: 0, to: "first"),
            Build.History(backlog, 1, Build.T0.AddHours(3), to: "third"),
            Build.History(backlog, 10, Build.T0, to: "ten"),
        ], Ct);

        (await Store.History.ForItemAsync(backlog, 1, Ct).Select(e => e.To).ToListAsync(Ct)).ShouldBe(["first", "second", "third"]);
        (await Store.History.ForItemAsync(backlog, 3, Ct).ToListAsync(Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task History_AppendedTwice_IsStoredOnce_ButDifferentEntriesAtOneInstantAreAllKept()
    {
        var backlog = Build.Id();
        var entries = new[]
        {
            Build.History(backlog, 1, Build.T0, HistoryKind.Created),
            Build.History(backlog, 1, Build.T0, HistoryKind.StateChanged, to: "Ready"),
            Build.History(backlog, 1, Build.T0, HistoryKind.OwnerChanged, to: "U2"),
        };

        await Store.History.AppendAsync(entries, Ct);
        await Store.History.AppendAsync(entries, Ct);

        (await Store.History.ForItemAsync(backlog, 1, Ct).ToListAsync(Ct)).Count.ShouldBe(3);
        (await Store.History.ReadAsync(backlog, Build.T0, Build.T0.AddSeconds(1), Ct).ToListAsync(Ct)).Count.ShouldBe(3);
    }

    [Fact]
    public async Task History_ManyEntriesAcrossItems_AreAllReadBack()
    {
        var backlog = Build.Id();
        var entries = Enumerable.Range(0, 1_200).Select(i => Build.History(backlog, i % 7 + 1, Build.T0.AddMinutes(i), to: i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();

        await Store.History.AppendAsync(entries, Ct);

        (await Store.History.ReadAsync(backlog, Build.T0, Build.T0.AddDays(2), Ct).CountAsync(Ct)).ShouldBe(1_200);
        var item3 = await Store.History.ForItemAsync(backlog, 3, Ct).Select(e => e.At).ToListAsync(Ct);
        item3.Count.ShouldBe(entries.Count(e => e.ItemNumber == 3));
        item3.ShouldBeInOrder();
    }

    // ---------- votes ----------

    [Fact]
    public async Task Vote_ChangedLater_KeepsOnlyTheLastPerRound()
    {
        var backlog = Build.Id();
        await Store.Votes.UpsertAsync(Build.Vote(backlog, 1, "U1", impact: 1), Ct);
        await Store.Votes.UpsertAsync(Build.Vote(backlog, 1, "U1", impact: 3), Ct);
        await Store.Votes.UpsertAsync(Build.Vote(backlog, 1, "U1", impact: 2, round: 2), Ct);
        await Store.Votes.UpsertAsync(Build.Vote(backlog, 2, "U1", impact: 1), Ct);

        var round1 = await Store.Votes.ListAsync(backlog, 1, 1, Ct);
        round1.ShouldHaveSingleItem().Scores.Impact.ShouldBe(3);
        round1[0].Reasons[TriageBot.Core.Rubric.Dimension.Impact].ShouldBe("because");
        (await Store.Votes.ListAsync(backlog, 1, 2, Ct)).ShouldHaveSingleItem().Scores.Impact.ShouldBe(2);
    }

    [Fact]
    public async Task FiftyPeopleVotingAtOnce_AllFiftyVotesAreStored()
    {
        var backlog = Build.Id();

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() => Store.Votes.UpsertAsync(Build.Vote(backlog, 1, $"U{i}"), Ct))));

        (await Store.Votes.ListAsync(backlog, 1, 1, Ct)).Select(v => v.Voter.UserId).ShouldBe(Enumerable.Range(0, 50).Select(i => $"U{i}"), ignoreOrder: true);
    }

    [Fact]
    public async Task OnePersonChangingTheirVoteTwentyTimesAtOnce_LeavesOneVoteWithOneOfTheValues()
    {
        var backlog = Build.Id();
        var sent = Enumerable.Range(0, 20).Select(i => Build.Vote(backlog, 1, "U1") with { Reasons = new Dictionary<TriageBot.Core.Rubric.Dimension, string> { [TriageBot.Core.Rubric.Dimension.Impact] = $"take {i}" } }).ToList();

        await Task.WhenAll(sent.Select(v => Task.Run(() => Store.Votes.UpsertAsync(v, Ct))));

        var stored = (await Store.Votes.ListAsync(backlog, 1, 1, Ct)).ShouldHaveSingleItem();
        sent.Select(v => v.Reasons[TriageBot.Core.Rubric.Dimension.Impact]).ShouldContain(stored.Reasons[TriageBot.Core.Rubric.Dimension.Impact]);
    }

    // ---------- ceremony ledger ----------

    [Fact]
    public async Task Ledger_SameOccurrenceClaimedTwice_OnlyTheFirstWins()
    {
        var backlog = Build.Id();

        (await Store.Ledger.TryClaimAsync(Build.Claim(backlog, "2026-03-04T14:00", "a"), Ct)).ShouldBeTrue();
        (await Store.Ledger.TryClaimAsync(Build.Claim(backlog, "2026-03-04T14:00", "b"), Ct)).ShouldBeFalse();
        (await Store.Ledger.TryClaimAsync(Build.Claim(backlog, "2026-03-04T14:00:reminder", "b"), Ct)).ShouldBeTrue();
        (await Store.Ledger.TryClaimAsync(Build.Claim(backlog, "2026-03-04T14:00", "b", CeremonyKind.WeeklyStreamReview), Ct)).ShouldBeTrue();

        var claims = await Store.Ledger.ListAsync(backlog, Build.T0, Ct).ToListAsync(Ct);
        claims.Count.ShouldBe(3);
        claims.Single(c => c is { Ceremony: CeremonyKind.TriageClinic, Occurrence: "2026-03-04T14:00" }).ClaimedBy.ShouldBe("a");
    }

    [Fact]
    public async Task TenInstancesClaimingOneOccurrenceAtOnce_ExactlyOneSucceeds()
    {
        var backlog = Build.Id();
        var instances = new List<ITriageStore>();
        for (var i = 0; i < 10; i++)
        {
            instances.Add(i == 0 ? Store : await OpenAsync(scope));
        }

        var results = await Task.WhenAll(instances.Select((s, i) => Task.Run(() => s.Ledger.TryClaimAsync(Build.Claim(backlog, "2026-03-04T14:00", $"instance-{i}"), Ct))));

        results.Count(won => won).ShouldBe(1);
        var winner = Array.IndexOf(results, true);
        (await Store.Ledger.ListAsync(backlog, Build.T0, Ct).SingleAsync(Ct)).ClaimedBy.ShouldBe($"instance-{winner}");
    }

    [Fact]
    public async Task Ledger_ListedSince_LeavesOutEarlierOccurrencesAndSortsBySchedule()
    {
        var backlog = Build.Id();
        await Store.Ledger.TryClaimAsync(Build.Claim(backlog, "old", "a", at: Build.T0.AddDays(-1)), Ct);
        await Store.Ledger.TryClaimAsync(Build.Claim(backlog, "later", "a", CeremonyKind.AllocationReview, at: Build.T0.AddDays(2)), Ct);
        await Store.Ledger.TryClaimAsync(Build.Claim(backlog, "sooner", "a", CeremonyKind.WeeklyStreamReview, at: Build.T0.AddDays(1)), Ct);

        (await Store.Ledger.ListAsync(backlog, Build.T0, Ct).Select(e => e.Occurrence).ToListAsync(Ct)).ShouldBe(["sooner", "later"]);
    }

    // ---------- inbox ----------

    [Fact]
    public async Task Inbox_SameDeliveryRecordedTwice_SecondIsADuplicate_UntilForgotten()
    {
        (await Store.Inbox.TryRecordAsync(Platform.Slack, "Ev123", Build.T0, Ct)).ShouldBeTrue();
        (await Store.Inbox.TryRecordAsync(Platform.Slack, "Ev123", Build.T0.AddSeconds(30), Ct)).ShouldBeFalse();
        (await Store.Inbox.TryRecordAsync(Platform.Teams, "Ev123", Build.T0, Ct)).ShouldBeTrue();

        await Store.Inbox.ForgetAsync(Platform.Slack, "Ev123", Build.T0, Ct);

        (await Store.Inbox.TryRecordAsync(Platform.Slack, "Ev123", Build.T0.AddMinutes(1), Ct)).ShouldBeTrue();
        (await Store.Inbox.TryRecordAsync(Platform.Slack, "Ev123", Build.T0.AddMinutes(2), Ct)).ShouldBeFalse();
    }

    [Fact]
    public async Task Inbox_RetryArrivingAfterMidnight_IsStillADuplicate()
    {
        var beforeMidnight = new DateTimeOffset(2026, 3, 2, 23, 59, 50, TimeSpan.Zero);

        (await Store.Inbox.TryRecordAsync(Platform.Slack, "Ev9", beforeMidnight, Ct)).ShouldBeTrue();
        (await Store.Inbox.TryRecordAsync(Platform.Slack, "Ev9", beforeMidnight.AddSeconds(20), Ct)).ShouldBeFalse();

        await Store.Inbox.ForgetAsync(Platform.Slack, "Ev9", beforeMidnight.AddSeconds(20), Ct);
        (await Store.Inbox.TryRecordAsync(Platform.Slack, "Ev9", beforeMidnight.AddSeconds(30), Ct)).ShouldBeTrue();
    }

    [Fact]
    public async Task Inbox_Record_SaysWhenItWasRecordedAndWhetherItWasHandled_AcrossMidnight_UntilForgotten()
    {
        var beforeMidnight = new DateTimeOffset(2026, 3, 2, 23, 59, 50, TimeSpan.Zero);
        var later = beforeMidnight.AddSeconds(20);
        (await Store.Inbox.GetAsync(Platform.Slack, "Ev10", later, Ct)).ShouldBeNull();
        await Store.Inbox.TryRecordAsync(Platform.Slack, "Ev10", beforeMidnight, Ct);
        await Store.Inbox.TryRecordAsync(Platform.Teams, "Ev10", beforeMidnight, Ct);

        (await Store.Inbox.GetAsync(Platform.Slack, "Ev10", later, Ct)).ShouldBe(new InboxRecord(beforeMidnight, Handled: false));

        await Store.Inbox.MarkHandledAsync(Platform.Slack, "Ev10", beforeMidnight, Ct);
        (await Store.Inbox.GetAsync(Platform.Slack, "Ev10", later, Ct)).ShouldBe(new InboxRecord(beforeMidnight, Handled: true));
        (await Store.Inbox.GetAsync(Platform.Teams, "Ev10", later, Ct)).ShouldBe(new InboxRecord(beforeMidnight, Handled: false), "per platform");

        await Store.Inbox.ForgetAsync(Platform.Slack, "Ev10", later, Ct);
        (await Store.Inbox.GetAsync(Platform.Slack, "Ev10", later, Ct)).ShouldBeNull();
        // Marking a forgotten delivery does not bring it back.
        await Store.Inbox.MarkHandledAsync(Platform.Slack, "Ev10", beforeMidnight, Ct);
        (await Store.Inbox.GetAsync(Platform.Slack, "Ev10", later, Ct)).ShouldBeNull();
        (await Store.Inbox.TryRecordAsync(Platform.Slack, "Ev10", later, Ct)).ShouldBeTrue();
        (await Store.Inbox.GetAsync(Platform.Slack, "Ev10", later, Ct)).ShouldBe(new InboxRecord(later, Handled: false));
    }

    // ---------- outbox ----------

    [Fact]
    public async Task Outbox_Enqueued_IsLeasedWithItsPayloadAndCountedPending()
    {
        var message = Build.Message() with { MessageRef = "ballot:b/1:1", Payload = OutboxViews.Payload(new TextView("hi", Tone.Warning) { Title = "T" }) };
        await Store.Outbox.EnqueueAsync(message, Ct);

        (await Store.Outbox.CountPendingAsync(Ct)).ShouldBe(1);
        var leased = (await Store.Outbox.LeaseAsync("w1", Build.T0, TimeSpan.FromMinutes(1), 10, Ct)).ShouldHaveSingleItem();

        leased.Value.Id.ShouldBe(message.Id);
        leased.Value.LeaseOwner.ShouldBe("w1");
        leased.Value.LeaseUntil.ShouldBe(Build.T0.AddMinutes(1));
        var payload = leased.Value.ToView().ShouldBeOfType<TextView>();
        payload.Text.ShouldBe("hi");
        payload.Tone.ShouldBe(Tone.Warning);
        payload.Title.ShouldBe("T");
        leased.Value.MessageRef.ShouldBe("ballot:b/1:1");
    }

    [Fact]
    public async Task Outbox_EnqueueMany_QueuesEveryMessage_AsEnqueueingThemOneByOne()
    {
        var messages = Enumerable.Range(1, 150).Select(n => Build.Message(created: Build.T0.AddSeconds(n)) with { MessageRef = $"ballot:b/{n}" }).ToList();

        await Store.Outbox.EnqueueManyAsync(messages, Ct);

        (await Store.Outbox.CountPendingAsync(Ct)).ShouldBe(150);
        var leased = await Store.Outbox.LeaseAsync("w1", Build.T0, TimeSpan.FromMinutes(1), 200, Ct);
        leased.Select(m => m.Value.Id).ShouldBe(messages.Select(m => m.Id), ignoreOrder: true);
        leased.Single(m => m.Value.Id == messages[41].Id).Value.MessageRef.ShouldBe("ballot:b/42");
    }

    [Fact]
    public async Task Outbox_EnqueuedTwiceWithOneId_ThrowsDuplicateKeyException()
    {
        var message = Build.Message();
        await Store.Outbox.EnqueueAsync(message, Ct);

        await Should.ThrowAsync<DuplicateKeyException>(() => Store.Outbox.EnqueueAsync(message, Ct));
    }

    [Fact]
    public async Task Outbox_NotYetDue_IsNotLeased()
    {
        await Store.Outbox.EnqueueAsync(Build.Message(due: Build.T0.AddMinutes(5)), Ct);

        (await Store.Outbox.LeaseAsync("w1", Build.T0, TimeSpan.FromMinutes(1), 10, Ct)).ShouldBeEmpty();
        (await Store.Outbox.LeaseAsync("w1", Build.T0.AddMinutes(5), TimeSpan.FromMinutes(1), 10, Ct)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Outbox_LeasedByOneWorker_IsNotLeasedByAnother_UntilTheLeaseExpires()
    {
        var message = Build.Message();
        await Store.Outbox.EnqueueAsync(message, Ct);
        var crashed = (await Store.Outbox.LeaseAsync("w1", Build.T0, TimeSpan.FromMinutes(1), 10, Ct)).ShouldHaveSingleItem();

        (await Store.Outbox.LeaseAsync("w2", Build.T0.AddSeconds(59), TimeSpan.FromMinutes(1), 10, Ct)).ShouldBeEmpty();
        var takenOver = (await Store.Outbox.LeaseAsync("w2", Build.T0.AddMinutes(1), TimeSpan.FromMinutes(1), 10, Ct)).ShouldHaveSingleItem();

        takenOver.Value.LeaseOwner.ShouldBe("w2");
        // The crashed worker comes back: its ETag is stale, so it cannot overwrite w2's work.
        await Should.ThrowAsync<ConcurrencyException>(() =>
            Store.Outbox.UpdateAsync(crashed.Value with { Status = OutboxStatus.Sent, PlatformMessageId = "1.0" }, crashed.ETag, Ct));
        var sent = await Store.Outbox.UpdateAsync(takenOver.Value with { Status = OutboxStatus.Sent, PlatformMessageId = "2.0", LeaseOwner = null, LeaseUntil = null }, takenOver.ETag, Ct);
        sent.ETag.ShouldNotBe(takenOver.ETag);
        (await Store.Outbox.CountPendingAsync(Ct)).ShouldBe(0);
        (await Store.Outbox.LeaseAsync("w3", Build.T0.AddHours(1), TimeSpan.FromMinutes(1), 10, Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Outbox_RetryLater_IsLeasedAgainOnlyWhenDue()
    {
        await Store.Outbox.EnqueueAsync(Build.Message(), Ct);
        var leased = (await Store.Outbox.LeaseAsync("w1", Build.T0, TimeSpan.FromMinutes(1), 10, Ct)).Single();

        await Store.Outbox.UpdateAsync(leased.Value with { Attempts = 1, NextAttemptAt = Build.T0.AddMinutes(10), LeaseOwner = null, LeaseUntil = null, LastError = "429" }, leased.ETag, Ct);

        (await Store.Outbox.LeaseAsync("w1", Build.T0.AddMinutes(5), TimeSpan.FromMinutes(1), 10, Ct)).ShouldBeEmpty();
        var again = (await Store.Outbox.LeaseAsync("w2", Build.T0.AddMinutes(10), TimeSpan.FromMinutes(1), 10, Ct)).ShouldHaveSingleItem();
        again.Value.Attempts.ShouldBe(1);
        again.Value.LastError.ShouldBe("429");
        (await Store.Outbox.CountPendingAsync(Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task Outbox_LeaseHonoursTheMaximum()
    {
        for (var i = 0; i < 5; i++)
        {
            await Store.Outbox.EnqueueAsync(Build.Message(), Ct);
        }

        (await Store.Outbox.LeaseAsync("w1", Build.T0, TimeSpan.FromMinutes(1), 3, Ct)).Count.ShouldBe(3);
        (await Store.Outbox.LeaseAsync("w2", Build.T0, TimeSpan.FromMinutes(1), 3, Ct)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task Outbox_WorkersLeasingAtOnce_NeverHoldTheSameMessage()
    {
        const int messages = 40;
        for (var i = 0; i < messages; i++)
        {
            await Store.Outbox.EnqueueAsync(Build.Message(), Ct);
        }

        var instances = new List<ITriageStore> { Store };
        for (var i = 1; i < 4; i++)
        {
            instances.Add(await OpenAsync(scope));
        }

        var batches = await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(() =>
            instances[w % 4].Outbox.LeaseAsync($"w{w}", Build.T0, TimeSpan.FromMinutes(1), 10, Ct))));

        var ids = batches.SelectMany(b => b).Select(m => m.Value.Id).ToList();
        ids.Count.ShouldBe(ids.Distinct().Count());
        ids.Count.ShouldBe(messages);
    }

    [Fact]
    public async Task Outbox_Failed_IsListedSinceItsCreation()
    {
        await Store.Outbox.EnqueueAsync(Build.Message("old", created: Build.T0.AddDays(-2)), Ct);
        await Store.Outbox.EnqueueAsync(Build.Message("new", created: Build.T0.AddHours(1)), Ct);
        await Store.Outbox.EnqueueAsync(Build.Message("fine", created: Build.T0.AddHours(1)), Ct);
        foreach (var leased in await Store.Outbox.LeaseAsync("w1", Build.T0.AddHours(2), TimeSpan.FromMinutes(1), 10, Ct))
        {
            var failed = leased.Value.Id != "fine";
            await Store.Outbox.UpdateAsync(leased.Value with { Status = failed ? OutboxStatus.Failed : OutboxStatus.Sent, LastError = failed ? "channel_not_found" : null }, leased.ETag, Ct);
        }

        var list = await Store.Outbox.ListFailedAsync(Build.T0, Ct);

        list.ShouldHaveSingleItem().Id.ShouldBe("new");
        list[0].LastError.ShouldBe("channel_not_found");
        (await Store.Outbox.CountPendingAsync(Ct)).ShouldBe(0);
    }

    [Fact]
    public async Task Outbox_SentMessagesAreKept_UntilPurgedAfterRetention()
    {
        await Store.Outbox.EnqueueAsync(Build.Message("sent-old", created: Build.T0), Ct);
        await Store.Outbox.EnqueueAsync(Build.Message("sent-new", created: Build.T0.AddDays(3)), Ct);
        await Store.Outbox.EnqueueAsync(Build.Message("pending-old", due: Build.T0.AddDays(9), created: Build.T0), Ct);
        foreach (var leased in await Store.Outbox.LeaseAsync("w1", Build.T0.AddDays(4), TimeSpan.FromMinutes(1), 10, Ct))
        {
            await Store.Outbox.UpdateAsync(leased.Value with { Status = OutboxStatus.Sent, PlatformMessageId = "1.0" }, leased.ETag, Ct);
        }

        var purged = await Backend.Maintenance.PurgeSentOutboxAsync(Build.T0.AddDays(1), Ct);

        purged.ShouldBe(1);
        (await Store.Outbox.CountPendingAsync(Ct)).ShouldBe(1);
        (await Backend.Maintenance.PurgeSentOutboxAsync(Build.T0.AddDays(4), Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task Inbox_RecordsBeforeTheCutoff_ArePurged_OnEveryPlatform_AndLaterOnesKept()
    {
        var cutoff = new DateTimeOffset(2026, 3, 5, 12, 0, 0, TimeSpan.Zero);
        await Store.Inbox.TryRecordAsync(Platform.Slack, "old-slack", cutoff.AddDays(-2), Ct);
        await Store.Inbox.TryRecordAsync(Platform.Teams, "old-teams", cutoff.AddDays(-1).AddHours(-13), Ct);
        await Store.Inbox.TryRecordAsync(Platform.Slack, "new-slack", cutoff.AddHours(1), Ct);

        var purged = await Backend.Maintenance.PurgeInboxAsync(cutoff, Ct);

        purged.ShouldBe(2);
        (await Store.Inbox.GetAsync(Platform.Slack, "old-slack", cutoff.AddDays(-2), Ct)).ShouldBeNull();
        (await Store.Inbox.GetAsync(Platform.Teams, "old-teams", cutoff.AddDays(-1), Ct)).ShouldBeNull();
        (await Store.Inbox.GetAsync(Platform.Slack, "new-slack", cutoff.AddHours(1), Ct)).ShouldNotBeNull();
    }

    // ---------- message refs and health ----------

    [Fact]
    public async Task MessageRef_Set_IsReadBack_AndASecondSetReplacesIt()
    {
        var where = Build.Address("C1").InThread("1700000000.0001");
        await Store.MessageRefs.SetAsync("ballot:b/1:1", where, "1700000001.0002", Ct);
        await Store.MessageRefs.SetAsync("ballot:b/1:1", where, "1700000001.0003", Ct);

        var read = await Store.MessageRefs.GetAsync("ballot:b/1:1", Ct);

        read.ShouldNotBeNull();
        read.Value.Where.ShouldBe(where);
        read.Value.PlatformMessageId.ShouldBe("1700000001.0003");
        (await Store.MessageRefs.GetAsync("ballot:b/1:2", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task MessageRef_SetMany_SetsEveryName_AndReplacesOnesAlreadySet()
    {
        var where = Build.Address("C1").InThread("1700000000.0001");
        await Store.MessageRefs.SetAsync("ballot:b/1", where, "1700000001.0001", Ct);

        await Store.MessageRefs.SetManyAsync([.. Enumerable.Range(1, 120).Select(n => ($"ballot:b/{n}", where, ""))], Ct);

        (await Store.MessageRefs.GetAsync("ballot:b/1", Ct)).ShouldNotBeNull().PlatformMessageId.ShouldBe("");
        var last = (await Store.MessageRefs.GetAsync("ballot:b/120", Ct)).ShouldNotBeNull();
        last.Where.ShouldBe(where);
        last.PlatformMessageId.ShouldBe("");
    }

    [Fact]
    public async Task Ping_OnAnInitializedStore_Succeeds_AndInitializeCanRunAgain()
    {
        await Store.PingAsync(Ct);
        await Store.InitializeAsync(Ct);
        await Store.Backlogs.TryCreateAsync(Build.Backlog("after-reinit"), Ct);

        (await Store.Backlogs.GetAsync("after-reinit", Ct)).ShouldNotBeNull();
    }

    /// <summary>The read-change-write loop the use cases run for an item, writing through the write path.</summary>
    private async Task<Versioned<Item>> UpdateItemAsync(IItemWrites writes, string backlogId, int number, Func<Item, Item> change, int maxAttempts) =>
        (await Retrying.UpdateAsync($"item {number} of backlog '{backlogId}'",
            c => Store.Items.GetAsync(backlogId, number, c),
            i => Task.FromResult((change(i), true)),
            (item, etag, c) => writes.WriteAsync(new ItemWrite { Item = item, ETag = etag }, c), maxAttempts, Ct)).Saved;

    /// <summary>Changes the item behind the caller's back before every write, so the caller's ETag is always stale.</summary>
    private sealed class MeddlingItemWrites(IItemStore items, IItemWrites inner) : IItemWrites
    {
        public int Interferences { get; private set; }

        public async Task<Versioned<Item>> WriteAsync(ItemWrite write, CancellationToken ct)
        {
            var fresh = (await items.GetAsync(write.Item.BacklogId, write.Item.Number, ct))!;
            Interferences++;
            await inner.WriteAsync(new ItemWrite { Item = fresh.Value with { Title = $"meddled {Interferences}" }, ETag = fresh.ETag }, ct);
            return await inner.WriteAsync(write, ct);
        }
    }

    private sealed class MeddlingBacklogStore(IBacklogStore inner) : IBacklogStore
    {
        public Task<Versioned<Backlog>?> GetAsync(string backlogId, CancellationToken ct) => inner.GetAsync(backlogId, ct);
        public Task<bool> TryCreateAsync(Backlog backlog, CancellationToken ct) => inner.TryCreateAsync(backlog, ct);
        public IAsyncEnumerable<Backlog> ListAsync(CancellationToken ct) => inner.ListAsync(ct);
        public Task<Backlog?> FindByDashboardTokenAsync(string token, CancellationToken ct) => inner.FindByDashboardTokenAsync(token, ct);

        public async Task<Versioned<Backlog>> ReplaceAsync(Backlog backlog, string etag, CancellationToken ct)
        {
            var fresh = (await inner.GetAsync(backlog.Id, ct))!;
            await inner.ReplaceAsync(fresh.Value with { Name = fresh.Value.Name + "!" }, fresh.ETag, ct);
            return await inner.ReplaceAsync(backlog, etag, ct);
        }
    }
}
