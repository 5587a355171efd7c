using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>
/// Possible duplicates before an item is filed: the first valid submission of an intake form looks for open items like it
/// (<see cref="SimilarItems"/>); when there are some, the form comes back once listing them, with a choice to file anyway or
/// to add the report to one of them. Added to an existing item, the report becomes a comment in its history (the reporter,
/// the source link and every word typed) and the source link joins the item's links.
/// </summary>
internal sealed class DuplicateIntake(UseCaseContext context)
{
    public const string Field = "duplicateOf";
    public const string FileAsNew = "new";

    /// <summary>How many open items are compared (the newest first are not preferred: numbers order the scan).</summary>
    private const int MaxCandidates = 5000;

    /// <summary>The form again, listing similar open items, when the report looks like one; null when it does not.</summary>
    public async Task<FormErrorsOutcome?> SuggestAsync(RequestContext c, Backlog backlog, IntakeContext intake, IReadOnlyDictionary<string, string> values)
    {
        var candidates = new List<Item>();
        var query = new ItemQuery(backlog.Id) { States = [ItemState.New, ItemState.Sprint, ItemState.Ready, ItemState.Icebox, ItemState.Active] };
        await foreach (var item in context.Store.Items.QueryAsync(query, c.Ct))
        {
            candidates.Add(item);
            if (candidates.Count >= MaxCandidates)
            {
                break;
            }
        }

        var similar = SimilarItems.Rank(Value(values, FieldIds.Title), Value(values, FieldIds.Description), candidates);
        if (similar.Count == 0)
        {
            return null;
        }

        var next = intake with { DuplicatesChecked = true, Similar = [.. similar.Select(s => s.Item.Number)], SimilarIn = backlog.Id };
        var links = similar.Select(s => (s.Item, Url: context.ItemUrl(backlog, s.Item.Number) ?? s.Item.Source?.Link)).ToList();
        var lines = links.Select(l => $"• {l.Item.Key} {l.Item.Title} ({l.Item.State.ToString().ToLowerInvariant()})" + (l.Url is null ? "" : $" — {l.Url}"));
        var choices = new List<Choice> { new(FileAsNew, "File it as a new item") };
        choices.AddRange(similar.Select(s => new Choice(s.Item.Number.ToString(System.Globalization.CultureInfo.InvariantCulture), Clip($"Add my report to {s.Item.Key}: {s.Item.Title}"))));
        var formValues = new Dictionary<string, string>(values, StringComparer.Ordinal) { [Field] = FileAsNew };
        var form = IntakeForms.IntakeForm(c, next, formValues);
        return new FormErrorsOutcome(form with
        {
            Intro = "This may already be reported:\n" + string.Join("\n", lines),
            Links = [.. links.Where(l => l.Url is not null).Select(l => new ViewLink(l.Url!, l.Item.Key))],
            Fields = [new FormField(Field, "Already reported?", FieldKind.Choice) { Required = true, Choices = choices, Hint = "File anyway, or add what you wrote to an existing item." }, .. form.Fields],
        });
    }

    /// <summary>The existing item the person chose to add their report to, if they chose one of those offered.</summary>
    public static int? Chosen(IntakeContext intake, IReadOnlyDictionary<string, string> values) =>
        intake.DuplicatesChecked && values.TryGetValue(Field, out var v) && int.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)
        && intake.Similar is { } offered && offered.Contains(n) ? n : null;

    /// <summary>Adds the report to item <paramref name="number"/> as a comment: the reporter, the source link and what they typed.</summary>
    public async Task<Outcome> AddToAsync(RequestContext c, IntakeContext intake, IReadOnlyDictionary<string, string> values, int number)
    {
        Permissions.Require(c.Role, Permission.Comment, "add to an item");
        var link = intake.Source?.Link;
        var title = Value(values, FieldIds.Title);
        var description = Value(values, FieldIds.Description);
        var saved = await context.UpdateAsync(c, number, item =>
        {
            var entry = new HistoryEntry
            {
                BacklogId = item.BacklogId,
                ItemNumber = item.Number,
                Stream = item.Stream,
                At = c.Now,
                Sequence = item.HistoryCount,
                Actor = c.Actor,
                Kind = HistoryKind.Commented,
                Field = "report",
                To = link,
                Reason = description.Length == 0 ? title : $"{title}\n{description}",
            };
            var links = link is null || item.Links.Contains(link, StringComparer.Ordinal) ? item.Links : [.. item.Links, link];
            return Task.FromResult(new ItemChange(item with { Links = links, HistoryCount = item.HistoryCount + 1 }, [entry]));
        });
        return new CloseFormOutcome(new TextView($"Added your report to {saved.Key}: {saved.Title}", Tone.Success));
    }

    private static string Value(IReadOnlyDictionary<string, string> values, string id) => values.TryGetValue(id, out var v) ? v.Trim() : "";

    private static string Clip(string s) => s.Length <= 75 ? s : s[..74] + "…";
}
