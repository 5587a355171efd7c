using System.Text;
using TriageBot.Cli;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;

namespace TriageBot.Tests.Cli;

/// <summary>Issue 14: an import keeps what people typed (strict UTF-8), finishes when run again after being cut short, and the command line never shows a stack trace.</summary>
public sealed class ImportSafetyTests : IDisposable
{
    private readonly CliRun _cli = new();
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _cli.Dispose();

    private const string FourRows = """
        title,stream,state,description
        Checkout button stays grey,bug,new,Tap pay and nothing happens
        Smart retry suggestions,feature,new,
        Refund answers drift,model,new,Since the last prompt change
        Latency spike on login,bug,new,
        """;

    [Fact]
    public async Task Import_OfAFileThatIsNotUtf8_NamesTheLineAndByte_AndImportsNothing()
    {
        await _cli.CreateBacklogAsync();
        // Line 3 was saved as Latin-1: "Café" ends in the single byte 0xE9.
        var bytes = Encoding.UTF8.GetBytes("title,stream\nA good first title,bug\nCaf").Concat(new byte[] { 0xE9 }).Concat(Encoding.UTF8.GetBytes(" menu crashes,bug\n")).ToArray();
        await File.WriteAllBytesAsync(_cli.File("latin1.csv"), bytes, Ct);

        var result = await _cli.RunAsync("import", "latin1.csv", "--backlog", "payments");

        result.ExitCode.ShouldBe(ExitCodes.Refused);
        result.Error.ShouldContain("line 3: byte 4 of the line (byte 40 of the file) is not UTF-8 (0xE9)");
        (await _cli.ItemsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Import_OfUtf8WithAByteOrderMarkAndEmoji_KeepsEveryCharacter()
    {
        await _cli.CreateBacklogAsync();
        await File.WriteAllBytesAsync(_cli.File("bom.csv"), [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes("title,stream\nCafé menu crashes 🚀 naïve,bug\n")], Ct);

        var result = await _cli.RunAsync("import", "bom.csv", "--backlog", "payments");

        result.ExitCode.ShouldBe(0, result.Error);
        (await _cli.ItemsAsync()).ShouldHaveSingleItem().Title.ShouldBe("Café menu crashes 🚀 naïve");
    }

    [Fact]
    public async Task Import_CutShortPartWay_RunAgain_FinishesWithEveryItemOnce()
    {
        await _cli.CreateBacklogAsync();
        await File.WriteAllTextAsync(_cli.File("four.csv"), FourRows, Ct);
        _cli.WrapStore = s => new FaultyStore(s) { BeforeInsert = (_, n) => n == 3 ? throw new StoreUnavailableException("the process was killed") : Task.CompletedTask }.Backend;

        var cut = await _cli.RunAsync("import", "four.csv", "--backlog", "payments");

        cut.ExitCode.ShouldBe(ExitCodes.Failed);
        (await _cli.ItemsAsync()).Count.ShouldBe(2);
        _cli.WrapStore = null;

        var again = await _cli.RunAsync("import", "four.csv", "--backlog", "payments");

        again.ExitCode.ShouldBe(0, again.Error);
        again.Out.ShouldContain("2 created, 0 updated, 2 unchanged");
        var items = await _cli.ItemsAsync();
        items.Select(i => i.Title).Order().ShouldBe(["Checkout button stays grey", "Latency spike on login", "Refund answers drift", "Smart retry suggestions"]);
        var store = await _cli.StoreAsync();
        foreach (var item in items)
        {
            (await store.History.ForItemAsync("payments", item.Number, Ct).ToListAsync(Ct)).ShouldHaveSingleItem().Kind.ShouldBe(HistoryKind.Created);
        }
    }

    public static TheoryData<string, int, string> DomainFailures => new()
    {
        { "duplicate", ExitCodes.Refused, "Refused: Item 1 already exists" },
        { "concurrency", ExitCodes.Conflict, "Changed meanwhile: PAY-1 was changed by someone else. Run the command again." },
        { "rule", ExitCodes.Refused, "Refused: A closed item cannot be changed." },
        { "unexpected", ExitCodes.Failed, "import failed unexpectedly: NullReferenceException: boom" },
    };

    [Theory]
    [MemberData(nameof(DomainFailures))]
    public async Task Cli_DomainExceptions_BecomeOneLineAndADocumentedExitCode_WithoutAStackTrace(string kind, int exitCode, string message)
    {
        await _cli.CreateBacklogAsync();
        await File.WriteAllTextAsync(_cli.File("four.csv"), FourRows, Ct);
        _cli.WrapStore = s => new FaultyStore(s)
        {
            BeforeInsert = (_, _) => kind switch
            {
                "duplicate" => throw new DuplicateKeyException("Item 1 already exists in backlog 'payments'."),
                "concurrency" => throw new ConcurrencyException("PAY-1 was changed by someone else."),
                "rule" => throw new RuleViolationException("A closed item cannot be changed."),
                _ => throw new NullReferenceException("boom"),
            },
        }.Backend;

        var result = await _cli.RunAsync("import", "four.csv", "--backlog", "payments");

        result.ExitCode.ShouldBe(exitCode);
        result.Error.ShouldContain(message);
        result.Error.ShouldNotContain("   at ");
        result.Error.Trim().Split('\n').Where(l => !l.StartsWith("Importing", StringComparison.Ordinal) && !l.StartsWith("Checking", StringComparison.Ordinal)).ShouldHaveSingleItem();
        TriageBot.Cli.Cli.Usage.ShouldContain($"{exitCode} ");
    }
}
