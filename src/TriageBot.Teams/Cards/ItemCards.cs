using System.Globalization;
using System.Text.Json.Nodes;
using TriageBot.Core.Items;
using TriageBot.Core.Views;
using static TriageBot.Teams.Cards.CardBuilder;

namespace TriageBot.Teams.Cards;

/// <summary>Cards about items: the item card, lists, the "created" confirmation and the capability-note request.</summary>
internal static class ItemCards
{
    public static void ItemCard(CardBuilder b, ItemCardView v)
    {
        Header(b, v.Item);
        b.Facts(SummaryFacts(v.Item));
        if (!string.IsNullOrWhiteSpace(v.Description)) b.Text(v.Description, separator: true);
        if (v.Fields.Count > 0) b.Facts(v.Fields.Select(f => (f.Label, f.Value)));
        if (v.Scores.Count > 0)
        {
            b.Text("Score", weight: "Bolder", separator: true);
            b.Facts(v.Scores.Select(f => (f.Label, f.Value)));
        }
        Flags(b, v.Item);
        foreach (var notice in v.Notices) b.Text("⚠ " + notice, color: "Warning");
        b.Buttons(v.Actions);
        b.OpenUrl("Open on the dashboard", v.Item.Url);
    }

    public static void ItemCreated(CardBuilder b, ItemCreatedView v)
    {
        b.Text(Invariant($"Created {v.Item.Key}: {v.Item.Title}"), weight: "Bolder", size: "Medium", color: "Good");
        b.Text(Invariant($"{Wording.Stream(v.Item.Stream)} reported by {v.Reporter.DisplayName}. It is New until it is scored at the next triage clinic (or with score {v.Item.Key})."));
        Flags(b, v.Item);
        b.Buttons(v.Actions);
        b.OpenUrl("Open the original message", v.SourceLink);
        b.OpenUrl("Open on the dashboard", v.Item.Url);
    }

    public static void NoteRequest(CardBuilder b, CapabilityNoteRequestView v)
    {
        b.Text((v.IsReminder ? Wording.ReminderPrefix : "") + Wording.NeedsCapabilityNote(v.Item.Key), weight: "Bolder", size: "Medium");
        b.Text(v.Item.Title);
        if (v.Outcome is { } outcome)
        {
            // Answered: what happened and who did it, and no button.
            b.Text(outcome, color: "Good");
            return;
        }

        if (v.Engineers.Count > 0)
        {
            // Mentions are Teams markup, so they are built from sanitised names and appended after the escaped text.
            var names = v.Engineers.Select(b.Mention).ToList();
            b.Add(new JsonObject { ["type"] = "TextBlock", ["wrap"] = true, ["text"] = string.Join(", ", names) + CardText.Escape(": " + Wording.CapabilityNoteQuestion) });
        }
        else
        {
            b.Text("Engineers: " + Wording.CapabilityNoteQuestion);
        }
        b.Buttons([new ActionButton(ButtonIds.AddCapabilityNote, Wording.AddCapabilityNote, v.Item.Ref, ButtonStyle.Primary)]);
    }

    public static void Header(CardBuilder b, ItemSummary item) =>
        b.Text(item.Key + ": " + item.Title, weight: "Bolder", size: "Medium");

    private static IEnumerable<(string, string)> SummaryFacts(ItemSummary item)
    {
        yield return ("Stream", Wording.Stream(item.Stream));
        yield return ("State", item.State.ToString() + (item.Column is { } col && item.Stream == WorkStream.Feature ? " · " + col : ""));
        if (item.Total is { } total) yield return ("Total", Invariant($"{total}") + (item.Placement is { } p ? " → " + Wording.Queue(p) : ""));
        if (item.HeldPlacement is { } held) yield return ("Placement", Wording.HeldPlacement(held));
        if (item.Owner is { } owner) yield return ("Owner", owner.DisplayName);
        yield return ("Reported", item.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    public static void Flags(CardBuilder b, ItemSummary item)
    {
        var flags = FlagTexts(item).ToList();
        if (flags.Count > 0) b.Text(string.Join(" · ", flags), color: "Warning", size: "Small");
    }

    private static IEnumerable<string> FlagTexts(ItemSummary item) => Wording.FlagsOf(item).Select(Wording.Flag);
}
