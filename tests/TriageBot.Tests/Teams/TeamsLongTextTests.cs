using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using TriageBot.Core.Items;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Teams;

/// <summary>Issue 19: nothing typed is cut — long non-Latin text round-trips byte for byte through a refused form and is stored whole.</summary>
public sealed class TeamsLongTextTests(LocalOpenIdIssuer issuer) : TeamsFlow(issuer)
{
    /// <summary>Exactly <paramref name="runes"/> characters (Unicode scalars, as the form counts them) cycled from <paramref name="alphabet"/>, ending in a full stop.</summary>
    public static string Long(string alphabet, int runes = 3000)
    {
        var source = alphabet.EnumerateRunes().ToArray();
        var sb = new StringBuilder();
        for (var i = 0; i < runes - 1; i++) sb.Append(source[i % source.Length].ToString());
        // Forms trim what people type; the last character is not a space, so the text is kept exactly.
        return sb.Append('.').ToString();
    }

    public static readonly string Cyrillic = Long("Ответ ассистента обрывается на середине фразы, ");
    public static readonly string Cjk = Long("回答が途中で切れる問题，用户无法看到完整的内容。");
    public static readonly string Emoji = Long("😀🚀🧪📉🔥🤖🧠💬");
    public static readonly string Mixed = Long("Ошибка 漢字 😀 ");

    private async Task<(JsonObject Card, string Raw)> SubmitRawAsync(TeamsPerson who, JsonObject message, JsonObject data)
    {
        using var response = await P.SendAsync(A.SubmitAction(who, message, data), P.Token());
        var raw = await response.Content.ReadAsStringAsync(Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, raw);
        return (Cards.DialogCard(JsonNode.Parse(raw)), raw);
    }

    [Fact]
    public async Task RefusedBugForm_With3000CharacterCyrillicCjkAndEmojiFields_ComesBackByteForByte_AndIsStoredWhole()
    {
        var backlogId = await SetUpAsync(People.Ada);
        var message = Activities.MessagePayload("1700000019001", People.Barbara, "<p>Long answers are cut</p>");
        var dialog = Cards.DialogCard(await P.PostOkAsync(A.FetchTask(People.Grace, message)));
        Cards.Inputs(dialog)["stream"]["value"]!.GetValue<string>().ShouldBe("bug");
        var typed = new Dictionary<string, string>
        {
            ["title"] = "ab",
            ["description"] = Cyrillic,
            ["reproSteps"] = Cjk,
            ["expected"] = Emoji,
            ["actual"] = Mixed,
            ["impactEvidence"] = Cyrillic,
        };

        var (refused, raw) = await SubmitRawAsync(People.Grace, message, Cards.Fill(dialog, Cards.SubmitAction(dialog), typed));

        Cards.Text(refused).ShouldContain("Title must be 3–150 characters (you wrote 2).");
        var inputs = Cards.Inputs(refused);
        foreach (var (field, text) in typed)
            Encoding.UTF8.GetBytes(inputs[field]["value"]!.GetValue<string>()).ShouldBe(Encoding.UTF8.GetBytes(text), $"{field} came back changed");
        // Sent as UTF-8 text, not as \u escapes, so the card's size is what Teams counts.
        raw.ShouldContain(Cjk[..50]);
        raw.ShouldNotContain("\\u");
        Cards.Text(refused).ShouldNotContain("too large");

        var posted = await DeliveredAsync(async () =>
            Cards.DialogMessage(await P.PostOkAsync(A.SubmitAction(People.Grace, message,
                Cards.Fill(refused, Cards.SubmitAction(refused), new Dictionary<string, string> { ["title"] = "Long answers are cut mid-sentence" })))).ShouldStartWith("Reported TRI-1"));

        var item = (await P.Store.Items.GetAsync(backlogId, 1, Ct))!.Value;
        item.Description.ShouldBe(Cyrillic);
        item.Bug!.ReproSteps.ShouldBe(Cjk);
        item.Bug.Expected.ShouldBe(Emoji);
        item.Bug.Actual.ShouldBe(Mixed);
        item.ImpactEvidence.ShouldBe(Cyrillic);
        posted.ShouldNotBeEmpty();
        await P.ShouldAllBeValidCardsAsync();
    }

    [Fact]
    public async Task Description_OneCharacterOverTheLimit_IsRefused_AndComesBackWhole_NotCut()
    {
        var backlogId = await SetUpAsync(People.Ada);
        var message = Activities.MessagePayload("1700000019002", People.Barbara, "<p>Too long</p>");
        var dialog = Cards.DialogCard(await P.PostOkAsync(A.FetchTask(People.Grace, message)));
        var tooLong = Long("abcdefghij", 3001);

        var (refused, _) = await SubmitRawAsync(People.Grace, message, Cards.Fill(dialog, Cards.SubmitAction(dialog), new Dictionary<string, string>
        {
            ["title"] = "A title that is fine",
            ["description"] = tooLong,
        }));

        var description = Cards.Inputs(refused)["description"];
        description["value"]!.GetValue<string>().ShouldBe(tooLong);
        description["maxLength"].ShouldBeNull("a client must not cut a value that is already over the limit");
        Cards.Text(refused).ShouldContain("Description must be at most 3000 characters (you wrote 3001).");
        (await P.Store.Items.GetAsync(backlogId, 1, Ct)).ShouldBeNull();
        await P.ShouldAllBeValidCardsAsync();
    }
}
