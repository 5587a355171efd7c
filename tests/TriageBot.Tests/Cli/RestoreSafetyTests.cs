using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using TriageBot.Cli;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Rubric;
using TriageBot.Core.Voting;
using TriageBot.Storage;
using TriageBot.Storage.Tables;
using TriageBot.Storage.Tests.Azurite;

namespace TriageBot.Tests.Cli;

/// <summary>Issue 14: a restore reads and checks the whole file before it changes anything, and puts the backlog in place all or nothing.</summary>
public sealed class RestoreSafetyTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly CliRun _cli = new();
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _cli.Dispose();

    private static readonly UserRef Ana = new(Platform.Slack, "U01", "Ana Lima");
    private static readonly UserRef Ben = new(Platform.Slack, "U02", "Ben Okafor");

    /// <summary>Thirteen items with history, two members, a binding, votes and a ledger entry, in the SQLite file.</summary>
    private async Task SeedAsync(int items = 13)
    {
        var backlog = await _cli.CreateBacklogAsync();
        var store = await _cli.StoreAsync();
        var t0 = CliRun.Now.AddDays(-10);
        await store.Members.UpsertAsync(new Member("payments", Ana, Role.Facilitator), Ct);
        await store.Members.UpsertAsync(new Member("payments", Ben, Role.Engineer), Ct);
        await store.Bindings.UpsertAsync(new Binding
        {
            Address = new ConversationAddress { Platform = Platform.Slack, Workspace = "T1", ChannelId = "C9" },
            BacklogId = "payments",
            ChannelName = "payments-triage",
        }, Ct);
        for (var n = 1; n <= items; n++)
        {
            var number = await store.Items.AllocateNumberAsync("payments", Ct);
            var change = ItemFactory.Create(new NewItemRequest(WorkStream.Bug, new Dictionary<string, string>
            {
                [FieldIds.Title] = $"Checkout fails for card type {n}",
                [FieldIds.Description] = $"Step {n}: open checkout, pick the card, pay. Nothing happens and the spinner stays.",
            }), backlog, number, Ana, null, t0.AddHours(n));
            var item = change.Item;
            var history = change.History.ToList();
            if (n == 1)
            {
                var scored = ScoringRules.ApplyScore(item, new ItemScore(new Scores(3, 2, 2, 2), new Dictionary<Dimension, string>(), 19, Queue.Sprint, 1, Ana, t0.AddDays(1)), Ana, t0.AddDays(1));
                item = scored.Item;
                history.AddRange(scored.History);
                await store.Votes.UpsertAsync(new Vote("payments", number, 1, Ben, new Scores(2, 2, 1, 3), new Dictionary<Dimension, string>(), t0.AddHours(21)), Ct);
            }

            await store.Writes.WriteAsync(new ItemWrite { Item = item }, Ct);
            await store.History.AppendAsync(history, Ct);
        }

        await store.Ledger.TryClaimAsync(new LedgerEntry("payments", CeremonyKind.TriageClinic, "2026-02-18T14:00", t0, t0.AddSeconds(3), "host-a:1", OccurrenceOutcome.Posted), Ct);
    }

    private void Use(string backend)
    {
        if (backend == "tables")
        {
            _cli.Settings["Storage:Provider"] = "AzureTables";
            _cli.Settings["Storage:ConnectionString"] = azurite.ConnectionString;
            _cli.Settings["Storage:TablePrefix"] = AzuriteFixture.UniquePrefix("rs");
        }
    }

    /// <summary>The store the CLI is configured for, opened directly (without starting it, so nothing is finished on open).</summary>
    private ITriageStore Store() => _cli.Settings.ContainsKey("Storage:Provider")
        ? StorageServiceCollectionExtensions.Create(
            new StorageOptions { Provider = "AzureTables", ConnectionString = azurite.ConnectionString, TablePrefix = _cli.Settings["Storage:TablePrefix"]! },
            _cli.Folder, NullLoggerFactory.Instance)
        : _cli.StoreAsync().GetAwaiter().GetResult();

    private async Task<string> BackupAsync(string file)
    {
        var result = await _cli.RunAsync("backup", "--backlog", "payments", "--out", file);
        result.ExitCode.ShouldBe(0, result.Error);
        return await File.ReadAllTextAsync(_cli.File(file), Ct);
    }

    /// <summary>
    /// "new.json" is the seeded backlog; the store then holds it plus a 14th item and another name ("old.json"), so the old
    /// and the new backlog differ in every section a restore replaces.
    /// </summary>
    private async Task<(string Old, string New)> OldAndNewAsync(string backend)
    {
        // "sqlite-again": the SQLite file is already seeded and new.json written.
        if (backend != "sqlite-again")
        {
            await SeedAsync();
        }

        var fresh = backend == "sqlite-again" ? await File.ReadAllTextAsync(_cli.File("new.json"), Ct) : await BackupAsync("new.json");
        Use(backend);
        if (backend == "tables")
        {
            (await _cli.RunAsync("restore", "new.json")).ExitCode.ShouldBe(0);
        }

        var store = Store();
        var backlog = (await store.Backlogs.GetAsync("payments", Ct))!;
        await store.Backlogs.ReplaceAsync(backlog.Value with { Name = "Payments (changed since)" }, backlog.ETag, Ct);
        var extra = ItemFactory.Create(new NewItemRequest(WorkStream.Feature, new Dictionary<string, string> { [FieldIds.Title] = "Added after the backup" }),
            backlog.Value, await store.Items.AllocateNumberAsync("payments", Ct), Ana, null, CliRun.Now);
        await store.Writes.WriteAsync(new ItemWrite { Item = extra.Item }, Ct);
        await store.History.AppendAsync(extra.History, Ct);
        await store.Members.UpsertAsync(new Member("payments", new UserRef(Platform.Slack, "U03", "Chi"), Role.Engineer), Ct);
        return (await BackupAsync("old.json"), fresh);
    }

    private async Task WriteAsync(string file, string text) => await File.WriteAllTextAsync(_cli.File(file), text, Ct);

    [Fact]
    public async Task Restore_Replace_OfABackupCutAt9KB_ChangesNothing_AndSaysTheFileIsTruncated()
    {
        var (old, fresh) = await OldAndNewAsync("sqlite");
        var bytes = await File.ReadAllBytesAsync(_cli.File("new.json"), Ct);
        bytes.Length.ShouldBeGreaterThan(9 * 1024);
        await File.WriteAllBytesAsync(_cli.File("cut.json"), bytes[..(9 * 1024)], Ct);

        var result = await _cli.RunAsync("restore", "cut.json", "--replace");

        result.ExitCode.ShouldBe(ExitCodes.Refused);
        result.Error.ShouldContain("truncated");
        result.Error.ShouldContain("Nothing was changed");
        (await BackupAsync("after.json")).ShouldBe(old);
        (await _cli.ItemsAsync()).Count.ShouldBe(14);
        fresh.ShouldNotBe(old);
    }

    [Fact]
    public async Task Restore_Replace_OfABackupWithAnItemListedTwice_ChangesNothing_NamesTheEntry_AndTheCounterStillWorks()
    {
        var (old, _) = await OldAndNewAsync("sqlite");
        var document = JsonNode.Parse(await File.ReadAllTextAsync(_cli.File("new.json"), Ct))!;
        var items = document["items"]!.AsArray();
        items.Insert(5, items[2]!.DeepClone());
        await WriteAsync("twice.json", document.ToJsonString());

        var result = await _cli.RunAsync("restore", "twice.json", "--replace");

        result.ExitCode.ShouldBe(ExitCodes.Refused);
        result.Error.ShouldContain("items[5]: item number 3 (PAY-3) is listed twice");
        result.Error.ShouldNotContain("   at ");
        (await BackupAsync("after.json")).ShouldBe(old);
        var store = await _cli.StoreAsync();
        (await store.Items.AllocateNumberAsync("payments", Ct)).ShouldBe(15);
    }

    public static TheoryData<string, string, string> BadFiles => new()
    {
        // What is changed (a JSON path and a value), and what the refusal names.
        { "items[4].stream", "7", "items[4]: stream: 7 is not a WorkStream" },
        { "items[4].stream", "\"Rocket\"", "items[4]: " },
        { "items[0].title", "null", "items[0]: title: is missing or null" },
        { "items[0].number", "0", "items[0]: the item number 0 is not a positive number" },
        { "members[1].role", "\"Boss\"", "members[1]: " },
        { "members[1].role", "9", "members[1]: role: 9 is not a Role" },
        { "members[1].backlogId", "\"other\"", "members[1]: it belongs to backlog 'other'" },
        { "bindings[0].roles", "64", "bindings[0]: roles: 64 is not a ChannelRoles" },
        { "bindings[0].backlogId", "\"other\"", "bindings[0]: it belongs to backlog 'other'" },
        { "history[3].itemNumber", "99", "history[3]: the entry is about item 99, which the backup's items do not hold" },
        { "history[3].kind", "42", "history[3]: kind: 42 is not a HistoryKind" },
        { "votes[0].round", "5", "votes[0]: a vote in round 5 of item 1, which has rounds 1 to 1" },
        { "votes[0].itemNumber", "77", "votes[0]: a vote on item 77" },
        { "ledger[0].ceremony", "11", "ledger[0]: ceremony: 11 is not a CeremonyKind" },
        { "backlog.settings.stage", "3", "backlog: settings.stage: 3 is not a ProductStage" },
        { "extra", "[{ \"x\": 1 }]", "extra: this version of the backup format has no section" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task Restore_Replace_OfAFileWithOneBadEntry_ChangesNothing_AndNamesTheSectionAndEntry(string path, string value, string expected)
    {
        var (old, _) = await OldAndNewAsync("sqlite");
        var document = JsonNode.Parse(await File.ReadAllTextAsync(_cli.File("new.json"), Ct))!.AsObject();
        var parts = path.Split('.');
        JsonNode node = document;
        foreach (var part in parts[..^1])
        {
            node = part.EndsWith(']') ? node[part[..part.IndexOf('[')]]![int.Parse(part[(part.IndexOf('[') + 1)..^1], System.Globalization.CultureInfo.InvariantCulture)]! : node[part]!;
        }

        node.AsObject()[parts[^1]] = JsonNode.Parse(value);
        await WriteAsync("bad.json", document.ToJsonString());

        var result = await _cli.RunAsync("restore", "bad.json", "--replace");

        result.ExitCode.ShouldBe(ExitCodes.Refused, result.Error);
        result.Error.ShouldContain(expected);
        result.Error.ShouldContain("Nothing was changed");
        result.Error.ShouldNotContain("   at ");
        (await BackupAsync("after.json")).ShouldBe(old);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("tables")]
    public async Task Restore_Replace_WhenTheStoreFailsPartWay_LeavesTheOldBacklogWhole_AndARetryPutsTheNewOneInPlace(string backend)
    {
        var (old, fresh) = await OldAndNewAsync(backend);
        _cli.WrapStore = s => new FaultyStore(s)
        {
            BeforeRestoreRecord = (_, n) => n == 20 ? throw new StoreUnavailableException("the disk went away") : Task.CompletedTask,
        }.Backend;

        var failed = await _cli.RunAsync("restore", "new.json", "--replace");

        failed.ExitCode.ShouldBe(ExitCodes.Failed);
        failed.Error.ShouldContain("the disk went away");
        _cli.WrapStore = null;
        (await BackupAsync("after-failure.json")).ShouldBe(old);

        var retried = await _cli.RunAsync("restore", "new.json", "--replace");

        retried.ExitCode.ShouldBe(0, retried.Error);
        (await BackupAsync("after-retry.json")).ShouldBe(fresh);
    }

    [Fact]
    public async Task Restore_Replace_OnAzureTables_CutShortWhileMovingIntoPlace_ShowsNoBacklog_AndTheNextStartFinishesIt()
    {
        var (_, fresh) = await OldAndNewAsync("tables");
        var moved = 0;
        _cli.WrapStore = s =>
        {
            ((TableTriageStore)s.Store).RestoreStep = (step, _) => step == "move" && ++moved == 6 ? throw new StoreUnavailableException("killed while moving") : Task.CompletedTask;
            return s;
        };

        var failed = await _cli.RunAsync("restore", "new.json", "--replace");

        failed.ExitCode.ShouldBe(ExitCodes.Failed);
        // Opened without starting: the half-moved backlog reads as absent, not as a mix of old and new.
        (await Store().Backlogs.GetAsync("payments", Ct)).ShouldBeNull();
        _cli.WrapStore = null;

        // Any start (here the backup command's) finishes the move.
        (await BackupAsync("after.json")).ShouldBe(fresh);
    }

    [Fact]
    public async Task Restore_Replace_OnAzureTables_AnAppStartingWhileTheCommandMovesIt_LeavesTheMoveToTheCommand()
    {
        var (_, fresh) = await OldAndNewAsync("tables");
        var moved = 0;
        Backlog? seenByTheStart = null;
        _cli.WrapStore = s =>
        {
            ((TableTriageStore)s.Store).RestoreStep = async (step, ct) =>
            {
                if (step == "move" && ++moved == 6)
                {
                    // Another instance starts meanwhile: the restore is leased to the command, so it does not move it too.
                    var starting = Store();
                    await starting.InitializeAsync(ct);
                    seenByTheStart = (await starting.Backlogs.GetAsync("payments", ct))?.Value;
                }
            };
            return s;
        };

        var result = await _cli.RunAsync("restore", "new.json", "--replace");

        result.ExitCode.ShouldBe(0, result.Error);
        moved.ShouldBeGreaterThan(6);
        seenByTheStart.ShouldBeNull();
        _cli.WrapStore = null;
        (await BackupAsync("after.json")).ShouldBe(fresh);
    }

    [Fact]
    public async Task Restore_Replace_OnAzureTables_FailingWhileStaging_LeavesTheOldBacklogWhole()
    {
        var (old, _) = await OldAndNewAsync("tables");
        var staged = 0;
        _cli.WrapStore = s =>
        {
            ((TableTriageStore)s.Store).RestoreStep = (step, _) => step == "stage" && ++staged == 10 ? throw new StoreUnavailableException("killed while staging") : Task.CompletedTask;
            return s;
        };

        (await _cli.RunAsync("restore", "new.json", "--replace")).ExitCode.ShouldBe(ExitCodes.Failed);
        _cli.WrapStore = null;

        (await BackupAsync("after.json")).ShouldBe(old);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("tables")]
    public async Task Restore_OfABindingWhoseChannelIsBoundToAnotherBacklog_IsRefused_AndChangesNothing(string backend)
    {
        var (old, _) = await OldAndNewAsync(backend);
        var store = Store();
        (await store.Backlogs.TryCreateAsync(new Backlog { Id = "growth", Name = "Growth", KeyPrefix = "GRO", CreatedAt = CliRun.Now, DashboardToken = "token-growth" }, Ct)).ShouldBeTrue();
        await store.Bindings.UpsertAsync(new Binding
        {
            Address = new ConversationAddress { Platform = Platform.Slack, Workspace = "T1", ChannelId = "C9" },
            BacklogId = "growth",
        }, Ct);
        var before = await BackupAsync("before.json");

        var result = await _cli.RunAsync("restore", "new.json", "--replace");

        result.ExitCode.ShouldBe(ExitCodes.Refused);
        result.Error.ShouldContain("bindings[0]: the channel Slack T1/C9 is bound to another backlog, 'growth'");
        (await BackupAsync("after.json")).ShouldBe(before);
        (await store.Bindings.GetAsync(Platform.Slack, "T1", "C9", Ct))!.BacklogId.ShouldBe("growth");
        old.ShouldNotBe(before);
    }

    [Fact]
    public async Task Restore_Replace_OnSqlite_KilledWithSigkillHalfWay_LeavesTheOldBacklogWhole()
    {
        // Big enough that the second pass takes a while after its first progress line.
        await SeedAsync(items: 4000);
        var fresh = await BackupAsync("new.json");
        var (old, _) = await OldAndNewAsync("sqlite-again");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        var start = new System.Diagnostics.ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _cli.Folder,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "TriageBot.dll"), "restore", _cli.File("new.json"), "--replace" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["Storage__Provider"] = "Sqlite";
        start.Environment["Storage__SqlitePath"] = _cli.DatabasePath;
        using var process = new System.Diagnostics.Process { StartInfo = start };
        var halfWay = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lines.Enqueue(line);
                if (line.StartsWith("Restoring: ", StringComparison.Ordinal) && line is not ("Restoring: 0%" or "Restoring: 100%"))
                {
                    halfWay.TrySetResult();
                }
            }
        };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        await Task.WhenAny(halfWay.Task, process.WaitForExitAsync(Ct)).WaitAsync(TimeSpan.FromMinutes(3), Ct);
        halfWay.Task.IsCompleted.ShouldBeTrue($"the restore ended before it was half-way: {string.Join(" / ", lines)}");
        process.Kill(entireProcessTree: true); // SIGKILL: no finally blocks, no rollback by the process itself
        await process.WaitForExitAsync(Ct);

        (await BackupAsync("after-kill.json")).ShouldBe(old);
        (await _cli.RunAsync("restore", "new.json", "--replace")).ExitCode.ShouldBe(0);
        (await BackupAsync("after-retry.json")).ShouldBe(fresh);
    }

    [Fact]
    public async Task Restore_OfACopyUnderANewId_NeverMovesTheOriginalsChannels()
    {
        await SeedAsync(items: 2);
        await BackupAsync("b.json");

        var result = await _cli.RunAsync("restore", "b.json", "--backlog", "payments-copy");

        result.ExitCode.ShouldBe(0, result.Error);
        result.Error.ShouldContain("1 bindings skipped (they stay with 'payments')");
        var store = await _cli.StoreAsync();
        (await store.Bindings.GetAsync(Platform.Slack, "T1", "C9", Ct))!.BacklogId.ShouldBe("payments");
        (await store.Bindings.ListForBacklogAsync("payments-copy", Ct).ToListAsync(Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Backup_File_IsReadableAndWritableByItsOwnerOnly_EvenOverAnOpenerFile()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await SeedAsync(items: 1);
        await File.WriteAllTextAsync(_cli.File("b.json"), "old", Ct);
        File.SetUnixFileMode(_cli.File("b.json"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await File.WriteAllTextAsync(_cli.File("b.json.partial"), "left over", Ct);
        File.SetUnixFileMode(_cli.File("b.json.partial"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var text = await BackupAsync("b.json");

        File.GetUnixFileMode(_cli.File("b.json")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        text.ShouldContain("token-payments");
        File.Exists(_cli.File("b.json.partial")).ShouldBeFalse();
    }
}
