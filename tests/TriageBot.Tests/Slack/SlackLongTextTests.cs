using System.Net;
using System.Text;
using TriageBot.Tests.Teams;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>Issue 19 on Slack: 3,000 characters of Cyrillic, CJK and emoji survive a refused modal and are stored byte for byte.</summary>
public sealed class SlackLongTextTests
{
    [Fact]
    public async Task RefusedBugModal_With3000CharacterCyrillicCjkAndEmojiFields_KeepsEveryValue_AndTheFixedSubmissionStoresThemByteForByte()
    {
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);
        (await h.CommandAsync(Members[0], "new bug")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var modal = await h.OpenedModalAsync(2);
        var typed = new Dictionary<string, string?>
        {
            ["title"] = "ab",
            ["description"] = TeamsLongTextTests.Cyrillic,
            ["reproSteps"] = TeamsLongTextTests.Cjk,
            ["expected"] = TeamsLongTextTests.Emoji,
            ["actual"] = TeamsLongTextTests.Mixed,
        };
        foreach (var field in typed.Keys.Where(k => k != "title"))
            ModalState.Input(modal, field)["element"]!["max_length"]!.GetValue<int>().ShouldBeGreaterThanOrEqualTo(3000, $"Slack would cut {field}");

        var refused = await h.SubmitAsync(Members[0], modal, typed);

        // Refused with errors on the title alone: Slack keeps the modal open with everything as typed (no view replaced).
        var errors = (await JsonBody(refused)).ShouldNotBeNull();
        errors["response_action"]!.ToString().ShouldBe("errors");
        errors["errors"]!.AsObject().Select(e => e.Key).ShouldBe(["title"]);
        (await ItemsAsync(h.Store)).ShouldBeEmpty();

        typed["title"] = "Long answers are cut mid-sentence";
        Confirmed(await JsonBody(await h.SubmitAsync(Members[0], modal, typed))).ShouldContain("Reported TRI-1");

        var item = (await ItemsAsync(h.Store)).ShouldHaveSingleItem();
        Encoding.UTF8.GetBytes(item.Description!).ShouldBe(Encoding.UTF8.GetBytes(TeamsLongTextTests.Cyrillic));
        Encoding.UTF8.GetBytes(item.Bug!.ReproSteps!).ShouldBe(Encoding.UTF8.GetBytes(TeamsLongTextTests.Cjk));
        Encoding.UTF8.GetBytes(item.Bug.Expected!).ShouldBe(Encoding.UTF8.GetBytes(TeamsLongTextTests.Emoji));
        Encoding.UTF8.GetBytes(item.Bug.Actual!).ShouldBe(Encoding.UTF8.GetBytes(TeamsLongTextTests.Mixed));
    }
}
