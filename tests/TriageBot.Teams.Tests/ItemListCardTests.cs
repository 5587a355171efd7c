using System.Text.Json.Nodes;
using TriageBot.Core.Items;
using TriageBot.Core.Views;
using TriageBot.Teams.Activities;
using TriageBot.Teams.Cards;

namespace TriageBot.Teams.Tests;

/// <summary>Teams' answer to <c>list</c> is grouped by stream and ranked, with the facts the playground and Slack show, in at most six actions.</summary>
public sealed class ItemListCardTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 18, 10, 0, 0, TimeSpan.Zero);

    private static readonly UserRef Ada = new(Platform.Teams, "aad-ada", "Ada Lovelace");

    private static ItemListView List() => new("Open items",
    [
        Sample.Item(7, "Streaming answer stops", WorkStream.Bug) with { State = ItemState.Sprint, Total = 23, Placement = Queue.Sprint },
        Sample.Item(2, "Evaluate retrieval on German tickets", WorkStream.Model) with { Total = 18, CautiousRelease = true },
        Sample.Item(20, "Voice input on mobile", WorkStream.Feature) with { State = ItemState.New, Total = 16, HeldPlacement = Queue.Ready, NeedsCapabilityNote = true },
        Sample.Item(13, "Telemetry gap", WorkStream.Bug) with { Total = 17 },
        Sample.Item(25, "Wrong prices quoted", WorkStream.Incident) with { State = ItemState.Active, Total = null, Placement = null, Owner = Ada, CreatedAt = Now.AddDays(-3) },
        Sample.Item(27, "French answers", WorkStream.Incident) with { State = ItemState.New, Total = null, Placement = null, CreatedAt = Now.AddHours(-2) },
    ], 6)
    { DashboardUrl = "https://triage.example.com/d/abc", AsOf = Now };

    private static List<string> Texts(JsonObject card) =>
        [.. card["body"]!.AsArray().OfType<JsonObject>().Where(e => e["type"]!.GetValue<string>() == "TextBlock").Select(e => e["text"]!.GetValue<string>())];

    [Fact]
    public void TheListCard_IsGroupedByStream_InStreamOrder_EachGroupHeadedWithItsCount_ItemsKeepTheirRank()
    {
        var texts = Texts(AdaptiveCardRenderer.Render(List(), CardHost.TeamsMessage));

        string[] expected = ["Model quality (1)", "Engineering bugs (2)", "Feature requests (1)", "Incident lane (2)"];
        var headings = texts.Where(t => t.EndsWith(')') && !t.StartsWith("TRI-", StringComparison.Ordinal)).ToList();
        headings.ShouldBe([.. expected.Select(h => CardText.Escape(h))]);
        // Within a group the ranking of the list is kept: TRI-7 (sprint, 23) before TRI-13 (ready, 17).
        texts.FindIndex(t => t.StartsWith("TRI-7 ", StringComparison.Ordinal)).ShouldBeLessThan(texts.FindIndex(t => t.StartsWith("TRI-13 ", StringComparison.Ordinal)));
        texts.FindIndex(t => t.StartsWith("TRI-13 ", StringComparison.Ordinal)).ShouldBeLessThan(texts.IndexOf(CardText.Escape("Feature requests (1)")));
    }

    [Fact]
    public void EachItem_SaysItsTotalStateAgeOwnerAndFlags_InTheSameWordsAsThePlayground()
    {
        var texts = Texts(AdaptiveCardRenderer.Render(List(), CardHost.TeamsMessage));

        string FactsUnder(string key) => texts[texts.FindIndex(t => t.StartsWith(key + " ", StringComparison.Ordinal)) + 1];
        FactsUnder("TRI-7").ShouldBe("total 23 · Sprint · 17 days old");
        FactsUnder("TRI-2").ShouldBe("total 18 · Ready queue · 17 days old · " + Wording.Flag(ItemFlag.CautiousRelease));
        FactsUnder("TRI-20").ShouldStartWith("total 16 · Ready queue, waiting for a capability note · 17 days old");
        FactsUnder("TRI-25").ShouldBe("not scored · Active · 3 days old · Ada Lovelace");
        FactsUnder("TRI-27").ShouldBe("not scored · New · reported today");
        foreach (var item in List().Items)
        {
            FactsUnder(item.Key).ShouldBe(CardText.Escape(ItemListCard.Facts(item, Now)));
        }
    }

    [Fact]
    public void TheButtons_AreOnePickerOfTheListedItems_AndShowScoreStartAndTheDashboard_NeverMoreThanSix()
    {
        var card = AdaptiveCardRenderer.Render(List(), CardHost.TeamsMessage);

        var actions = card["actions"]!.AsArray().OfType<JsonObject>().ToList();
        actions.Select(a => a["title"]!.GetValue<string>()).ShouldBe(["Show", "Start", "Score", "Open the dashboard"]);
        actions.Count.ShouldBeLessThanOrEqualTo(AdaptiveCardRenderer.MaxCardActions);
        // Show and Start run at once; Score opens the scoring form, privately, in a dialog. None carries its own item: the picker's is merged in.
        actions[0]["verb"]!.GetValue<string>().ShouldBe(ButtonIds.Show);
        actions[0]["data"].ShouldBeNull();
        actions[2]["data"]![ActivityTranslation.MsTeamsKey]!["type"]!.GetValue<string>().ShouldBe("task/fetch");
        actions[2]["data"]![ActivityTranslation.ArgKey].ShouldBeNull();
        var picker = card["body"]!.AsArray().OfType<JsonObject>().Single(e => e["type"]!.GetValue<string>() == "Input.ChoiceSet");
        picker["id"]!.GetValue<string>().ShouldBe(ActivityTranslation.ArgKey);
        picker["choices"]!.AsArray().Select(c => c!["value"]!.GetValue<string>()).ShouldBe(["payments/2", "payments/7", "payments/13", "payments/20", "payments/25", "payments/27"], "in the order the card shows them");
        card["body"]!.AsArray().OfType<JsonObject>().ShouldNotContain(e => e["type"]!.GetValue<string>() == "ActionSet");
    }

    [Fact]
    public void AnEmptyList_SaysSo_AndHasNoPicker()
    {
        var card = AdaptiveCardRenderer.Render(new ItemListView("Icebox", [], 0) { EmptyText = "Nothing here." }, CardHost.TeamsMessage);

        Texts(card).ShouldContain("Nothing here.");
        card["body"]!.AsArray().OfType<JsonObject>().ShouldNotContain(e => e["type"]!.GetValue<string>() == "Input.ChoiceSet");
        card["actions"].ShouldBeNull();
    }

    [Fact]
    public void WithoutAClock_AnItemsAgeIsTheDayItWasReported()
    {
        ItemListCard.Facts(Sample.Item(3), null).ShouldBe("total 15 · Ready queue · reported 2026-11-01");
    }
}
