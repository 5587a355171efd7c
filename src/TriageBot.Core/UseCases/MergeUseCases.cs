using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>
/// <c>merge TRI-31 into TRI-12</c> (facilitators): closes the duplicate with the rationale "duplicate of TRI-12" and moves
/// to TRI-12 its reporter (a history entry in their name), its links and source link, and its comments (copied with their
/// authors). Both items keep their own history; TRI-12's gains a "merged" entry naming TRI-31.
/// </summary>
internal sealed class MergeUseCases(UseCaseContext context) : IUseCase
{
    public void Register(Handlers h) => h.OnCommand<MergeCommand>(MergeAsync);

    private async Task<Outcome> MergeAsync(RequestContext c, MergeCommand cmd)
    {
        Permissions.Require(c.Role, Permission.Close, "merge items");
        var duplicate = await context.LoadAsync(c, cmd.DuplicateKey);
        var target = await context.LoadAsync(c, cmd.IntoKey);
        if (duplicate.Number == target.Number)
        {
            return Answers.Error($"{duplicate.Key} cannot be merged into itself.");
        }

        if (!RuleSupport.IsOpen(target.State))
        {
            return Answers.Error($"{target.Key} is {target.State.ToString().ToLowerInvariant()}: merge into an open item.");
        }

        if (!RuleSupport.IsOpen(duplicate.State))
        {
            return Answers.Error($"{duplicate.Key} is already {duplicate.State.ToString().ToLowerInvariant()}.");
        }

        var comments = new List<HistoryEntry>();
        await foreach (var entry in context.Store.History.ForItemAsync(duplicate.BacklogId, duplicate.Number, c.Ct))
        {
            if (entry.Kind == HistoryKind.Commented)
            {
                comments.Add(entry);
            }
        }

        // The duplicate is closed first: if it cannot be (changed meanwhile), nothing moved.
        await context.UpdateAsync(c, duplicate.Number, item => Task.FromResult(WorkRules.Close(item, $"duplicate of {target.Key}", c.Actor, c.Now)));
        var saved = await context.UpdateAsync(c, target.Number, item => Task.FromResult(Absorb(item, duplicate, comments, c)));
        return Answers.Info($"{duplicate.Key} is closed as a duplicate of {saved.Key}; its reporter, links and {comments.Count} comment(s) moved to {saved.Key}.", Tone.Success);
    }

    private static ItemChange Absorb(Item item, Item duplicate, IReadOnlyList<HistoryEntry> comments, RequestContext c)
    {
        var entries = new List<HistoryEntry>
        {
            Entry(item, c.Actor, c, "merged", duplicate.Key, $"{duplicate.Key} merged in: {duplicate.Title}" + (duplicate.Description.Length == 0 ? "" : "\n" + duplicate.Description)),
            // The duplicate's reporter is now a reporter of this item too, in their name.
            Entry(item, duplicate.Reporter, c, "reporter", duplicate.Reporter.Key,
                $"Also reported as {duplicate.Key}" + (duplicate.Source?.Link is { } source ? $" ({source})" : "")),
        };
        entries.AddRange(comments.Select(comment => Entry(item, comment.Actor, c, comment.Field ?? "comment", comment.To, comment.Reason ?? "")));
        for (var i = 0; i < entries.Count; i++)
        {
            entries[i] = entries[i] with { Sequence = item.HistoryCount + i };
        }

        var links = item.Links.Concat(duplicate.Links).Concat(duplicate.Source?.Link is { } l ? [l] : [])
            .Where(x => x != item.Source?.Link).Distinct(StringComparer.Ordinal).ToList();
        return new ItemChange(item with { Links = links, HistoryCount = item.HistoryCount + entries.Count }, entries);
    }

    private static HistoryEntry Entry(Item item, UserRef actor, RequestContext c, string field, string? to, string reason) => new()
    {
        BacklogId = item.BacklogId,
        ItemNumber = item.Number,
        Stream = item.Stream,
        At = c.Now,
        Actor = actor,
        Kind = HistoryKind.Commented,
        Field = field,
        To = to,
        Reason = reason,
    };
}
