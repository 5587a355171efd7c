using System.Text.Json.Nodes;

namespace TriageBot.Tests.Teams;

/// <summary>Builds activities as Teams sends them to the bot, in the test team's triage channel.</summary>
public sealed class Activities(TeamsProduct product)
{
    /// <summary>The conversation id of a channel thread: the channel and the thread's root message.</summary>
    public static string Thread(string rootId) => TeamsProduct.ChannelId + ";messageid=" + rootId;

    public JsonObject Base(string type, TeamsPerson? from, string conversationId, string? id = null) => new()
    {
        ["type"] = type,
        ["id"] = id ?? product.NewId(),
        ["timestamp"] = product.Time.GetUtcNow().ToString("O"),
        ["serviceUrl"] = product.ServiceUrl,
        ["channelId"] = "msteams",
        ["from"] = from is null ? null : new JsonObject { ["id"] = from.Id, ["name"] = from.Name, ["aadObjectId"] = from.AadObjectId },
        ["conversation"] = new JsonObject
        {
            ["id"] = conversationId,
            ["conversationType"] = "channel",
            ["isGroup"] = true,
            ["tenantId"] = TeamsProduct.TenantId,
        },
        ["recipient"] = new JsonObject { ["id"] = TeamsProduct.BotId, ["name"] = "TriageBot" },
        ["channelData"] = new JsonObject
        {
            ["tenant"] = new JsonObject { ["id"] = TeamsProduct.TenantId },
            ["team"] = new JsonObject { ["id"] = TeamsProduct.TeamId, ["name"] = "AI Product" },
            ["channel"] = new JsonObject { ["id"] = TeamsProduct.ChannelId, ["name"] = "triage" },
        },
        ["locale"] = "en-US",
    };

    /// <summary>The bot added to the team: <c>conversationUpdate</c> with the bot in <c>membersAdded</c>, in the General channel.</summary>
    public JsonObject BotInstalled(TeamsPerson by)
    {
        var a = Base("conversationUpdate", by, TeamsProduct.ChannelId);
        a["membersAdded"] = new JsonArray(new JsonObject { ["id"] = TeamsProduct.BotId });
        a["channelData"]!["eventType"] = "teamMemberAdded";
        return a;
    }

    /// <summary>
    /// A new post in the channel that @mentions the bot: <c>&lt;at&gt;TriageBot&lt;/at&gt; {text}</c>. People in
    /// <paramref name="mentions"/> are written as <c>{0}</c>, <c>{1}</c>… in <paramref name="text"/> and become Teams mentions.
    /// </summary>
    public JsonObject Command(TeamsPerson from, string text, params TeamsPerson[] mentions)
    {
        var id = product.NewId();
        var entities = new JsonArray(new JsonObject
        {
            ["type"] = "mention",
            ["text"] = "<at>TriageBot</at>",
            ["mentioned"] = new JsonObject { ["id"] = TeamsProduct.BotId, ["name"] = "TriageBot" },
        });
        var body = text;
        for (var i = 0; i < mentions.Length; i++)
        {
            var markup = $"<at>{mentions[i].Name}</at>";
            body = body.Replace("{" + i + "}", markup, StringComparison.Ordinal);
            entities.Add(new JsonObject
            {
                ["type"] = "mention",
                ["text"] = markup,
                ["mentioned"] = new JsonObject { ["id"] = mentions[i].Id, ["name"] = mentions[i].Name },
            });
        }
        var a = Base("message", from, Thread(id), id);
        a["text"] = "<at>TriageBot</at> " + body;
        a["textFormat"] = "plain";
        a["entities"] = entities;
        return a;
    }

    /// <summary>A click on an Action.Execute button (or form submit) of a card posted in <paramref name="conversationId"/>.</summary>
    public JsonObject Execute(TeamsPerson from, string conversationId, string? cardActivityId, JsonObject action, JsonObject? data = null, string? id = null)
    {
        var a = Base("invoke", from, conversationId, id);
        a["name"] = "adaptiveCard/action";
        if (cardActivityId is not null) a["replyToId"] = cardActivityId;
        a["value"] = new JsonObject
        {
            ["action"] = new JsonObject
            {
                ["type"] = "Action.Execute",
                ["id"] = action["id"]?.DeepClone(),
                ["verb"] = action["verb"]!.GetValue<string>(),
                ["data"] = data ?? action["data"]?.DeepClone() ?? new JsonObject(),
            },
            ["trigger"] = "manual",
        };
        return a;
    }

    /// <summary><c>task/fetch</c>: a dialog button (Action.Submit with <c>msteams.type = task/fetch</c>) clicked on a card in <paramref name="conversationId"/>.</summary>
    public JsonObject TaskFetch(TeamsPerson from, string conversationId, string? cardActivityId, JsonObject data)
    {
        var a = Base("invoke", from, conversationId);
        a["name"] = "task/fetch";
        if (cardActivityId is not null) a["replyToId"] = cardActivityId;
        a["value"] = new JsonObject { ["type"] = "task/fetch", ["data"] = data.DeepClone(), ["context"] = new JsonObject { ["theme"] = "default" } };
        return a;
    }

    /// <summary><c>task/submit</c>: a dialog's Action.Submit, with the dialog's data and inputs.</summary>
    public JsonObject TaskSubmit(TeamsPerson from, string conversationId, JsonObject data, string? id = null)
    {
        var a = Base("invoke", from, conversationId, id);
        a["name"] = "task/submit";
        a["value"] = new JsonObject { ["type"] = "task/submit", ["data"] = data.DeepClone(), ["context"] = new JsonObject { ["theme"] = "default" } };
        return a;
    }

    /// <summary>The message a person reports with the <b>Report to triage</b> message action.</summary>
    public static JsonObject MessagePayload(string messageId, TeamsPerson author, string html) => new()
    {
        ["id"] = messageId,
        ["createdDateTime"] = "2026-11-23T08:55:00Z",
        ["messageType"] = "message",
        ["body"] = new JsonObject { ["contentType"] = "html", ["content"] = html },
        ["from"] = new JsonObject { ["user"] = new JsonObject { ["id"] = author.AadObjectId, ["displayName"] = author.Name } },
        ["linkToMessage"] = $"https://teams.microsoft.com/l/message/{Uri.EscapeDataString(TeamsProduct.ChannelId)}/{messageId}",
    };

    /// <summary><c>composeExtension/fetchTask</c> from a message's "…" menu.</summary>
    public JsonObject FetchTask(TeamsPerson from, JsonObject messagePayload)
    {
        var a = Base("invoke", from, Thread(messagePayload["id"]!.GetValue<string>()));
        a["name"] = "composeExtension/fetchTask";
        a["value"] = new JsonObject
        {
            ["commandId"] = "reportToTriage",
            ["commandContext"] = "message",
            ["context"] = new JsonObject { ["theme"] = "default" },
            ["messagePayload"] = messagePayload.DeepClone(),
        };
        return a;
    }

    /// <summary><c>composeExtension/submitAction</c>: the dialog's form values, with the message it started from.</summary>
    public JsonObject SubmitAction(TeamsPerson from, JsonObject messagePayload, JsonObject data)
    {
        var a = Base("invoke", from, Thread(messagePayload["id"]!.GetValue<string>()));
        a["name"] = "composeExtension/submitAction";
        a["value"] = new JsonObject
        {
            ["commandId"] = "reportToTriage",
            ["commandContext"] = "message",
            ["data"] = data,
            ["messagePayload"] = messagePayload.DeepClone(),
        };
        return a;
    }
}
