using System.Net;
using System.Text.Json.Nodes;
using TriageBot.Core.Items;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>Choosing another stream in the intake modal shows that stream's fields at once (dispatch_action → views.update).</summary>
public sealed class StreamSwitchTests
{
    [Fact]
    public async Task ChoosingModelInTheBugForm_UpdatesTheOpenModalWithItsHash_ShowsTheModelFields_AndKeepsEverythingTyped()
    {
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);
        (await h.CommandAsync(Members[0], "new bug")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var bug = await h.OpenedModalAsync(2);
        ModalState.Input(bug, "stream")["dispatch_action"]!.GetValue<bool>().ShouldBeTrue();

        var typed = new Dictionary<string, string?>
        {
            ["stream"] = "model", ["title"] = "Refund answers come back in French", ["description"] = "Seen by three customers",
            ["reproSteps"] = "Ask for a refund in English", ["link"] = "https://status.example.com/1",
        };
        (await h.InteractAsync(StreamChosen(Members[0], bug, typed, "V-intake", "hash-1"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var update = (await h.WaitForCallsAsync("views.update", 1))[0].Json;
        ((string?)update["view_id"]).ShouldBe("V-intake");
        ((string?)update["hash"]).ShouldBe("hash-1");
        var model = update["view"]!.AsObject();
        ModalState.Initial(ModalState.Input(model, "stream")["element"]!.AsObject()).ShouldBe("model");
        ModalState.Initial(ModalState.Input(model, "title")["element"]!.AsObject()).ShouldBe("Refund answers come back in French");
        ModalState.Initial(ModalState.Input(model, "description")["element"]!.AsObject()).ShouldBe("Seen by three customers");
        ModalState.Initial(ModalState.Input(model, "link")["element"]!.AsObject()).ShouldBe("https://status.example.com/1");
        Should.NotThrow(() => ModalState.Input(model, "affectedSlice"));
        Should.Throw<InvalidOperationException>(() => ModalState.Input(model, "reproSteps"));
        (await ItemsAsync(h.Store)).ShouldBeEmpty("switching the stream stores nothing");

        // Back to bug: the reproduction steps typed before come back.
        (await h.InteractAsync(StreamChosen(Members[0], model, new Dictionary<string, string?> { ["stream"] = "bug" }, "V-intake", "hash-2"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var back = (await h.WaitForCallsAsync("views.update", 2))[1].Json["view"]!.AsObject();
        ModalState.Initial(ModalState.Input(back, "reproSteps")["element"]!.AsObject()).ShouldBe("Ask for a refund in English");

        // Forward to model again and submit: a model quality item with what was typed.
        (await h.InteractAsync(StreamChosen(Members[0], back, new Dictionary<string, string?> { ["stream"] = "model" }, "V-intake", "hash-3"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var final = (await h.WaitForCallsAsync("views.update", 3))[2].Json["view"]!.AsObject();
        Confirmed(await JsonBody(await h.SubmitAsync(Members[0], final, new Dictionary<string, string?> { ["affectedSlice"] = "Refund questions" })))
            .ShouldContain("Reported TRI-1: Refund answers come back in French");
        var item = (await ItemsAsync(h.Store)).ShouldHaveSingleItem();
        item.Stream.ShouldBe(WorkStream.Model);
        item.Model.ShouldNotBeNull().AffectedSlice.ShouldBe("Refund questions");
        item.Description.ShouldBe("Seen by three customers");
    }

    [Fact]
    public async Task ReportToTriage_CanFileAFeature_TheShortcutsFormSwitchesStreamKeepingTheMessageText()
    {
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);
        (await h.ReportMessageAsync(Members[1], "1712345678.000200", "Export invoices as CSV\nFinance retypes them by hand.")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var opened = await h.OpenedModalAsync(2);

        (await h.InteractAsync(StreamChosen(Members[1], opened, new Dictionary<string, string?> { ["stream"] = "feature" }, "V-shortcut", "hash-a"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var feature = (await h.WaitForCallsAsync("views.update", 1))[0].Json["view"]!.AsObject();
        Should.NotThrow(() => ModalState.Input(feature, "problem"));
        ModalState.Initial(ModalState.Input(feature, "description")["element"]!.AsObject()).ShouldBe("Export invoices as CSV\nFinance retypes them by hand.");
        Confirmed(await JsonBody(await h.SubmitAsync(Members[1], feature, new Dictionary<string, string?> { ["problem"] = "Finance retypes invoices" })))
            .ShouldContain("Reported TRI-1");
        var item = (await ItemsAsync(h.Store)).ShouldHaveSingleItem();
        item.Stream.ShouldBe(WorkStream.Feature);
        item.Source.ShouldNotBeNull().MessageId.ShouldBe("1712345678.000200");
    }

    [Fact]
    public async Task SubmittingAfterChangingTheStreamWithoutARedraw_ReplacesTheModalWithThatStreamsFields_InsteadOfAnError()
    {
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);
        (await h.CommandAsync(Members[0], "new bug")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var bug = await h.OpenedModalAsync(2);

        var answer = await JsonBody(await h.SubmitAsync(Members[0], bug, new Dictionary<string, string?> { ["stream"] = "incident", ["title"] = "Checkout down" }));

        answer.ShouldNotBeNull()["response_action"]!.ToString().ShouldBe("update");
        var incident = answer["view"]!.AsObject();
        ModalState.Initial(ModalState.Input(incident, "title")["element"]!.AsObject()).ShouldBe("Checkout down");
        Should.NotThrow(() => ModalState.Input(incident, "touches"));
        (await ItemsAsync(h.Store)).ShouldBeEmpty();
    }

    /// <summary>The <c>block_actions</c> Slack sends when the stream menu of an open modal changes (its input has <c>dispatch_action</c>).</summary>
    public static JsonObject StreamChosen(SlackPerson who, JsonObject modal, IDictionary<string, string?> values, string viewId, string hash)
    {
        var state = ModalState.Values(modal, values);
        var chosen = state["stream"]!["stream"]!["selected_option"]!.DeepClone();
        return new JsonObject
        {
            ["type"] = "block_actions",
            ["team"] = TeamJson(),
            ["user"] = User(who),
            ["api_app_id"] = "A0E2E",
            ["trigger_id"] = "trigger-stream",
            ["container"] = new JsonObject { ["type"] = "view", ["view_id"] = viewId },
            ["view"] = new JsonObject
            {
                ["id"] = viewId,
                ["type"] = "modal",
                ["callback_id"] = modal["callback_id"]?.DeepClone(),
                ["private_metadata"] = modal["private_metadata"]?.DeepClone(),
                ["blocks"] = modal["blocks"]?.DeepClone(),
                ["state"] = new JsonObject { ["values"] = state },
                ["hash"] = hash,
            },
            ["actions"] = new JsonArray(new JsonObject
            {
                ["type"] = "static_select", ["action_id"] = "stream", ["block_id"] = "stream", ["selected_option"] = chosen, ["action_ts"] = "1700000002.000001",
            }),
        };
    }
}
