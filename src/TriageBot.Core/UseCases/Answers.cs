using System.Globalization;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>The one-line answers every use case gives, and reading submitted form values.</summary>
internal static class Answers
{
    public static ReplyOutcome Error(string message) => new(new TextView(message, Tone.Error));

    public static ReplyOutcome Info(string message, Tone tone = Tone.Info) => new(new TextView(message, tone));

    /// <summary>A submitted value, trimmed; empty when the form did not send it.</summary>
    public static string Value(FormSubmitIntent f, string id) => f.Values.TryGetValue(id, out var v) ? v.Trim() : "";

    public static int ParseInt(FormSubmitIntent f, string id, int min, int max) =>
        int.TryParse(Value(f, id), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new FormFieldException(new FieldError(id, $"Enter a whole number from {min} to {max}."));
}

/// <summary>One refused form value, raised while reading a submission.</summary>
internal sealed class FormFieldException(FieldError error) : RuleViolationException(error.Message)
{
    public FieldError Error { get; } = error;
}
