using System.Text.Json.Nodes;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Views;
using TriageBot.Slack.Blocks;
using TriageBot.Teams.Cards;
using static TriageBot.Tests.Conversation.ConversationHarness;

namespace TriageBot.Tests.Conversation;

/// <summary>The item card says each fact once, on Slack and Teams (seen in the outside walk: the card repeated its facts).</summary>
public sealed class ItemCardContentTests : IAsyncLifetime
{
    private ConversationHarness _h = null!;

    public async ValueTask InitializeAsync() => _h = await ConversationHarness.CreateAsync();

    public ValueTask DisposeAsync() => _h.DisposeAsync();

    [Fact]
    public async Task AnItemCard_SaysItsStreamStateOwnerDateAndFlagsOnce_OnSlackAndOnTeams()
    {
        await _h.SetUpAsync();
        var item = await _h.ReportAsync(Sam, "bug", "Exports time out for large workspaces");
        await _h.VoteAsync(Priya, item, 3, 2, 1, 2);
        await _h.Button(Priya, ButtonIds.Reveal, $"{item.BacklogId}/{item.Number}");
        var finalize = (OpenFormOutcome)await _h.Button(Priya, ButtonIds.Finalize, $"{item.BacklogId}/{item.Number}");
        (await _h.Submit(Priya, finalize.Form, new Dictionary<string, string>())).ShouldBeOfType<CloseFormOutcome>();
        (await _h.GetAsync(item)).State.ShouldBe(ItemState.Ready);

        var card = (await _h.Command(Sam, $"show {item.Key}")).ShouldBeOfType<ReplyOutcome>().View.ShouldBeOfType<ItemCardView>();

        card.Item.CautiousRelease.ShouldBeTrue();
        card.Fields.Select(f => f.Label).ShouldNotContain(l => l == "Stream" || l == "State" || l == "Owner" || l == "Reported" || l == "Column");
        card.Fields.Select(f => f.Label).ShouldContain("Reporter");
        var teams = AdaptiveCardRenderer.Render(card).ToJsonString();
        var slack = BlockKitRenderer.Render(card).ToJson().ToJsonString();
        foreach (var (surface, json) in new[] { ("Teams", teams), ("Slack", slack) })
        {
            Count(json, Wording.Stream(WorkStream.Bug)).ShouldBe(1, $"{surface} names the stream once");
            Count(json, Wording.Flag(ItemFlag.CautiousRelease)).ShouldBe(1, $"{surface} names the cautious lane once");
            Count(json, item.CreatedAt.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(1, $"{surface} gives the reported date once");
        }

        var titles = FactTitles(JsonNode.Parse(teams)).ToList();
        titles.ShouldBe(titles.Distinct().ToList(), "no fact title twice on the Teams card");
    }

    private static int Count(string text, string part)
    {
        var n = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    private static IEnumerable<string> FactTitles(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                if (o["type"]?.GetValue<string>() == "FactSet")
                {
                    foreach (var fact in o["facts"]!.AsArray()) yield return fact!["title"]!.GetValue<string>();
                }

                foreach (var (_, child) in o)
                    foreach (var t in FactTitles(child)) yield return t;
                break;
            case JsonArray a:
                foreach (var child in a)
                    foreach (var t in FactTitles(child)) yield return t;
                break;
        }
    }
}
