using System.Text.Json;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>
/// What an intake form carries between opening and submitting: the message it came from, where to confirm, and an id
/// of this form, so submitting it again (after an error, or delivered twice) finishes one item instead of making two.
/// </summary>
/// <remarks><c>Kept</c>: what was typed into another stream's fields, carried so switching back restores it.</remarks>
/// <remarks><c>Backlogs</c>: the backlogs to choose from, for someone in several reporting from a place bound to none.</remarks>
/// <remarks><c>DuplicatesChecked</c>, <c>Similar</c>, <c>SimilarIn</c>: the form already showed possible duplicates, which item numbers, of which backlog.</remarks>
internal sealed record IntakeContext(MessageSource? Source, string? ThreadId, WorkStream Stream = WorkStream.Bug, string? Id = null,
    IReadOnlyDictionary<string, string>? Kept = null, IReadOnlyList<Choice>? Backlogs = null)
{
    public bool DuplicatesChecked { get; init; }

    public IReadOnlyList<int>? Similar { get; init; }

    /// <summary>The backlog whose items <see cref="Similar"/> numbers (null in forms opened before it was recorded).</summary>
    public string? SimilarIn { get; init; }

    /// <summary>How many backlogs the form offers (the form's context must stay small).</summary>
    public const int MaxBacklogChoices = 10;

    public static IntakeContext New(RequestContext c, MessageSource? source, string? threadId, WorkStream stream) =>
        new(source, threadId, stream, Guid.NewGuid().ToString("N"), Backlogs: c.Backlog is null && c.Choices.Count > 1
            ? [.. c.Choices.Take(MaxBacklogChoices).Select(b => new Choice(b.Id, $"{b.Name} ({b.KeyPrefix})"))]
            : null);
}

/// <summary>The intake form: built for a request, redrawn for another stream, and its context carried through the platform.</summary>
internal static class IntakeForms
{
    /// <summary>The form redrawn for the stream now chosen, with every value typed so far and no errors.</summary>
    /// <remarks>
    /// Values of fields the new stream does not have travel in the form's context (so switching back restores them) while
    /// they fit in a small budget; beyond it those fields stay on the form, so nothing typed ever disappears.
    /// </remarks>
    public static FormErrorsOutcome SwitchedStream(RequestContext c, IntakeContext intake, IReadOnlyDictionary<string, string> values)
    {
        var stream = ParseStream(values, intake.Stream);
        var all = new Dictionary<string, string>(intake.Kept ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (k, v) in values)
        {
            all[k] = v;
        }

        var shown = new HashSet<string>(FieldIds.ForStream(stream), StringComparer.Ordinal) { Forms.StreamField, Forms.BacklogField };
        var streamFields = Enum.GetValues<WorkStream>().SelectMany(FieldIds.ForStream).ToHashSet(StringComparer.Ordinal);
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        var alsoShow = new List<string>();
        foreach (var (k, v) in all.Where(kv => !shown.Contains(kv.Key) && streamFields.Contains(kv.Key) && !string.IsNullOrWhiteSpace(kv.Value)).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            kept[k] = v;
            if (JsonSerializer.Serialize(kept, CoreJson.Options).Length > MaxKeptCharacters)
            {
                kept.Remove(k);
                alsoShow.Add(k);
            }
        }

        var formValues = all.Where(kv => shown.Contains(kv.Key) || alsoShow.Contains(kv.Key)).ToDictionary(StringComparer.Ordinal);
        var next = intake with { Stream = stream, Kept = kept.Count == 0 ? null : kept };
        var form = Forms.Intake(stream, formValues, null, EncodeIntake(next), successMetric: Permissions.Allows(c.Role, Permission.SetSuccessMetric), alsoShow: alsoShow, backlogs: next.Backlogs);
        return new FormErrorsOutcome(form with { Intro = $"Now showing the {ItemCards.StreamName(stream).ToLowerInvariant()} fields." });
    }

    /// <summary>How much typed text (as JSON) of other streams' fields the form's context carries (Slack's private_metadata holds 3,000).</summary>
    private const int MaxKeptCharacters = 800;

    public static WorkStream ParseStream(IReadOnlyDictionary<string, string> values, WorkStream fallback = WorkStream.Bug) =>
        values.TryGetValue(Forms.StreamField, out var s) && TryStream(s, out var stream) ? stream : fallback;

    public static FormView IntakeForm(RequestContext c, IntakeContext intake, IReadOnlyDictionary<string, string>? values = null, IReadOnlyList<FieldError>? errors = null) =>
        Forms.Intake(intake.Stream, values, errors, EncodeIntake(intake), successMetric: Permissions.Allows(c.Role, Permission.SetSuccessMetric), backlogs: intake.Backlogs);

    /// <summary>A backlog to report into, or several to choose from in the form; otherwise the refusal that says how to join one.</summary>
    public static void RequireBacklogOrChoice(RequestContext c)
    {
        if (c.Backlog is null && c.Choices.Count < 2)
        {
            c.RequireBacklog();
        }
    }

    public static bool TryStream(string value, out WorkStream stream) =>
        Enum.TryParse(value, ignoreCase: true, out stream) && Enum.IsDefined(stream) && !int.TryParse(value, out _);

    public static string EncodeIntake(IntakeContext intake) => "intake:" + JsonSerializer.Serialize(intake, CoreJson.Options);

    public static IntakeContext? DecodeIntake(string? argument)
    {
        if (argument is null || !argument.StartsWith("intake:", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            var decoded = JsonSerializer.Deserialize<IntakeContext>(argument["intake:".Length..], CoreJson.Options);
            // Links come back from the client: only keep web links, never script or chat-specific schemes.
            if (decoded?.Source?.Link is { } link && !(link.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || link.StartsWith("http://", StringComparison.OrdinalIgnoreCase)))
            {
                decoded = decoded with { Source = decoded.Source with { Link = null } };
            }

            return decoded;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
