using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Rubric;
using TriageBot.Core.Views;
using TriageBot.Core.Voting;

namespace TriageBot.Core.UseCases;

/// <summary>An item's clinic ballot: built from the stored votes, and refreshed wherever it was posted.</summary>
internal sealed class Ballots(UseCaseContext context)
{
    /// <summary>The logical name of an item's ballot message.</summary>
    public static string Ref(Item item) => $"ballot:{item.BacklogId}/{item.Number}";

    /// <summary>The name of the item's <paramref name="n"/>-th earlier ballot post (1-based), kept when a later clinic posted a new one.</summary>
    private static string EarlierRef(Item item, int n) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"ballot:{item.BacklogId}/{item.Number}@{n}");

    /// <summary>The name whose stored value counts the item's earlier ballot posts.</summary>
    private static string EarlierCountRef(Item item) => $"ballots:{item.BacklogId}/{item.Number}";

    /// <summary>
    /// The name of the item's ballot posted in the <paramref name="index"/>-th channel of one clinic (0-based): a clinic posts
    /// in every channel with the clinic role, and each post is kept true. The first keeps the name <see cref="Ref"/>.
    /// </summary>
    public static string PostRef(Item item, int index) =>
        index == 0 ? Ref(item) : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"ballot:{item.BacklogId}/{item.Number}#{index}");

    /// <summary>The name whose stored value counts the channels the item's current ballot was posted in.</summary>
    public static string PostCountRef(Item item) => $"ballotposts:{item.BacklogId}/{item.Number}";

    /// <summary>The names of the item's current ballot posts, one per channel of the clinic that posted them.</summary>
    private async Task<IReadOnlyList<string>> CurrentRefsAsync(Item item, CancellationToken ct)
    {
        var count = await context.Store.MessageRefs.GetAsync(PostCountRef(item), ct) is { } stored
            && int.TryParse(stored.PlatformMessageId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, 1, MaxChannels) : 1;
        return [.. Enumerable.Range(0, count).Select(i => PostRef(item, i))];
    }

    /// <summary>A stored channel count above this is not believed (a clinic posts in each channel with the clinic role).</summary>
    private const int MaxChannels = 1000;

    /// <summary>At most this many earlier ballots of one item are kept true (about a year of fortnightly clinics).</summary>
    private const int MaxEarlier = 26;

    /// <summary>How many earlier ballot posts the item has (their names are <see cref="EarlierRef"/> 1..n).</summary>
    private async Task<int> EarlierCountAsync(Item item, CancellationToken ct) =>
        await context.Store.MessageRefs.GetAsync(EarlierCountRef(item), ct) is { } count
        && int.TryParse(count.PlatformMessageId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? Math.Min(n, MaxEarlier) : 0;

    /// <summary>
    /// Before a later clinic posts the item's ballot again: the ballot posted so far (if it was sent) is kept under its own
    /// name, and an update is queued that closes it — it keeps showing the item's outcome but takes no more votes.
    /// </summary>
    public async Task KeepEarlierAsync(RequestContext c, Item item)
    {
        foreach (var current in await CurrentRefsAsync(item, c.Ct))
        {
            if (await context.Store.MessageRefs.GetAsync(current, c.Ct) is not { } posted || posted.PlatformMessageId.Length == 0)
            {
                continue;
            }

            var n = await EarlierCountAsync(item, c.Ct);
            // Beyond the cap the last name is reused: the post it named before was closed already and keeps what it last said.
            var slot = n < MaxEarlier ? n + 1 : MaxEarlier;
            var name = EarlierRef(item, slot);
            await context.Store.MessageRefs.SetManyAsync(
                [(name, posted.Where, posted.PlatformMessageId), (EarlierCountRef(item), posted.Where, slot.ToString(System.Globalization.CultureInfo.InvariantCulture))], c.Ct);
            await context.EnqueueAsync(c, OutboxKind.Update, posted.Where, new LiveBallotView(item.BacklogId, item.Number) { Earlier = true }, messageRef: name);
        }
    }

    /// <summary>The ballot as it stands: who voted (never how) until reveal; then every vote, medians, spread; then the outcome.</summary>
    public async Task<BallotView> BuildAsync(RequestContext c, Item item, bool earlier = false)
    {
        var ballot = await BuildCurrentAsync(c, item);
        // An earlier clinic's post: the outcome as it stands, no way to vote there (and, in Teams, no per-person refresh).
        return earlier && ballot.Final is null
            ? ballot with { Actions = [new(ButtonIds.Show, "Show item", ballot.Item.Ref)], InlineVote = null, ClosedNote = Wording.BallotMovedOn }
            : ballot;
    }

    private async Task<BallotView> BuildCurrentAsync(RequestContext c, Item item)
    {
        var votes = await context.Store.Votes.ListAsync(item.BacklogId, item.Number, item.Round, c.Ct);
        var counted = votes.GroupBy(v => v.Voter.Key).Select(g => g.MaxBy(v => v.At)!).OrderBy(v => v.At).ToList();
        var finalized = item.Score?.Round == item.Round ? item.Score : null;
        var summary = context.Summarize(c, item);
        var members = await context.Store.Members.ListAsync(item.BacklogId, c.Ct);
        var ballot = new BallotView(summary, item.Round, [.. counted.Select(v => v.Voter)])
        {
            Facilitators = [.. members.Where(m => m.Role == Backlogs.Role.Facilitator).Select(m => m.User)],
        };
        TallyResult? tally = null;
        if ((item.RoundRevealed || finalized is not null) && counted.Count > 0)
        {
            tally = Tally.Compute(counted);
            ballot = ballot with
            {
                Revealed = true,
                Votes = [.. counted.Select(v => new BallotVoteLine(v.Voter, v.Scores, v.Reasons))],
                Results = tally.Results,
                ImpliedTotal = tally.ImpliedTotal,
            };
        }

        if (finalized is not null)
        {
            return ballot with
            {
                Final = finalized,
                Overrides = tally is null ? [] : [.. RubricRules.Dimensions.Where(d => finalized.Scores[d] != tally.Medians[d]).Select(d => new ScoreOverride(d, tally.Medians[d], finalized.Scores[d]))],
                Consequences = RubricRules.Consequences(finalized.Scores, item.Stream),
                Actions = [new(ButtonIds.Show, "Show item", summary.Ref)],
            };
        }

        // A re-scoring round: the earlier result is for reference once the votes are revealed, never before (it would anchor them).
        var rescoring = item.Score is { } previous && previous.Round < item.Round;
        return ballot with
        {
            Previous = rescoring && item.RoundRevealed ? item.Score : null,
            InlineVote = Forms.InlineVote(summary, item.Round),
            Actions =
            [
                new(ButtonIds.Vote, "Vote", summary.Ref, ButtonStyle.Primary),
                new(ButtonIds.Reveal, "Reveal", summary.Ref),
                new(ButtonIds.Finalize, "Finalize", summary.Ref),
                .. rescoring ? [new ActionButton(ButtonIds.KeepScore, Wording.KeepScores, summary.Ref)] : Array.Empty<ActionButton>(),
            ],
        };
    }

    /// <summary>Queues an update of the item's clinic ballot, if one was posted; the update renders live state when sent.</summary>
    public async Task RefreshAsync(RequestContext c, Item item)
    {
        foreach (var name in await CurrentRefsAsync(item, c.Ct))
        {
            if (await context.Store.MessageRefs.GetAsync(name, c.Ct) is { } p)
            {
                await context.EnqueueAsync(c, OutboxKind.Update, p.Where, new LiveBallotView(item.BacklogId, item.Number), messageRef: name);
            }
        }

        var earlier = await EarlierUpdatesAsync(c, item);
        if (earlier.Count > 0)
        {
            await context.Store.Outbox.EnqueueManyAsync(earlier, c.Ct);
            context.Notify();
        }
    }

    /// <summary>The updates of the item's earlier clinics' ballots, so each shows what became of it.</summary>
    private async Task<List<OutboxMessage>> EarlierUpdatesAsync(RequestContext c, Item item)
    {
        var messages = new List<OutboxMessage>();
        var count = await EarlierCountAsync(item, c.Ct);
        for (var n = 1; n <= count; n++)
        {
            var name = EarlierRef(item, n);
            if (await context.Store.MessageRefs.GetAsync(name, c.Ct) is { } post)
            {
                messages.Add(UseCaseContext.NewOutbox(c, OutboxKind.Update, post.Where, new LiveBallotView(item.BacklogId, item.Number) { Earlier = true }, messageRef: name));
            }
        }

        return messages;
    }

    /// <summary>The update of the item's clinic ballot, if one was posted, for a change to write with the item (none otherwise).</summary>
    public async Task<IReadOnlyList<OutboxMessage>> RefreshMessagesAsync(RequestContext c, Item item)
    {
        var messages = new List<OutboxMessage>();
        foreach (var name in await CurrentRefsAsync(item, c.Ct))
        {
            if (await context.Store.MessageRefs.GetAsync(name, c.Ct) is { } p)
            {
                messages.Add(UseCaseContext.NewOutbox(c, OutboxKind.Update, p.Where, new LiveBallotView(item.BacklogId, item.Number), messageRef: name));
            }
        }

        messages.AddRange(await EarlierUpdatesAsync(c, item));

        // Posts stay true: the intake confirmation and the capability-note request are rebuilt from the item when sent.
        var itemRef = $"{item.BacklogId}/{item.Number}";
        foreach (var kind in (string[])[LiveItemPostView.Created, LiveItemPostView.NoteRequest])
        {
            var name = LiveItemPostView.Ref(kind, itemRef);
            if (await context.Store.MessageRefs.GetAsync(name, c.Ct) is { } post)
            {
                messages.Add(UseCaseContext.NewOutbox(c, OutboxKind.Update, post.Where, new LiveItemPostView(item.BacklogId, item.Number, kind), messageRef: name));
            }
        }

        // The posted icebox sweep that lists the item: its row says what happened once the item is decided.
        messages.AddRange(await Sweeps.UpdatesAsync(context, c, item));
        return messages;
    }
}
