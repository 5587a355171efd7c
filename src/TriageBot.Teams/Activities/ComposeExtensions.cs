using System.Text.Json;
using System.Text.Json.Nodes;
using TriageBot.Core.Items;
using TriageBot.Core.UseCases;
using TriageBot.Core.Views;
using TriageBot.Teams.Cards;

namespace TriageBot.Teams.Activities;

/// <summary>
/// The search message extension (<c>composeExtension/query</c>: find an item by key or title in the person's backlogs and
/// insert its card) and link unfurling (<c>composeExtension/queryLink</c>: a pasted dashboard or item link of this app
/// becomes a card). The cards are read-only: they are sent by the person, so they carry no bot buttons, only a link to
/// the item's page. Link unfurls use Adaptive Cards 1.3, the highest version Teams unfurls.
/// </summary>
internal static class ComposeExtensions
{
    public const string Query = "composeExtension/query";
    public const string QueryLink = "composeExtension/queryLink";
    public const string SearchCommand = "searchItems";

    public static async Task<JsonObject> SearchAsync(ItemFinder? finder, UserRef actor, JsonElement? value, CancellationToken ct)
    {
        if (finder is null) return Message("Search is not available here.");
        string? commandId = null, query = null;
        if (value is { ValueKind: JsonValueKind.Object } v)
        {
            if (v.TryGetProperty("commandId", out var c) && c.ValueKind == JsonValueKind.String) commandId = c.GetString();
            if (v.TryGetProperty("parameters", out var ps) && ps.ValueKind == JsonValueKind.Array)
                foreach (var p in ps.EnumerateArray())
                    if (p.ValueKind == JsonValueKind.Object && p.TryGetProperty("value", out var pv) && pv.ValueKind == JsonValueKind.String
                        && p.TryGetProperty("name", out var pn) && pn.GetString() is "query" or "initialRun")
                        query = pn.GetString() == "initialRun" ? "" : pv.GetString();
        }
        if (commandId != SearchCommand) return Message("This search is not known.");
        if ((query?.Length ?? 0) > ItemFinder.MaxQueryLength) return Message($"Search for at most {ItemFinder.MaxQueryLength} characters: a key such as TRI-42 or words of a title.");

        var cards = await finder.SearchAsync(actor, query, ct).ConfigureAwait(false);
        return Result([.. cards.Select(c => Attachment(c, version: "1.5"))]);
    }

    public static async Task<JsonObject?> UnfurlAsync(ItemFinder? finder, JsonElement? value, CancellationToken ct)
    {
        string? url = value is { ValueKind: JsonValueKind.Object } v && v.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
        var view = finder is null ? null : await finder.UnfurlAsync(url, ct).ConfigureAwait(false);
        // Not one of ours, or nothing the link's token may show: no card, so Teams shows the link as it is.
        return view is null ? null : Result([Attachment(view, version: "1.3")]);
    }

    private static JsonObject Attachment(View view, string version)
    {
        var card = AdaptiveCardRenderer.Render(view, CardHost.Message);
        card["version"] = version;
        // Only links: a card the person sends has no bot to answer its buttons, and an unfurl may travel anywhere.
        if (card["actions"] is JsonArray actions)
        {
            foreach (var a in actions.ToList())
                if (a?["type"]?.GetValue<string>() != "Action.OpenUrl") actions.Remove(a);
            if (actions.Count == 0) card.Remove("actions");
        }
        if (view is ItemCardView { Item.Url: { } url } && card["actions"] is null && CardBuilder.IsHttp(url))
            card["actions"] = new JsonArray(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Open the item", ["url"] = url });
        var (title, text) = view switch
        {
            ItemCardView i => ($"{i.Item.Key} · {i.Item.Title}", $"{i.Item.Stream} · {i.Item.State}"),
            TextView t => (t.Title ?? "TriageBot", t.Text),
            _ => ("TriageBot", ""),
        };
        return new JsonObject
        {
            ["contentType"] = AdaptiveCardRenderer.ContentType,
            ["content"] = card,
            ["preview"] = new JsonObject
            {
                ["contentType"] = "application/vnd.microsoft.card.thumbnail",
                ["content"] = new JsonObject { ["title"] = CardText.Plain(title, 200), ["text"] = CardText.Plain(text, 300) },
            },
        };
    }

    private static JsonObject Result(JsonNode[] attachments) => new()
    {
        ["composeExtension"] = new JsonObject { ["type"] = "result", ["attachmentLayout"] = "list", ["attachments"] = new JsonArray(attachments) },
    };

    private static JsonObject Message(string text) => new()
    {
        ["composeExtension"] = new JsonObject { ["type"] = "message", ["text"] = CardText.Plain(text, 500) },
    };
}
