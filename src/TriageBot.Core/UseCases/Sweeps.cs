using System.Globalization;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Reports;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>
/// The icebox sweep that stays true (SPEC §6, issue 17): posted with a reference from each listed item to the posts that
/// list it, decided row by row in one dialog ("Decide…": close with a rationale, promote, keep with a reason, re-score),
/// and updated in place through the outbox whenever a listed item changes — from the sweep or from any other command.
/// </summary>
/// <remarks>
/// References live in <see cref="IMessageRefStore"/>: each post is <c>sweep:{backlog}:{ticks}#{i}</c> (its platform id once
/// sent), and each listed item has <c>sweeprow:{backlog}/{number}</c>, whose stored value names the sweep instead of a
/// platform message: <c>{ticks}|{posts}|{total}|{n1,n2,…}</c>, one such entry per sweep that listed the item (separated by
/// <c>;</c>, the latest <see cref="MaxSweepsPerRow"/>), so an item on an older and a newer sweep keeps both true.
/// </remarks>
internal sealed class Sweeps(UseCaseContext context, ItemChanges changes, ReportBuilder reports) : IUseCase
{
    public void Register(Handlers h)
    {
        h.OnAction(ButtonIds.SweepDecide, async (c, arg) =>
        {
            Permissions.Require(c.Role, Permission.Close, "decide icebox sweep items"); // before the dialog opens, never after the person typed
            return new OpenFormOutcome(SweepForms.Decide(context.Summarize(c, await context.LoadAsync(c, arg))));
        });
        h.OnForm(FormIds.SweepDecision, (c, f) =>
        {
            var decision = Answers.Value(f, SweepForms.DecisionField);
            var text = Answers.Value(f, SweepForms.TextField);
            return changes.FormChangeAsync(c, f, Permission.Close, "decide icebox sweep items",
                (item, now) => decision switch
                {
                    SweepForms.Close => WorkRules.Close(item, text, c.Actor, now),
                    SweepForms.Promote => QueueRules.Promote(item, c.Actor, now, string.IsNullOrWhiteSpace(text) ? null : text),
                    SweepForms.Keep => QueueRules.Keep(item, text, c.Actor, now),
                    SweepForms.Rescore => ScoringRules.RequestRescore(item, c.Actor, now, string.IsNullOrWhiteSpace(text) ? null : text),
                    _ => throw new ValidationException([new FieldError(SweepForms.DecisionField, "Pick a decision: close, promote, keep or re-score.")]),
                },
                (item, errors) => SweepForms.Decide(context.Summarize(c, item), f.Values, [.. errors.Select(e => e.Field is FieldIds.Reason ? e with { Field = SweepForms.TextField } : e)]),
                i => decision switch
                {
                    SweepForms.Close => $"{i.Key} is closed. Rationale recorded.",
                    SweepForms.Promote => $"{i.Key} moved to the ready queue.",
                    SweepForms.Keep => $"{i.Key} is kept out of the icebox sweep.",
                    _ => $"{i.Key} will be on the next clinic agenda for re-scoring.",
                });
        });
    }

    /// <summary>Posts the sweep as it stands now to each of <paramref name="channels"/>, with a reference from every listed item to the posts.</summary>
    /// <remarks>With an <paramref name="acknowledgement"/> (a command's answer) each post is that acknowledgement, updated into the sweep: one post.</remarks>
    public async Task PostAsync(Backlog backlog, IReadOnlyList<ConversationAddress> channels, DateTimeOffset now, bool late, CancellationToken ct, TextView? acknowledgement = null)
    {
        if (channels.Count == 0)
        {
            return;
        }

        var builder = new IceboxSweepBuilder(now);
        await foreach (var item in context.Store.Items.QueryAsync(new ItemQuery(backlog.Id) { States = [ItemState.Icebox], Outline = true }, ct))
        {
            builder.Add(item);
        }

        var sweep = builder.Build();
        var numbers = sweep.Items.Shown.Select(s => s.Item.Number).ToList();
        var posted = new Posted(now.UtcTicks, channels.Count, sweep.Items.Count, numbers);

        // Known before they are sent, so an update queued meanwhile waits for its post instead of being dropped. Each row keeps
        // the sweeps that listed it before, so their posts stay true too.
        var refs = channels.Select((channel, i) => (PostRef(backlog.Id, posted.Ticks, i), channel, "")).ToList();
        foreach (var n in numbers)
        {
            var earlier = await context.Store.MessageRefs.GetAsync(RowRef(backlog.Id, n), ct) is { } row ? Posted.ParseAll(row.PlatformMessageId) : [];
            var kept = earlier.Where(p => p.Ticks != posted.Ticks).TakeLast(MaxSweepsPerRow - 1).Append(posted);
            refs.Add((RowRef(backlog.Id, n), channels[0], string.Join(';', kept.Select(p => p.Format()))));
        }

        await context.Store.MessageRefs.SetManyAsync(refs, ct);

        var system = RequestContext.System(backlog, now, ct);
        var view = new LiveSweepView(backlog.Id, now, numbers, sweep.Items.Count) { Late = late };
        for (var i = 0; i < channels.Count; i++)
        {
            if (acknowledgement is not null)
            {
                await OnePost.QueueAsync(context, system, channels[i], acknowledgement, view, PostRef(backlog.Id, posted.Ticks, i));
            }
            else
            {
                await context.EnqueueAsync(system, OutboxKind.Post, channels[i], view, messageRef: PostRef(backlog.Id, posted.Ticks, i));
            }
        }
    }

    /// <summary>The updates of every posted sweep that lists <paramref name="item"/>, to write with its change (none when no sweep lists it).</summary>
    public static async Task<IReadOnlyList<OutboxMessage>> UpdatesAsync(UseCaseContext context, RequestContext c, Item item)
    {
        if (await context.Store.MessageRefs.GetAsync(RowRef(item.BacklogId, item.Number), c.Ct) is not { } row)
        {
            return [];
        }

        var messages = new List<OutboxMessage>();
        foreach (var posted in Posted.ParseAll(row.PlatformMessageId))
        {
            var view = new LiveSweepView(item.BacklogId, new DateTimeOffset(posted.Ticks, TimeSpan.Zero), posted.Numbers, posted.Total);
            for (var i = 0; i < posted.Posts; i++)
            {
                var name = PostRef(item.BacklogId, posted.Ticks, i);
                if (await context.Store.MessageRefs.GetAsync(name, c.Ct) is { } post)
                {
                    messages.Add(UseCaseContext.NewOutbox(c, OutboxKind.Update, post.Where, view, messageRef: name));
                }
            }
        }

        return messages;
    }

    /// <summary>The sweep as it reads now: each row open with its "Decide…", or decided with what happened and who did it.</summary>
    public async Task<View?> ResolveAsync(LiveSweepView live, CancellationToken ct)
    {
        var backlog = await context.Store.Backlogs.GetAsync(live.BacklogId, ct);
        if (backlog is null)
        {
            return null;
        }

        var rows = new List<SweepRow>();
        foreach (var number in live.Numbers)
        {
            if (await context.Store.Items.GetAsync(live.BacklogId, number, ct) is not { } found)
            {
                continue;
            }

            var item = found.Value;
            var entry = new SweepItem(item, ReportItems.StateSince(item), ReportItems.LastScored(item));
            if (SweepViews.Open(item, live.At))
            {
                rows.Add(new SweepRow(entry));
                continue;
            }

            var since = new List<HistoryEntry>();
            await foreach (var e in context.Store.History.ForItemAsync(live.BacklogId, number, ct))
            {
                if (e.At >= live.At)
                {
                    since.Add(e);
                }
            }

            rows.Add(new SweepRow(entry, SweepViews.Outcome(item, since)));
        }

        var view = SweepViews.Build(live.At, live.At.AddMonths(-IceboxSweepBuilder.Months), rows, live.Total);
        return reports.WithItemLinks(view, backlog.Value) with { DashboardUrl = context.DashboardUrl(backlog.Value), Late = live.Late };
    }

    /// <summary>The most sweeps one row reference remembers (two years of quarterly sweeps).</summary>
    private const int MaxSweepsPerRow = 8;

    private static string PostRef(string backlogId, long ticks, int index) => string.Create(CultureInfo.InvariantCulture, $"sweep:{backlogId}:{ticks}#{index}");

    private static string RowRef(string backlogId, int number) => string.Create(CultureInfo.InvariantCulture, $"sweeprow:{backlogId}/{number}");

    /// <summary>What a row reference stores: the sweep's instant, how many posts it went to, how many qualified, the listed numbers.</summary>
    private sealed record Posted(long Ticks, int Posts, int Total, IReadOnlyList<int> Numbers)
    {
        public string Format() => string.Create(CultureInfo.InvariantCulture, $"{Ticks}|{Posts}|{Total}|{string.Join(',', Numbers)}");

        /// <summary>Every entry of a row reference, oldest first; entries that do not parse are skipped.</summary>
        public static List<Posted> ParseAll(string value) =>
            [.. value.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(Parse).OfType<Posted>()];

        public static Posted? Parse(string value)
        {
            var parts = value.Split('|');
            var inv = CultureInfo.InvariantCulture;
            if (parts.Length != 4 || !long.TryParse(parts[0], NumberStyles.None, inv, out var ticks) || !int.TryParse(parts[1], NumberStyles.None, inv, out var posts)
                || !int.TryParse(parts[2], NumberStyles.None, inv, out var total))
            {
                return null;
            }

            var numbers = new List<int>();
            foreach (var n in parts[3].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                if (!int.TryParse(n, NumberStyles.None, inv, out var number))
                {
                    return null;
                }

                numbers.Add(number);
            }

            return new Posted(ticks, posts, total, numbers);
        }
    }
}
