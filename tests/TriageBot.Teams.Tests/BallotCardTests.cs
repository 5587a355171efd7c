using System.Text.Json.Nodes;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;
using TriageBot.Core.Views;
using TriageBot.Teams.Cards;

namespace TriageBot.Teams.Tests;

/// <summary>Issue 19: the ballot as a user-specific view (Universal Actions refresh), and its fallback beyond 60 people.</summary>
public sealed class BallotCardTests
{
    private static UserRef Person(int n) => new(Platform.Teams, $"29:person-{n}", $"Person {n}");

    private static IReadOnlyList<ActionButton> OpenRoundButtons => [
        new(ButtonIds.Vote, "Vote", "payments/42", ButtonStyle.Primary), new(ButtonIds.Reveal, "Reveal", "payments/42"), new(ButtonIds.Finalize, "Finalize", "payments/42")];

    private static List<string?> Verbs(JsonObject card) =>
        [.. (card["actions"]?.AsArray() ?? []).Select(a => a!["verb"]?.GetValue<string>() ?? a["data"]?["actionId"]?.GetValue<string>())];

    [Fact]
    public void SharedBallot_RefreshesForVotersAndFacilitators_AndLeavesRevealAndFinalizeToTheirOwnViews()
    {
        var ballot = new BallotView(Sample.Item(42), 1, [Person(1), Person(2), new UserRef(Platform.Slack, "U1", "slack person")])
        {
            Facilitators = [Person(9), Person(1)],
            Actions = OpenRoundButtons,
        };

        var card = AdaptiveCardRenderer.Render(ballot, CardHost.TeamsMessage);

        var refresh = card["refresh"]!.AsObject();
        refresh["action"]!["type"]!.GetValue<string>().ShouldBe("Action.Execute");
        refresh["action"]!["verb"]!.GetValue<string>().ShouldBe(ButtonIds.ViewBallot);
        refresh["action"]!["data"]!["arg"]!.GetValue<string>().ShouldBe(ballot.Item.Ref);
        refresh["userIds"]!.AsArray().Select(u => u!.GetValue<string>()).ShouldBe(["29:person-1", "29:person-2", "29:person-9"]);
        Verbs(card).ShouldBe([ButtonIds.Vote]);
        card.ToJsonString().ShouldNotContain("Input.");
    }

    [Fact]
    public void OnesOwnBallot_HasThePicksInline_OneVote_TheirVoteForThemAlone_AndOnlyTheButtonsCoreGaveThem()
    {
        var mine = new BallotView(Sample.Item(42), 1, [Person(1)])
        {
            Facilitators = [Person(9)],
            Viewer = Person(1),
            ViewerVote = new Scores(3, 2, 1, 2),
            InlineVote = Forms.InlineVote(Sample.Item(42), 1) with { Values = new Dictionary<string, string> { ["impact"] = "3", ["confidence"] = "2", ["rollback"] = "1", ["delay"] = "2" } },
        };

        var card = AdaptiveCardRenderer.Render(mine, CardHost.TeamsMessage);

        var inputs = card["body"]!.AsArray().Where(e => e!["type"]!.GetValue<string>() == "Input.ChoiceSet").Select(e => e!).ToList();
        inputs.Select(i => i["id"]!.GetValue<string>()).ShouldBe(["impact", "confidence", "rollback", "delay"]);
        inputs.Select(i => i["value"]!.GetValue<string>()).ShouldBe(["3", "2", "1", "2"]);
        var vote = card["actions"]!.AsArray().ShouldHaveSingleItem()!;
        vote["type"]!.GetValue<string>().ShouldBe("Action.Execute");
        vote["data"]!["formId"]!.GetValue<string>().ShouldBe(FormIds.Vote);
        card.ToJsonString().ShouldContain("Your vote, shown to you alone until reveal: impact 3, confidence 2, rollback 1, delay 2");
        card["refresh"]!["userIds"]!.AsArray().Select(u => u!.GetValue<string>()).ShouldBe(["29:person-1", "29:person-9"]);
    }

    [Fact]
    public void BeyondSixtyRefreshedPeople_TheBallotFallsBackToOneSharedCard_WithEveryButton_AndVoteOpensTheDialog()
    {
        var sixty = new BallotView(Sample.Item(42), 1, [.. Enumerable.Range(1, 59).Select(Person)]) { Facilitators = [Person(100)], Actions = OpenRoundButtons };
        var sixtyOne = sixty with { Facilitators = [Person(100), Person(101)] };

        AdaptiveCardRenderer.Render(sixty, CardHost.TeamsMessage)["refresh"]!["userIds"]!.AsArray().Count.ShouldBe(60);
        var fallback = AdaptiveCardRenderer.Render(sixtyOne, CardHost.TeamsMessage);

        fallback["refresh"].ShouldBeNull();
        Verbs(fallback).ShouldBe([ButtonIds.Vote, ButtonIds.Reveal, ButtonIds.Finalize]);
        var vote = fallback["actions"]![0]!;
        vote["type"]!.GetValue<string>().ShouldBe("Action.Submit");
        vote["data"]!["msteams"]!["type"]!.GetValue<string>().ShouldBe("task/fetch");
    }
}
