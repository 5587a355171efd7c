using TriageBot.Core.Items;
using TriageBot.Core.Views;

namespace TriageBot.Core.Conversation;

/// <summary>The one dialog behind an icebox sweep row's "Decide…": close with a rationale, promote, keep with a reason, or re-score.</summary>
public static class SweepForms
{
    public const string DecisionField = "decision";
    public const string Close = "close";
    public const string Promote = "promote";
    public const string Keep = "keep";
    public const string Rescore = "rescore";

    /// <summary>The free text of the decision: the rationale of a close, the reason of a keep, an optional note otherwise.</summary>
    public const string TextField = FieldIds.Rationale;

    public static FormView Decide(ItemSummary item, IReadOnlyDictionary<string, string>? values = null, IReadOnlyList<FieldError>? errors = null) =>
        new(FormIds.SweepDecision, $"Decide {item.Key}", "Decide",
        [
            new FormField(DecisionField, "Decision", FieldKind.Choice)
            {
                Required = true,
                Choices =
                [
                    new(Close, "Close with rationale"),
                    new(Promote, "Promote to the ready queue"),
                    new(Keep, "Keep in the icebox (with a reason)"),
                    new(Rescore, "Re-score at the next clinic"),
                ],
            },
            new FormField(TextField, "Rationale or reason", FieldKind.MultilineText)
            {
                MaxLength = 3000,
                Hint = "Needed to close (the rationale) or keep (the reason); recorded in the item's history.",
            },
        ])
        {
            Argument = item.Ref,
            Intro = $"{item.Key} — {item.Title}",
            Values = values ?? new Dictionary<string, string>(),
            Errors = errors ?? [],
        };
}
