using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Rubric;
using TriageBot.Core.Voting;
using TriageBot.Storage.Tests.Azurite;

namespace TriageBot.Tests.Cli;

public sealed class BackupRestoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly CliRun _cli = new();
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _cli.Dispose();

    private static readonly UserRef Ana = new(Platform.Slack, "U01", "Ana Lima");
    private static readonly UserRef Ben = new(Platform.Teams, "29:abc/def", "Ben Okafor");

    /// <summary>A backlog with something in every part a backup holds: members, bindings, items, history, votes of two rounds, the ledger.</summary>
    private async Task SeedAsync()
    {
        var backlog = await _cli.CreateBacklogAsync();
        var store = await _cli.StoreAsync();
        var t0 = CliRun.Now.AddDays(-10);
        await store.Members.UpsertAsync(new Member("payments", Ben, Role.Engineer), Ct);
        await store.Members.UpsertAsync(new Member("payments", Ana, Role.Facilitator), Ct);
        await store.Bindings.UpsertAsync(new Binding
        {
            Address = new ConversationAddress { Platform = Platform.Slack, Workspace = "T1", ChannelId = "C9" },
            BacklogId = "payments",
            Roles = ChannelRoles.Intake | ChannelRoles.Clinic,
            ChannelName = "payments-triage",
        }, Ct);
        await store.Bindings.UpsertAsync(new Binding
        {
            Address = new ConversationAddress { Platform = Platform.Teams, Workspace = "tenant-1", ChannelId = "19:x@thread.tacv2", ServiceUrl = "https://smba.trafficmanager.net/emea/" },
            BacklogId = "payments",
            Roles = ChannelRoles.Reports,
        }, Ct);

        for (var n = 1; n <= 3; n++)
        {
            var number = await store.Items.AllocateNumberAsync("payments", Ct);
            var stream = n == 2 ? WorkStream.Feature : WorkStream.Bug;
            var change = ItemFactory.Create(new NewItemRequest(stream, new Dictionary<string, string>
            {
                [FieldIds.Title] = $"Item {n} — naïve “quotes” & ünïcode 🚀",
                [FieldIds.Description] = "line one\nline two",
            }), backlog, number, Ana, new MessageSource(Platform.Slack, "C9", "1712.0001", "https://x.slack.com/archives/C9/p17120001"), t0.AddHours(n));
            var item = change.Item;
            var history = change.History.ToList();
            if (n == 1)
            {
                var score = new ItemScore(new Scores(3, 2, 2, 2), new Dictionary<Dimension, string> { [Dimension.Impact] = "blocks checkout" }, 19, Queue.Sprint, 1, Ana, t0.AddDays(1));
                var scored = ScoringRules.ApplyScore(item, score, Ana, t0.AddDays(1));
                item = scored.Item;
                history.AddRange(scored.History);
                var reopened = ScoringRules.OpenNewRound(item, Ana, t0.AddDays(2));
                item = reopened.Item;
                history.AddRange(reopened.History);
                await store.Votes.UpsertAsync(new Vote("payments", number, 1, Ana, new Scores(3, 2, 2, 2), new Dictionary<Dimension, string>(), t0.AddHours(20)), Ct);
                await store.Votes.UpsertAsync(new Vote("payments", number, 1, Ben, new Scores(2, 2, 1, 3), new Dictionary<Dimension, string> { [Dimension.Rollback] = "retrain" }, t0.AddHours(21)), Ct);
                await store.Votes.UpsertAsync(new Vote("payments", number, 2, Ben, new Scores(3, 3, 3, 3), new Dictionary<Dimension, string>(), t0.AddDays(3)), Ct);
            }

            await store.Writes.WriteAsync(new ItemWrite { Item = item }, Ct);
            await store.History.AppendAsync(history, Ct);
        }

        await store.Ledger.TryClaimAsync(new LedgerEntry("payments", CeremonyKind.TriageClinic, "2026-02-18T14:00", t0, t0.AddSeconds(3), "host-a:1", OccurrenceOutcome.Posted), Ct);
        await store.Ledger.TryClaimAsync(new LedgerEntry("payments", CeremonyKind.WeeklyStreamReview, "2026-02-16T10:00", t0.AddDays(-2), t0.AddDays(-1), "host-b:2", OccurrenceOutcome.PostedLate), Ct);
    }

    private void UseAzurite(string prefix)
    {
        _cli.Settings["Storage:Provider"] = "AzureTables";
        _cli.Settings["Storage:ConnectionString"] = azurite.ConnectionString;
        _cli.Settings["Storage:TablePrefix"] = prefix;
    }

    private void UseSqlite()
    {
        _cli.Settings.Remove("Storage:Provider");
        _cli.Settings.Remove("Storage:ConnectionString");
        _cli.Settings.Remove("Storage:TablePrefix");
    }

    private async Task<string> BackupTextAsync(string file)
    {
        var result = await _cli.RunAsync("backup", "--backlog", "payments", "--out", file);
        result.ExitCode.ShouldBe(0, result.Error);
        return await File.ReadAllTextAsync(_cli.File(file), Ct);
    }

    [Fact]
    public async Task Backup_FromSqlite_RestoredIntoAzureTables_AndBack_IsTheSameDocumentByteForByte()
    {
        await SeedAsync();
        var fromSqlite = await BackupTextAsync("sqlite.json");

        UseAzurite(AzuriteFixture.UniquePrefix("bk"));
        var restore = await _cli.RunAsync("restore", "sqlite.json");
        restore.ExitCode.ShouldBe(0, restore.Error);
        var fromTables = await BackupTextAsync("tables.json");

        // Same clock, same order, same shapes: the documents are identical, not just equivalent.
        fromTables.ShouldBe(fromSqlite);
        fromSqlite.ShouldContain("\"format\": \"triagebot-backup\"");
        fromSqlite.ShouldContain("retrain");
        fromSqlite.ShouldContain("2026-02-16T10:00");

        // And back into a fresh SQLite file.
        UseSqlite();
        _cli.Settings["Storage:SqlitePath"] = null;
        var other = new CliRun();
        try
        {
            File.Copy(_cli.File("tables.json"), other.File("tables.json"));
            var back = await other.RunAsync("restore", "tables.json");
            back.ExitCode.ShouldBe(0, back.Error);
            (await other.RunAsync("backup", "--backlog", "payments", "--out", "again.json")).ExitCode.ShouldBe(0);
            (await File.ReadAllTextAsync(other.File("again.json"), Ct)).ShouldBe(fromSqlite);
        }
        finally
        {
            other.Dispose();
        }
    }

    [Fact]
    public async Task Restore_KeepsItemNumbers_SoTheNextItemNumbersAfterThem()
    {
        await SeedAsync();
        await BackupTextAsync("b.json");
        UseAzurite(AzuriteFixture.UniquePrefix("nx"));

        (await _cli.RunAsync("restore", "b.json")).ExitCode.ShouldBe(0);

        var store = Storage.StorageServiceCollectionExtensions.Create(
            new Storage.StorageOptions { Provider = "AzureTables", ConnectionString = azurite.ConnectionString, TablePrefix = _cli.Settings["Storage:TablePrefix"]! },
            _cli.Folder, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        (await store.Items.AllocateNumberAsync("payments", Ct)).ShouldBe(4);
    }

    [Fact]
    public async Task Restore_OverAnExistingBacklog_IsRefused_UnlessReplace()
    {
        await SeedAsync();
        await BackupTextAsync("b.json");
        var store = await _cli.StoreAsync();
        var extra = ItemFactory.Create(new NewItemRequest(WorkStream.Bug, new Dictionary<string, string> { [FieldIds.Title] = "Added after the backup" }),
            (await store.Backlogs.GetAsync("payments", Ct))!.Value, await store.Items.AllocateNumberAsync("payments", Ct), Ana, null, CliRun.Now);
        await store.Writes.WriteAsync(new ItemWrite { Item = extra.Item }, Ct);

        var refused = await _cli.RunAsync("restore", "b.json");

        refused.ExitCode.ShouldBe(1);
        refused.Error.ShouldContain("A backlog 'payments' already exists");
        refused.Error.ShouldContain("--replace");
        (await _cli.ItemsAsync()).Count.ShouldBe(4);

        var replaced = await _cli.RunAsync("restore", "b.json", "--replace");

        replaced.ExitCode.ShouldBe(0, replaced.Error);
        (await _cli.ItemsAsync()).Select(i => i.Number).ShouldBe([1, 2, 3]);
        (await BackupTextAsync("after.json")).ShouldBe(await File.ReadAllTextAsync(_cli.File("b.json"), Ct));
    }

    [Fact]
    public async Task Restore_UnderANewId_CopiesEverything_ButLeavesTheOriginalsChannelsAndDashboardLink()
    {
        await SeedAsync();
        await BackupTextAsync("b.json");

        var result = await _cli.RunAsync("restore", "b.json", "--backlog", "payments-copy");

        result.ExitCode.ShouldBe(0, result.Error);
        var store = await _cli.StoreAsync();
        var copy = (await store.Backlogs.GetAsync("payments-copy", Ct))!.Value;
        copy.DashboardToken.ShouldNotBe("token-payments");
        (await _cli.ItemsAsync("payments-copy")).Count.ShouldBe(3);
        (await store.Votes.ListAsync("payments-copy", 1, 1, Ct)).Count.ShouldBe(2);
        (await store.History.ForItemAsync("payments-copy", 1, Ct).ToListAsync(Ct)).Select(h => h.Kind)
            .ShouldBe((await store.History.ForItemAsync("payments", 1, Ct).ToListAsync(Ct)).Select(h => h.Kind));
        (await store.Members.ListAsync("payments-copy", Ct)).Count.ShouldBe(2);
        (await store.Bindings.ListForBacklogAsync("payments-copy", Ct).ToListAsync(Ct)).ShouldBeEmpty();
        (await store.Bindings.GetAsync(Platform.Slack, "T1", "C9", Ct))!.BacklogId.ShouldBe("payments");
    }

    [Fact]
    public async Task Restore_OfATruncatedFile_SaysItIsTruncated()
    {
        await SeedAsync();
        var text = await BackupTextAsync("b.json");
        await File.WriteAllTextAsync(_cli.File("cut.json"), text[..(text.Length / 2)], Ct);

        var result = await _cli.RunAsync("restore", "cut.json", "--backlog", "other");

        result.ExitCode.ShouldBe(1);
        result.Error.ShouldContain("may be truncated");
    }

    [Fact]
    public async Task Restore_OfAFileThatIsNotABackup_IsRefused()
    {
        await File.WriteAllTextAsync(_cli.File("x.json"), """{"format":"something-else","version":1}""", Ct);

        var result = await _cli.RunAsync("restore", "x.json");

        result.ExitCode.ShouldBe(1);
        result.Error.ShouldContain("is not a TriageBot backup");
    }
}
