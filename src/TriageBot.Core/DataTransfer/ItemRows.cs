using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;

namespace TriageBot.Core.DataTransfer;

/// <summary>
/// Pure conversions between items and CSV rows (SPEC §11): an item to its row for export, and a row to a checked,
/// parsed row — every problem of a row reported at once, each naming its column — then to a new or updated item with
/// the history that records the import.
/// </summary>
public static partial class ItemRows
{
    /// <summary>The longest external key or import id accepted (a key of the store must stay well under 1 KiB).</summary>
    public const int MaxImportIdLength = 150;
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
    public static (ParsedItemRow? Row, IReadOnlyList<string> Errors) Parse(IReadOnlyDictionary<string, string> values, Backlog backlog) =>
        ItemRowParser.Parse(values, backlog);

    /// <summary>A new item from a checked row, with its Created entry (and state and score entries) by <paramref name="importer"/>.</summary>
    public static ItemChange Create(ParsedItemRow row, Backlog backlog, int number, string? importId, UserRef importer, DateTimeOffset now, string reason) =>
        ItemRowChanges.Create(row, backlog, number, importId, importer, now, reason);

    /// <summary>
    /// An existing item updated from a checked row. Only what the row changes is changed, each change recorded in
    /// history by <paramref name="importer"/>; a row that changes nothing gives an unchanged <see cref="ItemChange"/>.
    /// </summary>
    public static ItemChange Update(Item existing, ParsedItemRow row, UserRef importer, DateTimeOffset now, string reason) =>
        ItemRowChanges.Update(existing, row, importer, now, reason);

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

    internal static bool IsFormulaStart(char c) => c is '=' or '+' or '-' or '@' or '\t' or '\r';

    internal static string Value(IReadOnlyDictionary<string, string> values, string column) =>
        InputText.Clean(values.GetValueOrDefault(column));

    internal static string Date(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);

    internal static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    internal static string Shorten(string text) => text.Length <= 40 ? text : text[..39] + "…";

    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9]*)-([0-9]{1,9})$")]
    internal static partial Regex OwnKey();

}
