using System.Globalization;
using System.Text.Json.Nodes;
using TriageBot.Core.Views;
using static TriageBot.Teams.Cards.CardBuilder;

namespace TriageBot.Teams.Cards;

/// <summary>Cards that are messages: short texts, help, the rubric, the welcome and the ceremony reports.</summary>
internal static class MessageCards
{
    public static void TextView(CardBuilder b, TextView v)
    {
        if (v.Title is not null) b.Heading(v.Title);
        b.TextWithLinks(v.Text, v.Links, color: ToneColor(v.Tone));
        b.Buttons(v.Actions);
        // An address the text does not show (the dashboard of an unfurled link) is a button.
        foreach (var link in v.Links.Where(l => !v.Text.Contains(l.Url, StringComparison.Ordinal))) b.OpenUrl(link.Label, link.Url);
    }

    public static void Help(CardBuilder b, HelpView v)
    {
        if (v.Error is not null) b.Text(v.Error, color: "Attention");
        b.Heading("TriageBot commands");
        b.Facts(v.Commands.Select(c => (c.Usage, c.Description)));
        b.Wide = true;
    }

    public static void Rubric(CardBuilder b, RubricView v)
    {
        b.Heading("Triage rubric");
        foreach (var d in v.Dimensions)
        {
            b.Text(Invariant($"{d.Name} (weight {d.Weight})"), weight: "Bolder", separator: true);
            b.Facts(d.Levels.OrderByDescending(l => l.Score).Select(l => (l.Score.ToString(CultureInfo.InvariantCulture), l.Meaning)));
        }
        var top = v.SprintThreshold;
        var ready = v.ReadyThreshold;
        b.Text("Weighted total = 3 × impact + 2 × confidence + 2 × rollback + 1 × delay (8 to 24).", separator: true);
        b.Facts([
            (Invariant($"{top} or more"), "Sprint"),
            (Invariant($"{ready} to {top - 1}"), "Ready queue"),
            (Invariant($"below {ready}"), "Icebox"),
        ]);
        b.Wide = true;
    }

    public static void Welcome(CardBuilder b, WelcomeView v)
    {
        b.Text("Hi, I'm TriageBot", weight: "Bolder", size: "Medium");
        if (!string.IsNullOrWhiteSpace(v.AddedBy)) b.Text("Thanks for adding me, " + v.AddedBy.Trim() + ".", spacing: "None");
        b.Text(v.AlreadyBound
            ? (string.IsNullOrWhiteSpace(v.BacklogName) ? "This conversation is already bound to its backlog." : "This conversation is already bound to the backlog " + v.BacklogName.Trim() + ".")
              + " Mention me with help to see what I can do."
            : "I run your AI product's backlog: report items, score them in the triage clinic, and get the ceremony reports here. Set up this channel to bind it to a backlog, or mention me with help.");
        var actions = v.Actions.Count > 0 || v.AlreadyBound ? v.Actions : [new ActionButton(ButtonIds.Setup, "Set up", Style: ButtonStyle.Primary)];
        b.Buttons(actions);
    }

    public static void Report(CardBuilder b, ReportView v)
    {
        b.Heading(v.Title + (v.Late ? Wording.LateSuffix : ""));
        if (!string.IsNullOrWhiteSpace(v.Subtitle)) b.Text(v.Subtitle, subtle: true, spacing: "None");
        if (v.Late) b.Text(Wording.PostedLate, subtle: true, spacing: "None");
        if (IsHttps(v.ChartUrl))
            b.Add(new JsonObject { ["type"] = "Image", ["url"] = v.ChartUrl, ["altText"] = "Allocation chart", ["size"] = "Stretch" });
        // Teams cards carry at most 6 actions: when the rows' buttons would pass that, the rows are listed without them and
        // one button opens a dialog to pick the row and its action (elsewhere: one picker of the rows with one button per action).
        var rowActions = v.Sections.Sum(s => s.Actions.Count);
        var ownActions = v.Actions.Count + (IsHttp(v.DashboardUrl) ? 1 : 0);
        var gathered = rowActions + ownActions > AdaptiveCardRenderer.MaxCardActions;
        foreach (var section in v.Sections)
        {
            b.Text(section.Heading, weight: "Bolder", separator: true);
            var lines = section.Lines.Take(b.Limits.ReportLines).ToList();
            foreach (var line in lines)
            {
                // Core's lines about an item already start with its key; add it only when one does not.
                var key = line.Item is { } item && !line.Text.StartsWith(item.Key + " ", StringComparison.Ordinal) ? item.Key + " " : "";
                var text = (line.Problem ? "⚠ " : "• ") + key + line.Text;
                b.Text(text, color: line.Problem ? "Warning" : null, spacing: "Small");
            }
            if (section.Lines.Count > lines.Count) b.Text(Invariant($"… and {section.Lines.Count - lines.Count} more") + (v.DashboardUrl is not null ? " on the dashboard." : "."), subtle: true);
            if (section.Actions.Count > 0 && !gathered) b.Add(b.ActionSet(section.Actions));
        }
        // In Teams nothing fillable is posted: one button opens a private dialog in which the row is picked (Cards.RowPicker).
        if (gathered && b.Host == CardHost.TeamsMessage && global::TriageBot.Teams.Cards.RowPicker.Button(v.Sections) is { } pick) b.AddAction(pick);
        else if (gathered) RowPicker(b, v.Sections, AdaptiveCardRenderer.MaxCardActions - ownActions);
        b.Buttons(v.Actions);
        b.OpenUrl("Open the dashboard", v.DashboardUrl);
        b.Wide = true;
    }

    /// <summary>
    /// The rows that have buttons, as one compact choice (its id is the buttons' argument key, so the pick arrives as the
    /// argument: Teams merges input values into an action's data), and one button per distinct action, at most <paramref name="room"/>.
    /// </summary>
    private static void RowPicker(CardBuilder b, IReadOnlyList<ReportSection> sections, int room)
    {
        var rows = sections.Where(s => s.Actions.Count > 0 && s.Actions[0].Argument is not null).ToList();
        if (rows.Count == 0 || room <= 0) return;
        b.Add(new JsonObject
        {
            ["type"] = "Input.ChoiceSet",
            ["id"] = Activities.ActivityTranslation.ArgKey,
            ["label"] = "Item",
            ["style"] = "compact",
            ["isRequired"] = true,
            ["errorMessage"] = "Pick an item first.",
            ["value"] = rows[0].Actions[0].Argument,
            ["choices"] = new JsonArray([.. rows.Select(s => (JsonNode)new JsonObject
            {
                ["title"] = CardText.Plain(s.Heading, 120),
                ["value"] = s.Actions[0].Argument,
            })]),
            ["separator"] = true,
        });
        var distinct = rows.SelectMany(s => s.Actions).DistinctBy(a => (a.ActionId, a.Label)).Take(room)
            .Select(a => a with { Argument = null }); // the picked row is the argument
        b.Buttons(distinct);
    }
}
