using System.Globalization;
using System.Text.Json.Nodes;

namespace TriageBot.Playground;

/// <summary>One message in a playground channel: a person's command or a bot card, possibly in a thread.</summary>
public sealed record FeedEntry(
    string Id,
    string Channel,
    string? Thread,
    string Author,
    bool FromBot,
    string? Text,
    JsonObject? Card,
    long Version,
    DateTimeOffset At,
    string? To = null);

/// <summary>
/// The playground's channels: an in-memory, append-and-update list of messages the page polls. In memory on purpose:
/// the playground is a local, single-instance tool, and its history is in the store anyway (items, votes, history);
/// only the chat transcript is lost on restart. Every post and update takes the next version, so a client asking
/// for <c>after=N</c> gets exactly what changed since it last looked.
/// </summary>
public sealed class PlaygroundFeed
{
    /// <summary>Oldest entries are dropped beyond this, so a long session cannot grow memory without bound.</summary>
    public const int MaxEntries = 2000;

    private readonly object _gate = new();
    private readonly List<FeedEntry> _entries = [];
    private readonly TimeProvider _time;
    private long _version;
    private long _ids;

    public PlaygroundFeed(TimeProvider time) => _time = time;

    /// <summary>The playground's clock: the time its cards count ages from.</summary>
    public DateTimeOffset Now => _time.GetUtcNow();

    public FeedEntry PostCard(string channel, string? thread, JsonObject card, string? to = null) =>
        Append(channel, thread, "TriageBot", fromBot: true, text: null, card, to);

    public FeedEntry PostText(string channel, string? thread, string author, string text) =>
        Append(channel, thread, author, fromBot: false, text, card: null, to: null);

    /// <summary>Replaces a bot card in place; false when there is no such message.</summary>
    public bool Update(string id, JsonObject card)
    {
        lock (_gate)
        {
            var index = _entries.FindIndex(e => e.Id == id);
            if (index < 0)
            {
                return false;
            }

            _entries[index] = _entries[index] with { Card = card, Version = ++_version };
            return true;
        }
    }

    public FeedEntry? Find(string id)
    {
        lock (_gate)
        {
            return _entries.Find(e => e.Id == id);
        }
    }

    /// <summary>Entries posted or updated after <paramref name="after"/>, in version order, and the latest version.</summary>
    public (IReadOnlyList<FeedEntry> Entries, long Version) Since(long after)
    {
        lock (_gate)
        {
            return ([.. _entries.Where(e => e.Version > after).OrderBy(e => e.Version)], _version);
        }
    }

    /// <summary>
    /// What <paramref name="viewer"/> may see of <see cref="Since(long)"/>: everything posted to the channel, and of the
    /// messages addressed to one person (private replies, direct messages) only their own. Nobody else's ever leaves the server.
    /// </summary>
    public (IReadOnlyList<FeedEntry> Entries, long Version) Since(long after, string viewer)
    {
        var (entries, version) = Since(after);
        return ([.. entries.Where(e => e.To is null || string.Equals(e.To, viewer, StringComparison.Ordinal))], version);
    }

    private FeedEntry Append(string channel, string? thread, string author, bool fromBot, string? text, JsonObject? card, string? to)
    {
        lock (_gate)
        {
            var entry = new FeedEntry("m" + (++_ids).ToString(CultureInfo.InvariantCulture), channel, thread, author, fromBot, text, card, ++_version, _time.GetUtcNow(), to);
            _entries.Add(entry);
            if (_entries.Count > MaxEntries)
            {
                _entries.RemoveAt(0);
            }

            return entry;
        }
    }
}
