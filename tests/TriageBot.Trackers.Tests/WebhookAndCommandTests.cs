using System.Security.Cryptography;
using System.Text;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Trackers.Webhooks;

namespace TriageBot.Trackers.Tests;

public sealed class WebhookAndCommandTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("{\"action\":\"closed\"}");

    private static string Sign(byte[] body, string secret) => "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    [Fact]
    public void ASignature_IsAcceptedOnlyForTheExactBodyAndSecret_InEitherHexCase()
    {
        GitHubWebhook.Verify(Sign(Body, "s3cret"), Body, "s3cret").ShouldBeTrue();
        GitHubWebhook.Verify(Sign(Body, "s3cret").ToUpperInvariant().Replace("SHA256=", "sha256=", StringComparison.Ordinal), Body, "s3cret").ShouldBeTrue();
        GitHubWebhook.Verify(Sign(Body, "other"), Body, "s3cret").ShouldBeFalse();
        GitHubWebhook.Verify(Sign([.. Body, (byte)' '], "s3cret"), Body, "s3cret").ShouldBeFalse();
        GitHubWebhook.Verify("", Body, "s3cret").ShouldBeFalse();
        GitHubWebhook.Verify("sha1=" + new string('0', 40), Body, "s3cret").ShouldBeFalse();
        GitHubWebhook.Verify("sha256=" + new string('z', 64), Body, "s3cret").ShouldBeFalse();
    }

    [Theory]
    [InlineData("completed", TrackerChangeKind.Completed)]
    [InlineData(null, TrackerChangeKind.Completed)]
    [InlineData("not_planned", TrackerChangeKind.NotPlanned)]
    [InlineData("duplicate", TrackerChangeKind.NotPlanned)]
    public void AClosedIssuesEvent_IsCompletedUnlessItsStateReasonSaysOtherwise(string? reason, TrackerChangeKind expected)
    {
        var body = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new
        {
            action = "closed",
            issue = new { id = 77, number = 3, state_reason = reason },
            repository = new { full_name = "acme/app" },
        }));

        var delivery = GitHubWebhook.Parse(body, "d", DateTimeOffset.UnixEpoch)!;

        (delivery.Change, delivery.IssueId, delivery.IssueKey).ShouldBe((expected, "77", "acme/app#3"));
    }

    [Fact]
    public void AJiraUpdate_ChangingStatusAndAssignee_IsTwoDeliveries_AndOneThatChangesNeitherIsNone()
    {
        var body = Encoding.UTF8.GetBytes("""
            {"webhookEvent":"jira:issue_updated","issue":{"id":"10001","key":"PAY-1","fields":{"status":{"statusCategory":{"key":"done"}},"resolution":{"name":"Won't Do"},"assignee":{"accountId":"abc"}}},
             "changelog":{"items":[{"field":"status"},{"field":"assignee"}]}}
            """);
        var deliveries = JiraWebhook.Parse(body, "j", DateTimeOffset.UnixEpoch);
        deliveries.Select(d => (d.DeliveryId, d.Change, d.Resolution, d.Assignee)).ShouldBe(
            [("j", TrackerChangeKind.NotPlanned, "Won't Do", null), ("j:assignee", TrackerChangeKind.Assigned, null, "abc")]);

        var summaryOnly = Encoding.UTF8.GetBytes("""{"webhookEvent":"jira:issue_updated","issue":{"id":"1","key":"PAY-1","fields":{}},"changelog":{"items":[{"field":"summary"}]}}""");
        JiraWebhook.Parse(summaryOnly, "k", DateTimeOffset.UnixEpoch).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("connect", null)]
    [InlineData("connect github acme/app", "acme/app")]
    [InlineData("connect jira pay ready", "PAY")]
    public void Connect_ParsesATargetPerTracker(string text, string? target)
    {
        var (command, error) = CommandParser.Parse(text);
        error.ShouldBeNull();
        command.ShouldBeOfType<ConnectCommand>().Target.ShouldBe(target);
    }

    [Theory]
    [InlineData("connect github acme")]
    [InlineData("connect github ../etc")]
    [InlineData("connect jira 9PAY")]
    [InlineData("connect gitlab acme/app")]
    [InlineData("disconnect")]
    [InlineData("link TRI-42")]
    [InlineData("import github")]
    [InlineData("import jira \"\"")]
    public void MalformedTrackerCommands_AreRefusedWithTheirUsage(string text)
    {
        var (command, error) = CommandParser.Parse(text);
        command.ShouldBeNull();
        error!.Message.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void ImportJql_KeepsTheQueryAsTyped_WithoutItsQuotes()
    {
        var (command, _) = CommandParser.Parse("import jira \"project = PAY AND labels in (a, b)  ORDER BY created\"");
        command.ShouldBeOfType<ImportIssuesCommand>().Query.ShouldBe("project = PAY AND labels in (a, b)  ORDER BY created");
    }

    [Fact]
    public void AnImportedTitleLongerThanTheLimit_IsShortened_AndKeptWholeInTheDescription()
    {
        var title = new string('x', 200);
        var by = new UserRef(Platform.Slack, "U1", "Priya");

        var item = TrackerRules.Imported("b", "TRI-9", 9, title, "body", "https://github.com/acme/app/issues/1", "github:1", WorkStream.Feature, by, DateTimeOffset.UnixEpoch).Item;

        InputText.Length(item.Title).ShouldBe(InputText.TitleMax);
        item.Description.ShouldStartWith(title);
        item.Links.ShouldBe(["https://github.com/acme/app/issues/1"]);
    }

    [Fact]
    public void AModelItemClosedAsCompleted_StaysOpenUntilItsGate_AndTheRefusalIsRecorded()
    {
        var by = new UserRef(Platform.Slack, "U1", "Priya");
        var item = new Item
        {
            BacklogId = "b", Number = 1, Key = "TRI-1", Title = "Hallucinated refunds", Stream = WorkStream.Model, Reporter = by,
            CreatedAt = DateTimeOffset.UnixEpoch, State = ItemState.Active, Model = new ModelFields(),
        };

        var change = TrackerRules.Completed(item, "acme/app#1", by, DateTimeOffset.UnixEpoch);

        change.Item.State.ShouldBe(ItemState.Active);
        change.History.ShouldHaveSingleItem().Reason!.ShouldContain("evaluation gate");
    }
}
