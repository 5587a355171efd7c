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

/// <summary>
/// A start refused because the item's stream is at its WIP limit (SPEC §12): names the active items and their
/// owners, and says how a facilitator overrides.
/// </summary>
public sealed class WipLimitReachedException(Item item, IReadOnlyList<Item> active, int limit)
    : RuleViolationException(Describe(item, active, limit))
{
    public IReadOnlyList<Item> Active { get; } = active;

    public int Limit { get; } = limit;

    private static string Describe(Item item, IReadOnlyList<Item> active, int limit)
    {
        var list = string.Join(", ", active.Select(i => $"{i.Key} ({i.Owner?.DisplayName ?? "no owner"})"));
        var stream = ItemValidation.StreamName(item.Stream);
        return $"The {stream} stream is at its WIP limit ({active.Count} active, limit {limit}): {list}. Finish one before starting {item.Key}, " +
            $"or a facilitator overrides with a written reason: `start {item.Key} override <reason>` " +
            $"(`start {item.Key} for @person override <reason>` starts it for someone else, who becomes its owner).";
    }
}
