using System.Net;
using Microsoft.AspNetCore.Hosting;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>Text as people wrote it, links that are links, and errors that fit on one line.</summary>
public sealed class PlainWordsTests
{
    [Fact]
    public async Task ABadArgument_GetsOneLine_WithWhatWasExpected_TheUsage_AndTheHelpHint_NeverTheWholeTable()
    {
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);
        await ReportAsync(h, Members[0], "model", "Answers drift after the index rebuild");

        var reply = (await JsonBody(await h.CommandAsync(Ada, "extend TRI-1")))!;

        var text = TextOf(reply);
        text.ShouldContain("Extending a timebox needs a reason");
        text.ShouldContain("`extend TRI-42 [&lt;n&gt;d] &lt;reason&gt;`", Case.Sensitive); // mrkdwn-escaped
        text.ShouldContain("`help` for all commands.");
        text.ShouldNotContain("dashboard [rotate]", customMessage: "the command table is not appended");
        text.ShouldNotContain("TriageBot commands");
        reply["blocks"]!.AsArray().Count.ShouldBe(1);

        var noArgs = TextOf(await JsonBody(await h.CommandAsync(Ada, "rubric please")));
        noArgs.ShouldContain("`rubric` takes no arguments. `help` for all commands.");
        noArgs.ShouldNotContain("TriageBot commands");
    }

    [Fact]
    public async Task AnUnknownCommand_StillGetsTheCommandTable()
    {
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);

        var text = TextOf(await JsonBody(await h.CommandAsync(Ada, "frobnicate")));

        text.ShouldContain("I don't know the command \"frobnicate\"");
        text.ShouldContain("TriageBot commands");
    }

    [Fact]
    public async Task TheDashboardLink_IsAClickableSlackLink_WithALabel()
    {
        await using var h = await SlackHost.StartAsync(b => b.UseSetting("PublicBaseUrl", "https://triage.example.test"));
        await SetUpChannelAsync(h);

        var reply = (await JsonBody(await h.CommandAsync(Ada, "dashboard")))!;

        var mrkdwn = reply["blocks"]!.AsArray().Select(b => (string?)b!["text"]?["text"]).First(t => t is not null && t.Contains("Dashboard for", StringComparison.Ordinal))!;
        mrkdwn.ShouldMatch(@"<https://triage\.example\.test/[^|>\s]+\|Payments dashboard>");
    }

    [Fact]
    public async Task ReportToTriage_TurnsSlackMarkupIntoPlainText_LinksAsTextAndUrl_MentionsAsDisplayNames()
    {
        await using var h = await SlackHost.StartAsync();
        h.Api.DisplayNames["U9"] = "Ada Lovelace";
        await SetUpChannelAsync(h);

        (await h.InteractAsync(AnywhereIntakeTests.MessageAction(h, Ada, Channel, "1712345678.000700",
            "Refunds fail for <@U9> &amp; <!here>: see <https://status.example.com/4|the status page> and <https://logs.example.com/x>")))
            .StatusCode.ShouldBe(HttpStatusCode.OK);

        var modal = await h.OpenedModalAsync(2);
        var description = ModalState.Initial(ModalState.Input(modal, "description")["element"]!.AsObject());
        description.ShouldBe("Refunds fail for @Ada Lovelace & @here: see the status page (https://status.example.com/4) and https://logs.example.com/x");
        ModalState.Initial(ModalState.Input(modal, "title")["element"]!.AsObject()).ShouldNotBeNull().ShouldNotContain("<");
    }
}
