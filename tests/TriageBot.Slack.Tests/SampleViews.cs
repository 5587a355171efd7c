using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;
using TriageBot.Core.Views;
using TriageBot.Core.Voting;

namespace TriageBot.Slack.Tests;

/// <summary>A sample of every view the bot can render, with a chosen text in every place people's text can go.</summary>
public static class SampleViews
{
    public const string DashboardUrl = "https://triage.example.com/d/abc123";

    public static ItemSummary Item(string text, int number = 42, string? url = DashboardUrl + "/items/42") => new()
    {
        BacklogId = "payments",
        Number = number,
        Key = $"TRI-{number}",
        Title = text,
        Stream = WorkStream.Feature,
        State = ItemState.Ready,
        Total = 17,
        Placement = Queue.Ready,
        HeldPlacement = Queue.Sprint,
        Column = FeatureColumn.Discovery,
        Owner = new UserRef(Platform.Slack, "U0OWNER1", text),
        CreatedAt = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero),
        CautiousRelease = true,
        ResearchTimebox = true,
        NeedsCapabilityNote = true,
        DueForRescore = true,
        Url = url,
    };

    public static IReadOnlyList<(string Name, View View)> All(string text, int listSize = 3)
    {
        var item = Item(text);
        var person = new UserRef(Platform.Slack, "U0ADA001", text);
        var hostileIdPerson = new UserRef(Platform.Slack, text, text);
        var buttons = new[]
        {
            new ActionButton(ButtonIds.Vote, text, item.Ref, ButtonStyle.Primary),
            new ActionButton(ButtonIds.Vote, text, "payments/43"),
            new ActionButton(ButtonIds.Close, text, item.Ref, ButtonStyle.Danger),
        };
        var reasons = Enum.GetValues<Dimension>().ToDictionary(d => d, _ => text);
        var scores = new Scores(3, 2, 1, 2);
        var items = Enumerable.Range(1, listSize).Select(n => Item(text, n)).ToList();
        var form = new FormView(FormIds.Intake, text, text, [
            new FormField("title", text, FieldKind.Text) { Required = true, MinLength = 3, MaxLength = 150, Placeholder = text, Hint = text },
            new FormField("description", text, FieldKind.MultilineText) { MaxLength = 3000 },
            new FormField("stream", text, FieldKind.Choice) { Required = true, Choices = [new Choice("bug", text), new Choice("feature", text)] },
            new FormField("wau", text, FieldKind.Number) { Hint = "≥ 5% of weekly active users is impact 2" },
            new FormField("due", text, FieldKind.Date),
            new FormField("gate", text, FieldKind.Toggle) { Placeholder = text },
        ])
        {
            Argument = item.Ref,
            Intro = text,
            Values = new Dictionary<string, string> { ["title"] = text, ["description"] = text, ["stream"] = "feature", ["wau"] = "12.5", ["due"] = "2026-12-01", ["gate"] = "true" },
            Errors = [new FieldError("title", text), new FieldError("nonexistent", text)],
        };

        return
        [
            ("text", new TextView(text, Tone.Warning) { Title = text, Actions = buttons }),
            ("help", new HelpView([new CommandHelp(text, text), new CommandHelp("show TRI-42", "the item card")], text)),
            ("rubric", new RubricView([new RubricDimensionView(text, 3, [new RubricLevel(3, text), new RubricLevel(2, text), new RubricLevel(1, text)])], 19, 12)),
            ("card", new ItemCardView(item) { Description = text, Fields = [new LabeledValue(text, text)], Scores = [new LabeledValue(text, text)], Notices = [text], Actions = buttons }),
            ("list", new ItemListView(text, items, items.Count + 5) { EmptyText = text, DashboardUrl = DashboardUrl }),
            ("emptyList", new ItemListView(text, [], 0) { EmptyText = text }),
            ("created", new ItemCreatedView(item, person) { SourceLink = "https://example.slack.com/archives/C1/p1", Actions = buttons }),
            ("noteRequest", new CapabilityNoteRequestView(item, [person, hostileIdPerson], IsReminder: true)),
            ("ballotOpen", new BallotView(item, 1, [person, hostileIdPerson]) { Actions = buttons, InlineVote = Forms.InlineVote(item, 1) }),
            ("ballotRevealed", new BallotView(item, 2, [person]) {
                Revealed = true,
                Votes = [new BallotVoteLine(person, scores, reasons), new BallotVoteLine(hostileIdPerson, scores, reasons)],
                Results = Enum.GetValues<Dimension>().Select(d => new DimensionResult(d, 2, 1, 3)).ToList(),
                ImpliedTotal = 17,
                Consequences = [text],
                Actions = buttons,
            }),
            ("ballotFinal", new BallotView(item, 2, [person]) {
                Revealed = true,
                Final = new ItemScore(scores, reasons, 17, Queue.Ready, 2, person, new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero)),
                Consequences = [text],
            }),
            ("welcome", new WelcomeView(true, text) { Actions = buttons }),
            ("formAsMessage", form),
            ("report", new ReportView(text, [
                new ReportSection(text, [new ReportLine(text), new ReportLine(text, item, Problem: true)]) { Actions = buttons },
                new ReportSection(text, []),
            ]) { Subtitle = text, Late = true, ChartUrl = DashboardUrl + "/chart.svg", DashboardUrl = DashboardUrl, Actions = buttons }),
            ("home", Home(text, person, item, buttons, listSize)),
            ("sweep", Sweep(text, 25)),
        ];
    }

    /// <summary>A home with every list filled (<paramref name="listSize"/> entries each) and ceremonies.</summary>
    public static HomeView Home(string text, UserRef person, ItemSummary item, IReadOnlyList<ActionButton> buttons, int listSize = 3)
    {
        var entries = Enumerable.Range(1, listSize).Select(n => new HomeEntry(Item(text, n), text, text, buttons)).ToList();
        return new HomeView(person, new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero))
        {
            Ballots = entries,
            NotesRequested = entries,
            MyItems = [.. entries, new HomeEntry(item, text, text, [])],
            Timeboxes = entries,
            Ceremonies = [new HomeCeremony(text, text, new DateTimeOffset(2026, 11, 3, 9, 0, 0, TimeSpan.Zero), "Europe/Berlin")],
            Backlogs = [text, text],
        };
    }

    /// <summary>An icebox sweep of <paramref name="rows"/> items as Core lays it out: every third row decided, the others with one "Decide…".</summary>
    public static ReportView Sweep(string text, int rows) => new(text,
        [.. Enumerable.Range(1, rows).Select(n => n % 3 == 0
            ? new ReportSection($"TRI-{n} {text}", [new ReportLine("✓ Closed by Ada on Mon 7 Jun 2027: " + text, Item(text, n))])
            : new ReportSection($"TRI-{n} {text}", [new ReportLine("In the icebox since Sun 1 Jun 2025, last scored Thu 1 May 2025 (never scored).", Item(text, n))])
            {
                Actions = [new ActionButton(ButtonIds.SweepDecide, SweepViews.DecideLabel, $"b/{n}", ButtonStyle.Primary)],
            })])
    {
        Subtitle = text,
        DashboardUrl = DashboardUrl,
    };

    public static FormView Form(string text) => (FormView)All(text).Single(v => v.Name == "formAsMessage").View;
}
