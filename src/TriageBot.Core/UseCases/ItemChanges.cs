using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>
/// The shape of every "change one item" request: check the role, load, apply a rule, and write the item with the update of
/// its clinic ballot (others see the change there) through the one write path; answer in one line.
/// </summary>
internal sealed class ItemChanges(UseCaseContext context, Ballots ballots)
{
    /// <summary>Loads, checks the role, applies a rule and saves with optimistic concurrency; answers in one line.</summary>
    public async Task<Outcome> ChangeAsync(RequestContext c, string? key, Permission permission, string what,
        Func<Item, DateTimeOffset, Task<ItemChange>> change, Func<Item, string> done)
    {
        Permissions.Require(c.Role, permission, what);
        var item = await context.LoadAsync(c, key);
        var saved = await context.UpdateAsync(c, item.Number, i => change(i, c.Now), await ballots.RefreshMessagesAsync(c, item));
        return Answers.Info(done(saved), Tone.Success);
    }

    /// <summary>Like <see cref="ChangeAsync"/> for a form: a refused value re-shows the form with what was typed.</summary>
    public async Task<Outcome> FormChangeAsync(RequestContext c, FormSubmitIntent f, Permission permission, string what,
        Func<Item, DateTimeOffset, ItemChange> change, Func<Item, IReadOnlyList<FieldError>, FormView> reshow, Func<Item, string> done)
    {
        var item = await context.LoadAsync(c, f.Argument);
        if (!Permissions.Allows(c.Role, permission))
        {
            // The form was opened while the person could (or the role changed since): what they typed comes back with the refusal.
            return new FormErrorsOutcome(reshow(item, [new FieldError(FirstField(reshow(item, [])), $"Only {Permissions.WhoMay(permission)} can {what}.")]));
        }

        try
        {
            var saved = await context.UpdateAsync(c, item.Number, i => Task.FromResult(change(i, c.Now)), await ballots.RefreshMessagesAsync(c, item));
            return new CloseFormOutcome(new TextView(done(saved), Tone.Success));
        }
        catch (ValidationException e)
        {
            return new FormErrorsOutcome(reshow(item, e.Errors));
        }
        catch (FormFieldException e)
        {
            return new FormErrorsOutcome(reshow(item, [e.Error]));
        }
        catch (RuleViolationException e) when (e is not NotAllowedException)
        {
            return new FormErrorsOutcome(reshow(item, [new FieldError(f.Values.Keys.FirstOrDefault() ?? FirstField(reshow(item, [])), e.Message)]));
        }
    }

    private static string FirstField(FormView form) => form.Fields.Count > 0 ? form.Fields[0].Id : "form";
}
