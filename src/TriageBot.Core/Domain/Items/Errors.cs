namespace TriageBot.Core.Items;

/// <summary>One refused input: the field (form field id) and the rule it broke, in words a person reads.</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>A request refused by a domain rule; the message says which rule and, where useful, what to do.</summary>
public class RuleViolationException(string message) : Exception(message);

/// <summary>Input refused by the input rules; carries every field error at once.</summary>
public sealed class ValidationException(IReadOnlyList<FieldError> errors)
    : RuleViolationException(string.Join(" ", errors.Select(e => e.Message)))
{
    public IReadOnlyList<FieldError> Errors { get; } = errors;
}

/// <summary>An actor without the role a command needs.</summary>
public sealed class NotAllowedException(string message) : RuleViolationException(message);
