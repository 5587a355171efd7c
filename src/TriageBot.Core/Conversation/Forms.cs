using System.Globalization;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;
using TriageBot.Core.Views;
using TriageBot.Core.Voting;

namespace TriageBot.Core.Conversation;

/// <summary>Builds every form TriageBot shows. Field ids are the keys handlers read back.</summary>
public static class Forms
{
    public const string StreamField = "stream";

    /// <summary>The intake form's backlog choice, shown to someone in several backlogs reporting from a place bound to none.</summary>
    public const string BacklogField = "backlog";

    private static readonly IReadOnlyList<Choice> StreamChoices =
    [
        new("model", "Model quality"),
        new("bug", "Engineering bug"),
        new("feature", "Feature request"),
        new("incident", "Incident (cross-stream)"),
    ];

    /// <summary>
    /// The intake form for a stream. Changing the stream choice redraws the form with that stream's fields (at once where the
    /// platform can, else on submitting), keeping every value typed.
    /// A feature's success metric is offered only when <paramref name="successMetric"/> (the person may set it), or when a
    /// value for it is already there (so nothing typed disappears from the form).
    /// </summary>
    /// <remarks><paramref name="alsoShow"/>: fields of other streams that hold typed values and must stay visible.</remarks>
    public static FormView Intake(WorkStream stream, IReadOnlyDictionary<string, string>? values = null, IReadOnlyList<FieldError>? errors = null, string? argument = null, bool successMetric = true, IReadOnlyCollection<string>? alsoShow = null, IReadOnlyList<Choice>? backlogs = null)
    {
        var showMetric = successMetric || (values is not null && values.TryGetValue(FieldIds.SuccessMetric, out var typed) && !string.IsNullOrWhiteSpace(typed));
        var fields = new List<FormField>();
        if (backlogs is { Count: > 1 })
        {
            fields.Add(new(BacklogField, "Backlog", FieldKind.Choice) { Required = true, Choices = backlogs, Hint = "You belong to several backlogs: which one is this for?" });
        }

        fields.AddRange(
        [
            new(StreamField, "Stream", FieldKind.Choice) { Required = true, Choices = StreamChoices, Hint = "Changing it shows that stream's fields; what you typed stays.", RefreshesForm = true },
            new(FieldIds.Title, "Title", FieldKind.Text) { Required = true, MinLength = 3, MaxLength = 150, Placeholder = "What is wrong or wanted, in one line" },
            new(FieldIds.Description, "Description", FieldKind.MultilineText) { MaxLength = 3000 },
        ]);
        fields.AddRange(StreamFields(stream, showMetric));
        foreach (var other in Enum.GetValues<WorkStream>().Where(s => s != stream))
        {
            fields.AddRange(StreamFields(other, showMetric: true)
                .Where(f => alsoShow?.Contains(f.Id) == true && fields.All(x => x.Id != f.Id))
                .Select(f => f with { Required = false, Hint = $"From the {other.ToString().ToLowerInvariant()} fields, kept so nothing you typed is lost; it is not saved with this stream." }));
        }

        fields.Add(new(FieldIds.ImpactEvidence, "Evidence of user impact", FieldKind.Text) { MaxLength = 3000, Hint = "A telemetry link or the affected share of weekly active users. " + RubricText.ImpactHint });
        fields.Add(new(FieldIds.Link, "Link", FieldKind.Text) { MaxLength = 3000 });

        var v = new Dictionary<string, string>(values ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [StreamField] = stream.ToString().ToLowerInvariant(),
        };
        return new FormView(FormIds.Intake, "Report to triage", "Report", fields)
        {
            Argument = argument,
            Values = v,
            Errors = errors ?? [],
        };
    }

    /// <summary>The fields only one stream's items have.</summary>
    public static IReadOnlyList<FormField> StreamFields(WorkStream stream, bool showMetric) => stream switch
    {
        WorkStream.Model =>
        [
            new FormField(FieldIds.AffectedSlice, "Affected slice of inputs", FieldKind.MultilineText) { MaxLength = 3000, Placeholder = "Which inputs get bad answers" },
            new FormField(FieldIds.Examples, "Example inputs and outputs", FieldKind.MultilineText) { MaxLength = 3000 },
            new FormField(FieldIds.Lever, "Suspected lever", FieldKind.Choice)
            {
                Choices = [new("unknown", "Unknown"), new("prompt", "Prompt"), new("fineTune", "Fine-tune"), new("retrieval", "Retrieval"), new("evaluation", "Evaluation"), new("guardrail", "Guardrail")],
            },
            new FormField(FieldIds.QualityFlag, "Quality flag name", FieldKind.Text) { MaxLength = 150, Hint = "The flag it ships behind." },
        ],
        WorkStream.Bug =>
        [
            new FormField(FieldIds.ReproSteps, "Reproduction steps", FieldKind.MultilineText) { MaxLength = 3000 },
            new FormField(FieldIds.Expected, "Expected", FieldKind.MultilineText) { MaxLength = 3000 },
            new FormField(FieldIds.Actual, "Actual", FieldKind.MultilineText) { MaxLength = 3000 },
            new FormField(FieldIds.Frequency, "How often", FieldKind.Choice)
            {
                Choices = [new("always", "Always"), new("often", "Often"), new("sometimes", "Sometimes"), new("rarely", "Rarely")],
            },
            new FormField(FieldIds.AffectedWauPercent, "Affected share of weekly active users (%)", FieldKind.Number) { Hint = RubricText.ImpactHint },
        ],
        WorkStream.Feature =>
        [
            new FormField(FieldIds.Problem, "Problem statement", FieldKind.MultilineText) { MaxLength = 3000 },
            new FormField(FieldIds.RequestedBy, "Requested by", FieldKind.Text) { MaxLength = 150, Placeholder = "Customer, segment or team" },
            .. showMetric ? [new FormField(FieldIds.SuccessMetric, "Success metric", FieldKind.Text) { MaxLength = 3000, Hint = "Measurable; set by a facilitator; needed before the feature moves to Build." }] : Array.Empty<FormField>(),
        ],
        WorkStream.Incident =>
        [
            new FormField(FieldIds.Touches, "Streams it touches", FieldKind.Text) { Required = true, MaxLength = 40, Placeholder = "model, bug, feature", Hint = "Comma-separated." },
        ],
        _ => [],
    };

    /// <summary>The voting form: the four 1–3 choices with the rubric text, optional reasons, prefilled with the voter's current vote.</summary>
    /// <summary>The vote form's optional "score and place" choice (facilitators, nobody else voted this round).</summary>
    public const string ScoreAndPlace = "scoreAndPlace";

    /// <summary>The value of <see cref="ScoreAndPlace"/> that finalizes the round with the facilitator's vote alone.</summary>
    public const string PlaceNow = "place";

    public static FormView Vote(ItemSummary item, int round, Vote? current) => Vote(item, round, current, offerScoreAndPlace: false);

    /// <summary>The vote form; <paramref name="offerScoreAndPlace"/> adds the facilitator's "score and place" choice (one vote, finalized at once).</summary>
    public static FormView Vote(ItemSummary item, int round, Vote? current, bool offerScoreAndPlace)
    {
        var fields = new List<FormField>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var d in Enum.GetValues<Dimension>())
        {
            fields.Add(ScoreChoice(d) with { Hint = d == Dimension.Impact ? RubricText.ImpactHint : null });
            fields.Add(new FormField(ReasonField(d), $"Why ({RubricText.Name(d).ToLowerInvariant()}, optional)", FieldKind.Text) { MaxLength = 300 });
            if (current is not null)
            {
                values[ScoreField(d)] = current.Scores[d].ToString(CultureInfo.InvariantCulture);
                if (current.Reasons.TryGetValue(d, out var r))
                {
                    values[ReasonField(d)] = r;
                }
            }
        }

        if (offerScoreAndPlace)
        {
            fields.Add(new FormField(ScoreAndPlace, "Score and place", FieldKind.Choice)
            {
                Choices = [new(PlaceNow, "Finalize now with my vote alone and place the item")],
                Hint = "Leave empty to vote and let others vote too.",
            });
        }

        return new FormView(FormIds.Vote, $"Score {item.Key}", "Vote", fields)
        {
            Argument = $"{item.Ref}:{round}",
            Intro = $"{item.Key} — {item.Title}. Your vote stays hidden until the facilitator reveals the votes.",
            Values = values,
        };
    }

    /// <summary>
    /// The vote form without reasons, small enough to sit inside the ballot message (Slack shows it as four menus and a
    /// Vote button). It is submitted as the vote form, so the same rules record it; reasons stay in <see cref="Vote"/>.
    /// </summary>
    public static FormView InlineVote(ItemSummary item, int round) =>
        new(FormIds.Vote, $"Score {item.Key}", "Vote", [.. Enum.GetValues<Dimension>().Select(d => ScoreChoice(d) with { Placeholder = RubricText.Name(d) })])
        {
            Argument = $"{item.Ref}:{round}",
        };

    private static FormField ScoreChoice(Dimension d) =>
        new(ScoreField(d), $"{RubricText.Name(d)} (weight {RubricRules.Weight(d)})", FieldKind.Choice)
        {
            Required = true,
            Choices = [.. new[] { 3, 2, 1 }.Select(s => new Choice(s.ToString(CultureInfo.InvariantCulture), RubricText.ChoiceLabel(d, s)))],
        };

    /// <summary>The finalize form, prefilled with the medians; changing a score needs a reason.</summary>
    public static FormView Finalize(ItemSummary item, int round, TallyResult tally)
    {
        var fields = new List<FormField>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var d in Enum.GetValues<Dimension>())
        {
            var result = tally.Results.First(r => r.Dimension == d);
            fields.Add(new FormField(ScoreField(d), $"{RubricText.Name(d)}: median {result.Median} (spread {result.Min}–{result.Max})", FieldKind.Choice)
            {
                Required = true,
                Choices = [.. new[] { 3, 2, 1 }.Select(s => new Choice(s.ToString(CultureInfo.InvariantCulture), RubricText.ChoiceLabel(d, s)))],
            });
            fields.Add(new FormField(ReasonField(d), "Justification (required if you change the median)", FieldKind.Text) { MaxLength = 300 });
            values[ScoreField(d)] = result.Median.ToString(CultureInfo.InvariantCulture);
            var firstReason = tally.Counted.Select(v => v.Reasons.GetValueOrDefault(d)).FirstOrDefault(r => !string.IsNullOrWhiteSpace(r));
            if (firstReason is not null)
            {
                values[ReasonField(d)] = firstReason;
            }
        }

        return new FormView(FormIds.Finalize, $"Finalize {item.Key}", "Finalize", fields)
        {
            Argument = $"{item.Ref}:{round}",
            Intro = $"{Plural.Of(tally.Counted.Count, "vote")}. The medians imply a total of {tally.ImpliedTotal}.",
            Values = values,
        };
    }

    public static FormView CapabilityNote(ItemSummary item, IReadOnlyDictionary<string, string>? values = null, IReadOnlyList<FieldError>? errors = null) =>
        new(FormIds.CapabilityNote, $"Capability note {item.Key}", "Save note",
        [
            new FormField(FieldIds.NoteText, "Capability note", FieldKind.MultilineText)
            {
                Required = true, MinLength = 3, MaxLength = 3000,
                Hint = "One paragraph: which model, retrieval or evaluation capability this depends on.",
            },
            new FormField(FieldIds.NoteScale, "Size", FieldKind.Choice)
            {
                Required = true,
                Choices = [new("days", "A days-long feature"), new("weeks", "A weeks-long capability project")],
            },
        ])
        {
            Argument = item.Ref,
            Intro = $"{item.Key} — {item.Title}",
            Values = values ?? new Dictionary<string, string>(),
            Errors = errors ?? [],
        };

    public static FormView Close(ItemSummary item, IReadOnlyDictionary<string, string>? values = null, IReadOnlyList<FieldError>? errors = null) =>
        new(FormIds.Close, $"Close {item.Key}", "Close item",
        [
            new FormField(FieldIds.Rationale, "Rationale", FieldKind.MultilineText) { Required = true, MinLength = 3, MaxLength = 3000, Hint = "Recorded in the item's history and shown to stakeholders." },
        ])
        {
            Argument = item.Ref,
            Intro = $"{item.Key} — {item.Title}",
            Values = values ?? new Dictionary<string, string>(),
            Errors = errors ?? [],
        };

    public static FormView Extend(ItemSummary item, IReadOnlyDictionary<string, string>? values = null, IReadOnlyList<FieldError>? errors = null) =>
        new(FormIds.Extend, $"Extend {item.Key}", "Extend",
        [
            new FormField(FieldIds.TimeboxDays, "Extend by (days)", FieldKind.Number) { Required = true },
            new FormField(FieldIds.Reason, "Re-scope reason", FieldKind.MultilineText) { Required = true, MinLength = 3, MaxLength = 3000 },
        ])
        {
            Argument = item.Ref,
            Intro = $"The timebox of {item.Key} has ended. Extending needs a reason; it is recorded as a re-scope.",
            Values = values ?? new Dictionary<string, string>(),
            Errors = errors ?? [],
        };

    /// <summary>The value of <see cref="FieldIds.EvaluationGatePassed"/> that confirms the gate in <see cref="Done"/>.</summary>
    public const string GatePassed = "passed";

    /// <summary>Marking a model item done (SPEC §3): one form that confirms the evaluation gate before merge and marks it done.</summary>
    public static FormView Done(ItemSummary item, IReadOnlyDictionary<string, string>? values = null, IReadOnlyList<FieldError>? errors = null) =>
        new(FormIds.Done, $"Done {item.Key}", "Mark done",
        [
            new FormField(FieldIds.EvaluationGatePassed, "Evaluation gate", FieldKind.Choice)
            {
                Required = true,
                Choices = [new(GatePassed, "It passed its evaluation gate before merge")],
                Hint = "Model-quality work is done only after it passes an evaluation gate; this records the gate and marks it done.",
            },
        ])
        {
            Argument = item.Ref,
            Intro = $"{item.Key} — {item.Title}",
            Values = values ?? new Dictionary<string, string>(),
            Errors = errors ?? [],
        };

    public static FormView Keep(ItemSummary item, IReadOnlyDictionary<string, string>? values = null, IReadOnlyList<FieldError>? errors = null) =>
        new(FormIds.Keep, $"Keep {item.Key}", "Keep",
        [
            new FormField(FieldIds.Reason, "Why keep it in the icebox", FieldKind.MultilineText) { Required = true, MinLength = 3, MaxLength = 3000 },
        ])
        {
            Argument = item.Ref,
            Values = values ?? new Dictionary<string, string>(),
            Errors = errors ?? [],
        };

    public const string SetupBacklog = "backlog";
    public const string SetupName = "name";
    public const string SetupPrefix = "keyPrefix";
    public const string SetupTimeZone = "timeZone";
    public const string SetupIntake = "roleIntake";
    public const string SetupClinic = "roleClinic";
    public const string SetupReports = "roleReports";
    public const string SetupEngineers = "engineers";
    public const string SetupStage = "stage";
    public const string SetupLaunch = "launchDate";
    public const string SetupLead = "reminderLead";
    public const string NewBacklogChoice = "__new";

    /// <summary>The setup form: which backlog this channel belongs to, the channel's roles and the backlog's main settings.</summary>
    public static FormView Setup(IReadOnlyList<Backlog> joinable, Backlog? current, Binding? binding, IReadOnlyDictionary<string, string>? values = null, IReadOnlyList<FieldError>? errors = null)
    {
        var choices = new List<Choice> { new(NewBacklogChoice, "A new backlog") };
        choices.AddRange(joinable.Select(b => new Choice(b.Id, $"{b.Name} ({b.KeyPrefix})")));
        var settings = current?.Settings ?? new BacklogSettings();
        var roles = binding?.Roles ?? ChannelRoles.All;
        var v = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [SetupBacklog] = current?.Id ?? NewBacklogChoice,
            [SetupName] = current?.Name ?? "",
            [SetupPrefix] = current?.KeyPrefix ?? "TRI",
            [SetupTimeZone] = current?.TimeZone ?? "UTC",
            [SetupIntake] = roles.HasFlag(ChannelRoles.Intake) ? "true" : "false",
            [SetupClinic] = roles.HasFlag(ChannelRoles.Clinic) ? "true" : "false",
            [SetupReports] = roles.HasFlag(ChannelRoles.Reports) ? "true" : "false",
            [SetupEngineers] = settings.Engineers.ToString(CultureInfo.InvariantCulture),
            [SetupStage] = settings.Stage.ToString().ToLowerInvariant(),
            [SetupLaunch] = settings.LaunchDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "",
            [SetupLead] = settings.ReminderLeadMinutes.ToString(CultureInfo.InvariantCulture),
        };
        if (values is not null)
        {
            foreach (var (k, val) in values)
            {
                v[k] = val;
            }
        }

        return new FormView(FormIds.Setup, "Set up TriageBot", "Save",
        [
            new FormField(SetupBacklog, "Backlog", FieldKind.Choice) { Required = true, Choices = choices },
            new FormField(SetupName, "Backlog name (for a new backlog)", FieldKind.Text) { MaxLength = 80 },
            new FormField(SetupPrefix, "Item key prefix", FieldKind.Text) { Required = true, MinLength = 1, MaxLength = 10, Hint = "Letters and digits; items get keys like TRI-42." },
            new FormField(SetupTimeZone, "Time zone (IANA)", FieldKind.Text) { Required = true, MaxLength = 64, Placeholder = "Europe/Berlin" },
            new FormField(SetupIntake, "This channel receives new reports", FieldKind.Toggle),
            new FormField(SetupClinic, "This channel holds the triage clinic", FieldKind.Toggle),
            new FormField(SetupReports, "This channel receives reports and reminders", FieldKind.Toggle),
            new FormField(SetupEngineers, "Engineers on the team", FieldKind.Number) { Required = true, Hint = "The bug WIP limit is engineers × the per-engineer limit." },
            new FormField(SetupStage, "Product stage", FieldKind.Choice)
            {
                Required = true,
                Choices = [new("early", "Early (first 12 months after launch)"), new("stable", "Stable")],
            },
            new FormField(SetupLaunch, "Last large rollout (launch date)", FieldKind.Date) { Hint = "For 60 days after it, reports recommend a post-launch reserve." },
            new FormField(SetupLead, "Ceremony reminder lead (minutes)", FieldKind.Number) { Required = true },
        ])
        {
            Intro = current is null
                ? "Bind this channel to a backlog. You become its first facilitator."
                : $"This channel is bound to {current.Name}.",
            Values = v,
            Errors = errors ?? [],
        };
    }

    public static string ScoreField(Dimension d) => FieldIds.ScoreOf(d);

    public static string ReasonField(Dimension d) => FieldIds.ReasonOf(d);
}
