using static TriageBot.Core.Items.RuleSupport;

namespace TriageBot.Core.Items;

/// <summary>
/// What a change made in an issue tracker does to the linked item, as pure functions: closed as completed → Done,
/// closed as not planned → Closed with the tracker's resolution as rationale, reopened → Active, assigned → owner.
/// A change the method forbids (a model item without its evaluation gate marked done) changes nothing but is recorded.
/// </summary>
public static class TrackerRules
{
    /// <summary>The issue was closed as completed: the item is Done (model items only after their evaluation gate).</summary>
    public static ItemChange Completed(Item item, string where, UserRef by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!IsOpen(item.State))
        {
            return new ItemChange(item, []);
        }

        var c = new Change(item, by, now);
        if (item.Stream == WorkStream.Model && item.Model?.EvaluationGatePassed != true)
        {
            c.Add(HistoryKind.Commented, reason:
                $"{where} was closed as completed, but {item.Key} is model-quality work: it is done only after it passes its evaluation gate. Record the gate with `gate {item.Key}`, then `done {item.Key}`.");
            return c.Result();
        }

        c.Item = c.Item with { HeldPlacement = null };
        c.MoveTo(ItemState.Done, $"closed as completed in {where}");
        return c.Result();
    }

    /// <summary>The issue was closed without being completed: the item is Closed with the tracker's resolution as its rationale.</summary>
    public static ItemChange NotCompleted(Item item, string where, string? resolution, UserRef by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!IsOpen(item.State))
        {
            return new ItemChange(item, []);
        }

        var rationale = $"Closed in {where}: {(string.IsNullOrWhiteSpace(resolution) ? "not planned" : InputText.Clean(resolution))}";
        var c = new Change(item, by, now);
        c.Item = c.Item with { ClosedRationale = rationale, HeldPlacement = null };
        c.MoveTo(ItemState.Closed, rationale);
        return c.Result();
    }

    /// <summary>The issue was reopened: a done or closed item is Active again; an open item stays as it is.</summary>
    public static ItemChange Reopened(Item item, string where, UserRef by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (IsOpen(item.State))
        {
            return new ItemChange(item, []);
        }

        var c = new Change(item, by, now);
        c.Item = c.Item with { ClosedRationale = null };
        c.MoveTo(ItemState.Active, $"reopened in {where}");
        return c.Result();
    }

    /// <summary>
    /// The issue's assignee changed. A known person becomes the owner; a login no member is mapped to is recorded on the item,
    /// never guessed.
    /// </summary>
    public static ItemChange Assigned(Item item, string where, string? login, UserRef? member, UserRef by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!IsOpen(item.State))
        {
            return new ItemChange(item, []);
        }

        if (login is not null && member is null)
        {
            var c = new Change(item, by, now);
            c.Add(HistoryKind.Commented, reason:
                $"Assigned in {where} to {login}, who is not linked to a member of this backlog; the owner is unchanged. A facilitator links them with `link @person <tracker> {login}`.");
            return c.Result();
        }

        return FieldRules.SetOwner(item, member, by, now);
    }

    /// <summary>A note on the item's history about its tracker (a permanent failure, a link made).</summary>
    public static ItemChange Note(Item item, string text, UserRef by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(item);
        var c = new Change(item, by, now);
        c.Add(HistoryKind.Commented, reason: text);
        return c.Result();
    }

    /// <summary>
    /// The item now has a tracker issue (created by a push, or linked): a note on its history, and the issue's address among
    /// its links, so the item's card and dashboard page lead to it (unless the links would grow past their limit).
    /// </summary>
    public static ItemChange Linked(Item item, string text, string issueUrl, UserRef by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(item);
        var c = new Change(item, by, now);
        c.Add(HistoryKind.Commented, reason: text);
        if (!item.Links.Contains(issueUrl, StringComparer.OrdinalIgnoreCase)
            && string.Join(" ", item.Links.Append(issueUrl)).Length <= InputText.FreeTextMax)
        {
            c.Item = c.Item with { Links = [.. item.Links, issueUrl] };
        }

        return c.Result();
    }

    /// <summary>
    /// A New item made from a tracker issue, linked back to it. A title longer than the limit is shortened and kept whole at the
    /// top of the description; a description longer than the limit ends with where the rest is (the issue itself).
    /// </summary>
    public static ItemChange Imported(string backlogId, string itemKey, int number, string title, string body, string issueUrl, string importId, WorkStream stream, UserRef by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(by);
        var cleanTitle = InputText.Clean(title).ReplaceLineEndings(" ");
        var description = InputText.Clean(body);
        var runes = cleanTitle.EnumerateRunes().ToList();
        if (runes.Count > InputText.TitleMax)
        {
            description = cleanTitle + "\n\n" + description;
            cleanTitle = string.Concat(runes.Take(InputText.TitleMax - 1).Select(r => r.ToString())) + "…";
        }
        else if (runes.Count < InputText.TitleMin)
        {
            cleanTitle = $"{itemKey}: {cleanTitle}".Trim();
        }

        var tail = $"\n\n… (the rest is in the tracker: {issueUrl})";
        var descriptionRunes = description.EnumerateRunes().ToList();
        if (descriptionRunes.Count > InputText.FreeTextMax)
        {
            description = string.Concat(descriptionRunes.Take(InputText.FreeTextMax - InputText.Length(tail)).Select(r => r.ToString())) + tail;
        }

        var item = new Item
        {
            BacklogId = backlogId,
            Number = number,
            Key = itemKey,
            Title = cleanTitle,
            Description = description,
            Stream = stream,
            Reporter = by,
            CreatedAt = now,
            State = ItemState.New,
            StateSince = now,
            UpdatedAt = now,
            Links = [issueUrl],
            ImportId = importId,
            Model = stream == WorkStream.Model ? new ModelFields() : null,
            Bug = stream == WorkStream.Bug ? new BugFields() : null,
            Feature = stream == WorkStream.Feature ? new FeatureFields { CapabilityNoteRequestedAt = now, ColumnSince = now } : null,
            Incident = stream == WorkStream.Incident ? new IncidentFields() : null,
            HistoryCount = 1,
        };
        return new ItemChange(item, [ItemFactory.CreatedEntry(item) with { Reason = $"imported from {issueUrl}" }]);
    }
}
