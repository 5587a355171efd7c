using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;

using static TriageBot.Core.DataTransfer.ItemRows;

namespace TriageBot.Core.DataTransfer;
/// <summary>A checked row made into a new item, or applied to an existing one, with the history that records the import (<see cref="ItemRows.Create"/>, <see cref="ItemRows.Update"/>).</summary>
internal static class ItemRowChanges
{
    /// <summary>A new item from a checked row, with its Created entry (and state and score entries) by <paramref name="importer"/>.</summary>
    public static ItemChange Create(ParsedItemRow row, Backlog backlog, int number, string? importId, UserRef importer, DateTimeOffset now, string reason)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(backlog);
        ArgumentNullException.ThrowIfNull(importer);
        var created = row.Created ?? now;
        var fresh = ItemFactory.Create(new NewItemRequest(row.Stream, row.Fields), backlog, number, importer, null, created).Item;
        var item = Apply(fresh with { Reporter = row.Reporter ?? importer, ImportId = importId }, row, importer, now);

        var history = new List<HistoryEntry>
        {
            Entry(item, created, 0, importer, HistoryKind.Created, FieldIds.State, null, nameof(ItemState.New), reason),
        };
        if (item.State != ItemState.New)
        {
            history.Add(Entry(item, item.StateSince, history.Count, importer, HistoryKind.StateChanged, FieldIds.State, nameof(ItemState.New), item.State.ToString(), reason));
        }

        if (item.Score is { } score)
        {
            history.Add(Entry(item, score.At, history.Count, importer, HistoryKind.Scored, FieldIds.Score, null, $"{score.Total} ({score.Placement})", reason));
        }

        return new ItemChange(item with { HistoryCount = history.Count }, history);
    }

    /// <summary>
    /// An existing item updated from a checked row. Only what the row changes is changed, each change recorded in
    /// history by <paramref name="importer"/>; a row that changes nothing gives an unchanged <see cref="ItemChange"/>.
    /// </summary>
    public static ItemChange Update(Item existing, ParsedItemRow row, UserRef importer, DateTimeOffset now, string reason)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(importer);
        if (row.Stream != existing.Stream)
        {
            throw new RuleViolationException($"{existing.Key} is a {ItemValidation.StreamName(existing.Stream)} item; an import cannot change its stream.");
        }

        var updated = Apply(existing, row, importer, now);
        var before = ToRow(existing);
        var after = ToRow(updated);
        var history = new List<HistoryEntry>();
        var sequence = existing.HistoryCount;
        var scoredLogged = false;
        foreach (var column in ItemColumns.All)
        {
            if (before[column] == after[column])
            {
                continue;
            }

            var (kind, field) = column switch
            {
                ItemColumns.State => (HistoryKind.StateChanged, FieldIds.State),
                ItemColumns.Owner => (HistoryKind.OwnerChanged, FieldIds.Owner),
                ItemColumns.Column => (HistoryKind.ColumnChanged, FieldIds.Column),
                ItemColumns.CapabilityNote => (HistoryKind.CapabilityNoteAdded, FieldIds.CapabilityNote),
                ItemColumns.TimeboxDays or ItemColumns.TimeboxStart => (HistoryKind.TimeboxSet, FieldIds.Timebox),
                ItemColumns.Impact or ItemColumns.Confidence or ItemColumns.Rollback or ItemColumns.Delay or ItemColumns.Total
                    or ItemColumns.Placement or ItemColumns.LastScored => (HistoryKind.Scored, FieldIds.Score),
                _ => (HistoryKind.FieldChanged, ItemColumns.FieldOf.GetValueOrDefault(column, column)),
            };
            if (kind == HistoryKind.Scored)
            {
                if (scoredLogged)
                {
                    continue;
                }

                scoredLogged = true;
                history.Add(Entry(updated, now, sequence++, importer, kind, field,
                    existing.Score is { } s ? $"{s.Total} ({s.Placement})" : null,
                    updated.Score is { } u ? $"{u.Total} ({u.Placement})" : null, reason));
                continue;
            }

            history.Add(Entry(updated, now, sequence++, importer, kind, field, before[column], after[column], reason));
        }

        return history.Count == 0
            ? new ItemChange(existing, [])
            : new ItemChange(updated with { UpdatedAt = now, HistoryCount = sequence }, history);
    }

    private static Item Apply(Item baseItem, ParsedItemRow row, UserRef importer, DateTimeOffset now)
    {
        string F(string id) => InputText.Clean(row.Fields.GetValueOrDefault(id));
        var stateSince = row.StateSince ?? (row.State == baseItem.State && baseItem.StateSince != default ? baseItem.StateSince : row.Created ?? now);

        ItemScore? score = null;
        if (row.Scores is { } scores)
        {
            var total = RubricRules.Total(scores);
            var at = row.LastScored ?? baseItem.Score?.At ?? now;
            score = baseItem.Score is { } old && old.Scores == scores && old.Placement == row.Placement && old.At == at
                ? old
                : new ItemScore(scores, new Dictionary<Dimension, string>(), total, row.Placement!.Value, baseItem.Score?.Round ?? baseItem.Round, importer, at);
        }

        var owner = row.Owner is { } o && baseItem.Owner is { } current && current.Key == o.Key && current.DisplayName == o.DisplayName ? current : row.Owner;
        return baseItem with
        {
            Title = F(FieldIds.Title),
            Description = F(FieldIds.Description),
            Links = ItemValidation.ParseLinks(F(FieldIds.Link)),
            ImpactEvidence = F(FieldIds.ImpactEvidence),
            CreatedAt = row.Created ?? baseItem.CreatedAt,
            Reporter = row.Reporter ?? baseItem.Reporter,
            State = row.State,
            StateSince = stateSince,
            Owner = owner,
            Score = score,
            ClosedRationale = row.State == ItemState.Closed ? row.ClosedRationale : null,
            Model = row.Stream == WorkStream.Model
                ? (baseItem.Model ?? new ModelFields()) with
                {
                    AffectedSlice = F(FieldIds.AffectedSlice),
                    Examples = F(FieldIds.Examples),
                    Lever = ItemValidation.ParseLever(F(FieldIds.Lever)),
                    QualityFlag = F(FieldIds.QualityFlag),
                    Timebox = row.TimeboxDays is { } days
                        ? TimeboxOf(days, row.TimeboxStart ?? baseItem.Model?.Timebox?.Start ?? stateSince, baseItem.Model?.Timebox)
                        : null,
                }
                : null,
            Bug = row.Stream == WorkStream.Bug
                ? (baseItem.Bug ?? new BugFields()) with
                {
                    ReproSteps = F(FieldIds.ReproSteps),
                    Expected = F(FieldIds.Expected),
                    Actual = F(FieldIds.Actual),
                    Frequency = ItemValidation.ParseFrequency(F(FieldIds.Frequency)),
                    AffectedWauPercent = ItemValidation.ParsePercent(F(FieldIds.AffectedWauPercent)),
                }
                : null,
            Feature = row.Stream == WorkStream.Feature
                ? (baseItem.Feature ?? new FeatureFields()) with
                {
                    Problem = F(FieldIds.Problem),
                    RequestedBy = F(FieldIds.RequestedBy),
                    SuccessMetric = F(FieldIds.SuccessMetric),
                    Column = row.Column ?? FeatureColumn.Discovery,
                    ColumnSince = baseItem.Feature?.Column == row.Column ? baseItem.Feature?.ColumnSince : now,
                    CapabilityNote = row.CapabilityNote.Length == 0
                        ? null
                        : baseItem.Feature?.CapabilityNote is { } n && n.Text == row.CapabilityNote
                            ? n
                            : new CapabilityNote(row.CapabilityNote, CapabilityScale.DaysFeature, importer, now),
                }
                : null,
            Incident = row.Stream == WorkStream.Incident
                ? new IncidentFields { Touches = ItemValidation.ParseTouches(F(FieldIds.Touches)) }
                : null,
        };
    }

    private static Timebox TimeboxOf(int days, DateTimeOffset start, Timebox? current) =>
        current is { } t && t.LengthDays == days && t.Start == start ? t : new Timebox(days, start, start.AddDays(days));

    private static HistoryEntry Entry(Item item, DateTimeOffset at, int sequence, UserRef actor, HistoryKind kind, string field, string? from, string? to, string reason) => new()
    {
        BacklogId = item.BacklogId,
        ItemNumber = item.Number,
        Stream = item.Stream,
        At = at,
        Sequence = sequence,
        Actor = actor,
        Kind = kind,
        Field = field,
        From = from,
        To = to,
        Reason = reason,
    };
}
