using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Conversation;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>People's homes (Slack's App Home tab): opened by the channel, refreshed after what changes them.</summary>
public interface IHomes
{
    /// <summary>
    /// <paramref name="user"/> opened their home at <paramref name="where"/> (their conversation with the bot): it is
    /// remembered, so later changes refresh it, and queued to be published now.
    /// </summary>
    Task OpenedAsync(UserRef user, ConversationAddress where, CancellationToken ct);

    /// <summary>The home of <paramref name="user"/> as it stands.</summary>
    Task<HomeView> BuildAsync(UserRef user, CancellationToken ct);
}

/// <summary>
/// Builds homes from storage (<see cref="HomeViews.Build"/> over the facts of the person's backlogs) and queues their
/// refreshes: a live, coalesced outbox update per person who opened their home, so many changes in a row publish once.
/// </summary>
internal sealed class HomeUseCases(UseCaseContext context) : IHomes
{
    /// <summary>How far ahead the home looks for ceremonies.</summary>
    private static readonly TimeSpan CeremonyHorizon = TimeSpan.FromDays(15);

    private static readonly ItemState[] OpenStates = [ItemState.New, ItemState.Sprint, ItemState.Ready, ItemState.Icebox, ItemState.Active];

    /// <summary>
    /// How long who among a backlog's members has a home is remembered, so a request reads neither the roster nor one row per
    /// member (a home opened on another instance is refreshed at most this late; one opened here, at once).
    /// </summary>
    internal static readonly TimeSpan NoHomeRemembered = TimeSpan.FromMinutes(1);

    // Per backlog: the Slack members who opened their home (usually none), and until when that is believed.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateTimeOffset Until, UserRef[] WithHome)> _homesOf = new(StringComparer.Ordinal);

    // Moves on when a home is opened here, so a lookup that started before it is not remembered.
    private long _opened;

    public async Task OpenedAsync(UserRef user, ConversationAddress where, CancellationToken ct)
    {
        var name = LiveHomeView.Ref(user.Platform, user.UserId);
        await context.Store.MessageRefs.SetAsync(name, where with { UserId = user.UserId }, "home", ct);
        Interlocked.Increment(ref _opened);
        _homesOf.Clear();
        await EnqueueAsync(user, name, ct);
        context.Notify();
    }

    public async Task<HomeView> BuildAsync(UserRef user, CancellationToken ct)
    {
        var now = context.Time.GetUtcNow();
        var facts = new List<HomeBacklogFacts>();
        await foreach (var backlog in context.Store.Backlogs.ListAsync(ct))
        {
            if (await context.Store.Members.GetAsync(backlog.Id, user.Key, ct) is not { } member)
            {
                continue;
            }

            var system = RequestContext.System(backlog, now, ct);
            var items = new List<(Item, ItemSummary)>();
            var posted = new HashSet<int>();
            var voted = new HashSet<int>();
            await foreach (var item in context.Store.Items.QueryAsync(new ItemQuery(backlog.Id) { States = OpenStates }, ct))
            {
                items.Add((item, context.Summarize(system, item)));
                if (item.Score?.Round != item.Round && await context.Store.MessageRefs.GetAsync(Ballots.Ref(item), ct) is not null)
                {
                    posted.Add(item.Number);
                    var votes = await context.Store.Votes.ListAsync(backlog.Id, item.Number, item.Round, ct);
                    if (votes.Any(v => v.Voter.Key == user.Key))
                    {
                        voted.Add(item.Number);
                    }
                }
            }

            var zone = IanaZone.Find(backlog.TimeZone);
            var next = CeremonyCalendar.Occurrences(CeremonyCalendar.InForce(backlog, zone), zone, now, now + CeremonyHorizon)
                .GroupBy(o => o.Kind).Select(g => g.OrderBy(o => o.At).First()).ToList();
            facts.Add(new HomeBacklogFacts(backlog, member.Role, items) { BallotsPosted = posted, Voted = voted, NextCeremonies = next });
        }

        return HomeViews.Build(user, now, facts);
    }

    /// <summary>
    /// After a request that may have changed what homes show: a refresh for every member (on a platform with homes) of
    /// the request's backlog, or of the actor's backlogs when the place names none, who opened their home.
    /// </summary>
    public async Task RefreshAfterAsync(Interaction interaction, CancellationToken ct)
    {
        var backlogIds = new HashSet<string>(StringComparer.Ordinal);
        var binding = await context.Store.Bindings.GetAsync(interaction.Place.Platform, interaction.Place.Workspace, interaction.Place.ChannelId, ct);
        if (binding is { Active: true })
        {
            backlogIds.Add(binding.BacklogId);
        }
        else
        {
            await foreach (var backlog in context.Store.Backlogs.ListAsync(ct))
            {
                if (await context.Store.Members.GetAsync(backlog.Id, interaction.Actor.Key, ct) is not null)
                {
                    backlogIds.Add(backlog.Id);
                }
            }
        }

        var now = context.Time.GetUtcNow();
        var queued = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in backlogIds)
        {
            if (!_homesOf.TryGetValue(id, out var known) || known.Until <= now)
            {
                var opened = Interlocked.Read(ref _opened);
                known = (now + NoHomeRemembered, await WithHomeAsync(id, ct));
                if (Interlocked.Read(ref _opened) == opened)
                {
                    _homesOf[id] = known;
                }
            }

            foreach (var person in known.WithHome)
            {
                if (queued.Add(person.Key))
                {
                    await EnqueueAsync(person, LiveHomeView.Ref(person.Platform, person.UserId), ct);
                }
            }
        }

        if (queued.Count > 0)
        {
            context.Notify();
        }
    }

    /// <summary>How far ahead the home looks for ceremonies (for <see cref="HomeWatch"/>).</summary>
    internal static TimeSpan Horizon => CeremonyHorizon;

    // The print (HomeWatch.Print) of the home last sent from this instance, by home ref.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> sentPrints = new(StringComparer.Ordinal);

    /// <summary>The print of the home last sent from this instance to <paramref name="name"/>; null when none was.</summary>
    internal string? LastSent(string name) => sentPrints.GetValueOrDefault(name);

    /// <summary>The delivery worker is sending <paramref name="home"/>: remembered, so an unchanged home is not queued again.</summary>
    internal void Sending(HomeView home) => sentPrints[LiveHomeView.Ref(home.Viewer.Platform, home.Viewer.UserId)] = HomeWatch.Print(home);

    /// <summary>The backlog's Slack members who opened their home: the roster and one message ref per member read.</summary>
    private async Task<UserRef[]> WithHomeAsync(string backlogId, CancellationToken ct)
    {
        var withHome = new List<UserRef>();
        foreach (var member in await context.Store.Members.ListAsync(backlogId, ct))
        {
            if (member.User.Platform == Platform.Slack
                && await context.Store.MessageRefs.GetAsync(LiveHomeView.Ref(member.User.Platform, member.User.UserId), ct) is not null)
            {
                withHome.Add(member.User);
            }
        }

        return [.. withHome];
    }

    internal Task EnqueueAsync(UserRef user, string name, CancellationToken ct)
    {
        var now = context.Time.GetUtcNow();
        return context.Store.Outbox.EnqueueAsync(new OutboxMessage
        {
            Id = $"{now:yyyyMMddHHmmssfff}-home-{Guid.NewGuid():N}",
            Kind = OutboxKind.Update,
            Target = new ConversationAddress { Platform = user.Platform, Workspace = "", ChannelId = "", UserId = user.UserId },
            Payload = OutboxViews.Payload(new LiveHomeView(user.Platform, user.UserId, user.DisplayName)),
            Live = true,
            MessageRef = name,
            CreatedAt = now,
            NextAttemptAt = now,
        }, ct);
    }
}

/// <summary>The conversation, followed by a refresh of the homes the request may have changed (best effort: never fails the request).</summary>
internal sealed class HomeRefreshingConversation(IConversation inner, HomeUseCases homes) : IConversation
{
    public async Task<Outcome> HandleAsync(Interaction interaction, CancellationToken ct)
    {
        var outcome = await inner.HandleAsync(interaction, ct);
        if (interaction.Intent is FormRefreshIntent || outcome is NoOutcome || outcome is ReplyOutcome { View: TextView { Tone: Tone.Error } })
        {
            return outcome;
        }

        try
        {
            await homes.RefreshAfterAsync(interaction, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The request is done and must not be reported as failed for this: a home is refreshed again by the next
            // change, or when its owner opens it.
        }

        return outcome;
    }
}

/// <summary>The live-view resolver, which also builds homes.</summary>
internal sealed class HomeViewResolver(IViewResolver inner, HomeUseCases homes) : IViewResolver
{
    public async Task<View?> ResolveAsync(View view, CancellationToken ct)
    {
        if (view is not LiveHomeView home)
        {
            return await inner.ResolveAsync(view, ct);
        }

        var built = await homes.BuildAsync(new UserRef(home.Platform, home.UserId, home.DisplayName), ct);
        homes.Sending(built);
        return built;
    }
}
