using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Teams;

/// <summary>
/// The icebox sweep in Teams, through the real host with real JWTs and the fake Connector (issues 17, 19): one card with at most
/// 6 actions — a picker of the rows and one "Decide…" — whose dialog decides the picked row, and the posted card updated in
/// place until every row says what happened and who did it.
/// </summary>
public sealed class TeamsSweepTests(LocalOpenIdIssuer issuer) : TeamsFlow(issuer)
{
    private async Task<Item> IcedSinceLastYearAsync(string backlogId, int number, string title)
    {
        var at = DateTimeOffset.UtcNow.AddMonths(-9);
        var backlog = (await P.Store.Backlogs.GetAsync(backlogId, Ct))!.Value;
        var item = new Item
        {
            BacklogId = backlogId, Number = number, Key = $"{backlog.KeyPrefix}-{number}", Title = title, Stream = WorkStream.Bug,
            Reporter = new UserRef(Platform.Teams, People.Ada.Id, People.Ada.Name), CreatedAt = at, State = ItemState.Icebox, StateSince = at, UpdatedAt = at,
            Bug = new BugFields(),
        };
        await P.Store.Writes.WriteAsync(new ItemWrite { Item = item }, Ct);
        return item;
    }

    [Fact]
    public async Task TheSweepCard_PicksARowForOneDecide_TheDialogDecidesIt_AndTheCardIsUpdatedUntilEveryRowIsDecided()
    {
        var backlogId = await SetUpAsync(People.Ada);
        var items = new List<Item>();
        for (var n = 0; n < 8; n++)
        {
            items.Add(await IcedSinceLastYearAsync(backlogId, 900 + n, $"Old request number {n}"));
        }

        var delivered = await CommandAsync(People.Ada, "report icebox");
        var ack = delivered.Single(d => d.Call.Method == "POST");
        var sweep = ack with { Card = delivered.Single(d => d.Call.Method == "PUT").Card };
        var actions = Cards.Actions(sweep.Card).ToList();
        actions.Count.ShouldBeLessThanOrEqualTo(6);
        var picker = Cards.Inputs(sweep.Card).ShouldHaveSingleItem().Value;
        picker["choices"]!.AsArray().Count.ShouldBe(8);

        foreach (var (item, n) in items.Select((item, n) => (item, n)))
        {
            var card = sweep.Card;
            Cards.Actions(card).Count().ShouldBeLessThanOrEqualTo(6);
            var row = $"{backlogId}/{item.Number}";
            // Many rows: one picker and one Decide… (what Teams sends is the button's data merged with the picked row);
            // few rows left: each has its own Decide… under it.
            var picked = Cards.Inputs(card).Count > 0
                ? Cards.Fill(card, Cards.DialogButton(card, "sweepDecide"), new Dictionary<string, string> { ["arg"] = row })
                : Cards.DialogButton(card, "sweepDecide", row)["data"]!.AsObject();
            var form = Cards.DialogCard(await P.PostOkAsync(A.TaskFetch(People.Ada, sweep.ThreadConversation, sweep.ActivityId, picked)));
            Cards.Text(form).ShouldContain(item.Key);
            var typed = n % 2 == 0
                ? new Dictionary<string, string> { ["decision"] = "close", ["rationale"] = $"Not needed any more ({n})." }
                : new Dictionary<string, string> { ["decision"] = "keep", ["rationale"] = $"Still promised to a customer ({n})." };
            var updates = await DeliveredAsync(async () => Cards.DialogMessage(await SubmitAsync(People.Ada, sweep, form, typed)).ShouldContain(item.Key));
            var update = updates.Where(u => u.Call.Method == "PUT" && u.Call.Path.EndsWith("/activities/" + ack.ActivityId, StringComparison.Ordinal)).ShouldHaveSingleItem();
            sweep = sweep with { Card = update.Card };
            update.Text.ShouldContain(n % 2 == 0 ? $"Closed by {People.Ada.Name}" : $"Kept in the icebox by {People.Ada.Name}");
        }

        Cards.Inputs(sweep.Card).ShouldBeEmpty("every row is decided: nothing left to pick");
        Cards.Actions(sweep.Card).ShouldNotContain(a => a["type"]!.GetValue<string>() == "Action.Submit");
        Cards.Text(sweep.Card).ShouldContain("all 8 decided");
    }
}
