using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Items;
using TriageBot.Core.Ports;
using TriageBot.Core.Views;

namespace TriageBot.Core.UseCases;

/// <summary>
/// Refreshes homes for what changes outside requests, on a timer (<see cref="TickAsync"/>, every debounce window):
/// a backlog is looked at when the write path recorded a domain event for one of its items (any path: chat, the CLI
/// import, a tracker webhook, a restore), when the scheduler claimed a ceremony, reminder, nudge or clinic summary of it
/// (clinic ballots, capability-note nudges), when its next ceremonies moved (a schedule changed, one took place), or
/// when a timebox of it came within <see cref="HomeViews.TimeboxHorizon"/> of its end or ended. For the Slack members of
/// such a backlog who opened their home, the home is built, and queued only when it differs from the one last sent
/// from this instance; each person at most once per window (a later change waits for the next window).
/// </summary>
public sealed class HomeWatch
{
    /// <summary>Ballots and other posts claimed this long ago may still be on their way to Slack: their backlog is looked at again.</summary>
    internal static readonly TimeSpan Settling = TimeSpan.FromMinutes(5);

    private readonly UseCaseContext context;
    private readonly HomeUseCases homes;
    private readonly Dictionary<string, string> ceremonyPrints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> lastQueued = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UserRef> waiting = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim oneTick = new(1, 1);
    private DateTimeOffset? lastTick;

    internal HomeWatch(UseCaseContext context, HomeUseCases homes)
    {
        this.context = context;
        this.homes = homes;
    }

    /// <summary>A person's home is queued at most once per this window (and the timer ticks at this pace).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>One pass; returns the people whose home it queued. The first pass after a start only notes where things stand.</summary>
    public async Task<IReadOnlyList<UserRef>> TickAsync(CancellationToken ct)
    {
        await oneTick.WaitAsync(ct);
        try
        {
            var now = context.Time.GetUtcNow();
            var since = lastTick ?? now;
            var people = new Dictionary<string, UserRef>(waiting, StringComparer.Ordinal);
            waiting.Clear();
            await foreach (var backlog in context.Store.Backlogs.ListAsync(ct))
            {
                if (await ChangedAsync(backlog, since, now, ct) && lastTick is not null)
                {
                    foreach (var member in await context.Store.Members.ListAsync(backlog.Id, ct))
                    {
                        if (member.User.Platform == Platform.Slack)
                        {
                            people.TryAdd(member.User.Key, member.User);
                        }
                    }
                }
            }

            lastTick = now;
            var queued = new List<UserRef>();
            foreach (var person in people.Values)
            {
                var name = LiveHomeView.Ref(person.Platform, person.UserId);
                if (lastQueued.TryGetValue(name, out var at) && now - at < Window)
                {
                    waiting[person.Key] = person;
                    continue;
                }

                if (await context.Store.MessageRefs.GetAsync(name, ct) is null
                    || homes.LastSent(name) == Print(await homes.BuildAsync(person, ct)))
                {
                    continue;
                }

                await homes.EnqueueAsync(person, name, ct);
                lastQueued[name] = now;
                queued.Add(person);
            }

            if (queued.Count > 0)
            {
                context.Notify();
            }

            return queued;
        }
        finally
        {
            oneTick.Release();
        }
    }

    /// <summary>What a home shows, without the moment it was built and the name it was asked for by: equal prints, nothing to publish.</summary>
    internal static string Print(HomeView home) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(home with { At = default, Viewer = home.Viewer with { DisplayName = "" } }))));

    private async Task<bool> ChangedAsync(Backlog backlog, DateTimeOffset since, DateTimeOffset now, CancellationToken ct)
    {
        var changed = false;
        if (IanaZone.TryFind(backlog.TimeZone, out var zone, out _))
        {
            var next = string.Join('|', CeremonyCalendar.Occurrences(CeremonyCalendar.InForce(backlog, zone), zone, now, now + HomeUseCases.Horizon)
                .GroupBy(o => o.Kind).Select(g => g.OrderBy(o => o.At).First()).OrderBy(o => o.At).Select(o => $"{o.Kind}@{o.At:O}"));
            changed |= ceremonyPrints.TryGetValue(backlog.Id, out var before) && before != next;
            ceremonyPrints[backlog.Id] = next;
        }

        if (changed || since >= now)
        {
            return changed;
        }

        // Overlapping the last window: an event written by a request that began before the last tick is not missed.
        await foreach (var _ in context.Store.Events.ReadAsync(backlog.Id, since - Window, now + TimeSpan.FromTicks(1), ct))
        {
            return true;
        }

        await foreach (var entry in context.Store.Ledger.ListAsync(backlog.Id, since - TimeSpan.FromDays(1), ct))
        {
            if (entry.ClaimedAt > since - Settling && entry.ClaimedAt <= now)
            {
                return true;
            }
        }

        await foreach (var item in context.Store.Items.QueryAsync(new ItemQuery(backlog.Id) { States = [ItemState.Active] }, ct))
        {
            if (item.Model?.Timebox is { } timebox && (Crossed(timebox.End - HomeViews.TimeboxHorizon, since, now) || Crossed(timebox.End, since, now)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Crossed(DateTimeOffset boundary, DateTimeOffset since, DateTimeOffset now) => boundary > since && boundary <= now;
}
