using System.Globalization;
using System.Text.Json.Nodes;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;
using TriageBot.Core.Views;

namespace TriageBot.Teams.Cards;

/// <summary>Where a card is shown, which decides how its buttons and submit work.</summary>
public enum CardHost
{
    /// <summary>A message in a conversation (and the playground): buttons are <c>Action.Execute</c> with verb = action id.</summary>
    Message,
    /// <summary>A Teams dialog (task module), where <c>Action.Execute</c> is not supported: submit is <c>Action.Submit</c>.</summary>
    Dialog,
}

/// <summary>
/// Renders every Core <see cref="View"/> as an Adaptive Card 1.5 (Teams' ceiling). Pure: the same view gives the same card.
/// Message buttons are <c>Action.Execute</c> with <c>verb</c> = the <see cref="ButtonIds"/> constant and <c>data: { arg }</c>;
/// forms submit <c>data: { formId, arg }</c> plus their inputs (<c>Action.Execute</c> verb <see cref="SubmitVerb"/> in messages,
/// <c>Action.Submit</c> in dialogs). People's text is escaped; cards stay under <see cref="MaxCardBytes"/>.
/// </summary>
public static class AdaptiveCardRenderer
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";
    public const string SubmitVerb = "submit";
    /// <summary>Budget for one card, counted as Teams counts messages (UTF-16 bytes of the JSON).</summary>
    public const int MaxCardBytes = 80 * 1024;
    public const int MaxListItems = 20;
    public const int MaxReportLines = 25;
    public const int MaxCardActions = 6;

    private const string Version = "1.5";

    public static JsonObject Render(View view) => Render(view, CardHost.Message);

    public static JsonObject Render(View view, CardHost host)
    {
        var card = RenderWithLimits(view, host, Limits.Normal);
        if (SizeOf(card) <= MaxCardBytes) return card;
        card = RenderWithLimits(view, host, Limits.Tight);
        if (SizeOf(card) <= MaxCardBytes) return card;
        return RenderWithLimits(new TextView("This message was too large to show in Teams. Open the dashboard for the full list.", Tone.Warning), host, Limits.Tight);
    }

    /// <summary>Size of a card as Teams accounts for it (UTF-16).</summary>
    public static int SizeOf(JsonObject card) => card.ToJsonString().Length * 2;

    private sealed record Limits(int ListItems, int ReportLines, int TextLength)
    {
        public static readonly Limits Normal = new(MaxListItems, MaxReportLines, 3000);
        public static readonly Limits Tight = new(8, 8, 400);
    }

    private static JsonObject RenderWithLimits(View view, CardHost host, Limits limits)
    {
        var b = new CardBuilder(host, limits);
        switch (view)
        {
            case TextView v: b.TextView(v); break;
            case HelpView v: b.Help(v); break;
            case RubricView v: b.Rubric(v); break;
            case ItemCardView v: b.ItemCard(v); break;
            case ItemListView v: b.ItemList(v); break;
            case ItemCreatedView v: b.ItemCreated(v); break;
            case CapabilityNoteRequestView v: b.NoteRequest(v); break;
            case BallotView v: b.Ballot(v); break;
            case WelcomeView v: b.Welcome(v); break;
            case FormView v: b.Form(v); break;
            case ReportView v: b.Report(v); break;
            default: b.Text($"(A {view.GetType().Name} cannot be shown here yet.)", subtle: true); break;
        }
        return b.Build();
    }

    private sealed class CardBuilder(CardHost host, Limits limits)
    {
        private readonly JsonArray _body = [];
        private readonly JsonArray _actions = [];
        private readonly List<(string Text, UserRef User)> _mentions = [];
        private bool _wide;

        public JsonObject Build()
        {
            var card = new JsonObject
            {
                ["type"] = "AdaptiveCard",
                ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                ["version"] = Version,
                ["body"] = _body,
            };
            if (_actions.Count > 0) card["actions"] = _actions;
            var msteams = new JsonObject();
            if (_wide) msteams["width"] = "Full";
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

        // ---- views ----

        public void TextView(TextView v)
        {
            if (v.Title is not null) Heading(v.Title);
            Text(v.Text, color: ToneColor(v.Tone));
            Buttons(v.Actions);
        }

        public void Help(HelpView v)
        {
            if (v.Error is not null) Text(v.Error, color: "Attention");
            Heading("TriageBot commands");
            Facts(v.Commands.Select(c => (c.Usage, c.Description)));
            _wide = true;
        }

        public void Rubric(RubricView v)
        {
            Heading("Triage rubric");
            foreach (var d in v.Dimensions)
            {
                Text(Invariant($"{d.Name} (weight {d.Weight})"), weight: "Bolder", separator: true);
                Facts(d.Levels.OrderByDescending(l => l.Score).Select(l => (l.Score.ToString(CultureInfo.InvariantCulture), l.Meaning)));
            }
            var top = v.SprintThreshold;
            var ready = v.ReadyThreshold;
            Text(Invariant($"Weighted total = 3 × impact + 2 × confidence + 2 × rollback + 1 × delay (8 to 24)."), separator: true);
            Facts([
                (Invariant($"{top} or more"), "Sprint"),
                (Invariant($"{ready} to {top - 1}"), "Ready queue"),
                (Invariant($"below {ready}"), "Icebox"),
            ]);
            _wide = true;
        }

        public void ItemCard(ItemCardView v)
        {
            ItemHeader(v.Item);
            Facts(SummaryFacts(v.Item));
            if (!string.IsNullOrWhiteSpace(v.Description)) Text(v.Description, separator: true);
            if (v.Fields.Count > 0) Facts(v.Fields.Select(f => (f.Label, f.Value)));
            if (v.Scores.Count > 0)
            {
                Text("Score", weight: "Bolder", separator: true);
                Facts(v.Scores.Select(f => (f.Label, f.Value)));
            }
            Flags(v.Item);
            foreach (var notice in v.Notices) Text("⚠ " + notice, color: "Warning");
            Buttons(v.Actions);
            OpenUrl("Open on the dashboard", v.Item.Url);
        }

        public void ItemList(ItemListView v)
        {
            Heading(v.Title);
            if (v.Items.Count == 0)
            {
                Text(v.EmptyText ?? Wording.NothingHere, subtle: true);
            }
            var shown = v.Items.Take(limits.ListItems).ToList();
            foreach (var item in shown) Text(ItemLine(item), separator: false);
            var more = Math.Max(v.TotalCount, v.Items.Count) - shown.Count;
            if (more > 0) Text(Invariant($"… and {more} more") + (v.DashboardUrl is not null ? " on the dashboard." : "."), subtle: true);
            OpenUrl("Open the dashboard", v.DashboardUrl);
            _wide = true;
        }

        public void ItemCreated(ItemCreatedView v)
        {
            Text(Invariant($"Created {v.Item.Key}: {v.Item.Title}"), weight: "Bolder", size: "Medium", color: "Good");
            Text(Invariant($"{Wording.Stream(v.Item.Stream)} reported by {v.Reporter.DisplayName}. It is New until it is scored at the next triage clinic (or with score {v.Item.Key})."));
            Flags(v.Item);
            Buttons(v.Actions);
            OpenUrl("Open the original message", v.SourceLink);
            OpenUrl("Open on the dashboard", v.Item.Url);
        }

        public void NoteRequest(CapabilityNoteRequestView v)
        {
            Text((v.IsReminder ? Wording.ReminderPrefix : "") + Wording.NeedsCapabilityNote(v.Item.Key), weight: "Bolder", size: "Medium");
            Text(v.Item.Title);
            if (v.Outcome is { } outcome)
            {
                // Answered: what happened and who did it, and no button.
                Text(outcome, color: "Good");
                return;
            }

            if (v.Engineers.Count > 0)
            {
                // Mentions are Teams markup, so they are built from sanitised names and appended after the escaped text.
                var names = v.Engineers.Select(e =>
                {
                    var markup = "<at>" + CardText.MentionName(e.DisplayName) + "</at>";
                    _mentions.Add((markup, e));
                    return markup;
                });
                _body.Add(new JsonObject { ["type"] = "TextBlock", ["wrap"] = true, ["text"] = string.Join(", ", names) + CardText.Escape(": " + Wording.CapabilityNoteQuestion) });
            }
            else
            {
                Text("Engineers: " + Wording.CapabilityNoteQuestion);
            }
            Buttons([new ActionButton(ButtonIds.AddCapabilityNote, Wording.AddCapabilityNote, v.Item.Ref, ButtonStyle.Primary)]);
        }

        public void Ballot(BallotView v)
        {
            Text(Invariant($"Scoring {v.Item.Key}: {v.Item.Title}"), weight: "Bolder", size: "Medium");
            Text(Invariant($"{Wording.Stream(v.Item.Stream)} · round {v.Round}"), subtle: true);
            if (v.Final is { } final)
            {
                Text(Invariant($"Finalized: total {final.Total} → {(v.Item.HeldPlacement is { } held ? Wording.HeldPlacement(held) : Wording.Queue(final.Placement))}"), weight: "Bolder", color: "Good", separator: true);
                Facts(Enum.GetValues<Dimension>().Select(d => (Wording.Dimension(d), Invariant($"{final.Scores[d]}") + (v.Overrides.FirstOrDefault(o => o.Dimension == d) is { } o ? " (" + Wording.OverrodeMedian(o.Median) + ")" : "") + (final.Justifications.TryGetValue(d, out var why) && !string.IsNullOrWhiteSpace(why) ? " — " + why : ""))));
                Text(Invariant($"Finalized by {final.FinalizedBy.DisplayName}."), subtle: true);
            }
            else if (v.Revealed)
            {
                Text(Invariant($"Votes ({v.Votes.Count})"), weight: "Bolder", separator: true);
                foreach (var vote in v.Votes.Take(60))
                {
                    var s = vote.Scores;
                    Text(vote.Voter.DisplayName + ": " + Wording.Scores(vote.Scores));
                    var reasons = vote.Reasons.Where(r => !string.IsNullOrWhiteSpace(r.Value)).Select(r => Wording.Dimension(r.Key) + ": " + r.Value).ToList();
                    if (reasons.Count > 0) Text(string.Join("\n", reasons), subtle: true);
                }
                if (v.Results.Count > 0)
                {
                    Text("Result", weight: "Bolder", separator: true);
                    Facts(v.Results.Select(r => (Wording.Dimension(r.Dimension), Invariant($"median {r.Median} (spread {r.Min}–{r.Max})"))));
                }
                if (v.ImpliedTotal is { } total) Text(Invariant($"Implied total: {total}"), weight: "Bolder");
                if (v.Previous is { } previous) Text(Wording.PreviousResult(previous), subtle: true);
            }
            else
            {
                Text((v.Voters.Count == 0
                    ? Wording.NoVotesYet
                    : Wording.VotedSoFar(Invariant($"{v.Voters.Count}"), string.Join(", ", v.Voters.Select(p => p.DisplayName)))) + ". " + Wording.VotesHidden, separator: true);
            }
            foreach (var c in v.Consequences) Text("⚠ " + c, color: "Warning");
            Buttons(v.Actions);
        }

        public void Welcome(WelcomeView v)
        {
            Text("Hi, I'm TriageBot", weight: "Bolder", size: "Medium");
            Text(v.AlreadyBound
                ? "This conversation is already bound to the backlog " + (v.BacklogName ?? "") + ". Mention me with help to see what I can do."
                : "I run your AI product's backlog: report items, score them in the triage clinic, and get the ceremony reports here. Set up this channel to bind it to a backlog, or mention me with help.");
            var actions = v.Actions.Count > 0 || v.AlreadyBound ? v.Actions : [new ActionButton(ButtonIds.Setup, "Set up", Style: ButtonStyle.Primary)];
            Buttons(actions);
        }

        public void Form(FormView v)
        {
            Heading(v.Title);
            if (!string.IsNullOrWhiteSpace(v.Intro)) Text(v.Intro, subtle: true);
            var fieldIds = v.Fields.Select(f => f.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var orphan in v.Errors.Where(e => !fieldIds.Contains(e.Field)))
                Text("⚠ " + orphan.Message, color: "Attention");
            foreach (var field in v.Fields)
            {
                v.Values.TryGetValue(field.Id, out var value);
                var error = v.Errors.FirstOrDefault(e => e.Field == field.Id)?.Message;
                _body.Add(Input(field, value, error));
                // Teams does not show a server's errorMessage by itself, so the refusal is rendered under the field.
                if (error is not null) Text("⚠ " + error, color: "Attention", spacing: "None");
                if (!string.IsNullOrWhiteSpace(field.Hint)) Text(field.Hint, subtle: true, spacing: "None", size: "Small");
            }
            var data = new JsonObject { ["formId"] = v.FormId };
            if (v.Argument is not null) data["arg"] = v.Argument;
            _actions.Add(host == CardHost.Dialog
                ? new JsonObject { ["type"] = "Action.Submit", ["title"] = CardText.Plain(v.SubmitLabel, 40), ["data"] = data }
                : new JsonObject { ["type"] = "Action.Execute", ["title"] = CardText.Plain(v.SubmitLabel, 40), ["verb"] = SubmitVerb, ["data"] = data });
        }

        public void Report(ReportView v)
        {
            Heading(v.Title + (v.Late ? Wording.LateSuffix : ""));
            if (!string.IsNullOrWhiteSpace(v.Subtitle)) Text(v.Subtitle, subtle: true, spacing: "None");
            if (v.Late) Text(Wording.PostedLate, subtle: true, spacing: "None");
            if (IsHttps(v.ChartUrl))
                _body.Add(new JsonObject { ["type"] = "Image", ["url"] = v.ChartUrl, ["altText"] = "Allocation chart", ["size"] = "Stretch" });
            foreach (var section in v.Sections)
            {
                Text(section.Heading, weight: "Bolder", separator: true);
                var lines = section.Lines.Take(limits.ReportLines).ToList();
                foreach (var line in lines)
                {
                    // Core's lines about an item already start with its key; add it only when one does not.
                    var key = line.Item is { } item && !line.Text.StartsWith(item.Key + " ", StringComparison.Ordinal) ? item.Key + " " : "";
                    var text = (line.Problem ? "⚠ " : "• ") + key + line.Text;
                    Text(text, color: line.Problem ? "Warning" : null, spacing: "Small");
                }
                if (section.Lines.Count > lines.Count) Text(Invariant($"… and {section.Lines.Count - lines.Count} more") + (v.DashboardUrl is not null ? " on the dashboard." : "."), subtle: true);
                if (section.Actions.Count > 0) _body.Add(ActionSet(section.Actions.Take(5)));
            }
            Buttons(v.Actions);
            OpenUrl("Open the dashboard", v.DashboardUrl);
            _wide = true;
        }

        // ---- pieces ----

        private void ItemHeader(ItemSummary item) =>
            Text(item.Key + ": " + item.Title, weight: "Bolder", size: "Medium");

        private static IEnumerable<(string, string)> SummaryFacts(ItemSummary item)
        {
            yield return ("Stream", Wording.Stream(item.Stream));
            yield return ("State", item.State.ToString() + (item.Column is { } col && item.Stream == WorkStream.Feature ? " · " + col : ""));
            if (item.Total is { } total) yield return ("Total", Invariant($"{total}") + (item.Placement is { } p ? " → " + Wording.Queue(p) : ""));
            if (item.HeldPlacement is { } held) yield return ("Placement", Wording.HeldPlacement(held));
            if (item.Owner is { } owner) yield return ("Owner", owner.DisplayName);
            yield return ("Reported", item.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        private void Flags(ItemSummary item)
        {
            var flags = FlagTexts(item).ToList();
            if (flags.Count > 0) Text(string.Join(" · ", flags), color: "Warning", size: "Small");
        }

        private static IEnumerable<string> FlagTexts(ItemSummary item) => Wording.FlagsOf(item).Select(Wording.Flag);

        private static string ItemLine(ItemSummary item)
        {
            var parts = new List<string> { item.Key + " " + CardText.Truncate(item.Title, 150) };
            parts.Add(item.Total is { } t ? Invariant($"{t} pts") : "unscored");
            parts.Add(item.State.ToString());
            parts.AddRange(FlagTexts(item));
            return string.Join(" · ", parts);
        }

        private JsonObject Input(FormField field, string? value, string? error)
        {
            var label = CardText.Plain(field.Label, 200);
            var input = new JsonObject { ["id"] = field.Id, ["label"] = label };
            switch (field.Kind)
            {
                case FieldKind.Text or FieldKind.MultilineText:
                    input["type"] = "Input.Text";
                    if (field.Kind == FieldKind.MultilineText) input["isMultiline"] = true;
                    if (field.MaxLength is { } max) input["maxLength"] = max;
                    if (field.Placeholder is not null) input["placeholder"] = CardText.Plain(field.Placeholder, 200);
                    if (value is not null) input["value"] = CardText.Plain(value, limits.TextLength);
                    break;
                case FieldKind.Choice:
                    input["type"] = "Input.ChoiceSet";
                    input["style"] = "compact";
                    input["choices"] = new JsonArray(field.Choices.Select(c => (JsonNode)new JsonObject
                    {
                        ["title"] = CardText.Plain(c.Label, 200),
                        ["value"] = c.Value,
                    }).ToArray());
                    if (field.Placeholder is not null) input["placeholder"] = CardText.Plain(field.Placeholder, 200);
                    if (value is not null && field.Choices.Any(c => c.Value == value)) input["value"] = value;
                    break;
                case FieldKind.Number:
                    input["type"] = "Input.Number";
                    if (field.Min is { } min) input["min"] = min;
                    if (field.Max is { } maxValue) input["max"] = maxValue;
                    if (field.Placeholder is not null) input["placeholder"] = CardText.Plain(field.Placeholder, 200);
                    if (value is not null && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)) input["value"] = number;
                    break;
                case FieldKind.Date:
                    input["type"] = "Input.Date";
                    if (value is not null && DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)) input["value"] = value;
                    break;
                case FieldKind.Toggle:
                    input["type"] = "Input.Toggle";
                    input["title"] = label;
                    input["valueOn"] = "true";
                    input["valueOff"] = "false";
                    input["value"] = string.Equals(value, "true", StringComparison.OrdinalIgnoreCase) ? "true" : "false";
                    input["wrap"] = true;
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(field), field.Kind, "Unknown form field kind.");
            }
            if (field.Required) input["isRequired"] = true;
            if (error is not null) input["errorMessage"] = CardText.Plain(error, 500);
            else if (field.Required) input["errorMessage"] = label + " is required.";
            return input;
        }

        private void Buttons(IEnumerable<ActionButton> buttons)
        {
            foreach (var button in buttons)
            {
                if (_actions.Count >= MaxCardActions) break;
                _actions.Add(Execute(button));
            }
        }

        private JsonObject ActionSet(IEnumerable<ActionButton> buttons) => new()
        {
            ["type"] = "ActionSet",
            ["actions"] = new JsonArray(buttons.Select(b => (JsonNode)Execute(b)).ToArray()),
        };

        private static JsonObject Execute(ActionButton button)
        {
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

        private void OpenUrl(string title, string? url)
        {
            if (!IsHttp(url) || _actions.Count >= MaxCardActions) return;
            _actions.Add(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = title, ["url"] = url });
        }

        private void Heading(string text) => Text(text, weight: "Bolder", size: "Large");

        private void Facts(IEnumerable<(string Title, string Value)> facts)
        {
            var list = facts.Select(f => (JsonNode)new JsonObject
            {
                ["title"] = CardText.Escape(f.Title, 200),
                ["value"] = CardText.Escape(f.Value, limits.TextLength),
            }).ToArray();
            if (list.Length > 0) _body.Add(new JsonObject { ["type"] = "FactSet", ["facts"] = new JsonArray(list) });
        }

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
    }

    private static string? ToneColor(Tone tone) => tone switch
    {
        Tone.Success => "Good",
        Tone.Warning => "Warning",
        Tone.Error => "Attention",
        _ => null,
    };

    private static bool IsHttp(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp);

    private static bool IsHttps(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps;

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
