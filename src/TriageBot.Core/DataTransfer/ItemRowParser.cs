using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Items;
using TriageBot.Core.Rubric;

using static TriageBot.Core.DataTransfer.ItemRows;

namespace TriageBot.Core.DataTransfer;
/// <summary>A CSV row checked and parsed (<see cref="ItemRows.Parse"/>): every problem at once, each naming its column.</summary>
internal static partial class ItemRowParser
{
    private static readonly string[] StateNames = [.. Enum.GetNames<ItemState>().Select(n => n.ToLowerInvariant())];

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
        else if (note.Length > 0 && !NoteSentence.IsASentence(InputText.Clean(note)))
        {
            // The same rule as the note's form, on every surface (issue 19): at least a sentence.
            Fail(ItemColumns.CapabilityNote, "needs at least a sentence: what the feature depends on in the model, retrieval or evaluation, and how big that is.");
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

    [GeneratedRegex(@"^(.*)<\s*(slack|teams|playground)\s*:\s*([^<>\s]+)\s*>\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex PersonPattern();
}
