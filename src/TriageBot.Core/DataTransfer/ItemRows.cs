using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;

namespace TriageBot.Core.DataTransfer;

/// <summary>The columns of the item CSV, in file order. Names are lower snake case and never change.</summary>
public static class ItemColumns
{
    public const string Key = "key";
    public const string ImportId = "import_id";
    public const string Title = "title";
    public const string Description = "description";
    public const string Stream = "stream";
    public const string State = "state";
    public const string Column = "column";
    public const string Impact = "impact";
    public const string Confidence = "confidence";
    public const string Rollback = "rollback";
    public const string Delay = "delay";
    public const string Total = "total";
    public const string Placement = "placement";
    public const string Reporter = "reporter";
    public const string Owner = "owner";
    public const string Created = "created";
    public const string StateSince = "state_since";
    public const string LastScored = "last_scored";
    public const string Links = "links";
    public const string ImpactEvidence = "impact_evidence";
    public const string AffectedSlice = "affected_slice";
    public const string Examples = "examples";
    public const string Lever = "lever";
    public const string QualityFlag = "quality_flag";
    public const string TimeboxDays = "timebox_days";
    public const string TimeboxStart = "timebox_start";
    public const string ReproSteps = "repro_steps";
    public const string Expected = "expected";
    public const string Actual = "actual";
    public const string Frequency = "frequency";
    public const string AffectedWauPercent = "affected_wau_percent";
    public const string Problem = "problem";
    public const string RequestedBy = "requested_by";
    public const string SuccessMetric = "success_metric";
    public const string CapabilityNote = "capability_note";
    public const string Touches = "touches";
    public const string ClosedRationale = "closed_rationale";

    public static IReadOnlyList<string> All { get; } =
    [
        Key, ImportId, Title, Description, Stream, State, Column, Impact, Confidence, Rollback, Delay, Total, Placement,
        Reporter, Owner, Created, StateSince, LastScored, Links, ImpactEvidence,
        AffectedSlice, Examples, Lever, QualityFlag, TimeboxDays, TimeboxStart,
        ReproSteps, Expected, Actual, Frequency, AffectedWauPercent,
        Problem, RequestedBy, SuccessMetric, CapabilityNote, Touches, ClosedRationale,
    ];

    /// <summary>Columns that hold a form field, with the field id Core's input rules know it by.</summary>
    public static IReadOnlyDictionary<string, string> FieldOf { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Title] = FieldIds.Title,
        [Description] = FieldIds.Description,
        [ImpactEvidence] = FieldIds.ImpactEvidence,
        [Links] = FieldIds.Link,
        [AffectedSlice] = FieldIds.AffectedSlice,
        [Examples] = FieldIds.Examples,
        [Lever] = FieldIds.Lever,
        [QualityFlag] = FieldIds.QualityFlag,
        [ReproSteps] = FieldIds.ReproSteps,
        [Expected] = FieldIds.Expected,
        [Actual] = FieldIds.Actual,
        [Frequency] = FieldIds.Frequency,
        [AffectedWauPercent] = FieldIds.AffectedWauPercent,
        [Problem] = FieldIds.Problem,
        [RequestedBy] = FieldIds.RequestedBy,
        [SuccessMetric] = FieldIds.SuccessMetric,
        [Touches] = FieldIds.Touches,
    };

    /// <summary>Columns that only one stream has.</summary>
    public static IReadOnlyDictionary<string, WorkStream> StreamOnly { get; } = new Dictionary<string, WorkStream>(StringComparer.Ordinal)
    {
        [AffectedSlice] = WorkStream.Model, [Examples] = WorkStream.Model, [Lever] = WorkStream.Model, [QualityFlag] = WorkStream.Model,
        [TimeboxDays] = WorkStream.Model, [TimeboxStart] = WorkStream.Model,
        [ReproSteps] = WorkStream.Bug, [Expected] = WorkStream.Bug, [Actual] = WorkStream.Bug, [Frequency] = WorkStream.Bug, [AffectedWauPercent] = WorkStream.Bug,
        [Problem] = WorkStream.Feature, [RequestedBy] = WorkStream.Feature, [SuccessMetric] = WorkStream.Feature, [CapabilityNote] = WorkStream.Feature,
        [Column] = WorkStream.Feature,
        [Touches] = WorkStream.Incident,
    };
}

/// <summary>How a CSV row names the item it is about.</summary>
public abstract record RowIdentity
{
    private RowIdentity()
    {
    }

    /// <summary>A key with the backlog's own prefix (<c>TRI-42</c>): the item with that number.</summary>
    public sealed record Number(int Value) : RowIdentity;

    /// <summary>An external key, an <c>import_id</c>, or a hash of the row: matched against <see cref="Item.ImportId"/>.</summary>
    public sealed record External(string Value) : RowIdentity;
}

/// <summary>A CSV row that passed every check, with its values parsed.</summary>
public sealed record ParsedItemRow
{
    public required WorkStream Stream { get; init; }
    public required ItemState State { get; init; }
    public FeatureColumn? Column { get; init; }
    public Scores? Scores { get; init; }
    public Queue? Placement { get; init; }
    public UserRef? Reporter { get; init; }
    public UserRef? Owner { get; init; }
    public DateTimeOffset? Created { get; init; }
    public DateTimeOffset? StateSince { get; init; }
    public DateTimeOffset? LastScored { get; init; }
    public int? TimeboxDays { get; init; }
    public DateTimeOffset? TimeboxStart { get; init; }
    public string CapabilityNote { get; init; } = "";
    public string ClosedRationale { get; init; } = "";
    /// <summary>The item fields by form field id, for <see cref="ItemValidation"/> and <see cref="ItemFactory"/>.</summary>
    public required IReadOnlyDictionary<string, string> Fields { get; init; }
}

/// <summary>
/// Pure conversions between items and CSV rows (SPEC §11): an item to its row for export, and a row to a checked,
/// parsed row — every problem of a row reported at once, each naming its column — then to a new or updated item with
/// the history that records the import.
/// </summary>
public static partial class ItemRows
{
    /// <summary>The longest external key or import id accepted (a key of the store must stay well under 1 KiB).</summary>
    public const int MaxImportIdLength = 150;

    private static readonly string[] StateNames = [.. Enum.GetNames<ItemState>().Select(n => n.ToLowerInvariant())];

    /// <summary>An item as its CSV row (every column of <see cref="ItemColumns.All"/>), unguarded.</summary>
    public static IReadOnlyDictionary<string, string> ToRow(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var row = ItemColumns.All.ToDictionary(c => c, _ => "", StringComparer.Ordinal);
        row[ItemColumns.Key] = item.Key;
        row[ItemColumns.ImportId] = item.ImportId ?? "";
        row[ItemColumns.Title] = item.Title;
        row[ItemColumns.Description] = item.Description;
        row[ItemColumns.Stream] = ItemValidation.StreamName(item.Stream);
        row[ItemColumns.State] = item.State.ToString().ToLowerInvariant();
        row[ItemColumns.Reporter] = Person(item.Reporter);
        row[ItemColumns.Owner] = item.Owner is null ? "" : Person(item.Owner);
        row[ItemColumns.Created] = Date(item.CreatedAt);
        row[ItemColumns.StateSince] = Date(item.StateSince);
        row[ItemColumns.Links] = string.Join(" ", item.Links);
        row[ItemColumns.ImpactEvidence] = item.ImpactEvidence;
        row[ItemColumns.ClosedRationale] = item.ClosedRationale ?? "";
        if (item.Score is { } score)
        {
            row[ItemColumns.Impact] = Int(score.Scores.Impact);
            row[ItemColumns.Confidence] = Int(score.Scores.Confidence);
            row[ItemColumns.Rollback] = Int(score.Scores.Rollback);
            row[ItemColumns.Delay] = Int(score.Scores.Delay);
            row[ItemColumns.Total] = Int(score.Total);
            row[ItemColumns.Placement] = score.Placement.ToString().ToLowerInvariant();
            row[ItemColumns.LastScored] = Date(score.At);
        }

        if (item.Model is { } m)
        {
            row[ItemColumns.AffectedSlice] = m.AffectedSlice;
            row[ItemColumns.Examples] = m.Examples;
            row[ItemColumns.Lever] = ItemValidation.ValueOf(m.Lever);
            row[ItemColumns.QualityFlag] = m.QualityFlag;
            if (m.Timebox is { } t)
            {
                row[ItemColumns.TimeboxDays] = Int(t.LengthDays);
                row[ItemColumns.TimeboxStart] = Date(t.Start);
            }
        }

        if (item.Bug is { } b)
        {
            row[ItemColumns.ReproSteps] = b.ReproSteps;
            row[ItemColumns.Expected] = b.Expected;
            row[ItemColumns.Actual] = b.Actual;
            row[ItemColumns.Frequency] = ItemValidation.ValueOf(b.Frequency);
            row[ItemColumns.AffectedWauPercent] = b.AffectedWauPercent?.ToString("R", CultureInfo.InvariantCulture) ?? "";
        }

        if (item.Feature is { } f)
        {
            row[ItemColumns.Column] = f.Column.ToString().ToLowerInvariant();
            row[ItemColumns.Problem] = f.Problem;
            row[ItemColumns.RequestedBy] = f.RequestedBy;
            row[ItemColumns.SuccessMetric] = f.SuccessMetric;
            row[ItemColumns.CapabilityNote] = f.CapabilityNote?.Text ?? "";
        }

        if (item.Incident is { } i)
        {
            row[ItemColumns.Touches] = ItemValidation.ValueOf(i.Touches);
        }

        return row;
    }

    /// <summary>
    /// Who a row is about: a key with the backlog's prefix names an item number; another key, an <c>import_id</c>, or
    /// (neither given) a hash of the row's stream, title, description and created date names it by import id.
    /// </summary>
    public static RowIdentity IdentityOf(IReadOnlyDictionary<string, string> values, Backlog backlog)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(backlog);
        var key = Value(values, ItemColumns.Key);
        if (key.Length > 0)
        {
            var own = OwnKey().Match(key);
            if (own.Success && string.Equals(own.Groups[1].Value, backlog.KeyPrefix, StringComparison.OrdinalIgnoreCase)
                && int.TryParse(own.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0)
            {
                return new RowIdentity.Number(number);
            }

            return new RowIdentity.External(key);
        }

        var importId = Value(values, ItemColumns.ImportId);
        if (importId.Length > 0)
        {
            return new RowIdentity.External(importId);
        }

        var basis = string.Join("\u001f", Value(values, ItemColumns.Stream).ToLowerInvariant(), Value(values, ItemColumns.Title),
            Value(values, ItemColumns.Description), Value(values, ItemColumns.Created));
        return new RowIdentity.External("row:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(basis)).AsSpan(0, 12)));
    }

    /// <summary>Checks a row and parses it; every problem comes back at once, each starting with its column name.</summary>
    public static (ParsedItemRow? Row, IReadOnlyList<string> Errors) Parse(IReadOnlyDictionary<string, string> values, Backlog backlog)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(backlog);
        var errors = new List<string>();
        void Fail(string column, string message) => errors.Add($"{column}: {message}");

        var keyOrId = Value(values, ItemColumns.Key) is { Length: > 0 } k ? (ItemColumns.Key, k) : (ItemColumns.ImportId, Value(values, ItemColumns.ImportId));
        if (keyOrId.Item2.Length > MaxImportIdLength || !InputText.IsOneLine(keyOrId.Item2))
        {
            Fail(keyOrId.Item1, $"must be one line of at most {MaxImportIdLength} characters.");
        }

        var streamText = Value(values, ItemColumns.Stream);
        WorkStream? stream = streamText.ToLowerInvariant() switch
        {
            "model" => WorkStream.Model,
            "bug" => WorkStream.Bug,
            "feature" => WorkStream.Feature,
            "incident" => WorkStream.Incident,
            _ => null,
        };
        if (stream is null)
        {
            Fail(ItemColumns.Stream, streamText.Length == 0
                ? "is required: model, bug, feature or incident."
                : $"must be model, bug, feature or incident (found \"{Shorten(streamText)}\").");
            return (null, errors);
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (column, field) in ItemColumns.FieldOf)
        {
            fields[field] = Value(values, column);
        }

        foreach (var error in ItemValidation.Validate(stream.Value, fields))
        {
            var column = ItemColumns.FieldOf.First(p => p.Value == error.Field).Key;
            Fail(column, error.Message);
        }

        foreach (var (column, only) in ItemColumns.StreamOnly)
        {
            if (only != stream && Value(values, column).Length > 0)
            {
                Fail(column, $"only a {ItemValidation.StreamName(only)} item has this column; leave it empty for a {ItemValidation.StreamName(stream.Value)} item.");
            }
        }

        var state = ItemState.New;
        var stateText = Value(values, ItemColumns.State);
        if (stateText.Length > 0)
        {
            var index = Array.IndexOf(StateNames, stateText.ToLowerInvariant());
            if (index < 0)
            {
                Fail(ItemColumns.State, $"must be one of {string.Join(", ", StateNames)} (found \"{Shorten(stateText)}\").");
            }
            else
            {
                state = (ItemState)index;
            }
        }

        FeatureColumn? featureColumn = null;
        if (stream == WorkStream.Feature)
        {
            var columnText = Value(values, ItemColumns.Column);
            featureColumn = columnText.ToLowerInvariant() switch
            {
                "" or "discovery" => FeatureColumn.Discovery,
                "build" => FeatureColumn.Build,
                "measure" => FeatureColumn.Measure,
                _ => null,
            };
            if (featureColumn is null)
            {
                Fail(ItemColumns.Column, $"must be discovery, build or measure (found \"{Shorten(columnText)}\").");
            }
        }

        var scores = ParseScores(values, errors);
        Queue? placement = null;
        var placementText = Value(values, ItemColumns.Placement);
        var totalText = Value(values, ItemColumns.Total);
        if (scores is null)
        {
            foreach (var column in new[] { ItemColumns.Total, ItemColumns.Placement, ItemColumns.LastScored })
            {
                if (Value(values, column).Length > 0)
                {
                    Fail(column, "needs the four scores (impact, confidence, rollback, delay); leave it empty for an unscored item.");
                }
            }
        }
        else
        {
            var total = RubricRules.Total(scores);
            if (totalText.Length > 0 && totalText != Int(total))
            {
                Fail(ItemColumns.Total, $"is {Shorten(totalText)}, but the scores give 3×{scores.Impact} + 2×{scores.Confidence} + 2×{scores.Rollback} + 1×{scores.Delay} = {total}. Fix a score or clear the total.");
            }

            placement = placementText.ToLowerInvariant() switch
            {
                "" => RubricRules.Place(total, backlog.Settings),
                "sprint" => Queue.Sprint,
                "ready" => Queue.Ready,
                "icebox" => Queue.Icebox,
                _ => null,
            };
            if (placement is null)
            {
                Fail(ItemColumns.Placement, $"must be sprint, ready or icebox (found \"{Shorten(placementText)}\").");
            }
        }

        var reporter = ParsePerson(values, ItemColumns.Reporter, errors);
        var owner = ParsePerson(values, ItemColumns.Owner, errors);
        var created = ParseDate(values, ItemColumns.Created, errors);
        var stateSince = ParseDate(values, ItemColumns.StateSince, errors);
        var lastScored = ParseDate(values, ItemColumns.LastScored, errors);
        var timeboxStart = ParseDate(values, ItemColumns.TimeboxStart, errors);

        int? timeboxDays = null;
        var daysText = Value(values, ItemColumns.TimeboxDays);
        if (daysText.Length > 0)
        {
            if (int.TryParse(daysText, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days is >= 1 and <= 90)
            {
                timeboxDays = days;
            }
            else
            {
                Fail(ItemColumns.TimeboxDays, $"must be a whole number of days from 1 to 90 (found \"{Shorten(daysText)}\").");
            }
        }
        else if (timeboxStart is not null)
        {
            Fail(ItemColumns.TimeboxStart, "needs timebox_days.");
        }

        var note = Value(values, ItemColumns.CapabilityNote);
        if (InputText.Length(note) > InputText.FreeTextMax)
        {
            Fail(ItemColumns.CapabilityNote, $"must be at most {InputText.FreeTextMax} characters (found {InputText.Length(note)}).");
        }

        var rationale = Value(values, ItemColumns.ClosedRationale);
        if (state == ItemState.Closed && InputText.Length(rationale) < InputText.RationaleMin)
        {
            Fail(ItemColumns.ClosedRationale, "is required for a closed item: say in a few words why it was closed.");
        }
        else if (state != ItemState.Closed && rationale.Length > 0)
        {
            Fail(ItemColumns.ClosedRationale, "is only for closed items; clear it or set state to closed.");
        }
        else if (InputText.Length(rationale) > InputText.FreeTextMax)
        {
            Fail(ItemColumns.ClosedRationale, $"must be at most {InputText.FreeTextMax} characters.");
        }

        // The gates of SPEC §2 hold for imported items too.
        if (stream == WorkStream.Feature && state is ItemState.Ready or ItemState.Sprint && note.Length == 0)
        {
            Fail(ItemColumns.CapabilityNote, $"is required for a feature in {stateText.ToLowerInvariant()}: a feature cannot be placed in ready or sprint without a capability note.");
        }

        if (stream == WorkStream.Feature && featureColumn is FeatureColumn.Build or FeatureColumn.Measure && fields[FieldIds.SuccessMetric].Length == 0)
        {
            Fail(ItemColumns.SuccessMetric, "is required for a feature in the build or measure column.");
        }

        if (stream == WorkStream.Model && state == ItemState.Active && timeboxDays is null)
        {
            Fail(ItemColumns.TimeboxDays, "is required for an active model item: a model item cannot be active without a timebox.");
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new ParsedItemRow
        {
            Stream = stream.Value,
            State = state,
            Column = featureColumn,
            Scores = scores,
            Placement = placement,
            Reporter = reporter,
            Owner = owner,
            Created = created,
            StateSince = stateSince,
            LastScored = lastScored,
            TimeboxDays = timeboxDays,
            TimeboxStart = timeboxStart,
            CapabilityNote = note,
            ClosedRationale = rationale,
            Fields = fields,
        }, errors);
    }

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

    /// <summary>
    /// Guards a value against formula injection: a spreadsheet runs a cell that starts with = + - @ (or a tab or
    /// carriage return before them), so such a value is written with a leading apostrophe. <see cref="Unguard"/> undoes it.
    /// </summary>
    public static string Guard(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length > 0 && (IsFormulaStart(value[0]) || (value[0] == '\'' && value.Length > 1 && IsFormulaStart(value[1])))
            ? "'" + value
            : value;
    }

    public static string Unguard(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length > 1 && value[0] == '\'' && (IsFormulaStart(value[1]) || value[1] == '\'') ? value[1..] : value;
    }

    /// <summary>A person as a CSV cell: <c>Display Name &lt;slack:U123&gt;</c>.</summary>
    public static string Person(UserRef user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return $"{user.DisplayName} <{user.Key}>";
    }

    private static bool IsFormulaStart(char c) => c is '=' or '+' or '-' or '@' or '\t' or '\r';

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

    private static Scores? ParseScores(IReadOnlyDictionary<string, string> values, List<string> errors)
    {
        string[] columns = [ItemColumns.Impact, ItemColumns.Confidence, ItemColumns.Rollback, ItemColumns.Delay];
        var texts = columns.Select(c => Value(values, c)).ToArray();
        if (texts.All(t => t.Length == 0))
        {
            return null;
        }

        var parsed = new int[4];
        var ok = true;
        for (var i = 0; i < 4; i++)
        {
            if (texts[i] is not ("1" or "2" or "3"))
            {
                errors.Add(texts[i].Length == 0
                    ? $"{columns[i]}: is empty, but other scores are set: give all four scores (1, 2 or 3) or none."
                    : $"{columns[i]}: must be 1, 2 or 3 (found \"{Shorten(texts[i])}\").");
                ok = false;
            }
            else
            {
                parsed[i] = texts[i][0] - '0';
            }
        }

        return ok ? new Scores(parsed[0], parsed[1], parsed[2], parsed[3]) : null;
    }

    private static UserRef? ParsePerson(IReadOnlyDictionary<string, string> values, string column, List<string> errors)
    {
        var text = Value(values, column);
        if (text.Length == 0)
        {
            return null;
        }

        var match = PersonPattern().Match(text);
        if (!match.Success || match.Groups[1].Value.Trim().Length == 0)
        {
            errors.Add($"{column}: must be a name and a platform id, like \"Ana Lima <slack:U012AB3CD>\" (platform slack, teams or playground), or empty (found \"{Shorten(text)}\").");
            return null;
        }

        var platform = match.Groups[2].Value.ToLowerInvariant() switch
        {
            "slack" => Platform.Slack,
            "teams" => Platform.Teams,
            _ => Platform.Playground,
        };
        return new UserRef(platform, match.Groups[3].Value, match.Groups[1].Value.Trim());
    }

    private static DateTimeOffset? ParseDate(IReadOnlyDictionary<string, string> values, string column, List<string> errors)
    {
        var text = Value(values, column);
        if (text.Length == 0)
        {
            return null;
        }

        if (DateTimeOffset.TryParseExact(text, ["O", "yyyy-MM-dd", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mmK", "yyyy-MM-dd HH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK"],
                CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return at;
        }

        errors.Add($"{column}: must be a date like 2026-03-01 or a time like 2026-03-01T14:30:00Z (found \"{Shorten(text)}\").");
        return null;
    }

    private static string Value(IReadOnlyDictionary<string, string> values, string column) =>
        InputText.Clean(values.GetValueOrDefault(column));

    private static string Date(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..39] + "…";

    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9]*)-([0-9]{1,9})$")]
    private static partial Regex OwnKey();

    [GeneratedRegex(@"^(.*)<\s*(slack|teams|playground)\s*:\s*([^<>\s]+)\s*>\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex PersonPattern();
}
