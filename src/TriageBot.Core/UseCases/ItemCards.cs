using System.Globalization;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>The item card <c>show</c> answers with, built from the item alone.</summary>
internal static class ItemCards
{
    /// <summary>An item's card: its fields by stream, its scores, what to notice and what can be done next.</summary>
    public static ItemCardView Build(ItemSummary summary, Item item) => Build(summary, item, [], canFinalize: false);

    /// <summary>
    /// The card with the open round's voters (names only, never how): scoring outside a clinic shows who has voted, and a
    /// facilitator can reveal and finalize from the card.
    /// </summary>
    public static ItemCardView Build(ItemSummary summary, Item item, IReadOnlyList<UserRef> voters, bool canFinalize)
    {
        ArgumentNullException.ThrowIfNull(voters);
        // Stream, state (with a feature's column), total, owner and the reported date travel in the summary, which every
        // surface shows at the top of the card; the fields add only what the summary does not say.
        var fields = new List<LabeledValue> { new("Reporter", item.Reporter.DisplayName) };
        if (item.Model is { } m)
        {
            fields.Add(new("Suspected lever", m.Lever.ToString()));
            if (m.Timebox is { } tb) fields.Add(new("Timebox", $"{tb.LengthDays} days, {tb.Start:yyyy-MM-dd} → {tb.End:yyyy-MM-dd}"));
            if (m.AffectedSlice.Length > 0) fields.Add(new("Affected slice", m.AffectedSlice));
            if (m.QualityFlag.Length > 0) fields.Add(new("Quality flag", m.QualityFlag));
            fields.Add(new("Evaluation gate", m.EvaluationGatePassed ? "passed" : "not passed yet"));
        }

        if (item.Bug is { } b)
        {
            fields.Add(new("Frequency", b.Frequency.ToString()));
            if (b.AffectedWauPercent is { } pct) fields.Add(new("Affected weekly active users", $"{pct.ToString(CultureInfo.InvariantCulture)}%"));
            if (b.ReproSteps.Length > 0) fields.Add(new("Reproduction steps", b.ReproSteps));
            if (b.Expected.Length > 0) fields.Add(new("Expected", b.Expected));
            if (b.Actual.Length > 0) fields.Add(new("Actual", b.Actual));
        }

        if (item.Feature is { } f)
        {
            if (f.Problem.Length > 0) fields.Add(new("Problem", f.Problem));
            if (f.RequestedBy.Length > 0) fields.Add(new("Requested by", f.RequestedBy));
            fields.Add(new("Success metric", f.SuccessMetric.Length > 0 ? f.SuccessMetric : "not set"));
            fields.Add(new("Capability note", f.CapabilityNote is { } n ? $"{n.Text} ({(n.Scale == CapabilityScale.DaysFeature ? "days-long feature" : "weeks-long capability project")}, {n.Author.DisplayName})" : "needs capability note"));
        }

        if (item.Incident is { } inc) fields.Add(new("Touches", string.Join(", ", inc.Touches.Select(StreamName))));
        if (item.ClosedRationale is { } why) fields.Add(new("Closed because", why));

        var scores = new List<LabeledValue>();
        if (item.Score is { } s)
        {
            foreach (var d in Enum.GetValues<Rubric.Dimension>())
            {
                var just = s.Justifications.GetValueOrDefault(d);
                scores.Add(new(Rubric.RubricText.Name(d), string.IsNullOrWhiteSpace(just) ? s.Scores[d].ToString(CultureInfo.InvariantCulture) : $"{s.Scores[d]} — {just}"));
            }

            scores.Add(new("Weighted total", $"{s.Total} → {s.Placement} (round {s.Round})"));
        }

        var notices = new List<string>();
        if (summary.HeldPlacement is { } held) notices.Add($"Scored into {held}; waiting for a capability note.");
        // The cautious lane, timebox and re-scoring flags are shown by every surface from the summary; no notice repeats them.

        var roundOpen = item.Score?.Round != item.Round && item.State is not (ItemState.Done or ItemState.Closed);
        if (roundOpen && voters.Count > 0)
        {
            notices.Add(string.Create(CultureInfo.InvariantCulture, $"Round {item.Round}: ") + Wording.VotedSoFar(voters.Count.ToString(CultureInfo.InvariantCulture), string.Join(", ", voters.Select(v => v.DisplayName)))
                + (item.RoundRevealed ? "; revealed." : ". " + Wording.VotesHidden));
        }

        var actions = new List<ActionButton> { new(ButtonIds.Vote, "Score", summary.Ref) };
        if (roundOpen && voters.Count > 0 && canFinalize)
        {
            if (!item.RoundRevealed) actions.Add(new(ButtonIds.Reveal, "Reveal", summary.Ref));
            actions.Add(new(ButtonIds.Finalize, "Finalize", summary.Ref));
        }

        if (summary.NeedsCapabilityNote) actions.Add(new(ButtonIds.AddCapabilityNote, "Add capability note", summary.Ref, ButtonStyle.Primary));
        if (item.State is ItemState.Sprint or ItemState.Ready) actions.Add(new(ButtonIds.Start, "Start", summary.Ref));
        if (item.State is ItemState.Active) actions.Add(new(ButtonIds.Done, "Done", summary.Ref));
        if (item.State is ItemState.Icebox) actions.Add(new(ButtonIds.Promote, "Promote", summary.Ref));
        if (item.State is not (ItemState.Done or ItemState.Closed)) actions.Add(new(ButtonIds.Close, "Close…", summary.Ref, ButtonStyle.Danger));

        return new ItemCardView(summary)
        {
            Description = item.Description,
            Fields = fields,
            Scores = scores,
            Notices = notices,
            Actions = actions,
        };
    }

    internal static string StreamName(WorkStream s) => s switch
    {
        WorkStream.Model => "Model quality",
        WorkStream.Bug => "Engineering bugs",
        WorkStream.Feature => "Feature requests",
        WorkStream.Incident => "Incident lane",
        _ => s.ToString(),
    };

    internal static string QueueName(ItemState s) => s switch
    {
        ItemState.Ready => "Ready queue",
        ItemState.Icebox => "Icebox",
        ItemState.Sprint => "Next sprint",
        _ => s.ToString(),
    };
}
