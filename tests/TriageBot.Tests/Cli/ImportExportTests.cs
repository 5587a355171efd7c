using System.Globalization;
using System.Text;
using TriageBot.Core.Items;

namespace TriageBot.Tests.Cli;

public sealed class ImportExportTests : IDisposable
{
    private readonly CliRun _cli = new();
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _cli.Dispose();

    private async Task<string> WriteAsync(string name, string content)
    {
        var path = _cli.File(name);
        await File.WriteAllTextAsync(path, content, Ct);
        return path;
    }

    private const string GoodFile = """
        title,stream,state,description,impact,confidence,rollback,delay,reporter,created,capability_note,timebox_days,touches
        Checkout button stays grey,bug,new,"Tap pay,
        nothing happens",,,,,Ana Lima <slack:U01>,2026-01-05,,,
        Smart retry suggestions,feature,ready,,2,2,2,2,,2026-01-10,Needs the retry classifier; days of work.,,
        Refund answers drift,model,active,,3,1,2,2,,,,7,
        Latency spike and prompt regression,incident,new,,,,,,,,,,"bug, model"
        """;

    [Fact]
    public async Task Import_ValidFile_CreatesEveryItem_WithACreatedEntryByTheImporter()
    {
        await _cli.CreateBacklogAsync();
        var file = await WriteAsync("good.csv", GoodFile);

        var result = await _cli.RunAsync("import", file, "--backlog", "payments");

        result.ExitCode.ShouldBe(0, result.Error);
        result.Out.ShouldContain("4 created");
        var items = await _cli.ItemsAsync();
        items.Select(i => i.Key).ShouldBe(["PAY-1", "PAY-2", "PAY-3", "PAY-4"]);
        items[0].Reporter.ShouldBe(new UserRef(Platform.Slack, "U01", "Ana Lima"));
        items[0].Description.ShouldBe("Tap pay,\nnothing happens");
        items[0].CreatedAt.ShouldBe(new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero));
        items[1].State.ShouldBe(ItemState.Ready);
        items[1].Score!.Total.ShouldBe(16);
        items[1].Feature!.CapabilityNote!.Text.ShouldStartWith("Needs the retry classifier");
        items[2].Model!.Timebox!.LengthDays.ShouldBe(7);
        items[3].Incident!.Touches.ShouldBe([WorkStream.Model, WorkStream.Bug]);

        var store = await _cli.StoreAsync();
        var history = await store.History.ForItemAsync("payments", 1, Ct).ToListAsync(Ct);
        history.ShouldHaveSingleItem().Kind.ShouldBe(HistoryKind.Created);
        history[0].Actor.Key.ShouldBe("playground:import");
        history[0].Reason!.ShouldContain("good.csv, line 2");
    }

    [Fact]
    public async Task Import_WithBadRows_ReportsEveryBadRowWithItsLine_AndWritesNothing()
    {
        await _cli.CreateBacklogAsync();
        var file = await WriteAsync("bad.csv", """
            title,stream,state,impact,confidence,rollback,delay,total,owner
            ok,bug,new,,,,,,
            A good bug title,bugs,new,,,,,,
            "A good title
            over two lines",bug,new,,,,,,
            Scores out of range,bug,ready,4,2,2,2,,
            Wrong total,bug,ready,3,2,2,2,20,
            Owner without id,bug,new,,,,,,Ana
            Closed without why,bug,closed,,,,,,
            Fine one,bug,new,,,,,,
            """);

        var result = await _cli.RunAsync("import", file, "--backlog", "payments");

        result.ExitCode.ShouldBe(1);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.ShouldContain(l => l.StartsWith("line 2: title: Title must be 3–150 characters", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("line 3: stream: must be model, bug, feature or incident", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("line 4: title: Title must be one line", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("line 6: impact: must be 1, 2 or 3", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("line 7: total: is 20, but the scores give", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("line 8: owner: must be a name and a platform id", StringComparison.Ordinal));
        lines.ShouldContain(l => l.StartsWith("line 9: closed_rationale: is required", StringComparison.Ordinal));
        lines.ShouldNotContain(l => l.StartsWith("line 10", StringComparison.Ordinal));
        result.Error.ShouldContain("Nothing was imported: 7 problem(s)");
        (await _cli.ItemsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Import_FeatureInReadyWithoutCapabilityNote_IsRefusedByTheGate()
    {
        await _cli.CreateBacklogAsync();
        var file = await WriteAsync("gate.csv", "title,stream,state,column\nSmart retry suggestions,feature,ready,build\n");

        var result = await _cli.RunAsync("import", file, "--backlog", "payments");

        result.ExitCode.ShouldBe(1);
        result.Error.ShouldContain("line 2: capability_note: is required for a feature in ready");
        result.Error.ShouldContain("line 2: success_metric: is required for a feature in the build or measure column");
    }

    [Fact]
    public async Task Import_ACapabilityNoteThatIsNotASentence_IsRefusedAsInTheNotesForm_AndNothingIsImported()
    {
        await _cli.CreateBacklogAsync();
        var file = await WriteAsync("note.csv", "title,stream,state,capability_note\nSmart retry suggestions,feature,new,.\nExport answers to PDF,feature,new,Needs the PDF renderer in the evaluation harness; days.\n");

        var result = await _cli.RunAsync("import", file, "--backlog", "payments");

        result.ExitCode.ShouldBe(1);
        result.Error.ShouldContain("line 2: capability_note: needs at least a sentence");
        result.Error.ShouldNotContain("line 3");
        (await _cli.ItemsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Import_UnknownColumnOrMissingTitle_IsRefusedBeforeAnyRow()
    {
        await _cli.CreateBacklogAsync();
        var file = await WriteAsync("columns.csv", "name,stream,colour\nA title,bug,red\n");

        var result = await _cli.RunAsync("import", file, "--backlog", "payments");

        result.ExitCode.ShouldBe(1);
        result.Error.ShouldContain("line 1: unknown column \"name\"");
        result.Error.ShouldContain("line 1: unknown column \"colour\"");
        result.Error.ShouldContain("line 1: the column \"title\" is missing");
    }

    [Fact]
    public async Task Import_SameFileTwice_LeavesTheSameItems()
    {
        await _cli.CreateBacklogAsync();
        var file = await WriteAsync("good.csv", GoodFile);

        (await _cli.RunAsync("import", file, "--backlog", "payments")).ExitCode.ShouldBe(0);
        var first = await _cli.ItemsAsync();
        var second = await _cli.RunAsync("import", file, "--backlog", "payments");

        second.ExitCode.ShouldBe(0, second.Error);
        second.Out.ShouldContain("0 created, 0 updated, 4 unchanged");
        var items = await _cli.ItemsAsync();
        items.Count.ShouldBe(4);
        items.Select(i => i.UpdatedAt).ShouldBe(first.Select(i => i.UpdatedAt));
    }

    [Fact]
    public async Task Import_OfAnExport_ChangesNothing_AndAnEditedRowUpdatesOnlyThatItem()
    {
        await _cli.CreateBacklogAsync();
        (await _cli.RunAsync("import", await WriteAsync("good.csv", GoodFile), "--backlog", "payments")).ExitCode.ShouldBe(0);
        var export = await _cli.RunAsync("export", "--backlog", "payments", "--out", "export.csv");
        export.ExitCode.ShouldBe(0, export.Error);

        var again = await _cli.RunAsync("import", "export.csv", "--backlog", "payments");
        again.Out.ShouldContain("0 created, 0 updated, 4 unchanged");

        var edited = (await File.ReadAllTextAsync(_cli.File("export.csv"), Ct)).Replace("Checkout button stays grey", "Checkout button stays grey on iOS", StringComparison.Ordinal);
        await File.WriteAllTextAsync(_cli.File("export.csv"), edited, Ct);
        var update = await _cli.RunAsync("import", "export.csv", "--backlog", "payments");

        update.Out.ShouldContain("0 created, 1 updated, 3 unchanged");
        (await _cli.ItemsAsync())[0].Title.ShouldBe("Checkout button stays grey on iOS");
        var store = await _cli.StoreAsync();
        var history = await store.History.ForItemAsync("payments", 1, Ct).ToListAsync(Ct);
        history.Last().ShouldSatisfyAllConditions(
            h => h.Kind.ShouldBe(HistoryKind.FieldChanged),
            h => h.Field.ShouldBe(FieldIds.Title),
            h => h.To.ShouldBe("Checkout button stays grey on iOS"),
            h => h.Actor.Key.ShouldBe("playground:import"));
    }

    [Fact]
    public async Task Import_KeysOfAnotherBacklog_KeepTheirNumbers_AndNewRowsNumberAfterThem()
    {
        await _cli.CreateBacklogAsync();
        var file = await WriteAsync("keys.csv", "key,title,stream\nPAY-7,Kept number,bug\n,Fresh number,bug\nJIRA-12,External key,bug\n");

        var result = await _cli.RunAsync("import", file, "--backlog", "payments");

        result.ExitCode.ShouldBe(0, result.Error);
        var items = await _cli.ItemsAsync();
        items.Select(i => (i.Key, i.Title)).ShouldBe([("PAY-7", "Kept number"), ("PAY-8", "Fresh number"), ("PAY-9", "External key")]);
        items[2].ImportId.ShouldBe("JIRA-12");
    }

    [Fact]
    public async Task Export_GuardsCellsThatASpreadsheetWouldRun_AndTheGuardRoundTrips()
    {
        await _cli.CreateBacklogAsync();
        var file = await WriteAsync("formula.csv", "title,stream,description\n\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",bug,@SUM(A1)\n");
        (await _cli.RunAsync("import", file, "--backlog", "payments")).ExitCode.ShouldBe(0);
        (await _cli.ItemsAsync())[0].Title.ShouldStartWith("=HYPERLINK(");

        var export = await _cli.RunAsync("export", "--backlog", "payments");

        export.ExitCode.ShouldBe(0);
        export.Out.ShouldContain("\"'=HYPERLINK(");
        export.Out.ShouldContain(",'@SUM(A1),");
        export.Out.ShouldNotContain(",=HYPERLINK");
        await File.WriteAllTextAsync(_cli.File("back.csv"), export.Out, Ct);
        (await _cli.RunAsync("import", "back.csv", "--backlog", "payments")).Out.ShouldContain("0 created, 0 updated, 1 unchanged");
    }

    [Fact]
    public async Task Import_DryRun_ChecksAndCounts_ButWritesNothing()
    {
        await _cli.CreateBacklogAsync();
        var file = await WriteAsync("good.csv", GoodFile);

        var result = await _cli.RunAsync("import", file, "--backlog", "payments", "--dry-run");

        result.ExitCode.ShouldBe(0);
        result.Out.ShouldContain("would create 4, update 0 and leave 0 unchanged");
        (await _cli.ItemsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Import_IntoAnUnknownBacklog_IsRefused()
    {
        var file = await WriteAsync("good.csv", GoodFile);

        var result = await _cli.RunAsync("import", file, "--backlog", "nope");

        result.ExitCode.ShouldBe(1);
        result.Error.ShouldContain("There is no backlog 'nope'");
    }

    [Fact]
    public async Task Import_TenThousandRows_ImportsEveryRow_ReportsProgress_AndTwiceCreatesNothingNew()
    {
        await _cli.CreateBacklogAsync();
        var csv = new StringBuilder("title,stream,state,impact,confidence,rollback,delay,created\n");
        for (var i = 1; i <= 10_000; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"Imported bug number {i},bug,ready,2,2,2,{1 + (i % 3)},2025-12-{1 + (i % 28):00}\n");
        }

        var file = await WriteAsync("large.csv", csv.ToString());

        var first = await _cli.RunAsync("import", file, "--backlog", "payments");

        first.ExitCode.ShouldBe(0, first.Error);
        first.Out.ShouldContain("10000 created");
        // Not a terminal: one line per tenth, never a line per row.
        first.Error.ShouldContain("Importing: 50%");
        first.Error.ShouldContain("Importing: 100%");
        first.Error.Split('\n').Count(l => l.StartsWith("Importing:", StringComparison.Ordinal)).ShouldBeLessThanOrEqualTo(11);
        (await _cli.ItemsAsync()).Count.ShouldBe(10_000);

        var second = await _cli.RunAsync("import", file, "--backlog", "payments");
        second.Out.ShouldContain("0 created, 0 updated, 10000 unchanged");
        (await _cli.ItemsAsync()).Count.ShouldBe(10_000);
    }

    [Fact]
    public async Task Import_OnATerminal_DrawsABarInPlace()
    {
        await _cli.CreateBacklogAsync();
        _cli.Terminal = true;

        var result = await _cli.RunAsync("import", await WriteAsync("good.csv", GoodFile), "--backlog", "payments");

        result.ExitCode.ShouldBe(0);
        result.Error.ShouldContain("\rImporting [##############################] 100%");
        result.Error.ShouldNotContain("Importing: ");
    }

    [Theory]
    [InlineData(new[] { "frobnicate" }, "Unknown command 'frobnicate'")]
    [InlineData(new[] { "import", "--backlog", "payments" }, "import: give the FILE.csv to read")]
    [InlineData(new[] { "import", "x.csv" }, "import: --backlog is required")]
    [InlineData(new[] { "export", "--backlog" }, "export: --backlog needs a value")]
    [InlineData(new[] { "backup", "--backlog", "payments", "--out", "b.json", "--verbose" }, "backup: unknown option --verbose")]
    [InlineData(new[] { "import", "missing.csv", "--backlog", "payments" }, "does not exist")]
    public async Task Cli_BadArguments_ExitWithUsageAndSayWhatIsWrong(string[] args, string message)
    {
        await _cli.CreateBacklogAsync();

        var result = await _cli.RunAsync(args);

        result.ExitCode.ShouldBe(2);
        result.Error.ShouldContain(message);
    }

    [Fact]
    public async Task Cli_Help_ListsEveryCommand()
    {
        var result = await _cli.RunAsync("help");

        result.ExitCode.ShouldBe(0);
        foreach (var command in new[] { "export", "import", "backup", "restore" })
        {
            result.Out.ShouldContain("  " + command + " ");
        }
    }

    [Fact]
    public async Task Cli_InvalidStorageSettings_ExitWithTheSettingToFix()
    {
        _cli.Settings["Storage:Provider"] = "Postgres";

        var result = await _cli.RunAsync("export", "--backlog", "payments");

        result.ExitCode.ShouldBe(2);
        result.Error.ShouldContain("Storage:Provider 'Postgres' is not known");
    }
}
