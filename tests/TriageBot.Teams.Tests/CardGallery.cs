using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;
using TriageBot.Core.Views;
using TriageBot.Core.Voting;

namespace TriageBot.Teams.Tests;

/// <summary>A sample of every view the bot can render, filled with hostile text where people type.</summary>
internal static class CardGallery
{
    public const string Hostile = "[click me](https://evil.example) **bold** _it_ <at>Everyone</at> {{DATE(2026-01-01T00:00:00Z, SHORT)}}\n# Heading\n- list\n1. one\n> quote ~~x~~ `code` | pipe !";

    private static readonly UserRef Ada = new(Platform.Teams, "aad-ada", "Ada [admin](https://x)");
    private static readonly UserRef Grace = new(Platform.Teams, "aad-grace", "Grace <b>H</b>");

    public static ItemSummary Item(int n, string title = Hostile) => Sample.Item(n, title) with
    {
        Owner = Ada,
        CautiousRelease = true,
        ResearchTimebox = n % 2 == 0,
        NeedsCapabilityNote = true,
        DueForRescore = true,
        Column = FeatureColumn.Build,
    };

    private static IReadOnlyList<ActionButton> Buttons(params string[] ids) => ids.Select(id => new ActionButton(id, "Do " + id + " [x]", "payments/42")).ToList();

    public static IEnumerable<(string Name, View View)> All()
    {
        yield return ("text", new TextView(Hostile, Tone.Error) { Title = Hostile, Actions = Buttons(ButtonIds.Show) });
        yield return ("text-plain", new TextView("Saved."));
        yield return ("help", new HelpView([new CommandHelp("new [model|bug|feature|incident]", "opens the intake form"), new CommandHelp("show TRI-42", "the item card")], Error: "Unknown command '" + Hostile + "'"));
        yield return ("rubric", new RubricView(
        [
            new RubricDimensionView("User impact", 3, [new RubricLevel(3, "blocks a core workflow"), new RubricLevel(2, "≥ 5% of weekly active users"), new RubricLevel(1, "an annoyance")]),
            new RubricDimensionView("Fix confidence", 2, [new RubricLevel(3, "knows exactly how"), new RubricLevel(2, "a hypothesis"), new RubricLevel(1, "no clear path")]),
        ], 19, 12));
        yield return ("item", new ItemCardView(Item(42))
        {
            Description = Hostile,
            Fields = [new LabeledValue("Repro [steps]", Hostile), new LabeledValue("Severity", "S2")],
            Scores = [new LabeledValue("User impact", "3 — " + Hostile)],
            Notices = [Hostile],
            Actions = Buttons(ButtonIds.Start, ButtonIds.Done, ButtonIds.Close, ButtonIds.Score),
        });
        yield return ("list", new ItemListView("Ready queue", Enumerable.Range(1, 30).Select(i => Item(i)).ToList(), 130) { DashboardUrl = "https://triage.example.com/b/payments?t=abc" });
        yield return ("list-empty", new ItemListView("Icebox", [], 0) { EmptyText = Hostile });
        yield return ("created", new ItemCreatedView(Item(7), Grace) { SourceLink = "https://teams.microsoft.com/l/message/19:x/1", Actions = Buttons(ButtonIds.Score) });
        yield return ("note-request", new CapabilityNoteRequestView(Item(8), [Ada, Grace], IsReminder: true));
        yield return ("note-request-nobody", new CapabilityNoteRequestView(Item(8), []));
        yield return ("ballot-open", new BallotView(Item(42), 2, [Ada, Grace]) { Actions = Buttons(ButtonIds.Vote, ButtonIds.Reveal, ButtonIds.Finalize) });
        yield return ("ballot-mine", new BallotView(Item(42), 2, [Ada, Grace])
        {
            Facilitators = [Ada],
            Viewer = Grace,
            ViewerVote = new Scores(3, 2, 1, 2),
            InlineVote = Forms.InlineVote(Item(42), 2) with { Values = new Dictionary<string, string> { ["impact"] = "3", ["confidence"] = "2", ["rollback"] = "1", ["delay"] = "2" } },
            Actions = Buttons(ButtonIds.Reveal, ButtonIds.Finalize),
        });
        yield return ("ballot-revealed", new BallotView(Item(42), 2, [Ada, Grace])
        {
            Revealed = true,
            Votes =
            [
                new BallotVoteLine(Ada, new Scores(3, 2, 2, 2), new Dictionary<Dimension, string> { [Dimension.Impact] = Hostile }),
                new BallotVoteLine(Grace, new Scores(2, 1, 3, 1), new Dictionary<Dimension, string>()),
            ],
            Results = [new DimensionResult(Dimension.Impact, 3, 2, 3), new DimensionResult(Dimension.Confidence, 1, 1, 2)],
            ImpliedTotal = 19,
            Actions = Buttons(ButtonIds.Vote, ButtonIds.Finalize),
        });
        yield return ("ballot-final", new BallotView(Item(42), 2, [Ada, Grace])
        {
            Revealed = true,
            Final = new ItemScore(new Scores(3, 2, 2, 2), new Dictionary<Dimension, string> { [Dimension.Rollback] = Hostile }, 19, Queue.Sprint, 2, Grace, DateTimeOffset.UnixEpoch),
            Consequences = ["cautious release lane: " + Hostile],
        });
        yield return ("welcome", new WelcomeView(false, null));
        yield return ("welcome-bound", new WelcomeView(true, Hostile));
        var form = new FormView(FormIds.Intake, "Report " + Hostile, "Report", Fields())
        {
            Argument = "payments/bug",
            Intro = Hostile,
            Values = new Dictionary<string, string> { ["title"] = Hostile, ["wau"] = "7.5", ["due"] = "2026-12-01", ["flag"] = "true", ["stream"] = "bug" },
            Errors = [new FieldError("title", "Title must be 3–150 characters: " + Hostile), new FieldError("elsewhere", "Something else is wrong.")],
        };
        yield return ("form-message", form);
        yield return ("form-empty", form with { Values = new Dictionary<string, string>(), Errors = [] });
        yield return ("sweep", Sweep(25));
        yield return ("report", new ReportView("Weekly stream review " + Hostile,
        [
            new ReportSection("Model quality", Enumerable.Range(1, 40).Select(i => new ReportLine(Hostile, Item(i), Problem: i % 3 == 0)).ToList()),
            new ReportSection("Icebox sweep", [new ReportLine("old item", Item(3))]) { Actions = Buttons(ButtonIds.Close, ButtonIds.Rescore, ButtonIds.Promote, ButtonIds.Keep) },
        ])
        {
            Subtitle = Hostile,
            Late = true,
            ChartUrl = "https://triage.example.com/charts/allocation.svg",
            DashboardUrl = "https://triage.example.com/b/payments",
            Actions = Buttons(ButtonIds.Show),
        });
    }

    public static IReadOnlyList<FormField> Fields() =>
    [
        new FormField("title", "Title " + Hostile, FieldKind.Text) { Required = true, MinLength = 3, MaxLength = 150, Placeholder = "What is wrong?" },
        new FormField("description", "Description", FieldKind.MultilineText) { MaxLength = 3000, Hint = Hostile },
        new FormField("stream", "Stream", FieldKind.Choice) { Required = true, Choices = [new Choice("bug", "Engineering bug " + Hostile), new Choice("model", "Model quality")], RefreshesForm = true },
        new FormField("wau", "Affected share of weekly active users (%)", FieldKind.Number) { Min = 0, Max = 100, Hint = "≥ 5% is a meaningful segment" },
        new FormField("due", "Timebox end", FieldKind.Date),
        new FormField("flag", "Behind a quality flag", FieldKind.Toggle),
    ];

    /// <summary>An icebox sweep of <paramref name="rows"/> items as Core lays it out: every third row decided, the others with one "Decide…".</summary>
    public static ReportView Sweep(int rows) => new("Icebox sweep " + Hostile,
        [.. Enumerable.Range(1, rows).Select(i => i % 3 == 0
            ? new ReportSection($"PAY-{i} {Hostile}", [new ReportLine("✓ Closed by Ada on Mon 7 Jun 2027: " + Hostile, Item(i))])
            : new ReportSection($"PAY-{i} {Hostile}", [new ReportLine("In the icebox since Sun 1 Jun 2025, last scored Thu 1 May 2025 (never scored).", Item(i))])
            {
                Actions = [new ActionButton(ButtonIds.SweepDecide, SweepViews.DecideLabel, $"payments/{i}", ButtonStyle.Primary)],
            })])
    {
        Subtitle = "25 icebox items older than 6 months · 8 of 25 decided",
        DashboardUrl = "https://triage.example.com/b/payments",
    };
}
