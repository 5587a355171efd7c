using System.Globalization;
using System.Text.Json.Nodes;
using TriageBot.Core.Items;
using TriageBot.Core.Views;

namespace TriageBot.Teams.Cards;

/// <summary>
/// The answer to <c>list</c> in Teams: the items grouped by stream, ranked, each with its key, title, total, state, age,
/// owner and flags — the same facts the playground shows (<see cref="Facts"/> is shared). A card carries at most
/// <see cref="AdaptiveCardRenderer.MaxCardActions"/> actions, so instead of buttons under every row it has one picker of
/// the listed items and one Show / Score / Start button each (the picked item is the argument: Teams merges the input
/// into the action's data), then the dashboard link.
/// </summary>
public static class ItemListCard
{
    /// <summary>The line under an item's title: total, state, age, owner and flags, joined by " · ".</summary>
    public static string Facts(ItemSummary item, DateTimeOffset? now)
    {
        ArgumentNullException.ThrowIfNull(item);
        var facts = new List<string> { item.Total is { } t ? string.Create(CultureInfo.InvariantCulture, $"total {t}") : "not scored", State(item), Age(item.CreatedAt, now) };
        if (item.Owner is { } owner) facts.Add(owner.DisplayName);
        facts.AddRange(Wording.FlagsOf(item).Select(Wording.Flag));
        return string.Join(" · ", facts);
    }

    /// <summary>Where the item is, in the words of a list.</summary>
    public static string State(ItemSummary item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item switch
        {
            { HeldPlacement: { } held } => Wording.HeldPlacement(held),
            { State: ItemState.New } => "New",
            { State: ItemState.Sprint } => "Sprint",
            { State: ItemState.Ready } => "Ready queue",
            { State: ItemState.Active, Column: { } column } => "Active · " + column,
            { State: var s } => s.ToString(),
        };
    }

    /// <summary>The group heading of a stream: its name and how many of the listed items it has.</summary>
    public static string GroupHeading(WorkStream stream, int count) => string.Create(CultureInfo.InvariantCulture, $"{Wording.StreamHeading(stream)} ({count})");

    /// <summary>The buttons an item in a list offers: Show, then Score while it is New or Start while it is queued.</summary>
    public static IEnumerable<ActionButton> Buttons(ItemSummary item)
    {
        ArgumentNullException.ThrowIfNull(item);
        yield return new ActionButton(ButtonIds.Show, "Show", item.Ref);
        if (item.State == ItemState.New) yield return new ActionButton(ButtonIds.Score, "Score", item.Ref);
        else if (item.State is ItemState.Sprint or ItemState.Ready) yield return new ActionButton(ButtonIds.Start, "Start", item.Ref);
    }

    internal static void Render(CardBuilder b, ItemListView v)
    {
        b.Heading(v.Title);
        if (v.Items.Count == 0) b.Text(v.EmptyText ?? Wording.NothingHere, subtle: true);
        var shown = v.Items.Take(b.Limits.ListItems).ToList();
        var groups = shown.GroupBy(i => i.Stream).OrderBy(g => g.Key).ToList();
        foreach (var group in groups)
        {
            b.Text(GroupHeading(group.Key, group.Count()), weight: "Bolder", separator: true);
            foreach (var item in group)
            {
                // Titles and names are what people typed: escaped, so they never become a link, an image or a mention.
                b.Text(item.Key + " " + CardText.Escape(item.Title, 150), weight: "Bolder", spacing: "Small");
                b.Text(CardText.EscapeInline(Facts(item, v.AsOf)), subtle: true, spacing: "None");
            }
        }

        var more = Math.Max(v.TotalCount, v.Items.Count) - shown.Count;
        if (more > 0) b.Text(string.Create(CultureInfo.InvariantCulture, $"… and {more} more") + (v.DashboardUrl is not null ? " on the dashboard." : "."), subtle: true);
        Picker(b, [.. groups.SelectMany(g => g)]);
        b.OpenUrl("Open the dashboard", v.DashboardUrl);
        b.Wide = true;
    }

    /// <summary>One choice of the listed items (its id is the buttons' argument key) and one button per distinct action.</summary>
    private static void Picker(CardBuilder b, IReadOnlyList<ItemSummary> items)
    {
        if (items.Count == 0) return;
        b.Add(new JsonObject
        {
            ["type"] = "Input.ChoiceSet",
            ["id"] = Activities.ActivityTranslation.ArgKey,
            ["label"] = "Item",
            ["style"] = "compact",
            ["isRequired"] = true,
            ["errorMessage"] = "Pick an item first.",
            ["value"] = items[0].Ref,
            ["choices"] = new JsonArray([.. items.Select(i => (JsonNode)new JsonObject
            {
                // The key alone: the list above names each item, and a title typed as "[x](url)" is never a link here.
                ["title"] = i.Key,
                ["value"] = i.Ref,
            })]),
            ["separator"] = true,
        });
        // Room is kept for the dashboard link: Show, Score, Start and Open the dashboard are four of the six.
        var distinct = items.SelectMany(Buttons).DistinctBy(a => a.ActionId).Select(a => a with { Argument = null });
        b.Buttons(distinct);
    }

    private static string Age(DateTimeOffset createdAt, DateTimeOffset? now)
    {
        if (now is not { } at) return "reported " + createdAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var days = (int)Math.Floor((at - createdAt).TotalDays);
        return days <= 0 ? "reported today" : days == 1 ? "1 day old" : string.Create(CultureInfo.InvariantCulture, $"{days} days old");
    }
}
