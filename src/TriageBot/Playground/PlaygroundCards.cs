using System.Globalization;
using System.Text.Json.Nodes;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Items;
using TriageBot.Core.Views;
using TriageBot.Teams.Cards;

namespace TriageBot.Playground;

/// <summary>
/// The cards the playground shows: the Teams renderer's card for every view, except that a list is grouped by stream
/// with a button per item, and an allocation review carries its chart inline (served by the playground itself, so no
/// public base URL is needed). Before a card reaches a person, the buttons their role may not use are taken off it.
/// </summary>
public static class PlaygroundCards
{
    /// <summary>Buttons that need more than a member's permissions, by the action id they carry.</summary>
    private static readonly Dictionary<string, Permission> Needs = new(StringComparer.Ordinal)
    {
        [ButtonIds.Reveal] = Permission.Reveal,
        [ButtonIds.Finalize] = Permission.Finalize,
        [ButtonIds.Close] = Permission.Close,
        [ButtonIds.Promote] = Permission.Sweep,
        [ButtonIds.Keep] = Permission.Sweep,
        [ButtonIds.SweepDecide] = Permission.Close,
        [ButtonIds.Start] = Permission.ChangeState,
        [ButtonIds.Done] = Permission.ChangeState,
        [ButtonIds.Extend] = Permission.SetTimebox,
        [ButtonIds.AddCapabilityNote] = Permission.WriteCapabilityNote,
        [ButtonIds.Setup] = Permission.ChangeSettings,
    };

    /// <summary>Where the playground serves a backlog's allocation chart.</summary>
    public static string ChartPath(string backlogId) => "/playground/charts/" + Uri.EscapeDataString(backlogId) + ".png";

    public static JsonObject Render(View view, DateTimeOffset now, string? backlogId = null, CardHost host = CardHost.Message)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (view is ItemListView list)
        {
            return GroupedList(list, now);
        }

        var card = AdaptiveCardRenderer.Render(view, host);
        if (view is ReportView { ChartUrl: null } report && backlogId is not null && report.Title.StartsWith(Wording.Ceremony(CeremonyKind.AllocationReview), StringComparison.Ordinal)
            && card["body"] is JsonArray body)
        {
            body.Insert(Math.Min(2, body.Count), new JsonObject
            {
                ["type"] = "Image",
                ["url"] = ChartPath(backlogId),
                ["altText"] = "Allocation chart: planned versus actual share per stream",
                ["size"] = "Stretch",
            });
        }

        return card;
    }

    /// <summary>A copy of the card without the buttons <paramref name="role"/> may not use (and without action sets left empty).</summary>
    public static JsonObject ForRole(JsonObject card, Role role)
    {
        ArgumentNullException.ThrowIfNull(card);
        var copy = (JsonObject)card.DeepClone();
        Strip(copy, role);
        return copy;
    }

    private static void Strip(JsonNode? node, Role role)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["actions"] is JsonArray actions)
                {
                    for (var i = actions.Count - 1; i >= 0; i--)
                    {
                        if (actions[i] is JsonObject a && a["verb"]?.GetValue<string>() is { } verb && Needs.TryGetValue(verb, out var permission) && !Permissions.Allows(role, permission))
                        {
                            actions.RemoveAt(i);
                        }
                    }
                }

                foreach (var (_, child) in obj.ToList())
                {
                    Strip(child, role);
                }

                break;
            case JsonArray array:
                for (var i = array.Count - 1; i >= 0; i--)
                {
                    Strip(array[i], role);
                    if (array[i] is JsonObject { } o && o["type"]?.GetValue<string>() == "ActionSet" && o["actions"] is JsonArray { Count: 0 })
                    {
                        array.RemoveAt(i);
                    }
                }

                break;
        }
    }

    /// <summary>A list grouped by stream, each item ranked with its total, state and age, and buttons to show, score or start it.</summary>
    private static JsonObject GroupedList(ItemListView v, DateTimeOffset now)
    {
        var body = new JsonArray { Text(v.Title, weight: "Bolder", size: "Medium") };
        if (v.Items.Count == 0)
        {
            body.Add(Text(v.EmptyText ?? Wording.NothingHere, subtle: true));
        }

        foreach (var group in v.Items.GroupBy(i => i.Stream).OrderBy(g => g.Key))
        {
            body.Add(Text(ItemListCard.GroupHeading(group.Key, group.Count()), weight: "Bolder", separator: true));
            foreach (var item in group)
            {
                // The same facts as Teams' list card; the playground has room for a row of buttons under every item.
                var facts = ItemListCard.Facts(item, now);
                var buttons = ItemListCard.Buttons(item).ToList();
                body.Add(new JsonObject
                {
                    ["type"] = "Container",
                    ["spacing"] = "Small",
                    ["items"] = new JsonArray
                    {
                        Text(CardText.Escape($"{item.Key} {item.Title}"), weight: "Bolder"),
                        Text(CardText.Escape(facts), subtle: true),
                        new JsonObject { ["type"] = "ActionSet", ["actions"] = new JsonArray([.. buttons.Select(Execute)]) },
                    },
                });
            }
        }

        var more = Math.Max(v.TotalCount, v.Items.Count) - v.Items.Count;
        if (more > 0)
        {
            body.Add(Text(string.Create(CultureInfo.InvariantCulture, $"… and {more} more") + (v.DashboardUrl is null ? "." : " on the dashboard."), subtle: true));
        }

        return new JsonObject { ["type"] = "AdaptiveCard", ["version"] = "1.5", ["body"] = body };
    }

    private static JsonObject Text(string text, string? weight = null, string? size = null, bool subtle = false, bool separator = false)
    {
        var block = new JsonObject { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = true };
        if (weight is not null) block["weight"] = weight;
        if (size is not null) block["size"] = size;
        if (subtle) block["isSubtle"] = true;
        if (separator) block["separator"] = true;
        return block;
    }

    private static JsonNode Execute(ActionButton b) => new JsonObject
    {
        ["type"] = "Action.Execute",
        ["title"] = b.Label,
        ["verb"] = b.ActionId,
        ["data"] = new JsonObject { ["arg"] = b.Argument },
    };
}
