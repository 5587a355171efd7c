using System.Globalization;
using System.Text.Json.Nodes;
using TriageBot.Core.Items;
using TriageBot.Core.Views;

namespace TriageBot.Teams.Cards;

/// <summary>How much of people's text a card shows: the normal layout, and the tighter one for a card over budget.</summary>
internal sealed record CardLimits(int ListItems, int ReportLines, int TextLength)
{
    public static readonly CardLimits Normal = new(AdaptiveCardRenderer.MaxListItems, AdaptiveCardRenderer.MaxReportLines, 3000);
    public static readonly CardLimits Tight = new(8, 8, 400);
}

/// <summary>
/// Collects one card's body, actions and mentions. Display text is escaped (and, in the tight layout, shortened);
/// input values are never touched here — forms add them verbatim.
/// </summary>
internal sealed class CardBuilder(CardHost host, CardLimits limits)
{
    private const string Version = "1.5";

    private readonly JsonArray _body = [];
    private readonly JsonArray _actions = [];
    private readonly List<(string Text, UserRef User)> _mentions = [];

    public CardHost Host => host;
    public CardLimits Limits => limits;
    public bool Wide { get; set; }
    /// <summary>Universal Actions <c>refresh</c> (user-specific views), when the card has one.</summary>
    public JsonObject? Refresh { get; set; }
    public int ActionCount => _actions.Count;

    public JsonObject Build()
    {
        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["version"] = Version,
        };
        if (Refresh is not null) card["refresh"] = Refresh;
        card["body"] = _body;
        if (_actions.Count > 0) card["actions"] = _actions;
        var msteams = new JsonObject();
        if (Wide) msteams["width"] = "Full";
        if (_mentions.Count > 0)
        {
            msteams["entities"] = new JsonArray(_mentions.Select(m => (JsonNode)new JsonObject
            {
                ["type"] = "mention",
                ["text"] = m.Text,
                ["mentioned"] = new JsonObject { ["id"] = m.User.UserId, ["name"] = CardText.MentionName(m.User.DisplayName) },
            }).ToArray());
        }
        // Teams' host extension: not in the official schema, ignored by other hosts.
        if (msteams.Count > 0) card["msteams"] = msteams;
        return card;
    }

    public void Add(JsonNode element) => _body.Add(element);

    public void AddAction(JsonObject action) => _actions.Add(action);

    /// <summary>Mention markup (<c>&lt;at&gt;name&lt;/at&gt;</c>) for a person, registered in the card's mention entities.</summary>
    public string Mention(UserRef person)
    {
        var markup = "<at>" + CardText.MentionName(person.DisplayName) + "</at>";
        _mentions.Add((markup, person));
        return markup;
    }

    public void Heading(string text) => Text(text, weight: "Bolder", size: "Large");

    public void Text(string text, string? weight = null, string? size = null, string? color = null, bool subtle = false, bool separator = false, string? spacing = null)
    {
        var block = new JsonObject { ["type"] = "TextBlock", ["text"] = CardText.Escape(text, limits.TextLength), ["wrap"] = true };
        if (weight is not null) block["weight"] = weight;
        if (size is not null) block["size"] = size;
        if (color is not null) block["color"] = color;
        if (subtle) block["isSubtle"] = true;
        if (separator) block["separator"] = true;
        if (spacing is not null) block["spacing"] = spacing;
        _body.Add(block);
    }

    /// <summary><see cref="Text"/> whose addresses named in <paramref name="links"/> are clickable links labelled with their labels.</summary>
    public void TextWithLinks(string text, IReadOnlyList<ViewLink> links, string? color = null, bool subtle = false)
    {
        var block = new JsonObject { ["type"] = "TextBlock", ["text"] = CardText.WithLinks(text, links, limits.TextLength), ["wrap"] = true };
        if (color is not null) block["color"] = color;
        if (subtle) block["isSubtle"] = true;
        _body.Add(block);
    }

    public void Facts(IEnumerable<(string Title, string Value)> facts)
    {
        var list = facts.Select(f => (JsonNode)new JsonObject
        {
            ["title"] = CardText.Escape(f.Title, 200),
            ["value"] = CardText.Escape(f.Value, limits.TextLength),
        }).ToArray();
        if (list.Length > 0) _body.Add(new JsonObject { ["type"] = "FactSet", ["facts"] = new JsonArray(list) });
    }

    /// <summary>Card actions, at most <see cref="AdaptiveCardRenderer.MaxCardActions"/> on one card.</summary>
    public void Buttons(IEnumerable<ActionButton> buttons)
    {
        foreach (var button in buttons)
        {
            if (_actions.Count >= AdaptiveCardRenderer.MaxCardActions) break;
            _actions.Add(Button(button));
        }
    }

    public JsonObject ActionSet(IEnumerable<ActionButton> buttons) => new()
    {
        ["type"] = "ActionSet",
        ["actions"] = new JsonArray(buttons.Select(b => (JsonNode)Button(b)).ToArray()),
    };

    /// <summary>
    /// A button. In a Teams message, a button that opens a form opens it as a private dialog (<c>Action.Submit</c> with
    /// <c>msteams.type = task/fetch</c>), so nothing fillable is shown in the conversation; every other button is
    /// <c>Action.Execute</c> with the action id as verb.
    /// </summary>
    public JsonObject Button(ActionButton button)
    {
        if (host == CardHost.TeamsMessage && DialogButtons.OpensForm(button.ActionId))
            return DialogButtons.Fetch(CardText.Plain(button.Label, 40), button.ActionId, button.Argument);
        if (host == CardHost.Dialog)
        {
            // Dialogs support no Action.Execute: a button there submits the dialog (task/submit) with its action id.
            var data = new JsonObject { [Activities.ActivityTranslation.ActionIdKey] = button.ActionId };
            if (button.Argument is not null) data[Activities.ActivityTranslation.ArgKey] = button.Argument;
            return new JsonObject { ["type"] = "Action.Submit", ["title"] = CardText.Plain(button.Label, 40), ["data"] = data };
        }
        var action = new JsonObject
        {
            ["type"] = "Action.Execute",
            ["title"] = CardText.Plain(button.Label, 40),
            ["verb"] = button.ActionId,
        };
        if (button.Argument is not null) action["data"] = new JsonObject { ["arg"] = button.Argument };
        var style = button.Style switch { ButtonStyle.Primary => "positive", ButtonStyle.Danger => "destructive", _ => null };
        if (style is not null) action["style"] = style;
        return action;
    }

    public void OpenUrl(string title, string? url)
    {
        if (!IsHttp(url) || _actions.Count >= AdaptiveCardRenderer.MaxCardActions) return;
        _actions.Add(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = title, ["url"] = url });
    }

    public static string? ToneColor(Tone tone) => tone switch
    {
        Tone.Success => "Good",
        Tone.Warning => "Warning",
        Tone.Error => "Attention",
        _ => null,
    };

    public static bool IsHttp(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp);

    public static bool IsHttps(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps;

    public static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
