using System.Text.Json.Nodes;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Teams.Tests.Fakes;

namespace TriageBot.Tests.Teams;

/// <summary>
/// The icebox sweep in Teams, through the real host with real JWTs and the fake Connector (issues 17, 19): one card with at most
/// 6 actions and nothing fillable — one "Decide…" whose private dialog picks the row and then decides it, and the posted card updated in
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
    public async Task TheSweepCard_HasNothingFillable_OneDecideOpensADialogToPickTheRow_AndTheCardIsUpdatedUntilEveryRowIsDecided()
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
        Cards.ShouldHaveNoInputs(sweep.Card);
        Cards.Actions(sweep.Card).Count().ShouldBeLessThanOrEqualTo(6);
        Cards.DialogButton(sweep.Card, TriageBot.Teams.Cards.RowPicker.ActionId)["title"]!.GetValue<string>().ShouldBe("Decide…");

        foreach (var (item, n) in items.Select((item, n) => (item, n)))
        {
            var card = sweep.Card;
            Cards.ShouldHaveNoInputs(card);
            Cards.Actions(card).Count().ShouldBeLessThanOrEqualTo(6);
            var row = $"{backlogId}/{item.Number}";
            JsonObject form;
            if (Cards.Actions(card).Any(a => a["data"]?["actionId"]?.GetValue<string>() == TriageBot.Teams.Cards.RowPicker.ActionId))
            {
                // Many rows: the one Decide… opens a private dialog listing the open rows; picking one continues with its decision.
                var picker = await OpenFormAsync(People.Ada, sweep, TriageBot.Teams.Cards.RowPicker.ActionId);
                Cards.Inputs(picker)["arg"]["choices"]!.AsArray().Count.ShouldBe(items.Count - n);
                Cards.Actions(picker).Count().ShouldBeLessThanOrEqualTo(6);
                var picked = Cards.Fill(picker, Cards.Actions(picker).Single(a => a["data"]?["actionId"]?.GetValue<string>() == "sweepDecide"),
                    new Dictionary<string, string> { ["arg"] = row });
                form = Cards.DialogCard(await P.PostOkAsync(A.TaskSubmit(People.Ada, sweep.ThreadConversation, picked)));
            }
            else
            {
                // Few rows left: each has its own Decide… under it.
                form = await OpenFormAsync(People.Ada, sweep, "sweepDecide", row);
            }

            Cards.Text(form).ShouldContain(item.Key);
            var typed = n % 2 == 0
                ? new Dictionary<string, string> { ["decision"] = "close", ["rationale"] = $"Not needed any more ({n})." }
                : new Dictionary<string, string> { ["decision"] = "keep", ["rationale"] = $"Still promised to a customer ({n})." };
            var updates = await DeliveredAsync(async () => Cards.DialogMessage(await SubmitAsync(People.Ada, sweep, form, typed)).ShouldContain(item.Key));
            var update = updates.Where(u => u.Call.Method == "PUT" && u.Call.Path.EndsWith("/activities/" + ack.ActivityId, StringComparison.Ordinal)).ShouldHaveSingleItem();
            sweep = sweep with { Card = update.Card };
            update.Text.ShouldContain(n % 2 == 0 ? $"Closed by {People.Ada.Name}" : $"Kept in the icebox by {People.Ada.Name}");
        }

        Cards.ShouldHaveNoInputs(sweep.Card);
        Cards.Actions(sweep.Card).ShouldNotContain(a => a["type"]!.GetValue<string>() == "Action.Submit");
        Cards.Text(sweep.Card).ShouldContain("all 8 decided");
        await P.ShouldAllBeValidCardsAsync();
    }

    [Fact]
    public async Task TheSweepsDecide_IsRefusedToAMemberBeforeTheDialogOpens_ARefusedDecisionKeepsTheText_AndSomeoneElsesDialogChangesNothing()
    {
        var backlogId = await SetUpAsync(People.Ada);
        await CommandAsync(People.Ada, "role {0} engineer", People.Eli);
        for (var n = 0; n < 8; n++)
        {
            await IcedSinceLastYearAsync(backlogId, 900 + n, $"Old request number {n}");
        }

        var delivered = await CommandAsync(People.Ada, "report icebox");
        var sweep = delivered.Single(d => d.Call.Method == "POST") with { Card = delivered.Single(d => d.Call.Method == "PUT").Card };

        // A member: refused before anything opens, no picker, no form.
        var members = Cards.DialogMessage(await OpenAsync(People.Eli, sweep, TriageBot.Teams.Cards.RowPicker.ActionId));
        members.ShouldContain("facilitator");

        var picker = await OpenFormAsync(People.Ada, sweep, TriageBot.Teams.Cards.RowPicker.ActionId);
        var picked = Cards.Fill(picker, Cards.Actions(picker).Single(), new Dictionary<string, string> { ["arg"] = $"{backlogId}/903" });
        var form = Cards.DialogCard(await P.PostOkAsync(A.TaskSubmit(People.Ada, sweep.ThreadConversation, picked)));
        Cards.Text(form).ShouldContain("TRI-903");

        // No decision picked: refused, and the text comes back exactly as typed.
        var text = "Держим: обещано клиенту 🙂 — 顧客に約束済み";
        var refused = Cards.DialogCard(await SubmitAsync(People.Ada, sweep, form, new Dictionary<string, string> { ["decision"] = "", ["rationale"] = text }));
        Cards.Inputs(refused)["rationale"]["value"]!.GetValue<string>().ShouldBe(text);
        Cards.Text(refused).ShouldContain("Pick a decision");

        // Eli replays Ada's dialog: refused, nothing changed.
        var adas = Cards.Fill(refused, Cards.SubmitAction(refused), new Dictionary<string, string> { ["decision"] = "close", ["rationale"] = text });
        Cards.DialogMessage(await P.PostOkAsync(A.TaskSubmit(People.Eli, sweep.ThreadConversation, adas))).ShouldBe(TriageBot.Teams.Activities.TeamsActivityProcessor.NotYourForm);
        (await P.Store.Items.GetAsync(backlogId, 903, Ct))!.Value.State.ShouldBe(ItemState.Icebox);

        Cards.DialogMessage(await SubmitAsync(People.Ada, sweep, refused, new Dictionary<string, string> { ["decision"] = "keep", ["rationale"] = text })).ShouldContain("TRI-903");
        (await P.Store.Items.GetAsync(backlogId, 903, Ct))!.Value.KeepReason.ShouldBe(text);
        await P.ShouldAllBeValidCardsAsync();
    }
}
