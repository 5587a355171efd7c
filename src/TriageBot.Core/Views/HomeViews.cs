using TriageBot.Core.Backlogs;
using TriageBot.Core.Ceremonies;
using TriageBot.Core.Items;

namespace TriageBot.Core.Views;

/// <summary>
/// A person's home (Slack's App Home tab): what waits for them across the backlogs they belong to. Every list carries
/// the buttons that act on it, with the same action ids as everywhere else.
/// </summary>
public sealed record HomeView(UserRef Viewer, DateTimeOffset At) : View
{
    /// <summary>Ballots open in a clinic that this person has not voted in (this round).</summary>
    public IReadOnlyList<HomeEntry> Ballots { get; init; } = [];

    /// <summary>Items this person, an engineer of their backlog, is asked to write a capability note for.</summary>
    public IReadOnlyList<HomeEntry> NotesRequested { get; init; } = [];

    /// <summary>Open items this person owns or reported, with their state.</summary>
    public IReadOnlyList<HomeEntry> MyItems { get; init; } = [];

    /// <summary>Timeboxes of items this person owns that end within <see cref="HomeViews.TimeboxHorizon"/> (or already ended).</summary>
    public IReadOnlyList<HomeEntry> Timeboxes { get; init; } = [];

    /// <summary>The next ceremonies of this person's backlogs, soonest first.</summary>
    public IReadOnlyList<HomeCeremony> Ceremonies { get; init; } = [];

    /// <summary>The backlogs this person belongs to, by name (none: the home says how to join one).</summary>
    public IReadOnlyList<string> Backlogs { get; init; } = [];
}

/// <summary>One line of a home list: the item, what to say about it, and its buttons.</summary>
public sealed record HomeEntry(ItemSummary Item, string BacklogName, string Detail, IReadOnlyList<ActionButton> Actions);

/// <summary>One upcoming ceremony of a backlog, in the backlog's time zone.</summary>
public sealed record HomeCeremony(string BacklogName, string Name, DateTimeOffset At, string TimeZone);

/// <summary>
/// A person's home as a live view in the outbox: rendered from storage when it is sent, so of several refreshes queued
/// for one person, the one sent shows the latest state (and the others are dropped as duplicates of it).
/// </summary>
public sealed record LiveHomeView(Platform Platform, string UserId, string DisplayName) : View, ILiveView
{
    /// <summary>The logical message name of a person's home: set when they first open it, so only opened homes are refreshed.</summary>
    public static string Ref(Platform platform, string userId) => $"home:{platform.ToString().ToLowerInvariant()}:{userId}";
}

/// <summary>The facts about one of the person's backlogs that their home is built from.</summary>
public sealed record HomeBacklogFacts(Backlog Backlog, Role Role, IReadOnlyList<(Item Item, ItemSummary Summary)> Items)
{
    /// <summary>Numbers of the items whose current round has a ballot posted.</summary>
    public IReadOnlySet<int> BallotsPosted { get; init; } = new HashSet<int>();

    /// <summary>Numbers of the items whose current round this person voted in.</summary>
    public IReadOnlySet<int> Voted { get; init; } = new HashSet<int>();

    /// <summary>The backlog's next ceremonies (from its schedule).</summary>
    public IReadOnlyList<Occurrence> NextCeremonies { get; init; } = [];
}

/// <summary>Builds a <see cref="HomeView"/> from domain facts. Pure.</summary>
public static class HomeViews
{
    /// <summary>Timeboxes ending within this are listed.</summary>
    public static readonly TimeSpan TimeboxHorizon = TimeSpan.FromDays(7);

    /// <summary>At most this many lines per list (the home holds 100 blocks); the rest are counted.</summary>
    public const int MaxPerList = 10;

    public const int MaxCeremonies = 5;

    public static HomeView Build(UserRef viewer, DateTimeOffset now, IReadOnlyList<HomeBacklogFacts> backlogs)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(backlogs);
        var ballots = new List<HomeEntry>();
        var notes = new List<HomeEntry>();
        var mine = new List<HomeEntry>();
        var timeboxes = new List<(HomeEntry Entry, DateTimeOffset End)>();
        var ceremonies = new List<HomeCeremony>();
        foreach (var b in backlogs)
        {
            var name = b.Backlog.Name;
            foreach (var (item, summary) in b.Items.Where(i => IsOpen(i.Item)).OrderBy(i => i.Item.Number))
            {
                var show = new ActionButton(ButtonIds.Show, "Show", summary.Ref);
                if (b.BallotsPosted.Contains(item.Number) && !b.Voted.Contains(item.Number) && item.Score?.Round != item.Round
                    && Permissions.Allows(b.Role, Permission.Vote))
                {
                    ballots.Add(new HomeEntry(summary, name, $"round {item.Round} is open", [new(ButtonIds.Vote, "Vote", summary.Ref, ButtonStyle.Primary), show]));
                }

                // Note requests name the backlog's engineers (CapabilityNoteRequestView), so those are who is asked.
                if (CapabilityNoteRules.NeedsCapabilityNote(item) && b.Role == Role.Engineer)
                {
                    var asked = item.Feature?.CapabilityNoteRequestedAt is { } at ? $"asked {at:yyyy-MM-dd}" : "asked";
                    notes.Add(new HomeEntry(summary, name, asked, [new(ButtonIds.AddCapabilityNote, Wording.AddCapabilityNote, summary.Ref, ButtonStyle.Primary), show]));
                }

                var owns = item.Owner?.Key == viewer.Key;
                if (owns || item.Reporter.Key == viewer.Key)
                {
                    var role = owns ? "yours" : "you reported it";
                    mine.Add(new HomeEntry(summary, name, $"{item.State.ToString().ToLowerInvariant()}, {role}", [show]));
                }

                if (owns && item.State == ItemState.Active && item.Model?.Timebox is { } timebox && timebox.End - now <= TimeboxHorizon)
                {
                    var detail = timebox.End <= now ? $"timebox ended {timebox.End:yyyy-MM-dd}" : $"timebox ends {timebox.End:yyyy-MM-dd}";
                    timeboxes.Add((new HomeEntry(summary, name, detail, [show]), timebox.End));
                }
            }

            ceremonies.AddRange(b.NextCeremonies.Where(o => o.Kind is not null).Select(o => new HomeCeremony(name, CeremonyNames.Of(o.Kind!.Value), o.At, b.Backlog.TimeZone)));
        }

        return new HomeView(viewer, now)
        {
            Ballots = ballots,
            NotesRequested = notes,
            MyItems = [.. mine.OrderBy(e => e.Item.State).ThenBy(e => e.BacklogName, StringComparer.OrdinalIgnoreCase).ThenBy(e => e.Item.Number)],
            Timeboxes = [.. timeboxes.OrderBy(t => t.End).Select(t => t.Entry)],
            Ceremonies = [.. ceremonies.OrderBy(c => c.At).Take(MaxCeremonies)],
            Backlogs = [.. backlogs.Select(b => b.Backlog.Name).OrderBy(n => n, StringComparer.OrdinalIgnoreCase)],
        };
    }

    private static bool IsOpen(Item item) => item.State is not (ItemState.Done or ItemState.Closed);
}
