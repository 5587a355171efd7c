using System.Globalization;

namespace TriageBot.Core.Items;

/// <summary>
/// The input rules of SPEC §2 for the intake form and field edits: every text trimmed, titles 3–150
/// characters, free text up to 3,000, choices from their lists, numbers in range. Every error names the
/// field and the rule, and all errors come back at once.
/// </summary>
public static class ItemValidation
{
    /// <summary>Short names (quality flag, requested by) are one line, as long as a title at most.</summary>
    public const int ShortTextMax = InputText.TitleMax;

    private enum Kind { Title, FreeText, ShortText, Choice, Percent, Links, Touches }

    private sealed record Rule(string Label, Kind Kind, IReadOnlyList<string>? Choices = null);

    /// <summary>Lever choices by field value, in form order.</summary>
    public static IReadOnlyList<(string Value, ModelLever Lever)> LeverChoices { get; } =
    [
        ("unknown", ModelLever.Unknown), ("prompt", ModelLever.Prompt), ("fineTune", ModelLever.FineTune),
        ("retrieval", ModelLever.Retrieval), ("evaluation", ModelLever.Evaluation), ("guardrail", ModelLever.Guardrail),
    ];

    /// <summary>Frequency choices by field value, in form order.</summary>
    public static IReadOnlyList<(string Value, BugFrequency Frequency)> FrequencyChoices { get; } =
    [
        ("always", BugFrequency.Always), ("often", BugFrequency.Often), ("sometimes", BugFrequency.Sometimes), ("rarely", BugFrequency.Rarely),
    ];

    /// <summary>The streams an incident may name as touched, by field value.</summary>
    public static IReadOnlyList<(string Value, WorkStream Stream)> TouchesChoices { get; } =
    [
        ("model", WorkStream.Model), ("bug", WorkStream.Bug), ("feature", WorkStream.Feature),
    ];

    private static readonly Dictionary<string, Rule> Rules = new(StringComparer.Ordinal)
    {
        [FieldIds.Title] = new("Title", Kind.Title),
        [FieldIds.Description] = new("Description", Kind.FreeText),
        [FieldIds.ImpactEvidence] = new("Impact evidence", Kind.FreeText),
        [FieldIds.Link] = new("Link", Kind.Links),
        [FieldIds.AffectedSlice] = new("Affected slice", Kind.FreeText),
        [FieldIds.Examples] = new("Examples", Kind.FreeText),
        [FieldIds.Lever] = new("Suspected lever", Kind.Choice, [.. LeverChoices.Select(c => c.Value)]),
        [FieldIds.QualityFlag] = new("Quality flag", Kind.ShortText),
        [FieldIds.ReproSteps] = new("Reproduction steps", Kind.FreeText),
        [FieldIds.Expected] = new("Expected behaviour", Kind.FreeText),
        [FieldIds.Actual] = new("Actual behaviour", Kind.FreeText),
        [FieldIds.Frequency] = new("Frequency", Kind.Choice, [.. FrequencyChoices.Select(c => c.Value)]),
        [FieldIds.AffectedWauPercent] = new("Affected share of weekly active users", Kind.Percent),
        [FieldIds.Problem] = new("Problem statement", Kind.FreeText),
        [FieldIds.RequestedBy] = new("Requested by", Kind.ShortText),
        [FieldIds.SuccessMetric] = new("Success metric", Kind.FreeText),
        [FieldIds.Touches] = new("Touches", Kind.Touches, [.. TouchesChoices.Select(c => c.Value)]),
    };

    /// <summary>The label a person sees for a field id (used in error messages).</summary>
    public static string Label(string fieldId) =>
        Rules.TryGetValue(fieldId, out var rule) ? rule.Label : throw new ArgumentException($"Unknown item field \"{fieldId}\".", nameof(fieldId));

    /// <summary>
    /// Every error in an intake submission for a stream. Only the stream's fields (<see cref="FieldIds.ForStream"/>)
    /// are checked; other values are ignored. Only the title (and an incident's touches) is required.
    /// </summary>
    public static IReadOnlyList<FieldError> Validate(WorkStream stream, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var errors = new List<FieldError>();
        foreach (var id in FieldIds.ForStream(stream))
        {
            errors.AddRange(CheckField(id, values.GetValueOrDefault(id)));
        }

        return errors;
    }

    /// <summary>The errors of one field's value for an edit, with the same rules as the intake form.</summary>
    public static IReadOnlyList<FieldError> ValidateField(WorkStream stream, string fieldId, string? value)
    {
        ArgumentNullException.ThrowIfNull(fieldId);
        if (!FieldIds.ForStream(stream).Contains(fieldId))
        {
            return [new FieldError(fieldId, $"A {StreamName(stream)} item has no field \"{fieldId}\".")];
        }

        return CheckField(fieldId, value);
    }

    private static List<FieldError> CheckField(string id, string? raw)
    {
        var rule = Rules[id];
        var text = InputText.Clean(raw);
        var length = InputText.Length(text);
        var errors = new List<FieldError>();
        void Fail(string message) => errors.Add(new FieldError(id, message));

        switch (rule.Kind)
        {
            case Kind.Title:
                if (length is < InputText.TitleMin or > InputText.TitleMax)
                {
                    Fail($"{rule.Label} must be {InputText.TitleMin}–{InputText.TitleMax} characters (you wrote {length}).");
                }
                else if (!InputText.IsOneLine(text))
                {
                    Fail($"{rule.Label} must be one line.");
                }

                break;
            case Kind.FreeText:
                if (length > InputText.FreeTextMax)
                {
                    Fail($"{rule.Label} must be at most {InputText.FreeTextMax} characters (you wrote {length}).");
                }

                break;
            case Kind.ShortText:
                if (length > ShortTextMax)
                {
                    Fail($"{rule.Label} must be at most {ShortTextMax} characters (you wrote {length}).");
                }
                else if (!InputText.IsOneLine(text))
                {
                    Fail($"{rule.Label} must be one line.");
                }

                break;
            case Kind.Choice:
                if (text.Length > 0 && MatchChoice(text, rule.Choices!) is null)
                {
                    Fail($"{rule.Label} must be one of: {string.Join(", ", rule.Choices!)} (you chose \"{Shorten(text)}\").");
                }

                break;
            case Kind.Percent:
                if (text.Length > 0 && ParsePercent(text) is null)
                {
                    Fail($"{rule.Label} must be a number from 0 to 100 (you wrote \"{Shorten(text)}\").");
                }

                break;
            case Kind.Links:
                if (length > InputText.FreeTextMax)
                {
                    Fail($"{rule.Label} must be at most {InputText.FreeTextMax} characters (you wrote {length}).");
                }
                else if (SplitList(text).FirstOrDefault(l => !IsWebAddress(l)) is { } bad)
                {
                    Fail($"{rule.Label} must be web addresses starting with http:// or https:// (\"{Shorten(bad)}\" is not).");
                }

                break;
            case Kind.Touches:
                var parts = SplitList(text);
                if (parts.Count == 0)
                {
                    Fail($"{rule.Label} must name at least one stream the incident touches: {string.Join(", ", rule.Choices!)}.");
                }
                else if (parts.FirstOrDefault(p => MatchChoice(p, rule.Choices!) is null) is { } unknown)
                {
                    Fail($"{rule.Label} must list only {string.Join(", ", rule.Choices!)} (you wrote \"{Shorten(unknown)}\").");
                }

                break;
        }

        return errors;
    }

    /// <summary>The lever a (valid) field value names; empty means unknown.</summary>
    public static ModelLever ParseLever(string? value)
    {
        var match = MatchChoice(InputText.Clean(value), [.. LeverChoices.Select(c => c.Value)]);
        return match is null ? ModelLever.Unknown : LeverChoices.First(c => c.Value == match).Lever;
    }

    /// <summary>The frequency a (valid) field value names; empty means "sometimes", the unknown middle.</summary>
    public static BugFrequency ParseFrequency(string? value)
    {
        var match = MatchChoice(InputText.Clean(value), [.. FrequencyChoices.Select(c => c.Value)]);
        return match is null ? BugFrequency.Sometimes : FrequencyChoices.First(c => c.Value == match).Frequency;
    }

    /// <summary>The streams a (valid) touches value names, without duplicates, in model-bug-feature order.</summary>
    public static IReadOnlyList<WorkStream> ParseTouches(string? value)
    {
        var names = SplitList(InputText.Clean(value))
            .Select(p => MatchChoice(p, [.. TouchesChoices.Select(c => c.Value)]))
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        return [.. TouchesChoices.Where(c => names.Contains(c.Value)).Select(c => c.Stream)];
    }

    /// <summary>The web addresses in a (valid) link value.</summary>
    public static IReadOnlyList<string> ParseLinks(string? value) => SplitList(InputText.Clean(value));

    /// <summary>0–100, with an optional trailing % sign; null when empty or invalid.</summary>
    public static double? ParsePercent(string? value)
    {
        var text = InputText.Clean(value).TrimEnd('%').TrimEnd();
        if (text.Length == 0
            || !double.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            || double.IsNaN(number) || number is < 0 or > 100)
        {
            return null;
        }

        return number;
    }

    /// <summary>The field value of a lever, frequency or stream, as forms and history show it.</summary>
    public static string ValueOf(ModelLever lever) => LeverChoices.First(c => c.Lever == lever).Value;

    public static string ValueOf(BugFrequency frequency) => FrequencyChoices.First(c => c.Frequency == frequency).Value;

    public static string ValueOf(IReadOnlyList<WorkStream> touches) =>
        string.Join(",", touches.Select(t => TouchesChoices.First(c => c.Stream == t).Value));

    public static string StreamName(WorkStream stream) => stream.ToString().ToLowerInvariant();

    // Case, spaces, dashes and underscores are ignored so "Fine-tune" and "fine_tune" both mean fineTune.
    private static string? MatchChoice(string text, IReadOnlyList<string> choices)
    {
        var key = Normalize(text);
        return choices.FirstOrDefault(c => Normalize(c) == key);
    }

    private static string Normalize(string s) =>
        new([.. s.Where(ch => ch is not (' ' or '-' or '_')).Select(char.ToLowerInvariant)]);

    private static List<string> SplitList(string text) =>
        [.. text.Split([',', ' ', '\n', '\r', '\t', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private static bool IsWebAddress(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && !string.IsNullOrEmpty(uri.Host);

    // Echoing a 3,000-character paste back in an error helps nobody.
    private static string Shorten(string text) => text.Length <= 40 ? text : text[..39] + "…";
}
