using System.Net;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>Issue 16: Slack shows people by display name (users.info), never by handle or raw user id where the text is no mention.</summary>
public sealed class DisplayNameTests
{
    [Fact]
    public async Task AReportFromASlashCommand_StoresAndShowsTheReportersDisplayName_NotTheirHandle()
    {
        await using var h = await SlackHost.StartAsync();
        h.Api.DisplayNames["U3"] = "Mia Wong — Support";
        await SetUpChannelAsync(h);

        var item = await ReportAsync(h, Members[0], "bug", "Receipts print twice");

        item.Reporter.DisplayName.ShouldBe("Mia Wong — Support");
        var confirmation = await h.WaitForAsync("chat.postMessage", c => Mentions(c, "TRI-1 reported"), "the confirmation");
        var text = TextOf(confirmation.Json["blocks"]);
        text.ShouldContain("Reported by Mia Wong — Support");
        text.ShouldNotContain("by mia", Case.Sensitive);
        text.ShouldNotContain("U3");
    }

    [Fact]
    public async Task AnItemShownAfterAButtonPress_NamesItsReporterAndOwnerByDisplayName()
    {
        await using var h = await SlackHost.StartAsync();
        h.Api.DisplayNames["U3"] = "Mia Wong";
        h.Api.DisplayNames["U1"] = "Ada Byron";
        await SetUpChannelAsync(h);
        await ReportAsync(h, Members[0], "bug", "Receipts print twice");

        var shown = (await JsonBody(await h.CommandAsync(Ada, "show TRI-1")))!;

        var text = TextOf(shown);
        text.ShouldContain("Mia Wong");
        text.ShouldNotContain("<@U3>");
        text.ShouldNotContain("mia", Case.Sensitive);
    }

    [Fact]
    public async Task WhenUsersInfoFails_TheReportIsStillFiled_UnderTheNameThePayloadGave()
    {
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);
        h.Api.FailWith((method, _, _) => method == "users.info" ? TriageBot.Slack.Tests.Fakes.FakeAnswer.ServerError(503) : null);
        h.Api.DisplayNames.TryRemove("U4", out _);

        var item = await ReportAsync(h, Members[1], "bug", "Export hangs");

        item.Reporter.UserId.ShouldBe("U4");
        item.Reporter.DisplayName.ShouldBe("noa");
        (await h.CommandAsync(Members[1], "list")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task WhenUsersInfoFails_ThePersonIsNotAskedAboutAgainOnEveryRequest_ForAWhile()
    {
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);
        h.Api.FailWith((method, _, _) => method == "users.info" ? TriageBot.Slack.Tests.Fakes.FakeAnswer.ServerError(503) : null);
        h.Api.DisplayNames.TryRemove("U4", out _);
        int AskedAboutNoa() => h.Api.CallsTo("users.info").Count(c => c.Body.Contains("user=U4", StringComparison.Ordinal));

        (await h.CommandAsync(Members[1], "list")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var asked = AskedAboutNoa();
        asked.ShouldBeGreaterThan(0);
        for (var i = 0; i < 5; i++)
        {
            (await h.CommandAsync(Members[1], "list")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        AskedAboutNoa().ShouldBe(asked, $"a failed lookup is not repeated on each request within {TriageBot.Slack.WebApi.SlackUserNames.FailureWait} (it cost a users.info call per vote)");
    }
}
