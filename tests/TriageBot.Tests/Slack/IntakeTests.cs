using System.Net;
using System.Text.Json.Nodes;
using TriageBot.Core.Items;
using static TriageBot.Tests.Slack.SlackFlows;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>Flows 2 and 3: reporting items from the slash command and from the Report to triage message shortcut.</summary>
public sealed class IntakeTests
{
    [Fact]
    public async Task NewBug_OpensTheIntakeModal_RefusesAShortTitleOnItsBlock_ThenStoresTri1AndConfirmsInTheChannel()
    {
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);

        (await h.CommandAsync(Members[0], "new bug")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var modal = await h.OpenedModalAsync(2);

        ((string?)modal["callback_id"]).ShouldBe("intake");
        var title = ModalState.Input(modal, "title");
        title["optional"]!.GetValue<bool>().ShouldBeFalse();
        title["element"]!["type"]!.ToString().ShouldBe("plain_text_input");
        title["element"]!["min_length"]!.GetValue<int>().ShouldBe(3);
        title["element"]!["max_length"]!.GetValue<int>().ShouldBe(150);
        ModalState.Initial(ModalState.Input(modal, "stream")["element"]!.AsObject()).ShouldBe("bug");
        ModalState.Input(modal, "reproSteps")["element"]!["multiline"]!.GetValue<bool>().ShouldBeTrue();

        var refused = await h.SubmitAsync(Members[0], modal, new Dictionary<string, string?> { ["title"] = "ab", ["reproSteps"] = "Open checkout, press pay" });

        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        var errors = (await JsonBody(refused)).ShouldNotBeNull();
        errors["response_action"]!.ToString().ShouldBe("errors");
        errors["errors"]!.AsObject().Select(e => e.Key).ShouldBe(["title"]);
        errors["errors"]!["title"]!.ToString().ShouldContain("3");
        (await ItemsAsync(h.Store)).ShouldBeEmpty();

        var accepted = await h.SubmitAsync(Members[0], modal, new Dictionary<string, string?> { ["title"] = "Checkout button does nothing", ["reproSteps"] = "Open checkout, press pay" });

        Confirmed(await JsonBody(accepted)).ShouldContain("Reported TRI-1: Checkout button does nothing");
        var item = (await ItemsAsync(h.Store)).ShouldHaveSingleItem();
        item.Key.ShouldBe("TRI-1");
        item.Stream.ShouldBe(WorkStream.Bug);
        item.Title.ShouldBe("Checkout button does nothing");
        item.Bug.ShouldNotBeNull().ReproSteps.ShouldBe("Open checkout, press pay");
        item.Reporter.ShouldBe(new UserRef(Platform.Slack, "U3", "mia"));
        item.State.ShouldBe(ItemState.New);

        var confirmation = await h.WaitForAsync("chat.postMessage", c => Mentions(c, "TRI-1"), "the TRI-1 confirmation");
        Str(confirmation, "channel").ShouldBe(Channel);
        Mentions(confirmation, "Checkout button does nothing").ShouldBeTrue();
        h.Api.CallsTo("chat.postEphemeral").ShouldBeEmpty("the reporter's confirmation is the modal itself");
    }

    [Fact]
    public async Task OneFormSubmittedTwiceAtOnce_ReportsOneItem_ButTheSameFormOpenedAgainReportsAnother()
    {
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);
        (await h.CommandAsync(Members[0], "new feature")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var modal = await h.OpenedModalAsync(2);
        var values = new Dictionary<string, string?> { ["title"] = "Export the backlog to CSV", ["problem"] = "Finance wants it" };

        // A double click: two deliveries of one submission, at the same moment.
        var answers = await Task.WhenAll(h.SubmitAsync(Members[0], modal, values), h.SubmitAsync(Members[0], modal, values));

        foreach (var answer in answers)
        {
            Confirmed(await JsonBody(answer)).ShouldContain("Reported TRI-1: Export the backlog to CSV");
        }

        (await ItemsAsync(h.Store)).ShouldHaveSingleItem();
        await h.WaitForAsync("chat.postMessage", c => Mentions(c, "needs a capability note"), "the capability-note request");
        await Eventually.Async(async () => await h.Store.Outbox.CountPendingAsync(default) == 0 ? "" : null, "the outbox to drain");
        h.Api.CallsTo("chat.postMessage").Count(c => Mentions(c, "TRI-1 reported")).ShouldBe(1);
        h.Api.CallsTo("chat.postMessage").Count(c => Mentions(c, "needs a capability note")).ShouldBe(1);

        // Another person's submission of a form with the same id (a replayed or copied form) is theirs, not a retry of Mia's.
        Confirmed(await JsonBody(await h.SubmitAsync(Members[1], modal, values))).ShouldContain("Reported TRI-2");
        // The same person opening the form again reports a new item.
        (await h.CommandAsync(Members[0], "new feature")).StatusCode.ShouldBe(HttpStatusCode.OK);
        Confirmed(await JsonBody(await h.SubmitAsync(Members[0], await h.OpenedModalAsync(3), values))).ShouldContain("Reported TRI-3");
        (await ItemsAsync(h.Store)).Count.ShouldBe(3);
    }

    [Fact]
    public async Task NewFeature_AlsoAsksTheEngineersForACapabilityNote_InTheConfirmationsThread()
    {
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);
        await MakeEliEngineerAsync(h);

        var item = await ReportAsync(h, Ada, "feature", "Export invoices as CSV", new Dictionary<string, string?> { ["problem"] = "Finance retypes invoices" });

        item.Stream.ShouldBe(WorkStream.Feature);
        var confirmation = await h.WaitForAsync("chat.postMessage", c => Mentions(c, "TRI-1 reported"), "the confirmation");
        var request = await h.WaitForAsync("chat.postMessage", c => Mentions(c, "needs a capability note"), "the capability-note request");
        Str(request, "channel").ShouldBe(Channel);
        Str(request, "thread_ts").ShouldBe(confirmation.AnsweredTs);
        TextOf(request.Json["blocks"]).ShouldContain($"<@{Eli.Id}>");
        var button = Buttons(Message(request)).ShouldHaveSingleItem();
        button["text"]!["text"]!.ToString().ShouldBe("Add capability note");
        button["value"]!.ToString().ShouldBe($"{BacklogId}/1");

        // The engineer presses it and gets the note form for this item.
        (await h.PressAsync(Eli, Message(request), request.AnsweredTs!, "note", threadTs: confirmation.AnsweredTs)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var note = await h.OpenedModalAsync(3);
        ((string?)note["callback_id"]).ShouldBe("note");
        TextOf(note["blocks"]).ShouldContain("TRI-1");
    }

    [Fact]
    public async Task ReportToTriage_OnAMessage_PrefillsTheModal_AndConfirmsInThatMessagesThreadWithItsPermalink()
    {
        await using var h = await SlackHost.StartAsync();
        await SetUpChannelAsync(h);
        const string messageTs = "1712345678.000100";

        var shortcut = await h.ReportMessageAsync(Members[1], messageTs, "Answers cite the wrong policy\nSeen for three customers today.");

        shortcut.StatusCode.ShouldBe(HttpStatusCode.OK);
        h.Api.CallsTo("chat.getPermalink").ShouldBeEmpty(); // built from the signed payload's workspace domain
        var modal = await h.OpenedModalAsync(2);
        ModalState.Initial(ModalState.Input(modal, "title")["element"]!.AsObject()).ShouldBe("Answers cite the wrong policy");
        ModalState.Initial(ModalState.Input(modal, "description")["element"]!.AsObject()).ShouldBe("Answers cite the wrong policy\nSeen for three customers today.");
        const string permalink = "https://e2e.slack.com/archives/C1/p1712345678000100";
        ModalState.Initial(ModalState.Input(modal, "link")["element"]!.AsObject()).ShouldBe(permalink);

        (await h.SubmitAsync(Members[1], modal, new Dictionary<string, string?> { ["stream"] = "bug" })).StatusCode.ShouldBe(HttpStatusCode.OK);

        var item = await Eventually.Async(async () => await FindItemAsync(h.Store, "Answers cite the wrong policy"), "the item");
        item.Source.ShouldNotBeNull().MessageId.ShouldBe(messageTs);
        item.Source.Link.ShouldBe(permalink);
        var confirmation = await h.WaitForAsync("chat.postMessage", c => Mentions(c, "TRI-1 reported"), "the confirmation");
        Str(confirmation, "channel").ShouldBe(Channel);
        Str(confirmation, "thread_ts").ShouldBe(messageTs);
        TextOf(confirmation.Json["blocks"]).ShouldContain($"<{permalink}|original message>");
    }
}
