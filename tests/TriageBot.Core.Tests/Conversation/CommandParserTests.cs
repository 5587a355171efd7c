using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Reports;

namespace TriageBot.Core.Tests.Conversation;

public class CommandParserTests
{
    private static Command Parses(string text)
    {
        var (command, error) = CommandParser.Parse(text);
        error.ShouldBeNull($"\"{text}\" should parse but got: {error?.Message}");
        return command!;
    }

    private static string Refuses(string text)
    {
        var (command, error) = CommandParser.Parse(text);
        command.ShouldBeNull($"\"{text}\" should be refused");
        return error!.Message;
    }

    [Theory]
    [InlineData("new", null)]
    [InlineData("new model", WorkStream.Model)]
    [InlineData("NEW Bug", WorkStream.Bug)]
    [InlineData("new feature", WorkStream.Feature)]
    [InlineData("new incident", WorkStream.Incident)]
    public void New_OpensTheIntakeForm_ForAnOptionalStream(string text, WorkStream? stream) =>
        Parses(text).ShouldBe(new NewCommand(stream));

    [Fact]
    public void New_WithAnUnknownStream_SaysWhichStreamsExist() =>
        Refuses("new widget").ShouldContain("model, bug, feature or incident");

    [Theory]
    [InlineData("show TRI-42", "TRI-42")]
    [InlineData("show tri-42", "tri-42")]
    [InlineData("show #42", "#42")]
    [InlineData("show 42", "42")]
    public void Show_TakesAnItemKeyInAnyCommonForm(string text, string key)
    {
        Parses(text).ShouldBe(new ShowCommand(key));
        CommandParser.ParseItemNumber(key).ShouldBe(42);
    }

    [Theory]
    [InlineData("show")]
    [InlineData("show TRI-42 extra")]
    [InlineData("show banana")]
    [InlineData("score")]
    [InlineData("note -1")]
    public void ItemCommands_WithoutExactlyOneKey_SayWhatWasExpected(string text) =>
        Refuses(text).ShouldContain("TRI-42");

    [Fact]
    public void ScoreAndNote_TakeAKey()
    {
        Parses("score TRI-7").ShouldBe(new ScoreCommand("TRI-7"));
        Parses("note TRI-7").ShouldBe(new NoteCommand("TRI-7"));
    }

    [Theory]
    [InlineData("list", null, null)]
    [InlineData("list bug", WorkStream.Bug, null)]
    [InlineData("list ready", null, ItemState.Ready)]
    [InlineData("list feature icebox", WorkStream.Feature, ItemState.Icebox)]
    [InlineData("list icebox feature", WorkStream.Feature, ItemState.Icebox)]
    [InlineData("queue", null, ItemState.Ready)]
    [InlineData("icebox", null, ItemState.Icebox)]
    public void List_TakesAnOptionalStreamAndQueue_AndQueueAndIceboxAreShortcuts(string text, WorkStream? stream, ItemState? state) =>
        Parses(text).ShouldBe(new ListCommand(stream, state));

    [Fact]
    public void List_WithAWordThatIsNeitherStreamNorQueue_NamesBoth() =>
        Refuses("list purple").ShouldContain("neither a stream");

    [Fact]
    public void StateChanges_ParseTheirArguments()
    {
        Parses("start TRI-1").ShouldBe(new StartCommand("TRI-1"));
        Parses("done TRI-1").ShouldBe(new DoneCommand("TRI-1"));
        Parses("close TRI-1 duplicate of TRI-2").ShouldBe(new CloseCommand("TRI-1", "duplicate of TRI-2"));
        Parses("move TRI-1 build").ShouldBe(new MoveCommand("TRI-1", FeatureColumn.Build));
        Parses("move TRI-1 Measure").ShouldBe(new MoveCommand("TRI-1", FeatureColumn.Measure));
        Parses("extend TRI-1 eval set grew").ShouldBe(new ExtendCommand("TRI-1", null, "eval set grew"));
        Parses("extend TRI-1 3d eval set grew").ShouldBe(new ExtendCommand("TRI-1", 3, "eval set grew"));
        Parses("timebox TRI-1 1w").ShouldBe(new TimeboxCommand("TRI-1", 7));
        Parses("timebox TRI-1 3d").ShouldBe(new TimeboxCommand("TRI-1", 3));
    }

    [Fact]
    public void Close_WithoutARationale_IsRefused_BecauseTheRationaleIsRequired() =>
        Refuses("close TRI-1").ShouldContain("rationale is required");

    [Fact]
    public void Extend_WithoutAReason_IsRefused_BecauseExtendingNeedsAReason()
    {
        Refuses("extend TRI-1").ShouldContain("needs a reason");
        Refuses("extend TRI-1 3d").ShouldContain("needs a reason");
    }

    [Theory]
    [InlineData("move TRI-1 sideways")]
    [InlineData("move TRI-1 0")]
    [InlineData("move TRI-1")]
    public void Move_ToAnUnknownColumn_IsRefused(string text) =>
        Refuses(text).ShouldContain("discovery|build|measure");

    [Theory]
    [InlineData("timebox TRI-1 forever")]
    [InlineData("timebox TRI-1 0d")]
    [InlineData("timebox TRI-1 999w")]
    public void Timebox_WithABadLength_IsRefused(string text) =>
        Refuses(text).ShouldContain("3d|1w");

    [Theory]
    [InlineData("report weekly", ReportKind.Weekly)]
    [InlineData("report allocation", ReportKind.Allocation)]
    [InlineData("report icebox", ReportKind.Icebox)]
    public void Report_NamesOneOfThreeReports(string text, ReportKind kind) =>
        Parses(text).ShouldBe(new ReportCommand(kind));

    [Fact]
    public void Report_WithAnUnknownName_IsRefused() =>
        Refuses("report monthly").ShouldContain("weekly|allocation|icebox");

    [Fact]
    public void SimpleCommands_TakeNoArguments()
    {
        Parses("clinic").ShouldBeOfType<ClinicCommand>();
        Parses("rubric").ShouldBeOfType<RubricCommand>();
        Parses("setup").ShouldBeOfType<SetupCommand>();
        Parses("help").ShouldBeOfType<HelpCommand>();
        Refuses("rubric please").ShouldContain("takes no arguments");
    }

    [Fact]
    public void EmptyText_MeansHelp() => Parses("   ").ShouldBeOfType<HelpCommand>();

    [Fact]
    public void UnknownCommand_SaysSo_AndNamesWhatWasTyped() =>
        Refuses("frobnicate now").ShouldContain("\"frobnicate\"");

    [Fact]
    public void UnknownCommand_LongText_IsTruncatedInTheError() =>
        Refuses(new string('x', 500)).Length.ShouldBeLessThan(150);

    [Fact]
    public void Role_TakesAMentionAndARole()
    {
        Parses("role <@U1|ana> engineer").ShouldBe(new RoleCommand("<@U1|ana>", Role.Engineer));
        Refuses("role <@U1> overlord").ShouldContain("not a role");
    }

    [Fact]
    public void Role_MentionWithADisplayNameOfSeveralWords_IsOneArgument() =>
        Parses("role <@29:1a-B_c|Eli  Whitney Jr> engineer").ShouldBe(new RoleCommand("<@29:1a-B_c|Eli  Whitney Jr>", Role.Engineer));

    [Fact]
    public void Role_AnUnclosedMention_IsStillSplitAtSpaces() =>
        Refuses("role <@29:eli|Eli Whitney engineer").ShouldContain("Expected");

    [Fact]
    public void NonBreakingSpaces_SeparateWordsLikeSpaces() =>
        Parses("show\u00A0TRI-42").ShouldBe(new ShowCommand("TRI-42"));

    [Fact]
    public void Help_ListsEveryCommandOfTheSpec()
    {
        var usages = string.Join("\n", CommandParser.Help.Select(h => h.Usage));
        foreach (var word in new[] { "new", "show", "score", "note", "list", "queue", "icebox", "start", "done", "close", "move", "extend", "report", "clinic", "rubric", "setup", "help" })
        {
            usages.ShouldContain(word);
        }
    }
}

/// <summary>Issue 19: greetings get a short, friendly help, not "I don't know the command".</summary>
public sealed class GreetingParseTests
{
    [Theory]
    [InlineData("hi")]
    [InlineData("Hello!")]
    [InlineData("hey there")]
    [InlineData("thanks a lot")]
    [InlineData("👋")]
    public void AGreeting_IsAGreetingCommand(string text) =>
        CommandParser.Parse(text).Command.ShouldBeOfType<GreetingCommand>();

    [Theory]
    [InlineData("hello world how are you today")]
    [InlineData("hijack TRI-1")]
    public void ALongSentenceOrAnotherWord_IsNotAGreeting(string text) =>
        CommandParser.Parse(text).Command.ShouldBeNull();
}
