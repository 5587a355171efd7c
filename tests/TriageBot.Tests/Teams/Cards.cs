using System.Text.Json.Nodes;

namespace TriageBot.Tests.Teams;

/// <summary>Reads Adaptive Cards out of what the bot sent, and presses their buttons the way a Teams client does.</summary>
public static class Cards
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";

    /// <summary>Cards in an activity the bot sent (send/update) or in a create-conversation body.</summary>
    public static IEnumerable<JsonObject> InActivity(JsonNode? body)
    {
        if (body is null) yield break;
        foreach (var holder in new[] { body, body["activity"] })
        {
            if (holder?["attachments"] is not JsonArray attachments) continue;
            foreach (var a in attachments)
                if (a?["contentType"]?.GetValue<string>() == ContentType && a["content"] is JsonObject card)
                    yield return card;
        }
    }

    /// <summary>Cards in an invoke answer: an Action.Execute card response, or a dialog's card.</summary>
    public static IEnumerable<JsonObject> InAnswer(JsonNode? body)
    {
        if (body is not JsonObject answer) yield break;
        if (answer["type"] is JsonValue type && type.ToString() == ContentType && answer["value"] is JsonObject executed) yield return executed;
        if (answer["task"] is JsonObject task && task["value"] is JsonObject value && value["card"] is JsonObject attachment && attachment["content"] is JsonObject dialog)
            yield return dialog;
    }

    /// <summary>The card of an Action.Execute answer (the card that replaces the clicked one).</summary>
    public static JsonObject ExecutedCard(JsonNode? answer)
    {
        answer.ShouldNotBeNull();
        answer["statusCode"]!.GetValue<int>().ShouldBe(200);
        answer["type"]!.GetValue<string>().ShouldBe(ContentType, answer.ToJsonString());
        return answer["value"]!.AsObject();
    }

    /// <summary>The message of an Action.Execute answer that leaves the card as it is.</summary>
    public static string ExecutedMessage(JsonNode? answer)
    {
        answer.ShouldNotBeNull();
        answer["type"]!.GetValue<string>().ShouldBe("application/vnd.microsoft.activity.message", answer.ToJsonString());
        return answer["value"]!.GetValue<string>();
    }

    /// <summary>The card of a dialog answer (<c>task: continue</c>).</summary>
    public static JsonObject DialogCard(JsonNode? answer)
    {
        answer.ShouldNotBeNull();
        answer["task"]!["type"]!.GetValue<string>().ShouldBe("continue", answer.ToJsonString());
        return answer["task"]!["value"]!["card"]!["content"]!.AsObject();
    }

    /// <summary>The text of a dialog that closes with a message (<c>task: message</c>).</summary>
    public static string DialogMessage(JsonNode? answer)
    {
        answer.ShouldNotBeNull();
        answer["task"]!["type"]!.GetValue<string>().ShouldBe("message", answer.ToJsonString());
        return answer["task"]!["value"]!.GetValue<string>();
    }

    /// <summary>Every action of a card: its <c>actions</c> and those of ActionSets in its body.</summary>
    public static IEnumerable<JsonObject> Actions(JsonObject card)
    {
        foreach (var a in card["actions"] as JsonArray ?? []) yield return a!.AsObject();
        foreach (var element in card["body"] as JsonArray ?? [])
            if (element?["type"]?.GetValue<string>() == "ActionSet")
                foreach (var a in element["actions"] as JsonArray ?? []) yield return a!.AsObject();
    }

    /// <summary>The Action.Execute button with this verb (and argument, when given); fails when the card has none.</summary>
    public static JsonObject Button(JsonObject card, string verb, string? arg = null)
    {
        var found = Actions(card).FirstOrDefault(a => a["type"]?.GetValue<string>() == "Action.Execute" && a["verb"]?.GetValue<string>() == verb
            && (arg is null || a["data"]?["arg"]?.GetValue<string>() == arg));
        found.ShouldNotBeNull($"no '{verb}' button on the card: {card.ToJsonString()}");
        return found;
    }

    /// <summary>The button that opens a dialog for <paramref name="actionId"/> (and argument, when given); fails when the card has none.</summary>
    public static JsonObject DialogButton(JsonObject card, string actionId, string? arg = null)
    {
        var found = Actions(card).FirstOrDefault(a => a["type"]?.GetValue<string>() == "Action.Submit"
            && a["data"]?["msteams"]?["type"]?.GetValue<string>() == "task/fetch"
            && a["data"]?["actionId"]?.GetValue<string>() == actionId
            && (arg is null || a["data"]?["arg"]?.GetValue<string>() == arg));
        found.ShouldNotBeNull($"no dialog button '{actionId}' on the card: {card.ToJsonString()}");
        return found;
    }

    /// <summary>No input anywhere in the card: nothing fillable is posted into a conversation.</summary>
    public static void ShouldHaveNoInputs(JsonObject card) =>
        Inputs(card).ShouldBeEmpty($"a card posted in the conversation has inputs: {card.ToJsonString()}");

    /// <summary>The card's inputs by id.</summary>
    public static Dictionary<string, JsonObject> Inputs(JsonObject card)
    {
        var inputs = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    if (o["type"]?.GetValue<string>() is { } type && type.StartsWith("Input.", StringComparison.Ordinal) && o["id"]?.GetValue<string>() is { } id)
                        inputs[id] = o;
                    foreach (var (_, child) in o) Walk(child);
                    break;
                case JsonArray a:
                    foreach (var child in a) Walk(child);
                    break;
            }
        }
        Walk(card["body"]);
        return inputs;
    }

    /// <summary>
    /// What a Teams client submits for the card's submit button: the action's <c>data</c> merged with every input's value
    /// (what is shown, unless the person typed something else). An input the card does not have fails the test.
    /// </summary>
    public static JsonObject Fill(JsonObject card, JsonObject submitAction, IReadOnlyDictionary<string, string> typed)
    {
        var inputs = Inputs(card);
        foreach (var key in typed.Keys) inputs.ShouldContainKey(key, $"the form has no input '{key}'");
        var data = submitAction["data"]?.DeepClone().AsObject() ?? [];
        foreach (var (id, input) in inputs)
        {
            if (typed.TryGetValue(id, out var value)) data[id] = value;
            else if (input["value"] is { } shown) data[id] = shown.ToString();
        }
        return data;
    }

    /// <summary>The submit action of a form card: Action.Execute (in a message) or Action.Submit (in a dialog).</summary>
    public static JsonObject SubmitAction(JsonObject card)
    {
        var submit = Actions(card).FirstOrDefault(a => a["data"]?["formId"] is not null);
        submit.ShouldNotBeNull($"the card has no form submit: {card.ToJsonString()}");
        return submit;
    }

    /// <summary>All the text of a card's TextBlocks and FactSets, for assertions on what people read.</summary>
    public static string Text(JsonObject card)
    {
        var texts = new List<string>();
        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    var type = o["type"]?.GetValue<string>();
                    if (type == "TextBlock" && o["text"] is JsonValue t) texts.Add(t.GetValue<string>());
                    if (type == "FactSet")
                        foreach (var f in o["facts"] as JsonArray ?? []) texts.Add($"{f!["title"]}: {f["value"]}");
                    foreach (var (_, child) in o) Walk(child);
                    break;
                case JsonArray a:
                    foreach (var child in a) Walk(child);
                    break;
            }
        }
        Walk(card["body"]);
        // The renderer escapes markdown with backslashes; assertions read the text as people see it.
        return string.Join("\n", texts).Replace("\\", "", StringComparison.Ordinal);
    }
}
