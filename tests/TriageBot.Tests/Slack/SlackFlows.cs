using System.Net;
using System.Text.Json.Nodes;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Slack.Tests.Fakes;
using static TriageBot.Tests.Slack.SlackHost;

namespace TriageBot.Tests.Slack;

/// <summary>The flows a Slack team goes through, driven as Slack would drive them; each checks what it relies on.</summary>
public static class SlackFlows
{
    public const string BacklogId = "payments";

    /// <summary><c>/triage setup</c> in a fresh channel, the modal submitted: the channel is bound and Ada facilitates.</summary>
    public static async Task<JsonObject> SetUpChannelAsync(SlackHost h, string channel = Channel, string timeZone = "Europe/Berlin")
    {
        var opened = h.Api.CallsTo("views.open").Count;
        var response = await h.CommandAsync(Ada, "setup", channel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var modal = await h.OpenedModalAsync(opened + 1);
        ((string?)modal["callback_id"]).ShouldBe("setup");

        var submitted = await h.SubmitAsync(Ada, modal, new Dictionary<string, string?> { ["name"] = "Payments", ["timeZone"] = timeZone });
        submitted.StatusCode.ShouldBe(HttpStatusCode.OK);
        Confirmed(await JsonBody(submitted)).ShouldContain("now belongs to Payments");
        return modal;
    }

    /// <summary>Ada names Eli engineer with the mention Slack sends for an escaped <c>@eli</c>.</summary>
    public static async Task MakeEliEngineerAsync(SlackHost h)
    {
        var response = await h.CommandAsync(Ada, $"role <@{Eli.Id}|{Eli.Name}> engineer");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        TextOf(await JsonBody(response)).ShouldContain("eli is now an engineer");
    }

    /// <summary><c>/triage new {stream}</c>, the modal filled in and submitted; returns the item once stored.</summary>
    public static async Task<Item> ReportAsync(SlackHost h, SlackPerson who, string stream, string title, IDictionary<string, string?>? more = null)
    {
        var opened = h.Api.CallsTo("views.open").Count;
        (await h.CommandAsync(who, "new " + stream)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var modal = await h.OpenedModalAsync(opened + 1);
        var values = new Dictionary<string, string?>(more ?? new Dictionary<string, string?>()) { ["title"] = title };
        var submitted = await h.SubmitAsync(who, modal, values);
        submitted.StatusCode.ShouldBe(HttpStatusCode.OK);
        Confirmed(await JsonBody(submitted)).ShouldContain("Reported ");
        return await Eventually.Async(async () => await FindItemAsync(h.Store, title), $"item '{title}' to be stored");
    }

    public static async Task<Item?> FindItemAsync(ITriageStore store, string title)
    {
        await foreach (var item in store.Items.QueryAsync(new ItemQuery(BacklogId), CancellationToken.None))
        {
            if (item.Title == title)
            {
                return item;
            }
        }

        return null;
    }

    public static async Task<List<Item>> ItemsAsync(ITriageStore store, string backlogId = BacklogId)
    {
        var items = new List<Item>();
        await foreach (var item in store.Items.QueryAsync(new ItemQuery(backlogId), CancellationToken.None))
        {
            items.Add(item);
        }

        return items;
    }

    public static async Task<List<Backlog>> BacklogsAsync(ITriageStore store)
    {
        var list = new List<Backlog>();
        await foreach (var b in store.Backlogs.ListAsync(CancellationToken.None))
        {
            list.Add(b);
        }

        return list;
    }

    /// <summary>
    /// The text of the confirmation a submitted modal turned into: the answer replaces the modal (<c>response_action</c>
    /// <c>update</c>) with a view that has no fields and no submit button, so nothing is sent while Slack waits.
    /// </summary>
    public static string Confirmed(JsonObject? answer)
    {
        answer.ShouldNotBeNull("a submitted modal is answered with its confirmation")["response_action"]!.ToString().ShouldBe("update");
        var view = answer["view"].ShouldNotBeNull().AsObject();
        ((string?)view["callback_id"]).ShouldBe("confirmation");
        view["submit"].ShouldBeNull();
        ((string?)view["close"]!["text"]).ShouldBe("Done");
        return TextOf(view["blocks"]);
    }

    /// <summary>The JSON body of an answer, or null when it is empty.</summary>
    public static async Task<JsonObject?> JsonBody(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>The message part (text + blocks) of a chat.* call, as a person would see it.</summary>
    public static JsonObject Message(SlackApiCall call)
    {
        var json = call.Json;
        return new JsonObject { ["text"] = json["text"]?.DeepClone(), ["blocks"] = json["blocks"]?.DeepClone() ?? new JsonArray() };
    }

    public static string? Str(SlackApiCall call, string field) => (string?)call.Json[field];

    public static bool Mentions(SlackApiCall call, string text) => TextOf(call.Json["blocks"]).Contains(text, StringComparison.Ordinal)
        || ((string?)call.Json["text"] ?? "").Contains(text, StringComparison.Ordinal);
}
